using CivicContracting.Accounts;
using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Coaching;

/// <summary>
/// A coach asks a commitment's owner for a progress report now, with an optional message: the one way in for
/// POST /api/commitments/{id}/nudges and the nudge forms of the coach's workspace and its commitment page.
/// </summary>
public sealed class NudgeCommand(IClusterClient orleans, CommitmentViews views)
{
    /// <summary>The right to nudge the owner of <see cref="CommitmentId"/>.</summary>
    public sealed record Permit(Actor Actor, string CommitmentId);

    /// <summary>401 if not signed in, 403 for anyone but coaches and administrators, then 404 if there is no such commitment.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId)
    {
        Access.Require(actor, a => AccessRules.CheckCoaching(a, CoachingAct.Nudge));
        return new(actor, (await Access.RequireCommitmentAsync(orleans, commitmentId)).Id);
    }

    /// <summary>The message's rule ("message": at most <see cref="ManualNudge.MaxMessageLength"/> characters, as sent; none is fine).</summary>
    public static InputRules.Errors Check(string? message)
    {
        var errors = new InputRules.Errors();
        if (message is { Length: > ManualNudge.MaxMessageLength })
            errors.Add("message", ApiText.AtMostCharactersPlain(ManualNudge.MaxMessageLength));
        else
            errors.Clean("message", message);
        return errors;
    }

    /// <summary>The grain answers a commitment that is not reported on with a conflict (409).</summary>
    public async Task<CommitmentView> RunAsync(Permit permit, string? message)
    {
        Check(message).ThrowIfAny();
        var view = await orleans.GetGrain<ICommitmentCoachingGrain>(permit.CommitmentId).Nudge(permit.Actor.RecordedId, message);
        // A nudge changes no version, so this keeps nothing newer; it is here so that every write goes the same way.
        views.Remember(view);
        return view;
    }
}

/// <summary>
/// The support team writes a note on a commitment or a participant, visible to the team only: the one way in for
/// POST /api/commitments/{id}/notes, POST /api/participants/{id}/notes and the note forms of the coach's pages.
/// </summary>
public sealed class SupportNoteCommand(IClusterClient orleans)
{
    /// <summary>The right to write a note on the subject <see cref="SubjectKey"/> (see <see cref="SupportNotes"/>).</summary>
    public sealed record Permit(Actor Actor, string SubjectKey);

    /// <summary>401 if not signed in, 403 for anyone but the support team, then 404 if there is no such commitment.</summary>
    public async Task<Permit> AuthoriseForCommitmentAsync(Actor actor, string commitmentId)
    {
        Authorise(actor);
        return new(actor, SupportNotes.CommitmentKey((await Access.RequireCommitmentAsync(orleans, commitmentId)).Id));
    }

    /// <summary>401 if not signed in, 403 for anyone but the support team, then 404 if there is no such participant.</summary>
    public async Task<Permit> AuthoriseForParticipantAsync(Actor actor, string participantId)
    {
        Authorise(actor);
        return new(actor, SupportNotes.ParticipantKey((await Access.RequireParticipantAsync(orleans, participantId)).Id));
    }

    /// <summary>The text's rule ("text": 1 to <see cref="SupportNotes.MaxTextLength"/> characters, trimmed), which the grain holds too.</summary>
    public static InputRules.Errors Check(string? text)
    {
        var errors = new InputRules.Errors();
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > SupportNotes.MaxTextLength)
            errors.Add("text", ApiText.WriteCharacters(SupportNotes.MaxTextLength));
        else
            errors.Clean("text", text);
        return errors;
    }

    /// <summary>A subject at its limit of notes is a conflict (409).</summary>
    public async Task<SupportNote> RunAsync(Permit permit, string? text)
    {
        Check(text).ThrowIfAny();
        return await orleans.GetGrain<ISupportNotesGrain>(permit.SubjectKey).Add(permit.Actor.RecordedId, permit.Actor.RecordedName, text!);
    }

    private static void Authorise(Actor actor) =>
        Access.Require(actor, a => AccessRules.CheckSupportTeam(a, SupportTeamAct.WriteNotes));
}

/// <summary>
/// Setting a coach's profile (the areas and kinds of participant they coach, and the name shown): the one way in for
/// PUT /api/coach/coaches/{accountId}/profile. A coach sets their own, administrators anyone's; the grain checks the
/// areas and kinds (400 naming <c>areas[i]</c> or <c>kinds[i]</c>).
/// </summary>
public sealed class SetCoachProfileCommand(IClusterClient orleans)
{
    /// <summary>The right to set the profile of <see cref="Coach"/> (an account with the coach role, or an administrator).</summary>
    public sealed record Permit(Actor Actor, AccountView Coach);

    /// <summary>401 if not signed in, 403 unless it is the coach's own profile or an administrator's call, 400 naming <c>accountId</c> for an account that coaches nobody.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string accountId)
    {
        Access.Require(actor, a => AccessRules.CheckCoachProfile(a, accountId));
        return new(actor, await CoachAccounts.RequireAsync(orleans, accountId, "accountId"));
    }

