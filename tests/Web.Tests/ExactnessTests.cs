using System.Net;
using System.Text.Json;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Tests.Shared;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Paging;
using CivicContracting.Web.Places;
using CivicContracting.Web.Tests.ReadModel;

namespace CivicContracting.Web.Tests;

/// <summary>
/// Acceptance 3: after 1,000 concurrent random progress reports through HTTP (with duplicates), every aggregate —
/// goals with their ambition, neighbourhoods, districts and the city — equals a recomputation from the commitments
/// as GET /api/commitments/{id} shows them, done here with plain LINQ.
/// </summary>
[Collection(IsolatedWebAppCollection.Name)]
public sealed class ExactnessTests(IsolatedWebAppFixture app)
{
    private const int Reports = 1_000;
    private const int Duplicates = 150;
    private const int Verifications = 200;
    private const int VerificationRepeats = 40;
    private const int SecondWaveReports = 150;

    [Fact]
    public async Task After_1000_concurrent_reports_with_duplicates_and_a_wave_of_verifications_every_aggregate_equals_a_recomputation_from_the_commitments()
    {
        var api = app.Operator;
        var random = new Random(20300630);
        var catalog = PlaceCatalog.Leuven;
        var neighbourhoods = catalog.Neighbourhoods.Select(p => p.Code).ToList();

        // Participants of every kind, goals with an ambition and two objectives, and commitments across the spectrum.
        var kinds = new Dictionary<string, ParticipantKind>();
        foreach (var kind in Enum.GetValues<ParticipantKind>())
        {
            for (var i = 0; i < 3; i++)
                kinds[await api.RegisterAsync(kind, neighbourhoods[random.Next(neighbourhoods.Count)])] = kind;
        }
        var participants = kinds.Keys.ToList();
        var ambition = await api.DefineGoalAsync();
        var objectives = new[] { await api.DefineGoalAsync(ambition), await api.DefineGoalAsync(ambition) };
        var standalone = await api.DefineGoalAsync();
        var lineage = new Dictionary<string, string[]>
        {
            [ambition] = [ambition],
            [objectives[0]] = [objectives[0], ambition],
            [objectives[1]] = [objectives[1], ambition],
            [standalone] = [standalone],
        };
        var goalIds = lineage.Keys.ToList();

        var commitments = new List<CommitmentView>();
        for (var i = 0; i < 40; i++)
        {
            var goals = goalIds.OrderBy(_ => random.Next()).Take(random.Next(1, 3))
                .Select(g => (g, Math.Round(0.5 + random.NextDouble() * 2.5, 2))).ToArray();
            var terms = (i % 3) switch
            {
                0 => TestApi.ResultTerms(baseline: random.Next(0, 50), target: random.Next(60, 100)),
                1 => TestApi.ActionTerms(random.Next(1, 6)),
                _ => TestApi.PledgeTerms(),
            };
            commitments.Add(await api.CommitAsync(participants[random.Next(participants.Count)], neighbourhoods[random.Next(neighbourhoods.Count)], terms, goals));
        }
        // Most are confirmed; some stay drafts, two are withdrawn, one is closed as achieved.
        var confirmed = commitments.Where((_, i) => i % 8 != 7).Select(c => c.Id).ToList();
        foreach (var id in confirmed)
            await api.ConfirmAsync(id);
        foreach (var id in confirmed.Take(2))
            await (await api.PostAsync($"/api/commitments/{id}/withdrawal", new { reason = "Changed plans." })).ReadAsync<CommitmentView>();
        await (await api.PostAsync($"/api/commitments/{confirmed[2]}/closure", new { outcome = "achieved" })).ReadAsync<CommitmentView>();
        var reportable = commitments.Where(c => confirmed.Skip(3).Contains(c.Id)).ToList();

        // 1,000 requests at once: 850 distinct reports, 150 of them sent a second time with the same reportId.
        var now = DateTimeOffset.UtcNow;
        var distinct = Enumerable.Range(0, Reports - Duplicates).Select(i =>
        {
            var c = reportable[random.Next(reportable.Count)];
            object body = c.Terms.Level switch
            {
                CommitmentLevel.Result => new { reportId = $"r-{i}", reportedAt = now.AddSeconds(-random.Next(1, 100_000)), value = Math.Round(random.NextDouble() * 120, 3) },
                CommitmentLevel.Action => new { reportId = $"r-{i}", reportedAt = now.AddSeconds(-random.Next(1, 100_000)), completedMilestoneId = c.Terms.Milestones![random.Next(c.Terms.Milestones.Count)].Id },
                _ => (object)new { reportId = $"r-{i}", reportedAt = now.AddSeconds(-random.Next(1, 100_000)), note = "Still on it." },
            };
            return (c.Id, Body: JsonSerializer.Serialize(body, TestApi.Json));
        }).ToList();
        var requests = distinct.Concat(distinct.OrderBy(_ => random.Next()).Take(Duplicates)).OrderBy(_ => random.Next()).ToList();
        var responses = await Task.WhenAll(requests.Select(async r =>
        {
            using var content = new StringContent(r.Body, System.Text.Encoding.UTF8, "application/json");
            using var response = await api.PostAsync($"/api/commitments/{r.Id}/progress", content);
            return (response.StatusCode, Text: response.StatusCode == HttpStatusCode.OK ? "" : await response.Content.ReadAsStringAsync());
        }));
        Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode}: {r.Text}"));

