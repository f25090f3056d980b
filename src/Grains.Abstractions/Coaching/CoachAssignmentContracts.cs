using CivicContracting.Participants;

namespace CivicContracting.Coaching;

/// <summary>
/// What a coach covers: the places (<see cref="Areas"/>: neighbourhood, district or city codes) and the kinds of
/// participant (<see cref="Kinds"/>; empty: no preference). Used to suggest a coach for a participant.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CoachProfile.v1")]
public sealed record CoachProfile(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] IReadOnlyList<string> Areas,
    [property: Id(3)] IReadOnlyList<ParticipantKind> Kinds);

/// <summary>
/// One coach following one participant, from <see cref="AssignedAt"/> (by <see cref="AssignedBy"/>, with an optional
/// <see cref="Note"/>; for a hand-over the hand-over note) until <see cref="EndedAt"/> (null while current). An ended
/// assignment keeps who ended it and why (<see cref="EndNote"/>: the hand-over note, or the reason of an unassignment).
/// <see cref="NeighbourhoodCode"/> and <see cref="ParticipantKind"/> are the participant's when it was assigned.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CoachAssignment.v1")]
public sealed record CoachAssignment(
    [property: Id(0)] string ParticipantId,
    [property: Id(1)] string CoachId,
    [property: Id(2)] DateTimeOffset AssignedAt,
    [property: Id(3)] string AssignedBy,
    [property: Id(4)] string? Note,
    [property: Id(5)] string NeighbourhoodCode = "",
    [property: Id(6)] ParticipantKind ParticipantKind = ParticipantKind.Resident,
    [property: Id(7)] DateTimeOffset? EndedAt = null,
    [property: Id(8)] string? EndedBy = null,
    [property: Id(9)] string? EndNote = null)
{
    public bool IsCurrent => EndedAt is null;
}

/// <summary>A participant's coaching: the current assignment (null when nobody coaches it) and every assignment, oldest first.</summary>
[GenerateSerializer, Immutable, Alias("cc.ParticipantCoaching.v1")]
public sealed record ParticipantCoaching(
    [property: Id(0)] string ParticipantId,
    [property: Id(1)] CoachAssignment? Current,
    [property: Id(2)] IReadOnlyList<CoachAssignment> History);

/// <summary>Why a coach is suggested (see <see cref="CoachAssignments"/> for the points each earns).</summary>
public enum CoachSuggestionReason
{
    /// <summary>The coach's areas name the participant's neighbourhood.</summary>
    CoversNeighbourhood = 0,

    /// <summary>The coach's areas name the district the neighbourhood lies in.</summary>
    CoversDistrict = 1,

    /// <summary>The coach's areas name the whole city.</summary>
    CoversCity = 2,

    /// <summary>The coach's kinds name the participant's kind.</summary>
    CoversKind = 3,

    /// <summary>The coach names no kinds: no preference.</summary>
    AnyKind = 4,

    /// <summary>The coach already coaches participants in the neighbourhood.</summary>
    CoachesInNeighbourhood = 5,
}

/// <summary>A suggested coach: its profile, score, why, and how many participants it coaches now (the tie-break).</summary>
[GenerateSerializer, Immutable, Alias("cc.CoachSuggestion.v1")]
public sealed record CoachSuggestion(
    [property: Id(0)] CoachProfile Coach,
    [property: Id(1)] int Score,
    [property: Id(2)] IReadOnlyList<CoachSuggestionReason> Reasons,
    [property: Id(3)] int CurrentAssignments);

/// <summary>
/// The support team's coaches and whom they coach (one grain, key <see cref="CoachAssignments.Key"/>). The web host checks
/// that a coach id is an account with the coach role (or an administrator) before it calls; this grain checks the
/// participant exists (it reads the participant's profile: neighbourhood and kind) and keeps every assignment's history.
/// </summary>
public interface ICoachAssignmentGrain : IGrainWithIntegerKey
{
    /// <summary>Sets (replaces) a coach's profile. Areas: known place codes; at most <see cref="CoachAssignments.MaxCoaches"/> coaches.</summary>
    Task<CoachProfile> SetProfile(CoachProfile profile);

