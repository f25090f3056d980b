using System.Collections.Concurrent;
using System.Diagnostics;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Backup;

/// <summary>
/// A backup of a running silo with progress reports in flight, restored into a fresh instance: every commitment and
/// every report acknowledged before the backup began is there, and the restored aggregate agrees with the restored
/// commitments. Then the reports acknowledged after the backup point are sent again (the same ids: what a client
/// retries) and the restored instance ends equal to the original, commitment by commitment, report by report, and in
/// its aggregate. The profile's backup and restore are the caller's (SQLite: the backup command; PostgreSQL: pg_dump).
/// </summary>
internal static class BackupScenario
{
    private const int Commitments = 24, Writers = 6;
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-10), TimeSpan.Zero);

    /// <param name="buildOriginal">The running instance to back up.</param>
    /// <param name="backup">Takes the backup while writes go on; answers a line for the output (its size).</param>
    /// <param name="restore">Restores the backup where <paramref name="buildRestored"/> reads (after the original stopped).</param>
    /// <param name="buildRestored">A fresh instance on the restored data.</param>
    /// <param name="output">Where the figures go.</param>
    public static async Task RunAsync(Func<IHost> buildOriginal, Func<Task<string>> backup, Func<Task> restore, Func<IHost> buildRestored, ITestOutputHelper output)
    {
        var goal = $"g-{Guid.NewGuid():N}";
        var ids = Enumerable.Range(0, Commitments).Select(i => $"c-{i:D2}-{Guid.NewGuid():N}").ToList();
        var acknowledged = new ConcurrentQueue<(string Commitment, ProgressReport Report)>();
        (string Commitment, ProgressReport Report)[] beforeBackup;
        Dictionary<string, CommitmentView> finalViews;
        EngagementTotals finalTotals;

        using (var silo = buildOriginal())
        {
            await silo.StartAsync();
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            await DefineAsync(grains, goal, ids);

            // Writers report without pause, each to its own commitments in turn; a report counts once its call returned.
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var mine = ids.Where((_, i) => i % Writers == w).ToList();
                for (var n = 1; !stop.IsCancellationRequested; n++)
                {
                    foreach (var id in mine)
                    {
                        var report = new ProgressReport($"r-{n:D4}", Start.AddMinutes(n), Value: 20 + (n % 60));
                        await grains.GetGrain<ICommitmentGrain>(id).ReportProgress(report);
                        acknowledged.Enqueue((id, report));
                    }
                }
            })).ToList();

            await Eventually.Until(() => acknowledged.Count >= 300 || writers.Any(w => w.IsFaulted), TimeSpan.FromSeconds(120));
            // The backup point: everything acknowledged until now must be in the backup; writes go on meanwhile.
            beforeBackup = [.. acknowledged];
            var watch = Stopwatch.StartNew();
            var size = await backup();
            var duringBackup = acknowledged.Count - beforeBackup.Length;
            await Eventually.Until(() => acknowledged.Count >= beforeBackup.Length + duringBackup + 150 || writers.Any(w => w.IsFaulted), TimeSpan.FromSeconds(120));
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            output.WriteLine($"backup ({size}) in {watch.ElapsedMilliseconds} ms; {beforeBackup.Length} reports acknowledged before it, "
                + $"{duringBackup} while it ran, {acknowledged.Count} in all");

            finalViews = await ViewsAsync(grains, ids);
            finalTotals = await ConvergedTotalsAsync(grains, goal, finalViews, "the original");
            await silo.StopAsync();
        }

        await restore();
        using (var silo = buildRestored())
        {
            await silo.StartAsync();
            var grains = silo.Services.GetRequiredService<IGrainFactory>();

            var views = await ViewsAsync(grains, ids);
            Assert.All(ids, id => Assert.NotNull(views.GetValueOrDefault(id)));
            var missing = new List<string>();
            foreach (var (id, report) in beforeBackup)
            {
                if (await grains.GetGrain<ICommitmentGrain>(id).FindReport(report.ReportId) != report)
                    missing.Add($"{id}/{report.ReportId}");
            }
            Assert.True(missing.Count == 0, $"{missing.Count} of {beforeBackup.Length} reports acknowledged before the backup are missing from it: {string.Join(", ", missing.Take(10))}");
            await ConvergedTotalsAsync(grains, goal, views, "the restored instance, as restored");

            // What the backup could not hold (acknowledged later), sent again by its client; already-held ones are retries.
            foreach (var group in acknowledged.GroupBy(a => a.Commitment))
            {
                foreach (var (id, report) in group)
                    await grains.GetGrain<ICommitmentGrain>(id).ReportProgress(report);
            }
            views = await ViewsAsync(grains, ids);
            foreach (var id in ids)
            {
                var (expected, actual) = (finalViews[id], views[id]);
                Assert.Equal((expected.Version, expected.Status, expected.CurrentValue, expected.Progress), (actual.Version, actual.Status, actual.CurrentValue, actual.Progress));
                Assert.Equal(expected.ReportCount, actual.ReportCount);
                Assert.Equal(expected.Reports, actual.Reports);
                var sent = acknowledged.Where(a => a.Commitment == id).Select(a => a.Report).ToList();
                Assert.Equal(sent, await grains.GetGrain<ICommitmentGrain>(id).FindReports([.. sent.Select(r => r.ReportId)]));
            }
            var totals = await ConvergedTotalsAsync(grains, goal, views, "the restored instance, after the retries");
            Assert.Equal(finalTotals.Exact, totals.Exact);
            Assert.Equal((finalTotals.Commitments, finalTotals.ProgressCount), (totals.Commitments, totals.ProgressCount));
            await silo.StopAsync();
        }
    }

    private static async Task DefineAsync(IGrainFactory grains, string goal, List<string> ids)
    {
        await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
        foreach (var id in ids)
        {
            var owner = $"p-{id}";
            await grains.GetGrain<IParticipantGrain>(owner).Register(new ParticipantRegistration(ParticipantKind.School, "De Ark", "24062W13"));
            var terms = new CommitmentTerms(CommitmentLevel.Result, "More trips on foot or by bike", "We count every term.",
                Target: new QuantitativeTarget("Trips on foot or by bike", "%", 20, 80, DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1))));
            var commitment = grains.GetGrain<ICommitmentGrain>(id);
            await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms));
            await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
        }
    }

    private static async Task<Dictionary<string, CommitmentView>> ViewsAsync(IGrainFactory grains, List<string> ids)
    {
        var views = new Dictionary<string, CommitmentView>();
        foreach (var id in ids)
        {
            if (await grains.GetGrain<ICommitmentGrain>(id).Get() is { } view)
                views[id] = view;
        }
        return views;
    }

    /// <summary>The goal's aggregate once it agrees with the commitments (aggregation is asynchronous).</summary>
    private static async Task<EngagementTotals> ConvergedTotalsAsync(IGrainFactory grains, string goal, Dictionary<string, CommitmentView> views, string where)
    {
        var progress = views.Values.Where(v => v.Progress is not null).ToList();
        var snapshot = await Eventually.Value(
            () => grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal)).GetSnapshot(),
            s => s.Totals.Commitments == views.Count && s.Totals.ProgressCount == progress.Count
                 && Math.Abs(s.Totals.ProgressSum - progress.Sum(v => v.Progress!.Value)) < 1e-9,
            TimeSpan.FromSeconds(60), $"the goal aggregate of {where} agrees with its {views.Count} commitments (progress sum {progress.Sum(v => v.Progress!.Value)})");
        return snapshot.Totals;
    }

}
