using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CivicContracting.Web.Tests.Operations;

/// <summary>
/// The real co-hosted web app with tracing switched on (<c>Telemetry:Tracing=true</c>, no OTLP endpoint) and an in-memory
/// exporter added to its own tracer provider, so that the tests see exactly what an OTLP collector would receive.
/// </summary>
public sealed class TracedWebAppFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>Every activity the app's tracer provider exported.</summary>
    public List<Activity> Exported { get; } = [];

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Public { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = CivicContractingWebApp.Build(
            TestHosts.WebArgs(
                ("Orleans:Mode", "CoHosted"),
                ("Orleans:ClusterId", $"ops-tests-{Guid.NewGuid():N}"),
                ("Orleans:SiloPort", TestHosts.FreePort().ToString(CultureInfo.InvariantCulture)),
                ("Orleans:GatewayPort", TestHosts.FreePort().ToString(CultureInfo.InvariantCulture)),
                ("Telemetry:Tracing", "true")),
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Exported)));
        await _app.StartAsync();
        var address = TestHosts.AddressOf(_app);
        Operator = TestHosts.Client(address, WebAppFixture.OperatorToken);
        Public = TestHosts.Client(address, token: null);
    }

    public Activity[] Snapshot()
    {
        lock (Exported)
            return [.. Exported];
    }

    public async Task DisposeAsync()
    {
        Operator?.Dispose();
        Public?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TracedWebAppCollection : ICollectionFixture<TracedWebAppFixture>
{
    public const string Name = "traced web app";
}

[Collection(TracedWebAppCollection.Name)]
public sealed class OperationsTests(TracedWebAppFixture app)
{
    [Fact]
    public async Task One_progress_report_is_one_trace_from_the_web_request_through_the_grain_calls()
    {
        var commitment = await ConfirmedResultCommitmentAsync();

        var response = await app.Operator.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 40.0, note = "Counted in May" });
        await response.ReadAsync<CommitmentView>();

        // The server activity of the POST ends after the response is written: wait for it to be exported.
        var path = $"/api/commitments/{commitment.Id}/progress";
        var request = await Eventually.Value(
            () => Task.FromResult(app.Snapshot().FirstOrDefault(a => a.Kind == ActivityKind.Server && a.Source.Name == "Microsoft.AspNetCore" && Equals(a.GetTagItem("url.path"), path))),
            found => found is not null,
            TimeSpan.FromSeconds(10));
        Assert.True(request is not null, "The ASP.NET Core server activity of the progress report was not exported.");

        var trace = await Eventually.Value(
            () => Task.FromResult(app.Snapshot().Where(a => a.TraceId == request!.TraceId).ToArray()),
            activities => activities.Any(a => a.DisplayName.Contains("ContributionShardGrain", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10));
        var names = string.Join(", ", trace.Select(a => $"{a.Source.Name}:{a.DisplayName}"));
        Assert.Contains(trace, a => a.Source.Name == "Microsoft.Orleans.Application" && a.DisplayName.Contains("ICommitmentGrain/ReportProgress", StringComparison.Ordinal));
        Assert.True(trace.Any(a => a.Source.Name == "Microsoft.Orleans.Application" && a.DisplayName.Contains("IContributionShardGrain/Report", StringComparison.Ordinal)),
            $"The shard call is not in the request's trace; the trace holds: {names}");
        // One tree: every grain call of the trace descends from the web request.
        var byId = trace.ToDictionary(a => a.SpanId);
        foreach (var activity in trace.Where(a => a != request))
        {
            var ancestor = activity;
            while (ancestor.ParentSpanId != default && ancestor.ParentSpanId != request!.SpanId && byId.TryGetValue(ancestor.ParentSpanId, out var parent))
                ancestor = parent;
            Assert.True(ancestor.ParentSpanId == request!.SpanId, $"{activity.DisplayName} does not descend from the web request; the trace holds: {names}");
        }
    }

    [Fact]
    public async Task Prometheus_scrapes_our_metrics_after_a_progress_report()
    {
        var commitment = await ConfirmedResultCommitmentAsync();
        await (await app.Operator.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 30.0 })).ReadAsync<CommitmentView>();

        // The exporter caches a scrape briefly; read until the counters show up. Only with the metrics token (MetricsAccessTests).
        using var scraper = TestHosts.Client(app.Public.BaseAddress!, WebAppFixture.MetricsToken);
        var text = await Eventually.Value(
            () => scraper.GetStringAsync("/metrics"),
            t => t.Contains("civic_progress_reports", StringComparison.Ordinal) && t.Contains("civic_shard_flushes", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.Contains("civic_progress_reports", text, StringComparison.Ordinal);
        Assert.Contains("civic_shard_flushes", text, StringComparison.Ordinal);
        Assert.Contains("civic_shard_batch_size", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal); // ASP.NET Core
        Assert.Contains("orleans_", text, StringComparison.Ordinal); // the Orleans meter

        // The aggregation lag is recorded once the shard publishes (every 200 ms).
        text = await Eventually.Value(
            () => scraper.GetStringAsync("/metrics"),
            t => t.Contains("civic_aggregation_lag", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.Contains("civic_aggregation_lag", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health/startup")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        var response = await app.Public.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Equal("Healthy", text);
    }

    [Fact]
    public async Task The_dashboard_is_for_operators_only()
    {
        var anonymous = await app.Public.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal); // the browser asks for the token

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-operator-token-at-all");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Public.SendAsync(wrong)).StatusCode);

        var page = await app.Operator.GetAsync("/dashboard/");
        var text = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"/dashboard/ with the operator token: {(int)page.StatusCode} {text}");
        Assert.Contains("<html", text, StringComparison.OrdinalIgnoreCase);

        // What a browser sends after the Basic prompt: any user name, the operator token as password.
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"operator:{WebAppFixture.OperatorToken}")));
        Assert.Equal(HttpStatusCode.OK, (await app.Public.SendAsync(basic)).StatusCode);
    }

    private async Task<CommitmentView> ConfirmedResultCommitmentAsync()
    {
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var goal = await app.Operator.DefineGoalAsync();
        var commitment = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (goal, 1.0));
        await app.Operator.ConfirmAsync(commitment.Id);
        return commitment;
    }
}
