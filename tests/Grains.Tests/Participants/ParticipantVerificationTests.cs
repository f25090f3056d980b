using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Participants;

/// <summary>
/// Issue 14, finding 2: a resident registered an organisation of kind city named like the real city. A person's
/// registration of a kind that needs verification stays unverified and counts by kind as a generic organisation until an
/// administrator verifies it; a name that imitates a verified participant's is refused; verifying or withdrawing it moves
/// the figures by kind through the participant's own commitments only.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ParticipantVerificationTests(ClusterFixture fixture)
{
    private const string Neighbourhood = "24062W03";

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_persons_city_kind_organisation_is_unverified_and_counts_as_a_generic_organisation_until_verified()
    {
        var goal = await TestData.Goal(Grains);
        var id = TestData.NewId("p");
        var participant = Grains.GetGrain<IParticipantGrain>(id);
        var registered = await participant.RegisterUnverified(new ParticipantRegistration(ParticipantKind.City, $"Stad {id}", Neighbourhood));
        Assert.Equal((ParticipantKind.City, true, ParticipantKind.Organisation), (registered.Kind, registered.Unverified, registered.CountedKind()));

        var commitment = await ConfirmedPledge(id, goal);
        var unverified = await Eventually.Value(() => Snapshot(goal), s => s.Totals.EngagedCommitments == 1, what: "the pledge counted");
        Assert.Equal((0, 1), (unverified.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.City), unverified.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.Organisation)));

        // Verified: its commitment is told and pushes its own kind; the city counts one city, no generic organisation.
        var verified = await participant.SetVerified(true);
        Assert.False(verified.Unverified);
        Assert.NotNull(verified.VerifiedAt);
        await commitment.RefreshParticipantKind();
        var asCity = await Eventually.Value(() => Snapshot(goal), s => s.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.City) == 1, what: "counted as a city");
        Assert.Equal((1, 0, 1), (asCity.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.City), asCity.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.Organisation), asCity.Totals.EngagedCommitments));

        // Withdrawn: back to a generic organisation, and repeating it is a no-op.
        await participant.SetVerified(false);
        Assert.True((await participant.SetVerified(false)).Unverified);
        await commitment.RefreshParticipantKind();
        var withdrawn = await Eventually.Value(() => Snapshot(goal), s => s.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.City) == 0, what: "no longer a city");
        Assert.Equal(1, withdrawn.Totals.ParticipantsByKind.GetValueOrDefault(ParticipantKind.Organisation));
    }

    [Fact]
    public async Task Kinds_that_need_no_verification_and_the_platforms_registrations_count_under_their_own_kind()
    {
        var business = await Grains.GetGrain<IParticipantGrain>(TestData.NewId("p"))
            .RegisterUnverified(new ParticipantRegistration(ParticipantKind.Business, $"Fietsenwinkel {Guid.NewGuid():N}", Neighbourhood));
        var city = await Grains.GetGrain<IParticipantGrain>(TestData.NewId("p"))
            .Register(new ParticipantRegistration(ParticipantKind.City, $"Stad {Guid.NewGuid():N}", Neighbourhood));
        Assert.Equal((false, ParticipantKind.Business), (business.Unverified, business.CountedKind()));
        Assert.Equal((false, ParticipantKind.City), (city.Unverified, city.CountedKind()));
        Assert.NotNull(city.VerifiedAt);
    }

    [Fact]
    public async Task A_name_that_imitates_a_verified_participant_is_refused_naming_the_name_and_freed_when_the_verification_is_withdrawn()
    {
        var tag = Guid.NewGuid().ToString("N");
        var cityId = TestData.NewId("p");
        var city = Grains.GetGrain<IParticipantGrain>(cityId);
        await city.Register(new ParticipantRegistration(ParticipantKind.City, $"Stad Leuven {tag}", Neighbourhood));

        foreach (var lookAlike in new[] { $"stad  leuven {tag}.", $"STAD LÉUVEN {tag}", $"Stad Leuv\u0435n {tag}" })
        {
            var refused = await Assert.ThrowsAsync<InputRejectedException>(() => Grains.GetGrain<IParticipantGrain>(TestData.NewId("p"))
                .RegisterUnverified(new ParticipantRegistration(ParticipantKind.City, lookAlike, Neighbourhood)));
            Assert.Contains("name", refused.Errors.Keys);
        }
        // A resident's public name (a pseudonym) may not imitate it either.
        var pseudonym = await Assert.ThrowsAsync<InputRejectedException>(() => Grains.GetGrain<IParticipantGrain>(TestData.NewId("p"))
            .RegisterUnverified(new ParticipantRegistration(ParticipantKind.Resident, "Jan", Neighbourhood, Pseudonym: $"Stad Leuven {tag}")));
        Assert.Contains("name", pseudonym.Errors.Keys);
        // Another name is fine, and so is the city's own registration, repeated.
        await Grains.GetGrain<IParticipantGrain>(TestData.NewId("p")).RegisterUnverified(new ParticipantRegistration(ParticipantKind.Organisation, $"Buren van Stad Leuven {tag}", Neighbourhood));
        await city.Register(new ParticipantRegistration(ParticipantKind.City, $"Stad Leuven {tag}", Neighbourhood));

        await city.SetVerified(false);
        var now = await Grains.GetGrain<IParticipantGrain>(TestData.NewId("p")).RegisterUnverified(new ParticipantRegistration(ParticipantKind.City, $"stad leuven {tag}", Neighbourhood));
        Assert.True(now.Unverified);
    }

    private Task<EngagementSnapshot> Snapshot(string goal) => Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal)).GetSnapshot();

    private async Task<ICommitmentGrain> ConfirmedPledge(string participantId, string goal)
    {
        var terms = TestData.PledgeTerms();
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await commitment.Create(new CommitmentDraft(participantId, [new GoalWeight(goal)], Neighbourhood, terms));
        await commitment.Confirm("Test Person", CommitmentText.Hash(terms));
        return commitment;
    }
}
