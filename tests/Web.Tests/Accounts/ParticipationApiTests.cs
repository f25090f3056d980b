using System.Net;
using System.Text.Json.Nodes;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Goals;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>Conditional commitments, co-signers, templates and following, through the API as people use them.</summary>
[Collection(WebAppCollection.Name)]
public sealed class ParticipationApiTests(WebAppFixture app)
{
    [Fact]
    public async Task A_commitment_conditional_on_one_neighbour_joining_counts_only_once_a_neighbour_joins()
    {
        var goal = await app.Operator.DefineGoalAsync();
        using var first = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        using var neighbour = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        var created = await (await first.Client.PostAsync("/api/commitments", new
        {
            participantId = first.ParticipantId,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(13),
            terms = TestApi.PledgeTerms(),
            condition = new { kind = "neighbourhoodThreshold", requiredCoSigners = 1, deadline = DateTimeOffset.UtcNow.AddDays(30) },
        })).ReadAsync<CommitmentView>(HttpStatusCode.Created);
        var text = await first.Client.GetAsync<CommitmentTextView>($"/api/commitments/{created.Id}/text");
        var confirmed = await (await first.Client.PostAsync($"/api/commitments/{created.Id}/confirmation", new { textHash = text.TextHash })).ReadAsync<CommitmentView>();
        Assert.Equal(ConditionStatus.Waiting, confirmed.ConditionStatus);
        Assert.False(confirmed.CountsInAggregates);
        // The goal's aggregate takes it in as confirmed (so the pipeline ran), and it does not count as engaged.
        var waiting = await Eventually.Value(() => app.Public.GetAsync<GoalDetails>($"/api/goals/{goal}"),
            g => g.Engagement.Totals.ByStatus.GetValueOrDefault(CommitmentStatus.Confirmed) == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(0, waiting.Engagement.Totals.EngagedCommitments);

        // Joining for someone one does not act for is refused; for oneself it meets the condition.
        await (await neighbour.Client.PostAsync($"/api/commitments/{created.Id}/co-signers", new { participantId = first.ParticipantId })).ProblemAsync(HttpStatusCode.Forbidden);
        var joined = await (await neighbour.Client.PostAsync($"/api/commitments/{created.Id}/co-signers", new { participantId = neighbour.ParticipantId })).ReadAsync<CommitmentView>();
        Assert.Equal(ConditionStatus.Met, joined.ConditionStatus);
        Assert.Equal(1, joined.CoSignerCount);
        var goalView = await Eventually.Value(() => app.Public.GetAsync<GoalDetails>($"/api/goals/{goal}"), g => g.Engagement.Totals.EngagedCommitments == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, goalView.Engagement.Totals.EngagedCommitments);
    }

    [Fact]
    public async Task A_template_is_offered_by_the_support_team_and_each_copy_counts_in_its_own_neighbourhood()
    {
        var goal = await app.Operator.DefineGoalAsync();
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(5));
        var city = await app.Operator.RegisterAsync(ParticipantKind.City, TestApi.Neighbourhood(1));
        var templateRequest = new
        {
            participantId = person.ParticipantId,
            goals = new[] { new { goalId = goal } },
            neighbourhoodCode = TestApi.Neighbourhood(5),
            terms = TestApi.PledgeTerms(),
            isTemplate = true,
        };
        await (await person.Client.PostAsync("/api/commitments", templateRequest)).ProblemAsync(HttpStatusCode.Forbidden);
        var template = await (await app.Operator.PostAsync("/api/commitments", templateRequest with { participantId = city }))
            .ReadAsync<CommitmentView>(HttpStatusCode.Created);
        Assert.True(template.IsTemplate);

        var copy = await (await person.Client.PostAsync($"/api/commitments/{template.Id}/copies", new { participantId = person.ParticipantId, neighbourhoodCode = TestApi.Neighbourhood(5) }))
            .ReadAsync<CommitmentView>(HttpStatusCode.Created);
        Assert.Equal(template.Id, copy.TemplateId);
        Assert.Equal(CommitmentStatus.Draft, copy.Status);
        var text = await person.Client.GetAsync<CommitmentTextView>($"/api/commitments/{copy.Id}/text");
        await (await person.Client.PostAsync($"/api/commitments/{copy.Id}/confirmation", new { textHash = text.TextHash })).ReadAsync<CommitmentView>();
        var place = await Eventually.Value(() => app.Public.GetAsync<JsonObject>($"/api/places/{TestApi.Neighbourhood(5)}/commitments?pageSize=100"),
            p => p["items"]!.AsArray().Any(i => (string)i!["id"]! == copy.Id), TimeSpan.FromSeconds(10));
        Assert.Contains(place["items"]!.AsArray(), i => (string)i!["id"]! == copy.Id);
        Assert.Equal(1, (await app.Public.GetAsync<CommitmentView>($"/api/commitments/{template.Id}")).TemplateCopyCount);

        // Taking up something that is not a template is refused, naming it.
        await (await person.Client.PostAsync($"/api/commitments/{copy.Id}/copies", new { participantId = person.ParticipantId, neighbourhoodCode = TestApi.Neighbourhood(5) })).ProblemNamingAsync("id");
    }

    [Fact]
    public async Task A_follower_of_a_goal_sees_a_report_in_their_feed_marks_it_read_and_may_turn_on_email()
    {
        var goal = await app.Operator.DefineGoalAsync();
        using var follower = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        await (await follower.Client.PostAsync("/api/me/follows", new { kind = "goal", id = goal })).ReadAsync<JsonObject>();
        await (await follower.Client.PostAsync("/api/me/follows", new { kind = "planet", id = "x" })).ProblemNamingAsync("kind");
        // The goal, and (from sign-up) the person's own participant.
        var topics = (await follower.Client.GetAsync<JsonObject>("/api/me/follows"))["topics"]!.AsArray().Select(t => ((string)t!["topic"]!["kind"]!, (string)t["topic"]!["id"]!)).ToList();
        Assert.Equal([("participant", follower.ParticipantId!), ("goal", goal)], topics.OrderByDescending(t => t.Item1));

        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var commitment = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (goal, 1));
        await app.Operator.ConfirmAsync(commitment.Id);
        await (await app.Operator.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 40 })).ReadAsync<CommitmentView>();

        var feed = await Eventually.Value(() => follower.Client.GetAsync<JsonObject>("/api/me/feed"), f => f["items"]!.AsArray().Count >= 2, TimeSpan.FromSeconds(10));
        Assert.Equal(["progressReported", "commitmentConfirmed"], feed["items"]!.AsArray().Select(i => (string)i!["event"]!["kind"]!));
        Assert.Equal(2, (int)feed["unreadCount"]!);
        var newest = (long)feed["items"]![0]!["sequence"]!;
        await (await follower.Client.PostAsync("/api/me/feed/read", new { upTo = newest })).ReadAsync<JsonObject>();
        Assert.Empty((await follower.Client.GetAsync<JsonObject>("/api/me/feed?unread=true"))["items"]!.AsArray());

        var email = await (await follower.Client.PutAsync("/api/me/notifications/email", new { enabled = true })).ReadAsync<JsonObject>();
        Assert.True((bool)email["enabled"]!);
        Assert.Equal(follower.LoginName, (string)email["address"]!);
        await (await app.Public.GetAsync("/api/me/feed")).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
