using System.Diagnostics;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// A commitment's report history on the embedded SQLite profile, across a restart: a full history (5,000 reports) and a
/// commitment stored the old way (every report in its state, written through the real ADO.NET provider in Orleans'
/// binary format) read the same after the restart, ids stay unique over the whole history, and the first report after
/// the restart pays for reading the sealed ids once (the figures are printed).
/// </summary>
public sealed class ReportHistoryRestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-10), TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ProgressReport Report(int i) => new($"r-{i:D5}", Start.AddMinutes(i), Value: 20 + (i % 60), Note: i % 10 == 0 ? $"Meting {i}." : null);

    [Fact]
    public async Task A_long_history_and_one_stored_the_old_way_read_the_same_after_a_restart_and_stay_deduplicated()
    {
        var full = $"c-{Guid.NewGuid():N}";
        var legacy = $"c-{Guid.NewGuid():N}";
        var reports = Enumerable.Range(0, CommitmentLimits.MaxReports).Select(Report).ToList();
        using (var first = TestSilo.BuildSqlite(_temp.Path))
        {
            await first.StartAsync();
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            var commitment = await ConfirmedAsync(grains, full);
            var watch = Stopwatch.StartNew();
            foreach (var chunk in reports.SkipLast(1).Chunk(CommitmentLimits.MaxReportsPerBatch))
                await commitment.ReportProgressBatch(chunk);
            output.WriteLine($"SQLite: {reports.Count - 1} reports in {CommitmentLimits.MaxReportsPerBatch}-report batches: {watch.ElapsedMilliseconds} ms.");

            // The old shape: a confirmed commitment's state in the flat layout (no sub-states: written as the version before
            // them wrote it, CommitmentState.Earlier.cs) with all its reports in its Reports (Id 13).
            var template = await ConfirmedAsync(grains, legacy + "-terms");
            var storage = first.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
            var state = new GrainState<CommitmentState>();
            await storage.ReadStateAsync(CommitmentGrain.StateName, template.GetGrainId(), state);
            var confirmed = state.State!;
            var flat = LegacyCommitmentStates.BeforeSegments(confirmed, [.. reports.Take(300)]);
            flat.FlatLastReportAt = DateTimeOffset.UtcNow;
            await storage.WriteStateAsync(CommitmentGrain.StateName, grains.GetGrain<ICommitmentGrain>(legacy).GetGrainId(), new GrainState<CommitmentState>(flat));
            await first.StopAsync();
        }

        using var second = TestSilo.BuildSqlite(_temp.Path);
        await second.StartAsync();
        var again = second.Services.GetRequiredService<IGrainFactory>();
        var restarted = again.GetGrain<ICommitmentGrain>(full);

        // The first report after activation reads the ids of the 99 sealed segments once; the next reads none. (Read
        // first, so that the activation, which reads the commitment's own state only, is timed on its own.)
        var watchActivation = Stopwatch.StartNew();
        Assert.Equal(CommitmentLimits.MaxReports - 1, (await restarted.Get())!.ReportCount);
        var activationMs = watchActivation.Elapsed.TotalMilliseconds;
        var watchFirst = Stopwatch.StartNew();
        var firstView = await restarted.ReportProgress(reports[^1]);
        var firstMs = watchFirst.Elapsed.TotalMilliseconds;
        var watchNext = Stopwatch.StartNew();
        var retry = await restarted.ReportProgress(reports[0]);
        var nextMs = watchNext.Elapsed.TotalMilliseconds;
        output.WriteLine($"SQLite, after a restart, with {firstView.ReportCount - 1} reports stored: activation (a read) {activationMs:F1} ms; the first report "
            + $"{firstMs:F1} ms ({(firstView.ReportCount - CommitmentGrain.RecentReportsKept) / CommitmentGrain.SegmentSize} segment reads included); a retry of the oldest report then {nextMs:F1} ms.");
        Assert.Equal((CommitmentLimits.MaxReports, firstView.Version), (retry.ReportCount, retry.Version));
        await Assert.ThrowsAsync<StateConflictException>(() => restarted.ReportProgress(reports[1] with { Value = 99 }));
        await Assert.ThrowsAsync<StateConflictException>(() => restarted.ReportProgress(Report(CommitmentLimits.MaxReports)));
        Assert.Equal(reports.Skip(2_000).Take(100).Reverse(), (await restarted.GetReports(30, 100)).Reports);
        Assert.Equal(reports[1_234], await restarted.FindReport(reports[1_234].ReportId));

        var migrated = again.GetGrain<ICommitmentGrain>(legacy);
        var view = (await migrated.Get())!;
        Assert.Equal((300, 20), (view.ReportCount, view.Reports.Count));
        Assert.Equal(reports.Take(300).Reverse().Skip(140).Take(70), (await migrated.GetReports(3, 70)).Reports);
        Assert.Equal(view.Version, (await migrated.ReportProgress(reports[7])).Version);
        await second.StopAsync();
    }

    private static async Task<ICommitmentGrain> ConfirmedAsync(IGrainFactory grains, string id)
    {
        var goal = $"g-{Guid.NewGuid():N}";
        await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
        var owner = $"p-{Guid.NewGuid():N}";
        await grains.GetGrain<IParticipantGrain>(owner).Register(new ParticipantRegistration(ParticipantKind.School, "De Ark", "24062W13"));
        var commitment = grains.GetGrain<ICommitmentGrain>(id);
        var terms = new CommitmentTerms(CommitmentLevel.Result, "More trips on foot or by bike", "We count every term.",
            Target: new QuantitativeTarget("Trips on foot or by bike", "%", 20, 80, DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1))));
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms));
        await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
        return commitment;
    }
}
