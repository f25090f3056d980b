using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.ReadModel;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Coaching;

/// <summary>What the coach's pages share: who may see them, the words for judgements and reasons (from the site's texts), and a nudge.</summary>
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

    /// <summary>Adds a team note for the actor to <paramref name="subjectKey"/>; null when stored, else the reason (a site text).</summary>
    public static async Task<string?> AddNoteAsync(IClusterClient orleans, IStringLocalizer t, Actor actor, string subjectKey, string? text)
    {
        var (authorId, authorName) = (actor.RecordedId, actor.RecordedName);
        try
        {
            await orleans.GetGrain<ISupportNotesGrain>(subjectKey).Add(authorId, authorName, text ?? "");
            return null;
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            return t["Coach.Error.Note", SupportNotes.MaxTextLength];
        }
    }

    /// <summary>Sends a nudge for the coach; null when sent, else the reason (a site text; the commitment is not reported on, or the message is too long).</summary>
    public static async Task<string?> NudgeAsync(IClusterClient orleans, CommitmentViews views, IStringLocalizer t, Actor actor, string commitmentId, string? message)
    {
        if (message is { Length: > ManualNudge.MaxMessageLength })
            return t["Coach.Error.MessageTooLong", ManualNudge.MaxMessageLength];
        try
        {
            views.Remember(await orleans.GetGrain<ICommitmentCoachingGrain>(commitmentId).Nudge(actor.RecordedId, message));
            return null;
        }
        catch (StateConflictException)
        {
            return t["Coach.Error.NotReportedOn"];
        }
        catch (InputRejectedException rejected)
        {
            return rejected.Message;
        }
        catch (KeyNotFoundException)
        {
            return t["Coach.Error.NoSuchCommitment"];
        }
    }
}
