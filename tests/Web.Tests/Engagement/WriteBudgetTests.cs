using System.Net;
using System.Text.RegularExpressions;
using CivicContracting.Accounts;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Tests.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Tests.Engagement;

/// <summary>
/// Issue 14, finding 2: one resident created 1,000 drafts in 1.3 s and raised the city's commitment count by 200 pledges in
/// 1.6 s. Now every account has an hourly budget of drafts, confirmations and reports (WriteBudgets:*); beyond it the
/// commands answer 429 problem+json with Retry-After and store nothing, the site's forms say so in Dutch, and other
/// accounts and the operator token are unaffected.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class WriteBudgetTests(WebAppFixture app)
{
    private const string Neighbourhood = "24062W05";

    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    private WriteBudgetOptions Budgets => app.Services.GetRequiredService<IOptions<WriteBudgetOptions>>().Value;

    [Fact]
    public async Task A_thousand_drafts_at_once_store_only_the_hours_budget_and_the_rest_are_refused_with_retry_after()
    {
        using var resident = await People.SignUpAsync(app.BaseAddress, Neighbourhood);
        var actor = await ActorOfAsync(resident.AccountId);
        var goal = await app.Operator.DefineGoalAsync();
        var create = app.Services.GetRequiredService<CreateCommitmentCommand>();
        var draft = Draft(resident.ParticipantId!, goal);

        var created = 0;
        var refused = new List<ApiProblemException>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            try
            {
                await create.RunAsync(actor, draft, null);
                Interlocked.Increment(ref created);
            }
            catch (ApiProblemException problem) when (problem.Status == (int)HttpStatusCode.TooManyRequests)
            {
                lock (refused)
                    refused.Add(problem);
            }
        });

        // The budget refills evenly over the hour: within the seconds this takes, at most one more.
        Assert.InRange(created, Budgets.DraftsPerHour, Budgets.DraftsPerHour + 1);
        Assert.Equal(1_000 - created, refused.Count);
        Assert.All(refused, r => Assert.True(r.RetryAfter > TimeSpan.Zero));
        Assert.Equal(created, (await Orleans.GetGrain<IParticipantGrain>(resident.ParticipantId!).GetProfile())!.CommitmentIds.Count);

        // Over HTTP: 429 problem+json with Retry-After, naming the setting; nothing stored.
        using var response = await resident.Client.PostAsync("/api/commitments", new
        {
            participantId = resident.ParticipantId,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = Neighbourhood,
            terms = TestApi.PledgeTerms(),
        });
        var problem = await response.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("WriteBudgets:DraftsPerHour", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a Retry-After in seconds");
        Assert.Equal(created, (await Orleans.GetGrain<IParticipantGrain>(resident.ParticipantId!).GetProfile())!.CommitmentIds.Count);

        // Another account is unaffected, and so is the operator token (imports, demo data, benchmarks).
        using var neighbour = await People.SignUpAsync(app.BaseAddress, Neighbourhood);
        await create.RunAsync(await ActorOfAsync(neighbour.AccountId), Draft(neighbour.ParticipantId!, goal), null);
        for (var i = 0; i < Budgets.DraftsPerHour + 5; i++)
            await create.RunAsync(Actor.Operator, draft, null);
    }

    [Fact]
    public async Task Two_hundred_pledges_raise_the_city_count_by_at_most_the_confirmation_budget()
    {
        using var resident = await People.SignUpAsync(app.BaseAddress, Neighbourhood);
        var actor = await ActorOfAsync(resident.AccountId);
        var goal = await app.Operator.DefineGoalAsync();
        // The operator drafts them (no budget), so only the resident's confirmations are limited here.
        var drafts = new List<CommitmentView>();
        for (var i = 0; i < 200; i++)
            drafts.Add((await app.Services.GetRequiredService<CreateCommitmentCommand>().RunAsync(Actor.Operator, Draft(resident.ParticipantId!, goal), null)).View);
        var confirm = app.Services.GetRequiredService<ConfirmCommitmentCommand>();
        var confirmed = 0;
        var refused = 0;
        await Parallel.ForEachAsync(drafts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (d, _) =>
        {
            try
            {
                await confirm.RunAsync(await confirm.AuthoriseAsync(actor, d.Id), new ConfirmationInput(CommitmentText.Hash(d.Terms), Language: CommitmentText.DefaultLanguage));
                Interlocked.Increment(ref confirmed);
            }
            catch (ApiProblemException problem) when (problem.Status == (int)HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref refused);
            }
        });
        Assert.InRange(confirmed, Budgets.ConfirmationsPerHour, Budgets.ConfirmationsPerHour + 1);
        Assert.Equal(200 - confirmed, refused);
        var goalFigures = await Eventually.Value(() => Orleans.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal)).GetSnapshot(),
            s => s.Totals.EngagedCommitments >= confirmed, what: "the confirmed pledges counted");
        Assert.Equal(confirmed, goalFigures.Totals.EngagedCommitments);
    }

    [Fact]
    public async Task The_confirmation_form_says_in_Dutch_that_the_budget_is_spent_and_stores_nothing()
    {
        using var resident = await People.SignUpAsync(app.BaseAddress, Neighbourhood);
        var goal = await app.Operator.DefineGoalAsync();
        var draft = (await app.Services.GetRequiredService<CreateCommitmentCommand>().RunAsync(Actor.Operator, Draft(resident.ParticipantId!, goal), null)).View;
        // Spend the hour's confirmations as 60 quick ones would.
        var budget = Orleans.GetGrain<IWriteBudgetGrain>(resident.AccountId);
        while (await budget.TrySpend(BudgetedWrite.Confirmation, Budgets.ConfirmationsPerHour) is null)
        {
        }

        var page = await resident.Client.GetStringAsync($"/commitments/{draft.Id}/confirm");
        using var sent = await resident.Client.PostAsync($"/commitments/{draft.Id}/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value,
            ["confirmedHash"] = CommitmentText.Hash(draft.Terms),
            ["commit"] = "true",
        }));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("erg veel engagementen bevestigd", WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(CommitmentStatus.Draft, (await Orleans.GetGrain<ICommitmentGrain>(draft.Id).Get())!.Status);
    }

    private static CommitmentDraft Draft(string participantId, string goal) =>
        new(participantId, [new GoalWeight(goal)], Neighbourhood, new CommitmentTerms(CommitmentLevel.Pledge, "Wij fietsen naar school", "Een belofte."));

    private async Task<Actor> ActorOfAsync(string accountId) =>
        new(ActorKind.Session, await Orleans.GetGrain<IAccountGrain>(accountId).Get(), null);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
