using CivicContracting.Texts;
using CivicContracting.Participants;

namespace CivicContracting.Sessions;

/// <summary>The kinds of co-creation session (cocreatie-moment) the support team records.</summary>
public enum CoCreationSessionKind
{
    Workshop = 0,
    NeighbourhoodMeeting = 1,
    CitizenPanel = 2,
}

/// <summary>
/// What the support team records about a co-creation session: its kind and title, when it started, where (a Leuven
/// neighbourhood and a free-text venue), the goals it worked on, how many people of each participant kind attended, and
/// notes for the support team only (never shown to the public). Checked by <see cref="CoCreationSessionRules.Details"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CoCreationSessionDetails.v1")]
public sealed record CoCreationSessionDetails(
    [property: Id(0)] CoCreationSessionKind Kind,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTimeOffset StartsAt,
    [property: Id(3)] string NeighbourhoodCode,
    [property: Id(4)] string Venue,
    [property: Id(5)] IReadOnlyList<string> GoalIds,
    [property: Id(6)] IReadOnlyDictionary<ParticipantKind, int> Attendance,
    [property: Id(7)] string? Notes = null,
    [property: Id(8)] string? Language = null,
    [property: Id(9)] ContentTranslations? TitleTranslations = null)
{
    // Title is the original, in Language (null: Dutch, as every session recorded before translations).

    /// <summary>The title for a reader of <paramref name="language"/>: its translation, else the original, with its language.</summary>
    public ResolvedText TitleIn(string language) => ContentTranslations.Resolve(Title, Language, TitleTranslations, language);

    /// <summary>Records compare lists and dictionaries by reference; this compares their contents.</summary>
    public bool SameAs(CoCreationSessionDetails? other) =>
        other is not null
        && Kind == other.Kind
        && Title == other.Title
        && StartsAt == other.StartsAt
        && NeighbourhoodCode == other.NeighbourhoodCode
        && Venue == other.Venue
        && Notes == other.Notes
        && ContentLanguage.OriginalOf(Language) == ContentLanguage.OriginalOf(other.Language)
        && ContentTranslations.OrNull(TitleTranslations) == ContentTranslations.OrNull(other.TitleTranslations)
        && (GoalIds ?? []).SequenceEqual(other.GoalIds ?? [], StringComparer.Ordinal)
        && CoCreationSessionRules.Counted(Attendance).SequenceEqual(CoCreationSessionRules.Counted(other.Attendance));
}