    /// <summary>Without a display name the account's is used.</summary>
    public Task<CoachProfile> RunAsync(Permit permit, IReadOnlyList<string>? areas, IReadOnlyList<ParticipantKind>? kinds, string? displayName) =>
        CoachAccounts.Assignments(orleans).SetProfile(new CoachProfile(permit.Coach.Id,
            string.IsNullOrWhiteSpace(displayName) ? permit.Coach.DisplayName : displayName, areas ?? [], kinds ?? []));
}

/// <summary>
/// Assigning a participant's coach (or handing it over to another): the one way in for PUT /api/participants/{id}/coach
/// and the assign form of the coach's participant page. The same coach again is a no-op; a hand-over needs a note of
/// <see cref="CoachAssignments.MinHandOverNoteLength"/> characters or more, which the grain checks as it knows the current coach.
/// </summary>
public sealed class AssignCoachCommand(IClusterClient orleans)
{
    /// <summary>The right to choose the coach of <see cref="ParticipantId"/>.</summary>
    public sealed record Permit(Actor Actor, string ParticipantId);

    /// <summary>401 if not signed in, 403 for anyone but coaches and administrators, then 404 if there is no such participant.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string participantId)
    {
        Access.Require(actor, a => AccessRules.CheckCoaching(a, CoachingAct.Assign));
        return new(actor, (await Access.RequireParticipantAsync(orleans, participantId)).Id);
    }

    /// <summary>The rules that need no account read: a coach named (<c>coachId</c>) and a note of at most <see cref="CoachAssignments.MaxNoteLength"/> characters.</summary>
    public static InputRules.Errors Check(string? coachId, string? note)
    {
        var errors = new InputRules.Errors();
        if (string.IsNullOrWhiteSpace(coachId))
            errors.Add("coachId", ApiText.NameCoach);
        if (note is { Length: > CoachAssignments.MaxNoteLength })
            errors.Add("note", ApiText.AtMostCharactersPlain(CoachAssignments.MaxNoteLength));
        return errors;
    }

    /// <summary>400 naming <c>coachId</c> unless it is a coach's (or an administrator's) account; gives them a profile if they have none.</summary>
    public async Task<ParticipantCoaching> RunAsync(Permit permit, string? coachId, string? note)
    {
        Check(coachId, note).ThrowIfAny();
        var coach = await CoachAccounts.RequireAsync(orleans, coachId!, "coachId");
        var grain = CoachAccounts.Assignments(orleans);
        await grain.EnsureProfile(coach.Id, coach.DisplayName);
        return await grain.Assign(permit.ParticipantId, coach.Id, permit.Actor.RecordedId, note);
    }
}

/// <summary>
/// Ending a participant's coaching, with an optional note the history keeps: the one way in for
/// DELETE /api/participants/{id}/coach and the unassign form of the coach's participant page. A no-op without a coach.
/// </summary>
public sealed class UnassignCoachCommand(IClusterClient orleans)
{
    /// <summary>The right to end the coaching of <see cref="ParticipantId"/>.</summary>
    public sealed record Permit(Actor Actor, string ParticipantId);

    /// <summary>401 if not signed in, 403 for anyone but coaches and administrators, then 404 if there is no such participant.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string participantId)
    {
        Access.Require(actor, a => AccessRules.CheckCoaching(a, CoachingAct.End));
        return new(actor, (await Access.RequireParticipantAsync(orleans, participantId)).Id);
    }

    /// <summary>The note's rule ("note": at most <see cref="CoachAssignments.MaxNoteLength"/> characters, trimmed), which the grain holds too.</summary>
    public static InputRules.Errors Check(string? note)
    {
        var errors = new InputRules.Errors();
        if (note is not null && note.Trim().Length > CoachAssignments.MaxNoteLength)
            errors.Add("note", ApiText.AtMostCharactersPlain(CoachAssignments.MaxNoteLength));
        return errors;
    }

    public async Task<ParticipantCoaching> RunAsync(Permit permit, string? note)
    {
        Check(note).ThrowIfAny();
        return await CoachAccounts.Assignments(orleans).Unassign(permit.ParticipantId, permit.Actor.RecordedId, note);
    }
}

/// <summary>What the coaching commands share: the assignments' grain and the check that an account coaches.</summary>
public static class CoachAccounts
{
    public static ICoachAssignmentGrain Assignments(IClusterClient orleans) => orleans.GetGrain<ICoachAssignmentGrain>(CoachAssignments.Key);

    /// <summary>An account with the coach role, or an administrator; otherwise 400 naming <paramref name="field"/>.</summary>
    public static async Task<AccountView> RequireAsync(IClusterClient orleans, string accountId, string field)
    {
        var account = ApiIds.IsWellFormed(accountId) ? await orleans.GetGrain<IAccountGrain>(accountId).Get() : null;
        if (account is null || !(account.Roles.Contains(PlatformRole.Coach) || account.Roles.Contains(PlatformRole.Administrator)))
            throw new InputRejectedException(field, ApiText.NotACoach(accountId));
        return account;
    }
}
