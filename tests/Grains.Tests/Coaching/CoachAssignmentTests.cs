using CivicContracting.Coaching;
using CivicContracting.Grains.Tests.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Coaching;

/// <summary>
/// Coach profiles, assignments with hand-overs, and suggestions. Each test uses a grain of its own (a fresh integer key;
/// the platform uses <see cref="CoachAssignments.Key"/>), so tests do not see each other's coaches.
/// </summary>
[Collection(CommitmentClusterCollection.Name)]
public sealed class CoachAssignmentTests(CommitmentClusterFixture fixture)
{
    // Kessel-Lo's neighbourhoods and district are looked up from the catalogue rather than guessed.
    private static readonly CivicContracting.Places.Place W13 = CivicContracting.Places.PlaceCatalog.Leuven.Get("24062W13");

    private IGrainFactory Grains => fixture.Grains;

    private ICoachAssignmentGrain Fresh() => Grains.GetGrain<ICoachAssignmentGrain>(Random.Shared.NextInt64(1, long.MaxValue));

    [Fact]
    public async Task Assigning_then_handing_over_keeps_the_history_with_the_end_and_the_hand_over_note()
    {
        var grain = Fresh();
        var participant = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");
        Assert.Null((await grain.GetAssignment(participant)).Current);

        var first = await grain.Assign(participant, "coach-a", "admin-1", null);
        var a = Assert.Single(first.History);
        Assert.Equal(a, first.Current);
        Assert.Equal(("coach-a", "admin-1", "24062W13", ParticipantKind.School), (a.CoachId, a.AssignedBy, a.NeighbourhoodCode, a.ParticipantKind));
        Assert.Null(a.EndedAt);

        // The same coach again: a no-op.
        Assert.Equal(first.History, (await grain.Assign(participant, "coach-a", "admin-2", "again")).History);

        // Another coach without a (long enough) note is refused, and nothing changes.
        Assert.Contains("note", (await Assert.ThrowsAsync<InputRejectedException>(() => grain.Assign(participant, "coach-b", "coach-a", null))).Errors.Keys);
        Assert.Contains("note", (await Assert.ThrowsAsync<InputRejectedException>(() => grain.Assign(participant, "coach-b", "coach-a", " ok "))).Errors.Keys);
        Assert.Contains("note", (await Assert.ThrowsAsync<InputRejectedException>(() => grain.Assign(participant, "coach-b", "coach-a", new string('x', 1001)))).Errors.Keys);
        Assert.Equal(first.History, (await grain.GetAssignment(participant)).History);

        var handedOver = await grain.Assign(participant, "coach-b", "coach-a", "Met the head teacher twice; counts trips in May.");
        Assert.Equal(2, handedOver.History.Count);
        var ended = handedOver.History[0];
        Assert.Equal("coach-a", ended.CoachId);
        Assert.NotNull(ended.EndedAt);
        Assert.Equal(("coach-a", "Met the head teacher twice; counts trips in May."), (ended.EndedBy, ended.EndNote));
        Assert.Equal("coach-b", handedOver.Current!.CoachId);
        Assert.Equal("Met the head teacher twice; counts trips in May.", handedOver.Current.Note);
        Assert.Empty(await grain.GetAssignmentsOf("coach-a"));
        Assert.Equal(participant, Assert.Single(await grain.GetAssignmentsOf("coach-b")).ParticipantId);

        var unassigned = await grain.Unassign(participant, "admin-1", "Commitment closed.");
        Assert.Null(unassigned.Current);
        Assert.Equal(2, unassigned.History.Count);
        Assert.Equal("Commitment closed.", unassigned.History[1].EndNote);
        Assert.Empty(await grain.GetAssignmentsOf("coach-b"));

        // After an unassignment a new coach needs no hand-over note.
        Assert.Equal("coach-c", (await grain.Assign(participant, "coach-c", "admin-1", null)).Current!.CoachId);
    }

    [Fact]
    public async Task An_unknown_participant_or_bad_ids_are_refused()
    {
        var grain = Fresh();
        Assert.Contains("participantId", (await Assert.ThrowsAsync<InputRejectedException>(() => grain.Assign(TestData.NewId("p"), "coach-a", "admin", null))).Errors.Keys);
        Assert.Contains("coachId", (await Assert.ThrowsAsync<InputRejectedException>(() => grain.Assign("p-1", "", "admin", null))).Errors.Keys);
        Assert.Empty(await grain.GetAssignmentsOf("coach-a"));
    }