/// <summary>
/// A co-creation session as its grain holds it: the recorded details, the commitments made at or after it that link to
/// it (in the order they linked), and when it was recorded and last changed. <see cref="Details"/> carries the support
/// team's notes: the web tier shows them to coaches and administrators only.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CoCreationSessionView.v1")]
public sealed record CoCreationSessionView(
    [property: Id(0)] string Id,
    [property: Id(1)] CoCreationSessionDetails Details,
    [property: Id(2)] IReadOnlyList<string> CommitmentIds,
    [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    [property: Id(5)] long Version)
{
    /// <summary>Everyone who attended, of every kind.</summary>
    public int AttendanceTotal => CoCreationSessionRules.Counted(Details.Attendance).Sum(a => a.Value);
}

/// <summary>What linking a commitment to a session came to (<see cref="ICoCreationSessionGrain.LinkCommitment"/>).</summary>
public enum CoCreationLinkOutcome
{
    /// <summary>The commitment is linked (now, or it was already).</summary>
    Linked = 0,

    /// <summary>No session was recorded under this id; nothing was stored.</summary>
    UnknownSession = 1,

    /// <summary>The session starts after the moment the commitment was made; nothing was stored.</summary>
    StartsLater = 2,

    /// <summary>The session has reached <c>CoCreationSessionGrain.MaxLinkedCommitments</c>; nothing was stored.</summary>
    Full = 3,
}

/// <summary>The answer to <see cref="ICoCreationSessionGrain.LinkCommitment"/>: the outcome and the session's start (null if unknown).</summary>
[GenerateSerializer, Immutable, Alias("cc.CoCreationSessionLink.v1")]
public sealed record CoCreationSessionLink(
    [property: Id(0)] CoCreationLinkOutcome Outcome,
    [property: Id(1)] DateTimeOffset? StartsAt);

/// <summary>One line of the session directory: enough to list and page sessions without activating each of them.</summary>
[GenerateSerializer, Immutable, Alias("cc.CoCreationSessionListing.v1")]
public sealed record CoCreationSessionListing(
    [property: Id(0)] string Id,
    [property: Id(1)] CoCreationSessionKind Kind,
    [property: Id(2)] string Title,
    [property: Id(3)] DateTimeOffset StartsAt,
    [property: Id(4)] string NeighbourhoodCode,
    [property: Id(5)] IReadOnlyList<string> GoalIds,
    [property: Id(6)] int AttendanceTotal,
    [property: Id(7)] string? Language = null,
    [property: Id(8)] ContentTranslations? TitleTranslations = null)
{
    /// <summary>The title for a reader of <paramref name="language"/>, as <see cref="CoCreationSessionDetails.TitleIn"/>.</summary>
    public ResolvedText TitleIn(string language) => ContentTranslations.Resolve(Title, Language, TitleTranslations, language);
}

/// <summary>A page of the session directory, newest first, with the number of sessions in the whole (filtered) list.</summary>
[GenerateSerializer, Immutable, Alias("cc.CoCreationSessionPage.v1")]
public sealed record CoCreationSessionPage(
    [property: Id(0)] IReadOnlyList<CoCreationSessionListing> Items,
    [property: Id(1)] int TotalItems);

/// <summary>
/// One co-creation session (workshop, neighbourhood meeting, citizen-panel session), keyed by its id. It calls no
/// commitment: commitments link to it (commitment → session, awaited, when a commitment made at the session is created or
/// its signing date is given), so no call cycle is possible. It registers itself with the
/// <see cref="ICoCreationSessionDirectoryGrain"/> (a leaf that calls nobody).
/// </summary>
public interface ICoCreationSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records the session. Repeating the same details is a no-op (and completes the directory registration); other details
    /// under an existing id are a <see cref="Validation.StateConflictException"/> (use <see cref="Update"/>). Input that
    /// breaks <see cref="CoCreationSessionRules.Details"/> is a <see cref="Validation.InputRejectedException"/> naming the field.
    /// </summary>
    Task<CoCreationSessionView> Record(CoCreationSessionDetails details);

    /// <summary>
    /// Replaces the details of a recorded session (<see cref="KeyNotFoundException"/> if there is none). The start may not
    /// move past the moment any linked commitment was made (<c>startsAt</c> is refused): a commitment links only to a
    /// session it was made at or after. Repeating the same update is a no-op.
    /// </summary>
    Task<CoCreationSessionView> Update(CoCreationSessionDetails details);

    /// <summary>The session, or null if none was recorded under this id.</summary>
    Task<CoCreationSessionView?> Get();

    /// <summary>
    /// Called by a commitment made at or after this session (when it is created, and again with its signing date when it is
    /// confirmed as signed earlier): links it if the session exists and started at or before <paramref name="madeAt"/>.
    /// Idempotent — linking again keeps one link and remembers the earliest <paramref name="madeAt"/>; bounded by
    /// <c>CoCreationSessionGrain.MaxLinkedCommitments</c>. A refusal stores nothing and says why.
    /// </summary>
    Task<CoCreationSessionLink> LinkCommitment(string commitmentId, DateTimeOffset madeAt);
}

/// <summary>The one registry of co-creation sessions (hundreds a year, not millions): listing and paging, newest first.</summary>
public interface ICoCreationSessionDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces a session's line; the same line again is a no-op.</summary>
    Task Register(CoCreationSessionListing listing);

    /// <summary>
    /// Sessions newest first (by start, then id): <paramref name="take"/> of them after skipping <paramref name="skip"/>.
    /// With <paramref name="startedBy"/>, only sessions that started at or before it (e.g. those a commitment made now may
    /// link to).
    /// </summary>
    Task<CoCreationSessionPage> List(int skip, int take, DateTimeOffset? startedBy = null);
}
