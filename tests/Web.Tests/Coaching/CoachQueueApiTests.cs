using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Coaching;

/// <summary>
/// Phases through the API and on the site, and the coach queue (GET /api/coach/queue) filled by a commitment's own
/// reminder, on an app of its own whose reminders fire within a second or two of being due (Coaching:ReminderDelay).
/// </summary>
public sealed class CoachQueueApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync("coach-queue-tests", ("Coaching:ReminderDelay", "00:00:01"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_commitment_overdue_with_its_report_shows_its_phase_and_its_reminder_puts_it_in_the_queue_that_only_coaches_and_administrators_read()
    {
        using var operatorClient = TestHosts.Client(_app.BaseAddress, WebAppFixture.OperatorToken);
        using var anonymous = TestHosts.Client(_app.BaseAddress, null);
        using var coach = await People.SignUpAsync(_app.BaseAddress, TestApi.Neighbourhood(13));
        using var person = await People.SignUpAsync(_app.BaseAddress, TestApi.Neighbourhood(13));
        await People.GrantAsync(operatorClient, coach.AccountId, "coach");

        var goal = await operatorClient.DefineGoalAsync();
        var school = await operatorClient.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var id = $"c-test-{Guid.NewGuid():N}";
        var created = await (await operatorClient.PostAsync("/api/commitments", new
        {
            id,
            participantId = school,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.PledgeTerms(),
            reportingInterval = "30.00:00:00",
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("drafting", (string)created["phase"]!);
        Assert.Equal("30.00:00:00", (string)created["reportingInterval"]!);

        // Signed on paper 40 days ago and entered by the support team now: its monthly report is overdue at once.
        var text = await operatorClient.GetAsync<CommitmentTextView>($"/api/commitments/{id}/text");
        var confirmed = await (await operatorClient.PostAsync($"/api/commitments/{id}/confirmation", new
        {
            confirmedBy = "Head teacher",
            textHash = text.TextHash,
            signedAt = DateTimeOffset.UtcNow.AddDays(-40),
        })).ReadAsync<JsonObject>();
        Assert.Equal("reportingDue", (string)confirmed["phase"]!);
        Assert.NotNull(confirmed["nextReportDue"]);

        // Its reminder fires by itself and queues it for the coaches.
        var queue = await Eventually.Value(() => coach.Client.GetAsync<JsonObject>("/api/coach/queue"),
            q => q["items"]!.AsArray().Any(e => (string)e!["commitmentId"]! == id), TimeSpan.FromSeconds(30));
        var entry = queue["items"]!.AsArray().Single(e => (string)e!["commitmentId"]! == id)!;
        Assert.Equal("reportOverdue", (string)entry["reason"]!);
        Assert.Equal(school, (string)entry["participantId"]!);
        Assert.Equal(TestApi.Neighbourhood(13), (string)entry["neighbourhoodCode"]!);
        Assert.Equal(1, (int)entry["nudgeCount"]!);
        var view = await anonymous.GetAsync<JsonObject>($"/api/commitments/{id}");
        Assert.Equal(1, (int)view["nudgeCount"]!);
        Assert.NotNull(view["lastNudgedAt"]);

        // Filters, and who may read it.
        Assert.Contains((await coach.Client.GetAsync<JsonObject>($"/api/coach/queue?neighbourhood={TestApi.Neighbourhood(13)}&reason=reportOverdue"))["items"]!.AsArray(),
            e => (string)e!["commitmentId"]! == id);
        Assert.Empty((await coach.Client.GetAsync<JsonObject>($"/api/coach/queue?neighbourhood={TestApi.Neighbourhood(2)}"))["items"]!.AsArray());
        Assert.Empty((await coach.Client.GetAsync<JsonObject>("/api/coach/queue?reason=deadlinePassed"))["items"]!.AsArray());
        await (await coach.Client.GetAsync("/api/coach/queue?reason=someday")).ProblemNamingAsync("reason");
        await (await coach.Client.GetAsync("/api/coach/queue?neighbourhood=nowhere")).ProblemNamingAsync("neighbourhood");
        Assert.Contains((await operatorClient.GetAsync<JsonObject>("/api/coach/queue"))["items"]!.AsArray(), e => (string)e!["commitmentId"]! == id);
        await (await anonymous.GetAsync("/api/coach/queue")).ProblemAsync(HttpStatusCode.Unauthorized);
        var refused = await (await person.Client.GetAsync("/api/coach/queue")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("coach", (string)refused["detail"]!, StringComparison.Ordinal);

        // The public page shows the phase, in Dutch.
        var page = await anonymous.GetStringAsync($"/commitments/{id}");
        Assert.Contains("data-phase=\"reportingDue\"", page, StringComparison.Ordinal);
        Assert.Contains("Voortgangsrapport verwacht", page, StringComparison.Ordinal);

        // A report takes it out of the queue and puts it back in progress.
        var reported = await (await operatorClient.PostAsync($"/api/commitments/{id}/progress", new { note = "The bike shed is built." })).ReadAsync<JsonObject>();
        Assert.Equal("inProgress", (string)reported["phase"]!);
        Assert.DoesNotContain((await coach.Client.GetAsync<JsonObject>("/api/coach/queue"))["items"]!.AsArray(), e => (string)e!["commitmentId"]! == id);
    }

    [Fact]
    public async Task The_account_page_lists_each_commitment_with_its_phase()
    {
        using var operatorClient = TestHosts.Client(_app.BaseAddress, WebAppFixture.OperatorToken);
        using var person = await People.SignUpAsync(_app.BaseAddress, TestApi.Neighbourhood(13));
        var goal = await operatorClient.DefineGoalAsync();
        await (await person.Client.PostAsync("/api/commitments", new
        {
            participantId = person.ParticipantId,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = new { level = "pledge", title = "Something for cleaner air", description = "" },
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var confirmed = await person.Client.CommitAsync(person.ParticipantId!, TestApi.Neighbourhood(13), TestApi.PledgeTerms(), (goal, 1.0));
        await person.Client.ConfirmAsync(confirmed.Id);

        var page = await person.Client.GetStringAsync("/account");
        Assert.Contains("data-phase=\"intent\"", page, StringComparison.Ordinal);
        Assert.Contains("Intentie", page, StringComparison.Ordinal);
        Assert.Contains("data-phase=\"confirmed\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reporting_interval_outside_7_to_365_days_is_refused_naming_the_field()
    {
        using var operatorClient = TestHosts.Client(_app.BaseAddress, WebAppFixture.OperatorToken);
        var goal = await operatorClient.DefineGoalAsync();
        var school = await operatorClient.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        await (await operatorClient.PostAsync("/api/commitments", new
        {
            participantId = school,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.PledgeTerms(),
            reportingInterval = "2.00:00:00",
        })).ProblemNamingAsync("reportingInterval");
    }
}
