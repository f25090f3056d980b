using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Sessions;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Sessions;

/// <summary>
/// Co-creation sessions: recorded and updated by the support team under the input rules, listed newest first, and linked
/// by the commitments made at or after them (commitment → session, idempotent, bounded).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CoCreationSessionTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static CoCreationSessionDetails Details(string goal, DateTimeOffset startsAt, string title = "Burgerpanel Kessel-Lo, derde sessie") =>
        new(CoCreationSessionKind.CitizenPanel, title, startsAt, "24062W13", "Zaal De Bron, Kessel-Lo", [goal],
            new Dictionary<ParticipantKind, int> { [ParticipantKind.Resident] = 23, [ParticipantKind.School] = 2 },
            "Two residents want a follow-up call.");

    private async Task<(string Id, ICoCreationSessionGrain Grain, string Goal)> RecordAsync(DateTimeOffset startsAt)
    {
        var goal = await TestData.Goal(Grains);
        var id = TestData.NewId("s");
        var grain = Grains.GetGrain<ICoCreationSessionGrain>(id);
        await grain.Record(Details(goal, startsAt));
        return (id, grain, goal);
    }

    [Fact]
    public async Task A_recorded_session_is_read_back_repeating_it_is_a_no_op_and_other_details_under_its_id_are_a_conflict()
    {
        var goal = await TestData.Goal(Grains);
        var id = TestData.NewId("s");
        var grain = Grains.GetGrain<ICoCreationSessionGrain>(id);
        Assert.Null(await grain.Get());
        var startsAt = DateTimeOffset.UtcNow.AddDays(-2);

        var recorded = await grain.Record(Details(goal, startsAt));
        Assert.Equal((id, CoCreationSessionKind.CitizenPanel, startsAt, "24062W13", 25), (recorded.Id, recorded.Details.Kind, recorded.Details.StartsAt, recorded.Details.NeighbourhoodCode, recorded.AttendanceTotal));
        Assert.Equal([goal], recorded.Details.GoalIds);
        Assert.Equal(23, recorded.Details.Attendance[ParticipantKind.Resident]);
        Assert.Equal("Two residents want a follow-up call.", recorded.Details.Notes);
        Assert.Empty(recorded.CommitmentIds);

        // The same details again (a retry, even with zero counts spelled out) change nothing; other details conflict.
        var again = Details(goal, startsAt) with { Attendance = new Dictionary<ParticipantKind, int> { [ParticipantKind.School] = 2, [ParticipantKind.Resident] = 23, [ParticipantKind.City] = 0 } };
        Assert.Equal(recorded.Version, (await grain.Record(again)).Version);
        await Assert.ThrowsAsync<StateConflictException>(() => grain.Record(Details(goal, startsAt, "Another title")));
        Assert.Equal(recorded.Details.Title, (await grain.Get())!.Details.Title);

        var listed = await Grains.GetGrain<ICoCreationSessionDirectoryGrain>(0).List(0, CoCreationSessionDirectoryGrain.MaxPageSize);
        Assert.Contains(listed.Items, l => l.Id == id && l.AttendanceTotal == 25 && l.Title == recorded.Details.Title);
    }

    [Fact]
    public async Task Every_field_is_checked_and_a_refused_session_stores_nothing()
    {
        var goal = await TestData.Goal(Grains);
        var valid = Details(goal, DateTimeOffset.UtcNow.AddDays(-1));
        var cases = new (CoCreationSessionDetails Details, string Field)[]
        {
            (valid with { Kind = (CoCreationSessionKind)9 }, "kind"),
            (valid with { Title = " " }, "title"),
            (valid with { Title = new string('x', InputRules.MaxTitleLength + 1) }, "title"),
            (valid with { StartsAt = default }, "startsAt"),
            (valid with { StartsAt = new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero) }, "startsAt"),
            (valid with { StartsAt = DateTimeOffset.UtcNow.AddDays(400) }, "startsAt"),
            (valid with { NeighbourhoodCode = "24062C" }, "neighbourhoodCode"),
            (valid with { Venue = "" }, "venue"),
            (valid with { GoalIds = [] }, "goalIds"),
            (valid with { GoalIds = [goal, goal] }, "goalIds"),
            (valid with { GoalIds = ["not an id!"] }, "goalIds[0]"),
            (valid with { Attendance = new Dictionary<ParticipantKind, int> { [ParticipantKind.Resident] = -1 } }, "attendance.resident"),
            (valid with { Attendance = new Dictionary<ParticipantKind, int> { [ParticipantKind.KnowledgeInstitution] = CoCreationSessionRules.MaxAttendancePerKind + 1 } }, "attendance.knowledgeInstitution"),
            (valid with { Attendance = null! }, "attendance"),
            (valid with { Notes = new string('n', InputRules.MaxDescriptionLength + 1) }, "notes"),
        };
        foreach (var (details, field) in cases)
        {
            var grain = Grains.GetGrain<ICoCreationSessionGrain>(TestData.NewId("s"));
            var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => grain.Record(details));
            Assert.True(rejected.Errors.ContainsKey(field), $"Expected an error for '{field}', got: {rejected.Message}");
            Assert.Null(await grain.Get());
        }
    }

    [Fact]
    public async Task A_commitment_made_after_a_session_links_to_it_once_and_shows_it()
    {
        var (sessionId, session, goal) = await RecordAsync(DateTimeOffset.UtcNow.AddHours(-3));
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        var draft = new CommitmentDraft(resident, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms(), SessionId: sessionId);

        var created = await commitment.Create(draft);
        Assert.Equal(sessionId, created.SessionId);
        await commitment.Create(draft); // a retry
        await commitment.Confirm("Lotte", CommitmentText.Hash(draft.Terms));

        var linked = (await session.Get())!;
        Assert.Equal([id], linked.CommitmentIds);
        Assert.Equal(sessionId, (await commitment.Get())!.SessionId);

        // A draft cannot move to another session (nor leave it) when revised.
        var other = TestData.NewId("c");
        var otherGrain = Grains.GetGrain<ICommitmentGrain>(other);
        await otherGrain.Create(draft);
        var moved = await Assert.ThrowsAsync<InputRejectedException>(() => otherGrain.Revise(draft with { SessionId = null }));
        Assert.Contains("sessionId", moved.Errors.Keys);
        Assert.Equal(sessionId, (await otherGrain.Get())!.SessionId);
    }

    [Fact]
    public async Task A_commitment_naming_an_unknown_session_or_one_that_has_not_started_is_refused_and_nothing_is_stored()
    {
        var (futureId, future, goal) = await RecordAsync(DateTimeOffset.UtcNow.AddDays(3));
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");

        foreach (var sessionId in new[] { TestData.NewId("s"), futureId })
        {
            var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
            var rejected = await Assert.ThrowsAsync<InputRejectedException>(() =>
                commitment.Create(new CommitmentDraft(resident, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms(), SessionId: sessionId)));
            Assert.Contains("sessionId", rejected.Errors.Keys);
            Assert.Null(await commitment.Get());
        }
        Assert.Empty((await future.Get())!.CommitmentIds);
        Assert.Null(await Grains.GetGrain<ICoCreationSessionGrain>(TestData.NewId("s")).Get());

        var malformed = await Assert.ThrowsAsync<InputRejectedException>(() => Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"))
            .Create(new CommitmentDraft(resident, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms(), SessionId: "not an id!")));
        Assert.Contains("sessionId", malformed.Errors.Keys);
    }

    [Fact]
    public async Task A_commitment_made_at_a_session_cannot_be_signed_before_it_started_and_the_session_cannot_start_after_it()
    {
        var startsAt = DateTimeOffset.UtcNow.AddDays(-10);
        var (sessionId, session, goal) = await RecordAsync(startsAt);
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var terms = TestData.PledgeTerms();
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await commitment.Create(new CommitmentDraft(resident, [new GoalWeight(goal)], "24062W13", terms, SessionId: sessionId));

        // Signed on paper: not before the session started.
        var early = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Confirm("Coach", CommitmentText.Hash(terms), startsAt.AddHours(-1)));
        Assert.Contains("signedAt", early.Errors.Keys);
        Assert.Equal(CommitmentStatus.Draft, (await commitment.Get())!.Status);
        var signedAt = startsAt.AddHours(2);
        var confirmed = await commitment.Confirm("Coach", CommitmentText.Hash(terms), signedAt);
        Assert.Equal(signedAt, confirmed.Confirmation!.ConfirmedAt);

        // The session's start may move earlier, but not past the signing of a commitment made at it.
        var details = (await session.Get())!.Details;
        var late = await Assert.ThrowsAsync<InputRejectedException>(() => session.Update(details with { StartsAt = signedAt.AddMinutes(1) }));
        Assert.Contains("startsAt", late.Errors.Keys);
        Assert.Equal(startsAt, (await session.Get())!.Details.StartsAt);
        var updated = await session.Update(details with { StartsAt = startsAt.AddHours(-1), Title = "Burgerpanel, verplaatst" });
        Assert.Equal(("Burgerpanel, verplaatst", startsAt.AddHours(-1)), (updated.Details.Title, updated.Details.StartsAt));
        Assert.Single(updated.CommitmentIds);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Grains.GetGrain<ICoCreationSessionGrain>(TestData.NewId("s")).Update(details));
    }

    [Fact]
    public async Task Links_are_idempotent_and_bounded_and_a_full_session_refuses_a_new_commitment()
    {
        var (sessionId, session, goal) = await RecordAsync(DateTimeOffset.UtcNow.AddDays(-1));
        var madeAt = DateTimeOffset.UtcNow;
        for (var i = 0; i < CoCreationSessionGrain.MaxLinkedCommitments; i++)
            Assert.Equal(CoCreationLinkOutcome.Linked, (await session.LinkCommitment($"c-bulk-{i}", madeAt)).Outcome);
        Assert.Equal(CoCreationLinkOutcome.Linked, (await session.LinkCommitment("c-bulk-0", madeAt)).Outcome); // again: no new link
        Assert.Equal(CoCreationLinkOutcome.Full, (await session.LinkCommitment("c-one-too-many", madeAt)).Outcome);
        Assert.Equal(CoCreationLinkOutcome.StartsLater, (await session.LinkCommitment("c-bulk-1", madeAt.AddDays(-5))).Outcome);
        Assert.Equal(CoCreationSessionGrain.MaxLinkedCommitments, (await session.Get())!.CommitmentIds.Count);

        var resident = await TestData.Participant(Grains, ParticipantKind.Resident, "24062W13");
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await Assert.ThrowsAsync<StateConflictException>(() =>
            commitment.Create(new CommitmentDraft(resident, [new GoalWeight(goal)], "24062W13", TestData.PledgeTerms(), SessionId: sessionId)));
        Assert.Null(await commitment.Get());
    }

    [Fact]
    public async Task The_directory_lists_sessions_newest_first_in_pages_and_only_started_ones_when_asked()
    {
        var now = DateTimeOffset.UtcNow;
        var (oldest, _, _) = await RecordAsync(now.AddDays(-300));
        var (middle, _, _) = await RecordAsync(now.AddDays(-200));
        var (planned, _, _) = await RecordAsync(now.AddDays(30));
        string[] mine = [planned, middle, oldest];
        var directory = Grains.GetGrain<ICoCreationSessionDirectoryGrain>(0);

        var all = new List<CoCreationSessionListing>();
        var total = (await directory.List(0, 2)).TotalItems;
        for (var skip = 0; skip < total; skip += 2)
            all.AddRange((await directory.List(skip, 2)).Items);
        Assert.Equal(all.OrderByDescending(l => l.StartsAt).ThenBy(l => l.Id, StringComparer.Ordinal).Select(l => l.Id), all.Select(l => l.Id));
        Assert.Equal(mine, all.Select(l => l.Id).Where(mine.Contains));

        var started = await directory.List(0, CoCreationSessionDirectoryGrain.MaxPageSize, now);
        Assert.DoesNotContain(started.Items, l => l.Id == planned);
        Assert.All(started.Items, l => Assert.True(l.StartsAt <= now));
        Assert.True(started.TotalItems < total);
        Assert.Contains(started.Items, l => l.Id == middle);
    }
}
