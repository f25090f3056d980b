using CivicContracting.Commitments;

namespace CivicContracting.Moderation;

/// <summary>How the moderators settled an item's flags: they hid it, or they found nothing to hide.</summary>
public enum FlagResolution
{
    Hidden = 0,
    Dismissed = 1,
}

/// <summary>One person's flag: their account, why they flagged the item, when.</summary>
[GenerateSerializer, Immutable, Alias("cc.ContentFlag.v1")]
public sealed record ContentFlag(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset At);

/// <summary>
/// Something flagged and not yet settled: a commitment's text (<see cref="ReportId"/> null) or one of its reports, with
/// its flags, oldest first (one per account, at most <see cref="ModerationQueue.MaxFlagsPerItem"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FlaggedItem.v1")]
public sealed record FlaggedItem(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] ModerationTarget Target,
    [property: Id(2)] string? ReportId,
    [property: Id(3)] IReadOnlyList<ContentFlag> Flags,
    [property: Id(4)] DateTimeOffset FirstFlaggedAt,
    [property: Id(5)] DateTimeOffset LastFlaggedAt);

/// <summary>An item whose flags were settled: how, by whom, when, and how many flags it had.</summary>
[GenerateSerializer, Immutable, Alias("cc.ResolvedFlags.v1")]
public sealed record ResolvedFlags(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] ModerationTarget Target,
    [property: Id(2)] string? ReportId,
    [property: Id(3)] int FlagCount,
    [property: Id(4)] FlagResolution Resolution,
    [property: Id(5)] string By,
    [property: Id(6)] DateTimeOffset At);

/// <summary>
/// The moderators' queue (one grain, key <see cref="ModerationQueue.Key"/>): open flags grouped per flagged item, and the
/// last <see cref="ModerationQueue.MaxResolved"/> items settled. Durable. It calls nobody: the web tier flags (after
/// checking the commitment and report exist), and after hiding on the commitment it resolves here.
/// </summary>
public interface IModerationQueueGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Adds <paramref name="accountId"/>'s flag to the item (opened if new). A second flag by the same account on the same
    /// open item is a no-op, as is a flag beyond <see cref="ModerationQueue.MaxFlagsPerItem"/>. A reason of
    /// <see cref="ModerationRules.MinReasonLength"/> to <see cref="ModerationRules.MaxFlagReasonLength"/> characters
    /// (else <see cref="Validation.InputRejectedException"/>); a full queue is a conflict. Returns once durable.
    /// </summary>
    Task<FlaggedItem> Flag(string commitmentId, ModerationTarget target, string? reportId, string accountId, string reason);

    /// <summary>Settles the item's open flags (kept in the resolved history); null when it had none open (nothing changes).</summary>
    Task<ResolvedFlags?> Resolve(string commitmentId, ModerationTarget target, string? reportId, FlagResolution resolution, string by);

    /// <summary>The open items, longest waiting first (by their first flag, then commitment and report).</summary>
    Task<IReadOnlyList<FlaggedItem>> GetOpen();

    /// <summary>The items settled most recently, newest first.</summary>
    Task<IReadOnlyList<ResolvedFlags>> GetResolved();
}

public static class ModerationQueue
{
    /// <summary>The key of the platform's one <see cref="IModerationQueueGrain"/>.</summary>
    public const long Key = 0;

    /// <summary>The most open items the queue holds; beyond it new items are refused until moderators settle some.</summary>
    public const int MaxOpenItems = 10_000;

    /// <summary>The most flags kept per item: enough to see how many people object.</summary>
    public const int MaxFlagsPerItem = 50;

    /// <summary>How many settled items the queue remembers.</summary>
    public const int MaxResolved = 1_000;
}