        // A second wave, all at once: the support team verifies 200 of those claims (40 of them twice) while 150 new reports
        // arrive, so verified progress moves under concurrency with the progress it is a part of.
        var claims = distinct.Select((r, i) => (r.Id, ReportId: $"r-{i}", IsClaim: !r.Body.Contains("\"note\"", StringComparison.Ordinal)))
            .Where(r => r.IsClaim).OrderBy(_ => random.Next()).Take(Verifications).ToList();
        var verifications = claims.Concat(claims.Take(VerificationRepeats)).Select(c =>
            (Path: $"/api/commitments/{c.Id}/reports/{c.ReportId}/verification", Body: JsonSerializer.Serialize(new { note = "Checked on site." }, TestApi.Json)));
        var secondReports = Enumerable.Range(0, SecondWaveReports).Select(i =>
        {
            var c = reportable[random.Next(reportable.Count)];
            object body = c.Terms.Level switch
            {
                CommitmentLevel.Result => new { reportId = $"r2-{i}", reportedAt = now.AddSeconds(-random.Next(1, 100_000)), value = Math.Round(random.NextDouble() * 120, 3) },
                CommitmentLevel.Action => new { reportId = $"r2-{i}", reportedAt = now.AddSeconds(-random.Next(1, 100_000)), completedMilestoneId = c.Terms.Milestones![random.Next(c.Terms.Milestones.Count)].Id },
                _ => (object)new { reportId = $"r2-{i}", reportedAt = now.AddSeconds(-random.Next(1, 100_000)), note = "Still on it." },
            };
            return (Path: $"/api/commitments/{c.Id}/progress", Body: JsonSerializer.Serialize(body, TestApi.Json));
        });
        var secondWave = await Task.WhenAll(verifications.Concat(secondReports).OrderBy(_ => random.Next()).ToList().Select(async r =>
        {
            using var content = new StringContent(r.Body, System.Text.Encoding.UTF8, "application/json");
            using var response = await api.PostAsync(r.Path, content);
            return (response.StatusCode, Text: response.StatusCode == HttpStatusCode.OK ? "" : $"{r.Path}: {await response.Content.ReadAsStringAsync()}");
        }));
        Assert.All(secondWave, r => Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode}: {r.Text}"));

        // The truth: every commitment as its own resource shows it.
        // A commitment carries its newest reports; its whole history is read through its pages.
        var views = new List<CommitmentView>();
        foreach (var c in commitments)
        {
            var view = await api.GetAsync<CommitmentView>($"/api/commitments/{c.Id}");
            var history = await api.AllReportsAsync(c.Id);
            Assert.Equal(view.ReportCount, history.Count);
            views.Add(view with { Reports = history });
        }
        Assert.Equal(Reports - Duplicates + SecondWaveReports, views.Sum(v => v.Reports.Count));
        Assert.Equal(Verifications, views.Sum(v => v.Verifications?.Count(x => x.Tier == VerificationTier.Verified) ?? 0));

