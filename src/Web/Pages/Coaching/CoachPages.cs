using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Coaching;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Coaching;

/// <summary>What the coach's pages share: who may see them, the words for judgements and reasons (from the site's texts), and the nudge and note forms' answers.</summary>
public static class CoachPages
{
    /// <summary>The support team (coaches, moderators, administrators) sees the workspace; everyone else gets the 403 page.</summary>
    public static bool MaySee(Actor actor) => actor.IsSupportTeam && actor.Kind != ActorKind.AccessToken;

    /// <summary>Nudging and assigning: coaches and administrators.</summary>
    public static bool MayCoach(Actor actor) => actor.IsCoachOrAdministrator && actor.Kind != ActorKind.AccessToken;

    public static string PlaceName(string? code) => code is not null && CivicContracting.Places.PlaceCatalog.Leuven.TryGet(code, out var place) ? place.Name : code ?? "–";

    public static string Judgement(IStringLocalizer t, TrajectoryJudgement judgement) => t[judgement switch
    {
        TrajectoryJudgement.OnTrack => "Coach.Judgement.onTrack",
        TrajectoryJudgement.AtRisk => "Coach.Judgement.atRisk",
        TrajectoryJudgement.OffTrack => "Coach.Judgement.offTrack",
        TrajectoryJudgement.Achieved => "Coach.Judgement.achieved",
        _ => "Coach.Judgement.notEnoughData",
    }];

    public static string Reason(IStringLocalizer t, ReportingDueReason reason) => t[reason switch
    {
        ReportingDueReason.DeadlinePassed => "Coach.Reason.deadlinePassed",
        ReportingDueReason.DeadlineSoon => "Coach.Reason.deadlineSoon",
        _ => "Coach.Reason.reportOverdue",
    }];

    public static string SuggestionReason(IStringLocalizer t, CoachSuggestionReason reason) => reason switch
    {
        CoachSuggestionReason.CoversNeighbourhood => t["Coach.SuggestionReason.coversNeighbourhood"],
        CoachSuggestionReason.CoversDistrict => t["Coach.SuggestionReason.coversDistrict"],
        CoachSuggestionReason.CoversCity => t["Coach.SuggestionReason.coversCity"],
        CoachSuggestionReason.CoversKind => t["Coach.SuggestionReason.coversKind"],
        CoachSuggestionReason.AnyKind => t["Coach.SuggestionReason.anyKind"],
        CoachSuggestionReason.CoachesInNeighbourhood => t["Coach.SuggestionReason.coachesInNeighbourhood"],
        _ => reason.ToString(),
    };

    /// <summary>Adds a team note through the command; null when stored, else the reason (a site text).</summary>
    public static async Task<string?> AddNoteAsync(SupportNoteCommand notes, SupportNoteCommand.Permit permit, IStringLocalizer t, string? text)
    {
        if (!SupportNoteCommand.Check(text).IsValid)
            return t["Coach.Error.Note", SupportNotes.MaxTextLength];
        try
        {
            await notes.RunAsync(permit, text);
            return null;
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            return t["Coach.Error.Note", SupportNotes.MaxTextLength];
        }
    }

    /// <summary>
    /// Sends a nudge through the command; null when sent, else the reason (a site text: the message is too long, or the
    /// commitment is not reported on). A refusal (401, 403, or 404 for no such commitment) is thrown for the page to answer.
    /// </summary>
    public static async Task<string?> NudgeAsync(NudgeCommand nudge, IStringLocalizer t, Actor actor, string commitmentId, string? message)
    {
        var permit = await nudge.AuthoriseAsync(actor, commitmentId);
        if (!NudgeCommand.Check(message).IsValid)
            return t["Coach.Error.MessageTooLong", ManualNudge.MaxMessageLength];
        try
        {
            await nudge.RunAsync(permit, message);
            return null;
        }
        catch (StateConflictException)
        {
            return t["Coach.Error.NotReportedOn"];
        }
        catch (InputRejectedException)
        {
            // The message is the only input the grain can refuse (the coach is the signed-in account).
            return t["Coach.Error.MessageTooLong", ManualNudge.MaxMessageLength];
        }
        catch (KeyNotFoundException)
        {
            return t["Coach.Error.NoSuchCommitment"];
        }
    }
}