    /// <summary>Gives a coach without a profile an empty one under <paramref name="displayName"/>; a no-op (no write) if it has one.</summary>
    Task<CoachProfile> EnsureProfile(string accountId, string displayName);

    Task<CoachProfile?> GetProfile(string accountId);

    /// <summary>Every coach with a profile, by display name.</summary>
    Task<IReadOnlyList<CoachProfile>> GetProfiles();

    /// <summary>
    /// Makes <paramref name="coachId"/> the participant's coach. Assigning the current coach again is a no-op. Changing the
    /// coach is a hand-over: it needs a <paramref name="note"/> of <see cref="CoachAssignments.MinHandOverNoteLength"/> to
    /// <see cref="CoachAssignments.MaxNoteLength"/> characters, and ends the earlier assignment with that note. A first
    /// assignment's note is optional. Returns the participant's coaching after the change.
    /// </summary>
    Task<ParticipantCoaching> Assign(string participantId, string coachId, string by, string? note);

    /// <summary>Ends the current assignment (a no-op without one); the history keeps it with its end and <paramref name="note"/>.</summary>
    Task<ParticipantCoaching> Unassign(string participantId, string by, string? note);

    Task<ParticipantCoaching> GetAssignment(string participantId);

    /// <summary>The participants <paramref name="coachId"/> coaches now, longest first.</summary>
    Task<IReadOnlyList<CoachAssignment>> GetAssignmentsOf(string coachId);

    /// <summary>
    /// Someone stops being a coach (the role was revoked): every participant they coach loses them as coach, with
    /// <paramref name="note"/> in the history (and shows among the participants without a coach), and their profile goes,
    /// so nobody is suggested or assigned to them. Returns how many participants were released; a no-op for a non-coach.
    /// </summary>
    Task<int> RetireCoach(string coachId, string by, string note);

    /// <summary>Every participant that has a coach now (to find those who have none).</summary>
    Task<IReadOnlyList<string>> GetCoachedParticipants();

    /// <summary>
    /// Coaches ranked for a participant in <paramref name="neighbourhoodCode"/> of <paramref name="kind"/> (its current coach
    /// left out), best first, at most <see cref="CoachAssignments.MaxSuggestions"/>; see <see cref="CoachAssignments"/>.
    /// </summary>
    Task<IReadOnlyList<CoachSuggestion>> Suggest(string participantId, string neighbourhoodCode, ParticipantKind kind);
}

/// <summary>
/// Limits and scoring of <see cref="ICoachAssignmentGrain"/>. A suggestion's score adds: the neighbourhood named in the
/// coach's areas <see cref="NeighbourhoodPoints"/> (else its district <see cref="DistrictPoints"/>, else the city
/// <see cref="CityPoints"/>); the participant's kind named <see cref="KindPoints"/> (no kinds named:
/// <see cref="AnyKindPoints"/>); already coaching a participant in the neighbourhood <see cref="LocalPoints"/>. Ties go to
/// the coach with the fewest current assignments, then by display name and account id. Coaches scoring 0 are listed
/// last (by the same tie-break), so a new coach without a profile's areas can still be found.
/// </summary>
public static class CoachAssignments
{
    public const long Key = 0;
    public const int MaxCoaches = 200;
    public const int MaxAssignments = 100_000;

    /// <summary>Assignments kept per participant; the oldest ended ones are dropped beyond it.</summary>
    public const int MaxHistory = 50;

    public const int MaxAreas = 40;
    public const int MaxDisplayNameLength = 120;
    public const int MaxIdLength = 200;
    public const int MinHandOverNoteLength = 3;
    public const int MaxNoteLength = 1_000;
    public const int MaxSuggestions = 10;

    public const int NeighbourhoodPoints = 4;
    public const int DistrictPoints = 3;
    public const int CityPoints = 1;
    public const int KindPoints = 2;
    public const int AnyKindPoints = 1;
    public const int LocalPoints = 1;
}
