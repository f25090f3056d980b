using System.Collections.Concurrent;
using System.Diagnostics;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Silo.Hosting;
using CivicContracting.Silo.Storage;
using CivicContracting.Silo.Tests.Storage;
using CivicContracting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Backup;

/// <summary>
/// The embedded SQLite profile's online backup (<c>backup FOLDER</c>, <see cref="SiloBackup"/>) of a running silo
/// with progress reports in flight, restored the documented way (the folder copied as the data directory of a fresh
/// silo): every commitment and every report acknowledged before the backup began is there, and the restored
/// aggregate agrees with the restored commitments. Then the reports acknowledged after the backup point are sent
/// again (the same ids: what a client retries) and the restored instance ends equal to the original, commitment by
/// commitment, report by report, and in its aggregate.
/// </summary>
public sealed class SqliteBackupTests(ITestOutputHelper output) : IDisposable
{
    private const int Commitments = 24, Writers = 6;
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-10), TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_backup_taken_under_load_restores_every_acknowledged_commitment_report_and_aggregate()
    {
        var original = Path.Combine(_temp.Path, "original");
        var backup = Path.Combine(_temp.Path, "backup");
        var restored = Path.Combine(_temp.Path, "restored");
        var goal = $"g-{Guid.NewGuid():N}";
        var ids = Enumerable.Range(0, Commitments).Select(i => $"c-{i:D2}-{Guid.NewGuid():N}").ToList();
        var acknowledged = new ConcurrentQueue<(string Commitment, ProgressReport Report)>();
        Directory.CreateDirectory(original);
        Directory.CreateDirectory(restored);
        (string Commitment, ProgressReport Report)[] beforeBackup;
        Dictionary<string, CommitmentView> finalViews;
        EngagementTotals finalTotals;

        using (var silo = TestSilo.BuildSqlite(original))
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
            var store = new StorageOptions { DataDirectory = original }.SqliteConnectionString(original);
            var result = await SiloBackup.BackupSqliteAsync(store, Path.Combine(original, SiloBackup.EvidenceFolder), backup, TimeSpan.FromSeconds(30));
            var duringBackup = acknowledged.Count - beforeBackup.Length;
            await Eventually.Until(() => acknowledged.Count >= beforeBackup.Length + duringBackup + 150 || writers.Any(w => w.IsFaulted), TimeSpan.FromSeconds(120));
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            output.WriteLine($"backup of {result.Bytes:N0} bytes in {watch.ElapsedMilliseconds} ms; {beforeBackup.Length} reports acknowledged before it, "
                + $"{duringBackup} while it ran, {acknowledged.Count} in all");

            finalViews = await ViewsAsync(grains, ids);
            finalTotals = await ConvergedTotalsAsync(grains, goal, finalViews, "the original");
            await silo.StopAsync();
        }

        // Restore as documented: the backup folder becomes the data directory of a fresh instance.
        CopyFolder(backup, restored);
        using (var silo = TestSilo.BuildSqlite(restored))
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

    [Fact]
    public async Task The_backup_command_copies_the_configured_database_refuses_a_used_folder_and_points_PostgreSQL_to_pg_dump()
    {
        var data = Path.Combine(_temp.Path, "data");
        using (var store = new SqliteStore(new StorageOptions { DataDirectory = data }.SqliteConnectionString(_temp.Path), TimeSpan.FromSeconds(5)))
            new SqliteSchema(store, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteSchema>.Instance).Apply();
        Directory.CreateDirectory(Path.Combine(data, SiloBackup.EvidenceFolder, "ab"));
        await File.WriteAllTextAsync(Path.Combine(data, SiloBackup.EvidenceFolder, "ab", "abcd.png"), "png");
        await File.WriteAllTextAsync(Path.Combine(data, SiloBackup.EvidenceFolder, "ab", "abcd.1234.tmp"), "half an upload");
        var target = Path.Combine(_temp.Path, "backup-1");
        string[] settings = ["--Storage:Profile=Sqlite", $"--Storage:DataDirectory={data}"];

        Assert.Equal(0, await SiloBackup.RunAsync([target, .. settings]));
        Assert.True(File.Exists(Path.Combine(target, StorageOptions.SqliteFileName)));
        Assert.Equal("png", await File.ReadAllTextAsync(Path.Combine(target, SiloBackup.EvidenceFolder, "ab", "abcd.png")));
        Assert.False(File.Exists(Path.Combine(target, SiloBackup.EvidenceFolder, "ab", "abcd.1234.tmp")), "an upload in progress is not part of the backup");
        using (var restored = new SqliteStore($"Data Source={Path.Combine(target, StorageOptions.SqliteFileName)}", TimeSpan.FromSeconds(5)))
            Assert.Equal(SqliteSchema.Scripts.Select(s => s.Version), new SqliteSchema(restored, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteSchema>.Instance).RecordedVersions());

        Assert.Equal(2, await SiloBackup.RunAsync([target, .. settings])); // never over another backup
        Assert.Equal(1, await SiloBackup.RunAsync([Path.Combine(_temp.Path, "backup-2"), "--Storage:Profile=Sqlite", $"--Storage:DataDirectory={Path.Combine(_temp.Path, "nowhere")}"]));
        Assert.Equal(2, await SiloBackup.RunAsync([Path.Combine(_temp.Path, "backup-3"), "--Storage:Profile=PostgreSql", "--Storage:ConnectionString=Host=127.0.0.1;Database=civic;Username=civic"]));
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

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
