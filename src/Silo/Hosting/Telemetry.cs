using CivicContracting.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// OpenTelemetry for every Civic Contracting host (the silo and the web app).
/// <list type="bullet">
/// <item>Metrics, always: Orleans' meter, the .NET runtime's and our own (<see cref="CivicMetrics.MeterName"/>), served for
/// Prometheus at <c>/metrics</c> (<see cref="MapCivicContractingMetrics"/>; off with <c>Telemetry:Prometheus=false</c>).</item>
/// <item>Traces of grain calls (Orleans' activity sources; the hosts add ASP.NET Core) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set or <c>Telemetry:Tracing=true</c>. Without a reader the silo does not pay for an activity on every grain call.</item>
/// <item>The OTLP exporter (all signals) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; it takes its other settings from the
/// standard <c>OTEL_EXPORTER_OTLP_*</c> and <c>OTEL_*</c> variables.</item>
/// </list>
/// Hosts add their own instrumentation to the returned builder (for example
/// <c>.WithTracing(t =&gt; t.AddAspNetCoreInstrumentation())</c>) and must not register a second OTLP exporter.
/// </summary>
public static class Telemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Configuration key: traces on without an OTLP endpoint (for an in-process reader, e.g. a test).</summary>
    public const string TracingSetting = "Telemetry:Tracing";

    /// <summary>Configuration key: the Prometheus scrape endpoint (default on).</summary>
    public const string PrometheusSetting = "Telemetry:Prometheus";

    /// <summary>Where Prometheus scrapes.</summary>
    public const string PrometheusPath = "/metrics";

    /// <summary>The meter of the Orleans runtime (messaging, grains, scheduler, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: calls to runtime grains and calls to application grains.</summary>
    public static IReadOnlyList<string> OrleansActivitySources { get; } = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IOpenTelemetryBuilder AddCivicContractingTelemetry(this IHostApplicationBuilder builder, string serviceName) =>
        builder.Services.AddCivicContractingTelemetry(builder.Configuration, serviceName);

    public static IOpenTelemetryBuilder AddCivicContractingTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var prometheus = IsPrometheusEnabled(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(OrleansMeter)
                    .AddMeter(CivicMetrics.MeterName)
                    .AddRuntimeInstrumentation();
                if (prometheus)
                    metrics.AddPrometheusExporter();
            });
        if (IsTracingEnabled(configuration))
            telemetry.WithTracing(tracing => tracing.AddSource([.. OrleansActivitySources]));
        if (IsOtlpExportConfigured(configuration))
            telemetry.UseOtlpExporter();
        return telemetry;
    }

    /// <summary>
    /// Maps the Prometheus scrape endpoint at <see cref="PrometheusPath"/> when it is enabled and reachable only as
    /// <see cref="MetricsAccess"/> says: on <c>Telemetry:MetricsPort</c>, with <c>Telemetry:MetricsToken</c>, or both. With
    /// neither it is not served at all: the metrics tell strangers too much (load, error rates, versions).
    /// </summary>
    public static IEndpointRouteBuilder MapCivicContractingMetrics(this IEndpointRouteBuilder endpoints)
    {
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        var access = MetricsAccess.Read(configuration);
        if (IsPrometheusEnabled(configuration) && access.IsServed)
            endpoints.MapPrometheusScrapingEndpoint(PrometheusPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(access.Gate), optionsName: null);
        return endpoints;
    }

    /// <summary>True when an OTLP endpoint is configured (environment variable or configuration key of the same name).</summary>
    public static bool IsOtlpExportConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable] ?? Environment.GetEnvironmentVariable(OtlpEndpointVariable));

    /// <summary>Traces are recorded when something exports them: an OTLP endpoint, or <c>Telemetry:Tracing=true</c>.</summary>
    public static bool IsTracingEnabled(IConfiguration configuration) =>
        IsOtlpExportConfigured(configuration) || configuration.GetValue(TracingSetting, false);

    public static bool IsPrometheusEnabled(IConfiguration configuration) => configuration.GetValue(PrometheusSetting, true);
}
