using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Coaching;

/// <summary>
/// What a section of the coach's workspace shows: everyone's, or only the coach's own participants
/// (<see cref="MineOnly"/>, with <see cref="MyParticipants"/>), optionally in one neighbourhood.
/// </summary>
public sealed record WorkspaceFilter(bool MineOnly, string? NeighbourhoodCode, IReadOnlySet<string> MyParticipants)
{
    public static readonly WorkspaceFilter Everyone = new(false, null, new HashSet<string>());

    public bool Admits(string participantId, string? neighbourhoodCode) =>
        (!MineOnly || MyParticipants.Contains(participantId))
        && (NeighbourhoodCode is null || string.Equals(NeighbourhoodCode, neighbourhoodCode, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The lists of the coach's workspace, from the coach queue and this host's index of contributions (no grain reads). Each
/// section is defined once as a plain function over contributions (testable with constructed ones, and the reference the
/// index's answers are checked against); the page asks the <see cref="ContributionIndex"/>, which keeps every section
/// sorted as contributions change, so the first rows cost O(rows) and a filter ("mine only", a neighbourhood) a scan of
/// that one section.
/// </summary>
public static class CoachWorkspace
{
    /// <summary>A waiting condition whose deadline lies within this many days (or has passed unnoticed) is listed.</summary>
    public static readonly TimeSpan ConditionWindow = TimeSpan.FromDays(14);

    /// <summary>Reports overdue (the coach queue), longest waiting first.</summary>
    public static IReadOnlyList<CoachQueueEntry> Overdue(IEnumerable<CoachQueueEntry> entries, WorkspaceFilter filter) =>
        [.. entries.Where(e => filter.Admits(e.ParticipantId, e.NeighbourhoodCode))
            .OrderBy(e => e.Since).ThenBy(e => e.CommitmentId, StringComparer.Ordinal)];

    /// <summary>
    /// Result claims to verify: engaged commitments whose newest claim is self-declared or peer-confirmed (not yet verified
    /// by the team), most recently changed first.
    /// </summary>
    public static IReadOnlyList<Contribution> ClaimsToVerify(IEnumerable<Contribution> contributions, WorkspaceFilter filter) =>
        [.. contributions.Where(c => c.IsEngaged && (c.ClaimTier is VerificationTier.SelfDeclared or VerificationTier.PeerConfirmed) && Admits(filter, c))
            .OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.CommitmentId, StringComparer.Ordinal)];

    /// <summary>Drafts whose participant asked for help, longest waiting first.</summary>
    public static IReadOnlyList<Contribution> DraftsAskingHelp(IEnumerable<Contribution> contributions, WorkspaceFilter filter) =>
        [.. contributions.Where(c => c.Status == CommitmentStatus.Draft && c.HelpRequestedAt is not null && Admits(filter, c))
            .OrderBy(c => c.HelpRequestedAt).ThenBy(c => c.CommitmentId, StringComparer.Ordinal)];

    /// <summary>
    /// Conditional commitments (not withdrawn) whose condition still waits and whose deadline lies within
    /// <see cref="ConditionWindow"/> of <paramref name="now"/>, soonest first.
    /// </summary>
    public static IReadOnlyList<Contribution> ConditionsClosing(IEnumerable<Contribution> contributions, WorkspaceFilter filter, DateTimeOffset now) =>
        [.. contributions.Where(c => c.ConditionDeadline is { } deadline && deadline <= now + ConditionWindow
                && c.Status != CommitmentStatus.Withdrawn && Admits(filter, c))
            .OrderBy(c => c.ConditionDeadline).ThenBy(c => c.CommitmentId, StringComparer.Ordinal)];

    /// <summary>
    /// Participants with a commitment that is not withdrawn (a draft or engaged) and no coach: the ones to assign, most
    /// commitments first. The neighbourhood filter admits a participant with a commitment there; "mine only" shows none.
    /// </summary>
    public static IReadOnlyList<UncoachedParticipant> Uncoached(IEnumerable<Contribution> contributions, IReadOnlySet<string> coached, WorkspaceFilter filter)
    {
        if (filter.MineOnly)
            return [];
        return [.. contributions
            .Where(c => c.Status != CommitmentStatus.Withdrawn && !coached.Contains(c.ParticipantId))
            .GroupBy(c => c.ParticipantId, StringComparer.Ordinal)
            .Where(g => filter.NeighbourhoodCode is null || g.Any(c => Admits(filter, c)))
            .Select(g =>
            {
                var newest = g.MaxBy(c => c.UpdatedAt)!;
                return new UncoachedParticipant(g.Key, newest.ParticipantKind, ContributionIndex.NeighbourhoodOf(newest), g.Count(),
                    g.Count(c => c.Status == CommitmentStatus.Draft), g.Min(c => c.UpdatedAt));
            })
            .OrderByDescending(p => p.Commitments).ThenBy(p => p.Since).ThenBy(p => p.ParticipantId, StringComparer.Ordinal)];
    }

    private static bool Admits(WorkspaceFilter filter, Contribution c) => filter.Admits(c.ParticipantId, ContributionIndex.NeighbourhoodOf(c));

    /// <summary>As <see cref="ClaimsToVerify(IEnumerable{Contribution}, WorkspaceFilter)"/>: the first <paramref name="take"/> and how many in all.</summary>
    public static (IReadOnlyList<Contribution> Shown, int Total) ClaimsToVerify(ContributionIndex index, WorkspaceFilter filter, int take) =>
        index.ClaimsToVerify(AdmitterOf(filter), take);

    /// <summary>As <see cref="DraftsAskingHelp(IEnumerable{Contribution}, WorkspaceFilter)"/>: the first <paramref name="take"/> and how many in all.</summary>
    public static (IReadOnlyList<Contribution> Shown, int Total) DraftsAskingHelp(ContributionIndex index, WorkspaceFilter filter, int take) =>
        index.DraftsAskingHelp(AdmitterOf(filter), take);

    /// <summary>As <see cref="ConditionsClosing(IEnumerable{Contribution}, WorkspaceFilter, DateTimeOffset)"/>: the first <paramref name="take"/> and how many in all.</summary>
    public static (IReadOnlyList<Contribution> Shown, int Total) ConditionsClosing(ContributionIndex index, WorkspaceFilter filter, DateTimeOffset now, int take) =>
        index.ConditionsBefore(now + ConditionWindow, AdmitterOf(filter), take);

    /// <summary>As <see cref="Uncoached(IEnumerable{Contribution}, IReadOnlySet{string}, WorkspaceFilter)"/>: the first <paramref name="take"/> and how many in all.</summary>
    public static (IReadOnlyList<UncoachedParticipant> Shown, int Total) Uncoached(ContributionIndex index, IReadOnlySet<string> coached, WorkspaceFilter filter, int take)
    {
        if (filter.MineOnly)
            return ([], 0);
        var (standings, total) = index.Uncoached(coached, filter.NeighbourhoodCode, take);
        return ([.. standings.Select(s => new UncoachedParticipant(s.ParticipantId, s.Kind, s.NeighbourhoodCode, s.Commitments, s.Drafts, s.Since))], total);
    }

    /// <summary>Null when the filter admits everything, so that the index answers from its counts.</summary>
    private static Func<Contribution, bool>? AdmitterOf(WorkspaceFilter filter) =>
        !filter.MineOnly && filter.NeighbourhoodCode is null ? null : c => Admits(filter, c);
}

/// <summary>A participant without a coach: kind, the neighbourhood of their newest commitment, how many commitments (and drafts), and since when.</summary>
public sealed record UncoachedParticipant(string ParticipantId, ParticipantKind Kind, string? NeighbourhoodCode, int Commitments, int Drafts, DateTimeOffset Since);
