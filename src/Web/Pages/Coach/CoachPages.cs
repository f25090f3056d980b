using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Pages.Coach;

/// <summary>What the coach's pages share: who may see them, the Dutch words for judgements and reasons, and a nudge.</summary>
public static class CoachPages
{
    /// <summary>The support team (coaches, moderators, administrators) sees the workspace; everyone else gets the 403 page.</summary>
    public static bool MaySee(Actor actor) => actor.IsSupportTeam && actor.Kind != ActorKind.AccessToken;

    /// <summary>Nudging and assigning: coaches and administrators.</summary>
    public static bool MayCoach(Actor actor) => actor.IsCoachOrAdministrator && actor.Kind != ActorKind.AccessToken;

    public static string PlaceName(string? code) => code is not null && CivicContracting.Places.PlaceCatalog.Leuven.TryGet(code, out var place) ? place.Name : code ?? "–";

    public static string Judgement(TrajectoryJudgement judgement) => judgement switch
    {
        TrajectoryJudgement.OnTrack => "Op schema",
        TrajectoryJudgement.AtRisk => "Risico",
        TrajectoryJudgement.OffTrack => "Niet op schema",
        TrajectoryJudgement.Achieved => "Doel bereikt",
        _ => "Nog te weinig gegevens",
    };

    public static string Reason(ReportingDueReason reason) => reason switch
    {
        ReportingDueReason.DeadlinePassed => "Deadline verstreken",
        ReportingDueReason.DeadlineSoon => "Deadline nadert",
        _ => "Rapport te laat",
    };

    public static string SuggestionReason(CoachSuggestionReason reason) => reason switch
    {
        CoachSuggestionReason.CoversNeighbourhood => "volgt deze wijk op",
        CoachSuggestionReason.CoversDistrict => "volgt de deelgemeente op",
        CoachSuggestionReason.CoversCity => "volgt de hele stad op",
        CoachSuggestionReason.CoversKind => "begeleidt dit soort deelnemer",
        CoachSuggestionReason.AnyKind => "begeleidt elk soort deelnemer",
        CoachSuggestionReason.CoachesInNeighbourhood => "begeleidt al deelnemers in deze wijk",
        _ => reason.ToString(),
    };

    /// <summary>Adds a team note for the actor to <paramref name="subjectKey"/>; null when stored, else the reason in Dutch.</summary>
    public static async Task<string?> AddNoteAsync(IClusterClient orleans, Actor actor, string subjectKey, string? text)
    {
        var (authorId, authorName) = Web.Coaching.CoachWorkspaceEndpoints.Who(actor);
        try
        {
            await orleans.GetGrain<ISupportNotesGrain>(subjectKey).Add(authorId, authorName, text ?? "");
            return null;
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            return $"De notitie is niet bewaard: schrijf 1 tot {SupportNotes.MaxTextLength} tekens.";
        }
    }

    /// <summary>Sends a nudge for the coach; null when sent, else the reason in Dutch (the commitment is not reported on, or the message is too long).</summary>
    public static async Task<string?> NudgeAsync(IClusterClient orleans, CommitmentViews views, Actor actor, string commitmentId, string? message)
    {
        if (message is { Length: > ManualNudge.MaxMessageLength })
            return $"Het bericht is te lang (hoogstens {ManualNudge.MaxMessageLength} tekens).";
        try
        {
            views.Remember(await orleans.GetGrain<ICommitmentCoachingGrain>(commitmentId).Nudge(Web.Coaching.CoachWorkspaceEndpoints.Who(actor).Id, message));
            return null;
        }
        catch (StateConflictException)
        {
            return "Deze verbintenis wordt niet opgevolgd (een ontwerp, afgesloten of niet van kracht): er is geen herinnering verstuurd.";
        }
        catch (InputRejectedException rejected)
        {
            return rejected.Message;
        }
        catch (KeyNotFoundException)
        {
            return "Deze verbintenis bestaat niet.";
        }
    }
}
