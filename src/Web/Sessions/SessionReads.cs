using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Texts;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Sessions;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Content;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Sessions;

/// <summary>A goal a session worked on, with its title in the reader's language where translated (the id alone if the goal is unknown).</summary>
public sealed record SessionGoal(string Id, string Title, string? TitleLanguage = null);

/// <summary>A commitment that came out of a session: made at or after it, linked to it.</summary>
public sealed record SessionCommitment(
    string Id,
    string Title,
    string ParticipantId,
    string ParticipantName,
    ParticipantKind ParticipantKind,
    CommitmentLevel Level,
    CommitmentStatus Status,
    string NeighbourhoodCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ConfirmedAt);

/// <summary>
/// What came out of a session. <see cref="Commitments"/> and <see cref="ByStatus"/>: the linked commitments listed (the
/// public sees no drafts; coaches and administrators see them too). <see cref="ConfirmedCommitments"/>,
/// <see cref="ByLevel"/>, <see cref="Participants"/> and <see cref="ParticipantsByKind"/>: the formally confirmed ones that
/// were not withdrawn (confirmed, active, achieved, missed), and the distinct participants who made them, by kind.
/// </summary>
public sealed record SessionOutcome(
    int ConfirmedCommitments,
    IReadOnlyDictionary<CommitmentLevel, int> ByLevel,
    int Participants,
    IReadOnlyDictionary<ParticipantKind, int> ParticipantsByKind,
    IReadOnlyDictionary<CommitmentStatus, int> ByStatus,
    IReadOnlyList<SessionCommitment> Commitments);

/// <summary>
/// A co-creation session as the API and the site show it. <see cref="Notes"/> (the support team's) is null for everyone
/// but coaches and administrators.
/// </summary>
public sealed record CoCreationSessionResponse(
    string Id,
    CoCreationSessionKind Kind,
    string Title,
    DateTimeOffset StartsAt,
    string NeighbourhoodCode,
    string NeighbourhoodName,
    string Venue,
    IReadOnlyList<SessionGoal> Goals,
    IReadOnlyDictionary<ParticipantKind, int> Attendance,
    int AttendanceTotal,
    SessionOutcome Outcome,
    DateTimeOffset RecordedAt,
    DateTimeOffset UpdatedAt,
    string? Notes,
    string? TitleLanguage = null,
    string? OriginalLanguage = null,
    TranslationsView? Translations = null);

/// <summary>One line of the sessions list.</summary>
public sealed record CoCreationSessionSummary(
    string Id,
    CoCreationSessionKind Kind,
    string Title,
    DateTimeOffset StartsAt,
    string NeighbourhoodCode,
    string NeighbourhoodName,
    IReadOnlyList<string> GoalIds,
    int AttendanceTotal,
    string? TitleLanguage = null);

/// <summary>Reads of co-creation sessions shared by the API (<see cref="SessionEndpoints"/>) and the site's pages.</summary>
public static class SessionReads
{
    /// <summary>Coaches and administrators, and for an access token only with <c>read:private</c>: who may read the support team's notes and drafts.</summary>
    public static bool MaySeePrivate(Actor actor) => actor.IsCoachOrAdministrator && actor.HasScope(AccessTokenScopes.ReadPrivate);

    /// <summary>A session's start as people in Leuven read it (Brussels time), whatever the server's own time zone.</summary>
    public static string LocalDateTime(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Texts.SiteCulture.TimeZone).ToString("d MMMM yyyy, HH:mm", System.Globalization.CultureInfo.CurrentCulture);

    /// <summary>A session's day in Brussels time.</summary>
    public static string LocalDate(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Texts.SiteCulture.TimeZone).ToString("d MMMM yyyy", System.Globalization.CultureInfo.CurrentCulture);

    public static string PlaceName(string code) => PlaceCatalog.Leuven.TryGet(code, out var place) ? place.Name : code;

    /// <summary>The session's line, its title in the reader's language where translated.</summary>
    public static CoCreationSessionSummary Summary(CoCreationSessionListing l)
    {
        var title = l.TitleIn(ContentText.Reading);
        return new(l.Id, l.Kind, title.Text, l.StartsAt, l.NeighbourhoodCode, PlaceName(l.NeighbourhoodCode), l.GoalIds, l.AttendanceTotal, title.Language);
    }

    /// <summary>
    /// The session with its goals' titles and what came out of it: every linked commitment, read fresh from its grain
    /// (a session links at most <see cref="CoCreationSessionGrain.MaxLinkedCommitments"/>); public names of participants.
    /// </summary>
    public static async Task<CoCreationSessionResponse> DescribeAsync(IClusterClient orleans, CommitmentViews views, CoCreationSessionView session, bool includePrivate)
    {
        var d = session.Details;
        var goals = await Task.WhenAll(d.GoalIds.Select(async id => (await views.GoalAsync(id))?.Definition.TitleIn(ContentText.Reading) is { } goalTitle
            ? new SessionGoal(id, goalTitle.Text, goalTitle.Language)
            : new SessionGoal(id, id)));
        var commitments = (await Task.WhenAll(session.CommitmentIds.Select(id => orleans.GetGrain<ICommitmentGrain>(id).Get())))
            .OfType<CommitmentView>()
            .Where(c => c.SessionId == session.Id && (includePrivate || c.Status != CommitmentStatus.Draft))
            .ToList();
        var profiles = await views.ProfilesAsync(commitments.Select(c => c.ParticipantId));
        var items = commitments
            .Select(c => (View: c, Profile: profiles.GetValueOrDefault(c.ParticipantId)))
            .Select(c => new SessionCommitment(c.View.Id, PublicView.Title(c.View), c.View.ParticipantId, c.Profile?.DisplayName ?? "–",
                c.Profile?.Kind ?? ParticipantKind.Resident, c.View.Terms.Level, c.View.Status, c.View.NeighbourhoodCode,
                c.View.CreatedAt, c.View.Confirmation?.ConfirmedAt))
            .OrderByDescending(c => c.ConfirmedAt ?? c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        var confirmed = items.Where(c => c.Status is CommitmentStatus.Confirmed or CommitmentStatus.Active or CommitmentStatus.Achieved or CommitmentStatus.Missed).ToList();
        var participants = confirmed.GroupBy(c => c.ParticipantId, StringComparer.Ordinal).Select(g => g.First().ParticipantKind).ToList();
        var outcome = new SessionOutcome(
            confirmed.Count,
            Enum.GetValues<CommitmentLevel>().ToDictionary(l => l, l => confirmed.Count(c => c.Level == l)),
            participants.Count,
            Enum.GetValues<ParticipantKind>().ToDictionary(k => k, k => participants.Count(p => p == k)),
            items.GroupBy(c => c.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            items);
        var title = d.TitleIn(ContentText.Reading);
        return new CoCreationSessionResponse(session.Id, d.Kind, title.Text, d.StartsAt, d.NeighbourhoodCode, PlaceName(d.NeighbourhoodCode),
            d.Venue, goals, Enum.GetValues<ParticipantKind>().ToDictionary(k => k, k => d.Attendance.GetValueOrDefault(k)),
            session.AttendanceTotal, outcome, session.RecordedAt, session.UpdatedAt, includePrivate ? d.Notes : null,
            title.Language, ContentLanguage.OriginalOf(d.Language), new TranslationsView(ContentText.Map(d.Title, d.Language, d.TitleTranslations)));
    }
}