        // Each commitment's verified progress, recomputed here from its reports and verifications (README, "Progress
        // semantics"): a result's newest verified value (capped at its progress, 0 without one); an action's verified
        // completed actions over all of them.
        foreach (var v in views)
            Assert.True(Close(ExpectedVerifiedProgress(v), v.VerifiedProgress), $"{v.Id}: verified progress {v.VerifiedProgress}, expected {ExpectedVerifiedProgress(v)}");
        Assert.True(views.Count(v => v.VerifiedProgress > 0) >= 10, $"Too few commitments with verified progress to test anything: {views.Count(v => v.VerifiedProgress > 0)}.");

        var scopes = new Dictionary<string, string>(); // scope → API path of its resource
        foreach (var goal in goalIds)
            scopes[AggregateScope.Goal(goal)] = $"/api/goals/{goal}";
        foreach (var place in catalog.All)
            scopes[AggregateScope.Place(place.Code)] = $"/api/places/{place.Code}";

        var expected = scopes.Keys.ToDictionary(s => s, s => Recomputation.Of(s, views, kinds, lineage));
        await Eventually.Value(async () =>
        {
            var mismatches = new List<string>();
            foreach (var (scope, path) in scopes)
            {
                var actual = AggregateScope.IsGoal(scope)
                    ? (await api.GetAsync<GoalDetails>(path)).Engagement
                    : (await api.GetAsync<PlaceDetails>(path)).Engagement;
                if (expected[scope].Difference(actual) is { } difference)
                    mismatches.Add($"{scope}: {difference}");
            }
            return mismatches;
        }, mismatches => mismatches.Count == 0, TimeSpan.FromSeconds(20), "aggregates equal to the recomputation (last value: the differences)");

        // The lists agree too: every goal lists exactly its commitments (and its objectives' commitments).
        await app.ListsCaughtUpAsync();
        foreach (var goal in goalIds)
        {
            var listed = await api.GetAsync<Paged<Commitments.CommitmentSummary>>($"/api/goals/{goal}/commitments?pageSize=100");
            Assert.Equal(expected[AggregateScope.Goal(goal)].Commitments, listed.TotalItems);
        }
        var city = await api.GetAsync<Paged<Commitments.CommitmentSummary>>($"/api/places/{PlaceCatalog.CityCode}/commitments?pageSize=100");
        Assert.Equal(commitments.Count, city.TotalItems);
        Assert.Equal(commitments.Select(c => c.Id).Order(), city.Items.Select(c => c.Id).Order());
    }

    private static double? ExpectedVerifiedProgress(CommitmentView v)
    {
        if (v.Progress is not { } progress)
            return null;
        var verified = (v.Verifications ?? []).Where(x => x.Tier == VerificationTier.Verified).Select(x => x.ReportId).ToHashSet();
        if (v.Terms.Level == CommitmentLevel.Result)
        {
            var newest = v.Reports.Where(r => r.Value is not null && verified.Contains(r.ReportId))
                .OrderBy(r => r.ReportedAt).LastOrDefault();
            if (newest is null)
                return 0;
            var t = v.Terms.Target!;
            return Math.Min(progress, Math.Clamp((newest.Value!.Value - t.Baseline) / (t.Target - t.Baseline), 0, 1));
        }
        var milestones = v.Terms.Milestones!;
        var done = milestones.Count(m => v.CompletedMilestoneIds.Contains(m.Id)
            && v.Reports.Any(r => r.CompletedMilestoneId == m.Id && verified.Contains(r.ReportId)));
        return (double)done / milestones.Count;
    }

    private static bool Close(double? expected, double? actual) =>
        expected is null ? actual is null : actual is { } a && Math.Abs(a - expected.Value) < 1e-9;
}
