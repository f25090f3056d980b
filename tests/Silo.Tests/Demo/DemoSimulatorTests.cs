using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Silo.Demo;
using Microsoft.Extensions.Logging.Abstractions;

namespace CivicContracting.Silo.Tests.Demo;

/// <summary>A cluster with the seed in place, for the simulator to build on.</summary>
public sealed class SeededClusterFixture : DemoClusterFixture
{
    protected override async Task OnDeployedAsync() => await NewSeeder().SeedAsync();
}

public sealed class DemoSimulatorTests(SeededClusterFixture fixture) : IClassFixture<SeededClusterFixture>
{
    [Fact]
    public async Task Simulator_steps_add_commitments_and_participants_starting_in_Kessel_Lo()
    {
        var simulator = fixture.NewSimulator();
        await simulator.InitialiseAsync();
        var before = simulator.SimulatedCommitments;
        var kesselLoBefore = (await fixture.SettledSnapshotAsync(AggregateScope.Place(OilStain.KesselLoDistrictCode))).Totals.Commitments;

        var added = new List<string>();
        var newParticipants = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var step = await simulator.StepAsync();
            Assert.Equal(0, step.Failures);
            added.AddRange(step.AddedCommitmentIds);
            newParticipants.AddRange(step.AddedParticipantIds);
        }

        Assert.InRange(added.Count, 6, 12);
        Assert.Equal(before + added.Count, simulator.SimulatedCommitments);
        Assert.NotEmpty(newParticipants);
        var views = new List<CommitmentView>();
        foreach (var id in added)
            views.Add(await fixture.Grains.GetGrain<ICommitmentGrain>(id).Get() ?? throw new Xunit.Sdk.XunitException($"{id} was not created"));
        // The oil stain starts in Kessel-Lo: the first simulated commitments of this cluster are all there.
        for (var n = 1; n <= 5; n++)
        {
            var early = await fixture.Grains.GetGrain<ICommitmentGrain>(DemoSimulator.CommitmentId(n)).Get();
            Assert.NotNull(early);
            Assert.True(OilStain.IsInKesselLo(early.NeighbourhoodCode), $"{early.Id} is in {early.NeighbourhoodCode}");
        }
        // New commitments are drafts or confirmed; the progress part of a later step may already have moved them on.
        Assert.All(views, v => Assert.DoesNotContain(v.Status, new[] { CommitmentStatus.Withdrawn, CommitmentStatus.Missed }));
        Assert.Contains(views, v => v.Status != CommitmentStatus.Draft);
        foreach (var id in newParticipants)
            Assert.NotNull(await fixture.Grains.GetGrain<IParticipantGrain>(id).GetProfile());

        var addedInKesselLo = views.Count(v => OilStain.IsInKesselLo(v.NeighbourhoodCode));
        await fixture.SettledSnapshotAsync(
            AggregateScope.Place(OilStain.KesselLoDistrictCode), s => s.Totals.Commitments == kesselLoBefore + addedInKesselLo);
    }

    [Fact]
    public async Task Simulator_reports_progress_on_open_action_and_result_commitments()
    {
        var simulator = fixture.NewSimulator();
        var reports = 0;
        for (var i = 0; i < 8; i++)
            reports += (await simulator.StepAsync()).ProgressReports;

        Assert.True(reports >= 8, $"only {reports} progress reports in 8 steps");
        var plan = fixture.NewSeeder().Plan();
        var simulated = 0;
        foreach (var planned in plan.Commitments.Where(c => c.Outcome == CommitmentStatus.Active && c.FinalTerms.Level != CommitmentLevel.Pledge))
        {
            var view = await fixture.Grains.GetGrain<ICommitmentGrain>(planned.Id).Get();
            simulated += view!.Reports.Count(r => r.ReportId.StartsWith("sim-", StringComparison.Ordinal));
        }
        Assert.True(simulated > 0, "no simulated report landed on a seeded commitment");
    }

    [Fact]
    public async Task A_restarted_simulator_resumes_after_the_last_simulated_commitment()
    {
        var first = fixture.NewSimulator();
        await first.StepAsync();
        await first.StepAsync();

        var restarted = fixture.NewSimulator();
        await restarted.InitialiseAsync();
        Assert.Equal(first.NextNumber, restarted.NextNumber);

        var step = await restarted.StepAsync();
        Assert.All(step.AddedCommitmentIds, id => Assert.True(string.CompareOrdinal(id, DemoSimulator.CommitmentId(first.NextNumber)) >= 0));
    }

    [Fact]
    public async Task The_simulator_stops_adding_at_the_maximum_but_keeps_reporting()
    {
        var probe = fixture.NewSimulator();
        await probe.InitialiseAsync();
        var limit = probe.SimulatedCommitments + 1;

        var capped = fixture.NewSimulator(maxCommitments: limit);
        var added = 0;
        for (var i = 0; i < 4; i++)
            added += (await capped.StepAsync()).AddedCommitmentIds.Count;

        Assert.Equal(1, added);
        Assert.Equal(limit, capped.SimulatedCommitments);
    }
}

/// <summary>The simulator's choices, without a cluster: they depend only on the random seed and the number.</summary>
public sealed class DemoSimulatorSpreadTests
{
    private static DemoSimulator Simulator() =>
        new(null!, DemoClusterFixture.Options(), TimeProvider.System, NullLogger<DemoSimulator>.Instance);

    [Fact]
    public void The_first_simulated_commitments_are_in_Kessel_Lo_and_later_ones_spread_over_the_city()
    {
        using var simulator = Simulator();
        var early = Enumerable.Range(1, 20).Select(n => simulator.Describe(n).Commitment.Draft.NeighbourhoodCode).ToList();
        var late = Enumerable.Range(3_000, 300).Select(n => simulator.Describe(n).Commitment.Draft.NeighbourhoodCode).ToList();

        Assert.All(early, code => Assert.True(OilStain.IsInKesselLo(code), code));
        Assert.Contains(late, code => !OilStain.IsInKesselLo(code));
        Assert.Equal(5, late.Select(code => PlaceCatalog.Leuven.Get(code).ParentCode).Distinct().Count());
        var meanEarly = early.Average(OilStain.DistanceFromKesselLoKm);
        var meanLate = late.Average(OilStain.DistanceFromKesselLoKm);
        Assert.True(meanLate > meanEarly + 0.5, $"mean distance early {meanEarly:0.00} km, late {meanLate:0.00} km");
    }

    [Fact]
    public void A_simulated_commitment_is_the_same_every_time_it_is_described()
    {
        using var a = Simulator();
        using var b = Simulator();

        for (var n = 1; n <= 50; n++)
        {
            var (ownerA, newA, commitmentA) = a.Describe(n);
            var (ownerB, newB, commitmentB) = b.Describe(n);
            Assert.Equal(ownerA, ownerB);
            Assert.Equal(newA, newB);
            Assert.Equal(CommitmentText.Hash(commitmentA.Draft.Terms), CommitmentText.Hash(commitmentB.Draft.Terms));
            Assert.Equal(commitmentA.Draft.NeighbourhoodCode, commitmentB.Draft.NeighbourhoodCode);
        }
    }

    [Fact]
    public void New_participants_come_in_several_kinds()
    {
        using var simulator = Simulator();
        var kinds = Enumerable.Range(1, 400).Select(simulator.Describe).Where(d => d.NewParticipant).Select(d => d.Owner.Registration.Kind).Distinct().ToList();

        Assert.Contains(ParticipantKind.Resident, kinds);
        Assert.True(kinds.Count >= 4, string.Join(", ", kinds));
    }
}