    [Fact]
    public async Task Profiles_are_validated_normalised_and_limited_to_200_coaches()
    {
        var grain = Fresh();
        var set = await grain.SetProfile(new CoachProfile("coach-a", "  Anna  ", ["24062w13", "24062W13", W13.ParentCode!], [ParticipantKind.School, ParticipantKind.School]));
        Assert.Equal(("coach-a", "Anna"), (set.AccountId, set.DisplayName));
        Assert.Equal(["24062W13", W13.ParentCode!], set.Areas);
        Assert.Equal([ParticipantKind.School], set.Kinds);

        var bad = await Assert.ThrowsAsync<InputRejectedException>(() => grain.SetProfile(new CoachProfile("coach-b", "", ["nowhere"], [(ParticipantKind)99])));
        Assert.Contains("displayName", bad.Errors.Keys);
        Assert.Contains("areas[0]", bad.Errors.Keys);
        Assert.Contains("kinds[0]", bad.Errors.Keys);
        Assert.Null(await grain.GetProfile("coach-b"));

        // EnsureProfile keeps an existing profile.
        var kept = await grain.EnsureProfile("coach-a", "Someone else");
        Assert.Equal(("Anna", set.Areas, set.Kinds), (kept.DisplayName, kept.Areas, kept.Kinds), new ProfileParts());
        for (var i = 1; i < CoachAssignments.MaxCoaches; i++)
            await grain.EnsureProfile($"coach-{i:000}", $"Coach {i}");
        Assert.Equal(CoachAssignments.MaxCoaches, (await grain.GetProfiles()).Count);
        await Assert.ThrowsAsync<StateConflictException>(() => grain.EnsureProfile("coach-one-too-many", "Late"));
        // Changing a known coach's profile is still allowed at the limit.
        Assert.Equal(["24062W01"], (await grain.SetProfile(new CoachProfile("coach-001", "Coach 1", ["24062W01"], []))).Areas);
        Assert.Equal(CoachAssignments.MaxCoaches, (await grain.GetProfiles()).Count);
    }

    [Fact]
    public async Task Suggestions_rank_by_neighbourhood_district_kind_and_local_work_then_by_fewest_assignments()
    {
        var grain = Fresh();
        var district = W13.ParentCode!;
        var otherNeighbourhood = CivicContracting.Places.PlaceCatalog.Leuven.Neighbourhoods.First(n => n.ParentCode != district).Code;
        await grain.SetProfile(new CoachProfile("c-neighbourhood", "Nel", ["24062W13"], [ParticipantKind.Business]));   // 4
        await grain.SetProfile(new CoachProfile("c-district-school", "Dirk", [district], [ParticipantKind.School]));     // 3 + 2 = 5
        await grain.SetProfile(new CoachProfile("c-city-any", "Cis", [CivicContracting.Places.PlaceCatalog.CityCode], [])); // 1 + 1 = 2
        await grain.SetProfile(new CoachProfile("c-elsewhere", "Els", [otherNeighbourhood], [ParticipantKind.Business])); // 0
        await grain.SetProfile(new CoachProfile("c-neighbourhood-2", "Noor", ["24062W13"], [ParticipantKind.Business])); // 4, ties with Nel

        // Nel already coaches a participant in 24062W13 (+1 → 5, and one assignment); Noor coaches one elsewhere (4, one assignment).
        var local = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var away = await TestData.Participant(Grains, ParticipantKind.Resident, otherNeighbourhood);
        await grain.Assign(local, "c-neighbourhood", "admin", null);
        await grain.Assign(away, "c-neighbourhood-2", "admin", null);
        var school = await TestData.Participant(Grains, ParticipantKind.School, "24062W13");

        var ranked = await grain.Suggest(school, "24062W13", ParticipantKind.School);

        Assert.Equal(["c-district-school", "c-neighbourhood", "c-neighbourhood-2", "c-city-any", "c-elsewhere"], ranked.Select(s => s.Coach.AccountId));
        Assert.Equal([5, 5, 4, 2, 0], ranked.Select(s => s.Score));
        Assert.Equal([CoachSuggestionReason.CoversDistrict, CoachSuggestionReason.CoversKind], ranked[0].Reasons);
        Assert.Equal([CoachSuggestionReason.CoversNeighbourhood, CoachSuggestionReason.CoachesInNeighbourhood], ranked[1].Reasons);
        Assert.Equal([CoachSuggestionReason.CoversCity, CoachSuggestionReason.AnyKind], ranked[3].Reasons);
        Assert.Empty(ranked[4].Reasons);
        // Dirk and Nel tie at 5: Dirk coaches nobody yet, Nel one participant.
        Assert.Equal([0, 1], ranked.Take(2).Select(s => s.CurrentAssignments));

        // The current coach is left out of the suggestions.
        await grain.Assign(school, "c-district-school", "admin", null);
        Assert.DoesNotContain(await grain.Suggest(school, "24062W13", ParticipantKind.School), s => s.Coach.AccountId == "c-district-school");

        await Assert.ThrowsAsync<InputRejectedException>(() => grain.Suggest(school, "nowhere", ParticipantKind.School));
    }

    /// <summary>Compares a profile's name, areas and kinds by value (records compare their lists by reference).</summary>
    private sealed class ProfileParts : IEqualityComparer<(string, IReadOnlyList<string>, IReadOnlyList<ParticipantKind>)>
    {
        public bool Equals((string, IReadOnlyList<string>, IReadOnlyList<ParticipantKind>) x, (string, IReadOnlyList<string>, IReadOnlyList<ParticipantKind>) y) =>
            x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2) && x.Item3.SequenceEqual(y.Item3);

        public int GetHashCode((string, IReadOnlyList<string>, IReadOnlyList<ParticipantKind>) obj) => obj.Item1.GetHashCode(StringComparison.Ordinal);
    }
}
