using System.Diagnostics;
using CivicContracting.Commitments;
using CivicContracting.Goals;

namespace CivicContracting.Grains.Tests;

/// <summary>
/// A silo's wall clock may be stepped backwards (NTP). Contribution shards pace their group commits on a monotonic clock,
/// so a report made while the wall clock reads a day earlier is acknowledged as quickly as any other.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClockStepTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Reports_made_after_the_wall_clock_steps_back_a_day_are_acknowledged_at_once()
    {
        var grains = fixture.Grains;
        var goal = await TestData.Goal(grains);
        var participant = await TestData.Participant(grains);
        var commitment = grains.GetGrain<ICommitmentGrain>(await TestData.ConfirmedCommitment(grains, participant, TestData.ResultTerms(), "24062W13", new GoalWeight(goal)));
        await commitment.ReportProgress(new ProgressReport(TestData.NewId("r"), DateTimeOffset.UtcNow, Value: 30)); // the shard has flushed now

        var elapsed = Stopwatch.StartNew();
        using (TestClock.Shift(TimeSpan.FromDays(-1)))
        {
            var reportId = TestData.NewId("r");
            var report = commitment.ReportProgress(new ProgressReport(reportId, DateTimeOffset.UtcNow.AddDays(-1), Value: 40));
            var finished = await Task.WhenAny(report, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.True(finished == report, $"A report made with the clock a day back was not acknowledged within 10 s ({elapsed.Elapsed.TotalSeconds:F1} s).");
            Assert.Contains((await report).Reports, r => r.ReportId == reportId);
        }
    }
}
