using System.Text;
using System.Text.Json.Nodes;
using CivicContracting.Imports;
using CivicContracting.Web.Imports;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Imports;

/// <summary>An import stopped in the middle continues from its checkpoint, on an app of its own with small batches and windows.</summary>
public sealed class ImportResumeTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync("import-resume",
        ("Import:WindowSize", "10"), ("Import:BatchSize", "5"), ("Import:Concurrency", "1"), ("Import:HeartbeatInterval", "00:00:00.050"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_run_stopped_in_the_middle_is_continued_by_the_next_from_its_checkpoint_and_every_commitment_is_loaded_once()
    {
        const int commitments = 2_000;
        var city = ImportFiles.City("resume", participants: 40, commitments);
        var path = Path.Combine(Path.GetTempPath(), $"civic-resume-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, city.Body, Encoding.UTF8);
        try
        {
            var imports = _app.Services.GetRequiredService<CityImport>();
            var file = await ImportFile.DescribeAsync(path, ImportFormat.JsonLines, CancellationToken.None);

            // The first run is stopped (as when its caller goes away) once a few windows are durable.
            using var stop = new CancellationTokenSource();
            var first = imports.RunAsync(file, "test", again: false, stop.Token);
            var progressed = await Eventually.Value(() => imports.GetAsync(file.Sha256),
                j => j is { Checkpoint: { Phase: ImportPhase.Commitments, Position: >= 30 } } || first.IsCompleted, TimeSpan.FromSeconds(60));
            Assert.False(first.IsCompleted, "The import finished before it could be stopped; make it larger.");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
            var stopped = (await imports.GetAsync(file.Sha256))!;
            Assert.Equal(ImportJobStatus.Interrupted, stopped.Status);
            Assert.Equal(ImportPhase.Commitments, stopped.Checkpoint.Phase);
            Assert.InRange(stopped.Checkpoint.Position, 30, commitments - 1);

            // The second run skips what the checkpoint says is loaded and loads the rest; what was in flight is repeated safely.
            var summary = await imports.RunAsync(file, "test", again: false, CancellationToken.None);
            Assert.Equal(ImportJobStatus.Completed, summary.Status);
            Assert.Equal(stopped.Checkpoint, summary.ResumedFrom);
            Assert.Equal(2, summary.Runs);
            Assert.Equal(stopped.Checkpoint.Position, summary.Commitments.Skipped);
            Assert.Equal(commitments - stopped.Checkpoint.Position, summary.Commitments.Created + summary.Commitments.AlreadyThere);
            Assert.Equal(40, summary.Participants.Skipped);
            Assert.Equal(0, summary.Failed);

            // Every commitment is there once: the aggregates count each one.
            using var client = TestHosts.Client(_app.BaseAddress, token: null);
            var ambition = await Eventually.Value(() => client.GetAsync<JsonObject>($"/api/goals/{city.Ambition}"),
                g => (int)g["engagement"]!["totals"]!["commitments"]! == commitments, TimeSpan.FromSeconds(30));
            Assert.Equal(commitments, (int)ambition["engagement"]!["totals"]!["commitments"]!);
            var last = await client.GetAsync<JsonObject>($"/api/commitments/{city.Commitments[^1]}");
            Assert.Equal(1, (int)last["version"]!);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
