namespace CivicContracting.Commitments;

/// <summary>Reminders, the coach queue, a coach's manual nudge and a draft's help request (CommitmentGrain.Coaching.cs, CommitmentGrain.Help.cs).</summary>
[GenerateSerializer, Alias("cc.CommitmentCoachingState.v1")]
public sealed class CommitmentCoachingState
{
    /// <summary>When the owner was last reminded that a report is due, and how often in all.</summary>
    [Id(0)] public DateTimeOffset? LastNudgedAt { get; set; }

    [Id(1)] public int NudgeCount { get; set; }

    /// <summary>Why the commitment stands in the coach queue; null when it does not.</summary>
    [Id(2)] public ReportingDueReason? QueuedReason { get; set; }

    /// <summary>
    /// When the commitment's current entry in the reporting schedule is due; null when none is scheduled (or scheduling
    /// failed). Before the schedule (earlier versions): when its Orleans reminder fired next.
    /// </summary>
    [Id(3)] public DateTimeOffset? ReminderDueAt { get; set; }

    /// <summary>The last nudge a coach sent by hand; for the support team only.</summary>
    [Id(4)] public ManualNudge? LastManualNudge { get; set; }

    /// <summary>A draft whose participant asked the support team for help: since when, and their message (CommitmentGrain.Help.cs).</summary>
    [Id(5)] public DateTimeOffset? HelpRequestedAt { get; set; }

    [Id(6)] public string? HelpRequest { get; set; }
}
