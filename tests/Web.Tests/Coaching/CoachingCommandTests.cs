using CivicContracting.Accounts;
using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Coaching;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Tests.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Coaching;

/// <summary>
/// The coaching commands without HTTP (the API and the coach's pages call them): each refuses whoever may not act with
/// the status the API answers (401 not signed in, 403 not allowed, 404 no such commitment or participant) and changes
/// nothing; bad input gets the field errors and changes nothing; a valid call changes state.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class CoachingCommandTests(WebAppFixture app)
{
    // Where the other coach tests work too; spelt out here rather than borrowed from a helper class.
    private const string Neighbourhood = "24062W13";

    /// <summary>A coach's area that gives them no points in the suggestions other tests rank (for a school in 24062W21).</summary>
    private const string Elsewhere = "24062W03";

    private static readonly object PledgeTerms = new { level = "pledge", title = "We fietsen naar school", description = "Een belofte." };

    private static readonly object ResultTerms = new
    {
        level = "result",
        title = "Meer verplaatsingen naar school te voet of met de fiets",
        description = "Aandeel van de verplaatsingen van en naar school te voet of met de fiets.",
        target = new { metric = "aandeel actieve verplaatsingen", unit = "%", baseline = 20, target = 60, deadline = "2030-06-30" },
    };

    private T Command<T>() where T : notnull => app.Services.GetRequiredService<T>();

    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    private ICoachAssignmentGrain Assignments => Orleans.GetGrain<ICoachAssignmentGrain>(CoachAssignments.Key);

    [Fact]
    public async Task A_nudge_is_sent_by_coaches_only_its_message_is_limited_and_a_draft_is_a_conflict()
    {
        var (coach, resident, moderator) = await TeamAsync();
        var commitment = await ConfirmedAsync();
        var nudge = Command<NudgeCommand>();

        await RefusedAsync(401, () => nudge.AuthoriseAsync(Actor.Anonymous, commitment));
        await RefusedAsync(403, () => nudge.AuthoriseAsync(resident, commitment));
        await RefusedAsync(403, () => nudge.AuthoriseAsync(moderator, commitment)); // the support team, but no coach
        await RefusedAsync(403, () => nudge.AuthoriseAsync(Actor.BootstrapOperator, commitment));
        await RefusedAsync(403, () => nudge.AuthoriseAsync(Token(coach, AccessTokenScopes.ReadPrivate), commitment));
        await RefusedAsync(404, () => nudge.AuthoriseAsync(coach, "c-none-such"));
        // A stranger is refused before the commitment is looked up: 403, not 404.
        await RefusedAsync(403, () => nudge.AuthoriseAsync(resident, "c-none-such"));
        Assert.Equal(0, (await CommitmentAsync(commitment)).NudgeCount);

        var permit = await nudge.AuthoriseAsync(coach, commitment);
        Assert.Contains("message", NudgeCommand.Check(new string('x', ManualNudge.MaxMessageLength + 1)).ByField.Keys);
        await RejectedAsync("message", () => nudge.RunAsync(permit, new string('x', ManualNudge.MaxMessageLength + 1)));
        Assert.Equal(0, (await CommitmentAsync(commitment)).NudgeCount);

        var nudged = await nudge.RunAsync(permit, "Hoe staat het met de tellingen?");
        Assert.Equal(1, nudged.NudgeCount);
        Assert.Equal(1, (await CommitmentAsync(commitment)).NudgeCount);
        var last = await Orleans.GetGrain<ICommitmentCoachingGrain>(commitment).GetLastManualNudge();
        Assert.Equal((coach.RecordedId, "Hoe staat het met de tellingen?"), (last!.CoachId, last.Message));
        // No message at all is a nudge too; the operator token nudges as 'operator'.
        await nudge.RunAsync(await nudge.AuthoriseAsync(Actor.Operator, commitment), null);
        Assert.Equal(2, (await CommitmentAsync(commitment)).NudgeCount);

        var draft = await app.Operator.CommitAsync(await app.Operator.RegisterAsync(ParticipantKind.School, Neighbourhood),
            Neighbourhood, PledgeTerms, (await CommandTestGoal.EnsureAsync(app), 1.0));
        await Assert.ThrowsAsync<StateConflictException>(async () => await nudge.RunAsync(await nudge.AuthoriseAsync(coach, draft.Id), null));
        Assert.Equal(0, (await CommitmentAsync(draft.Id)).NudgeCount);
    }

    [Fact]
    public async Task Notes_are_written_by_the_support_team_only_on_what_exists_with_1_to_2000_characters()
    {
        var (coach, resident, moderator) = await TeamAsync();
        var commitment = await ConfirmedAsync();
        var participant = (await CommitmentAsync(commitment)).ParticipantId;
        var notes = Command<SupportNoteCommand>();

        await RefusedAsync(401, () => notes.AuthoriseForCommitmentAsync(Actor.Anonymous, commitment));
        await RefusedAsync(403, () => notes.AuthoriseForCommitmentAsync(resident, commitment));
        await RefusedAsync(403, () => notes.AuthoriseForCommitmentAsync(Token(coach, AccessTokenScopes.ReadPrivate), commitment));
        await RefusedAsync(404, () => notes.AuthoriseForCommitmentAsync(coach, "c-none-such"));
        await RefusedAsync(401, () => notes.AuthoriseForParticipantAsync(Actor.Anonymous, participant));
        await RefusedAsync(403, () => notes.AuthoriseForParticipantAsync(resident, participant));
        await RefusedAsync(404, () => notes.AuthoriseForParticipantAsync(moderator, "p-none-such"));
        Assert.Empty(await NotesAsync(SupportNotes.CommitmentKey(commitment)));
        Assert.Empty(await NotesAsync(SupportNotes.ParticipantKey(participant)));

        var onCommitment = await notes.AuthoriseForCommitmentAsync(coach, commitment);
        foreach (var text in new string?[] { null, "", "   ", new string('n', SupportNotes.MaxTextLength + 1) })
        {
            Assert.Contains("text", SupportNoteCommand.Check(text).ByField.Keys);
            await RejectedAsync("text", () => notes.RunAsync(onCommitment, text));
        }
        Assert.Empty(await NotesAsync(SupportNotes.CommitmentKey(commitment)));

        var written = await notes.RunAsync(onCommitment, "  Huisbezoek gepland.  ");
        Assert.Equal(("Huisbezoek gepland.", coach.RecordedId), (written.Text, written.AuthorId));
        Assert.Equal(written.Id, Assert.Single(await NotesAsync(SupportNotes.CommitmentKey(commitment))).Id);
        // Moderators are on the support team: they write notes too, here on the participant.
        await notes.RunAsync(await notes.AuthoriseForParticipantAsync(moderator, participant), "Wil liever gebeld worden.");
        Assert.Equal(moderator.RecordedId, Assert.Single(await NotesAsync(SupportNotes.ParticipantKey(participant))).AuthorId);
    }

    [Fact]
    public async Task A_coach_sets_their_own_profile_administrators_anyones_and_bad_areas_are_named()
    {
        var (anna, resident, _) = await TeamAsync();
        var bert = await CoachAsync();
        var profiles = Command<SetCoachProfileCommand>();
        var bertBefore = await Assignments.GetProfile(bert.RecordedId);

        await RefusedAsync(401, () => profiles.AuthoriseAsync(Actor.Anonymous, anna.RecordedId));
        await RefusedAsync(403, () => profiles.AuthoriseAsync(anna, bert.RecordedId));
        await RefusedAsync(403, () => profiles.AuthoriseAsync(resident, resident.RecordedId));
        await RefusedAsync(403, () => profiles.AuthoriseAsync(Token(bert, AccessTokenScopes.ReadPrivate), bert.RecordedId));
        // Whoever may set profiles is told when the account coaches nobody (400 naming the path's account id).
        await RejectedAsync("accountId", () => profiles.AuthoriseAsync(Actor.Operator, resident.RecordedId));
        Assert.Null(await Assignments.GetProfile(resident.RecordedId));
        Assert.Equal(Describe(bertBefore), Describe(await Assignments.GetProfile(bert.RecordedId)));

        var own = await profiles.AuthoriseAsync(anna, anna.RecordedId);
        var annaBefore = Describe(await Assignments.GetProfile(anna.RecordedId));
        await RejectedAsync("areas[0]", () => profiles.RunAsync(own, ["nowhere"], null, null));
        Assert.Equal(annaBefore, Describe(await Assignments.GetProfile(anna.RecordedId)));
        // Without a display name the account's is kept.
        var set = await profiles.RunAsync(own, [Elsewhere], [ParticipantKind.Business], null);
        Assert.Equal($"{anna.RecordedName}: {Elsewhere}; Business", Describe(set));
        Assert.Equal(Describe(set), Describe(await Assignments.GetProfile(anna.RecordedId)));

        await profiles.RunAsync(await profiles.AuthoriseAsync(Actor.Operator, bert.RecordedId), [], [], "Bert van de Kessel-Lo ploeg");
        Assert.Equal("Bert van de Kessel-Lo ploeg: ; ", Describe(await Assignments.GetProfile(bert.RecordedId)));
    }

    [Fact]
    public async Task Coaches_assign_hand_over_with_a_note_and_end_a_coaching_others_change_nothing()
    {
        var (anna, resident, moderator) = await TeamAsync();
        var bert = await CoachAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, Neighbourhood);
        var assign = Command<AssignCoachCommand>();
        var unassign = Command<UnassignCoachCommand>();

        await RefusedAsync(401, () => assign.AuthoriseAsync(Actor.Anonymous, school));
        await RefusedAsync(403, () => assign.AuthoriseAsync(resident, school));
        await RefusedAsync(403, () => assign.AuthoriseAsync(moderator, school));
        await RefusedAsync(403, () => assign.AuthoriseAsync(Token(anna, AccessTokenScopes.ReadPrivate), school));
        await RefusedAsync(404, () => assign.AuthoriseAsync(anna, "p-none-such"));
        var permit = await assign.AuthoriseAsync(bert, school);
        await RejectedAsync("coachId", () => assign.RunAsync(permit, null, null));
        await RejectedAsync("coachId", () => assign.RunAsync(permit, resident.RecordedId, null)); // no coach
        await RejectedAsync("coachId", () => assign.RunAsync(permit, "not an id!", null));
        await RejectedAsync("note", () => assign.RunAsync(permit, anna.RecordedId, new string('n', CoachAssignments.MaxNoteLength + 1)));
        Assert.Null((await Assignments.GetAssignment(school)).Current);

        var assigned = await assign.RunAsync(permit, anna.RecordedId, null);
        Assert.Equal((anna.RecordedId, bert.RecordedId), (assigned.Current!.CoachId, assigned.Current.AssignedBy));
        // Another coach is a hand-over: it needs a note of three characters or more (the grain knows who coaches now).
        var handOver = await assign.AuthoriseAsync(anna, school);
        await RejectedAsync("note", () => assign.RunAsync(handOver, bert.RecordedId, "ok"));
        Assert.Equal(anna.RecordedId, (await Assignments.GetAssignment(school)).Current!.CoachId);
        Assert.Equal(bert.RecordedId, (await assign.RunAsync(handOver, bert.RecordedId, "De directeur wil in mei tellen.")).Current!.CoachId);

        await RefusedAsync(401, () => unassign.AuthoriseAsync(Actor.Anonymous, school));
        await RefusedAsync(403, () => unassign.AuthoriseAsync(resident, school));
        await RefusedAsync(403, () => unassign.AuthoriseAsync(moderator, school));
        await RefusedAsync(404, () => unassign.AuthoriseAsync(bert, "p-none-such"));
        var ending = await unassign.AuthoriseAsync(bert, school);
        Assert.Contains("note", UnassignCoachCommand.Check(new string('n', CoachAssignments.MaxNoteLength + 1)).ByField.Keys);
        await RejectedAsync("note", () => unassign.RunAsync(ending, new string('n', CoachAssignments.MaxNoteLength + 1)));
        Assert.Equal(bert.RecordedId, (await Assignments.GetAssignment(school)).Current!.CoachId);

        var ended = await unassign.RunAsync(ending, "Project afgerond");
        Assert.Null(ended.Current);
        Assert.Equal((bert.RecordedId, "Project afgerond", bert.RecordedId), (ended.History[^1].CoachId, ended.History[^1].EndNote, ended.History[^1].EndedBy));
        Assert.Equal([anna.RecordedId, bert.RecordedId], ended.History.Select(a => a.CoachId));
        Assert.All(ended.History, a => Assert.NotNull(a.EndedAt));
    }

    /// <summary>A coach, a resident (with a participant of their own) and a moderator, as actors of a session.</summary>
    private async Task<(Actor Coach, Actor Resident, Actor Moderator)> TeamAsync()
    {
        using var resident = await People.SignUpAsync(app.BaseAddress, Neighbourhood);
        using var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        return (await CoachAsync(), await ActorOfAsync(resident.AccountId), await ActorOfAsync(moderator.AccountId));
    }

    private async Task<Actor> CoachAsync()
    {
        using var coach = await People.SignUpAsync(app.BaseAddress, displayName: "Coach " + Guid.NewGuid().ToString("N")[..6]);
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        return await ActorOfAsync(coach.AccountId);
    }

    /// <summary>A confirmed result commitment of a new school, which the coaches can nudge.</summary>
    private async Task<string> ConfirmedAsync()
    {
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, Neighbourhood);
        var draft = await app.Operator.CommitAsync(school, Neighbourhood, ResultTerms, (await CommandTestGoal.EnsureAsync(app), 1.0));
        await app.Operator.ConfirmAsync(draft.Id);
        return draft.Id;
    }

    private async Task<CommitmentView> CommitmentAsync(string id) =>
        await Orleans.GetGrain<ICommitmentGrain>(id).Get() ?? throw new InvalidOperationException($"No commitment {id}.");

    private Task<IReadOnlyList<SupportNote>> NotesAsync(string key) => Orleans.GetGrain<ISupportNotesGrain>(key).List();

    /// <summary>A profile as text (its lists compare by reference in the record's equality).</summary>
    private static string Describe(CoachProfile? profile) =>
        profile is null ? "none" : $"{profile.DisplayName}: {string.Join(",", profile.Areas)}; {string.Join(",", profile.Kinds)}";

    /// <summary>A personal access token of <paramref name="person"/> with only <paramref name="scopes"/>.</summary>
    private static Actor Token(Actor person, params string[] scopes) =>
        person with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>(scopes, StringComparer.Ordinal) };

    private static async Task RefusedAsync(int status, Func<Task> act)
    {
        var refused = await Assert.ThrowsAsync<ApiProblemException>(act);
        Assert.Equal(status, refused.Status);
    }

    private static async Task RejectedAsync(string field, Func<Task> act)
    {
        var rejected = await Assert.ThrowsAsync<InputRejectedException>(act);
        Assert.Contains(field, rejected.Errors.Keys);
    }

    private async Task<Actor> ActorOfAsync(string accountId) =>
        new(ActorKind.Session, await Orleans.GetGrain<IAccountGrain>(accountId).Get() ?? throw new InvalidOperationException($"No account {accountId}."), null);
}
