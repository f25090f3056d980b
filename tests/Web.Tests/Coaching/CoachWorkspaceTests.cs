using CivicContracting.Aggregation;
using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Coaching;

namespace CivicContracting.Web.Tests.Coaching;

/// <summary>The workspace's sections, computed from constructed contributions and queue entries.</summary>
public sealed class CoachWorkspaceTests
{
    private static readonly DateTimeOffset Now = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Contribution Make(string id, CommitmentStatus status, string participant = "p-1", string neighbourhood = "24062W13",
        VerificationTier? tier = null, DateTimeOffset? help = null, DateTimeOffset? conditionDeadline = null, bool notInForce = false, int minutesAgo = 0) =>
        new(id, 1, participant, ParticipantKind.School, CommitmentLevel.Result, status, 0.5, true,
            status is CommitmentStatus.Draft ? null : Now.AddDays(-30),
            [new ScopeWeight(AggregateScope.Place(neighbourhood), 1), new ScopeWeight(AggregateScope.Place("24062"), 1)],
            Now.AddMinutes(-minutesAgo), NotInForce: notInForce, ClaimTier: tier, HelpRequestedAt: help, ConditionDeadline: conditionDeadline);

    [Fact]
    public void Participants_without_a_coach_are_those_with_a_draft_or_engaged_commitment_and_no_coach_most_commitments_first()
    {
        var contributions = new[]
        {
            Make("c-1", CommitmentStatus.Active, participant: "p-busy", minutesAgo: 50),
            Make("c-2", CommitmentStatus.Draft, participant: "p-busy", neighbourhood: "24062W05", minutesAgo: 5),
            Make("c-3", CommitmentStatus.Confirmed, participant: "p-one", minutesAgo: 40),
            Make("c-4", CommitmentStatus.Active, participant: "p-coached"),
            Make("c-5", CommitmentStatus.Withdrawn, participant: "p-gone"),
        };
        var coached = new HashSet<string> { "p-coached" };

        var all = CoachWorkspace.Uncoached(contributions, coached, WorkspaceFilter.Everyone);
        Assert.Equal(["p-busy", "p-one"], all.Select(p => p.ParticipantId));
        Assert.Equal((2, 1, "24062W05"), (all[0].Commitments, all[0].Drafts, all[0].NeighbourhoodCode));
        Assert.Equal(Now.AddMinutes(-50), all[0].Since);

        // A commitment in the neighbourhood admits the participant; "mine only" shows nobody (they have no coach).
        Assert.Equal(["p-busy"], CoachWorkspace.Uncoached(contributions, coached, new WorkspaceFilter(false, "24062W05", new HashSet<string>())).Select(p => p.ParticipantId));
        Assert.Empty(CoachWorkspace.Uncoached(contributions, coached, new WorkspaceFilter(true, null, new HashSet<string> { "p-busy" })));
    }

    [Fact]
    public void Claims_to_verify_are_engaged_commitments_with_an_unverified_newest_claim_newest_first()
    {
        var contributions = new[]
        {
            Make("c-self", CommitmentStatus.Active, tier: VerificationTier.SelfDeclared, minutesAgo: 30),
            Make("c-peer", CommitmentStatus.Active, tier: VerificationTier.PeerConfirmed, minutesAgo: 10),
            Make("c-verified", CommitmentStatus.Active, tier: VerificationTier.Verified),
            Make("c-no-claim", CommitmentStatus.Active),
            Make("c-withdrawn", CommitmentStatus.Withdrawn, tier: VerificationTier.SelfDeclared),
            Make("c-not-in-force", CommitmentStatus.Confirmed, tier: VerificationTier.SelfDeclared, notInForce: true),
            Make("c-achieved", CommitmentStatus.Achieved, tier: VerificationTier.SelfDeclared, minutesAgo: 60),
        };
        Assert.Equal(["c-peer", "c-self", "c-achieved"], CoachWorkspace.ClaimsToVerify(contributions, WorkspaceFilter.Everyone).Select(c => c.CommitmentId));
    }

    [Fact]
    public void Drafts_asking_help_are_drafts_with_a_help_request_longest_waiting_first()
    {
        var contributions = new[]
        {
            Make("c-late", CommitmentStatus.Draft, help: Now.AddDays(-1)),
            Make("c-early", CommitmentStatus.Draft, help: Now.AddDays(-5)),
            Make("c-quiet", CommitmentStatus.Draft),
            Make("c-confirmed", CommitmentStatus.Confirmed, help: Now.AddDays(-3)),
        };
        Assert.Equal(["c-early", "c-late"], CoachWorkspace.DraftsAskingHelp(contributions, WorkspaceFilter.Everyone).Select(c => c.CommitmentId));
    }

    [Fact]
    public void Conditions_closing_are_waiting_conditions_due_within_14_days_soonest_first()
    {
        var contributions = new[]
        {
            Make("c-13-days", CommitmentStatus.Confirmed, conditionDeadline: Now.AddDays(13), notInForce: true),
            Make("c-2-days", CommitmentStatus.Draft, conditionDeadline: Now.AddDays(2), notInForce: true),
            Make("c-15-days", CommitmentStatus.Confirmed, conditionDeadline: Now.AddDays(15), notInForce: true),
            Make("c-withdrawn", CommitmentStatus.Withdrawn, conditionDeadline: Now.AddDays(1), notInForce: true),
            Make("c-no-condition", CommitmentStatus.Confirmed),
        };
        Assert.Equal(["c-2-days", "c-13-days"], CoachWorkspace.ConditionsClosing(contributions, WorkspaceFilter.Everyone, Now).Select(c => c.CommitmentId));
        Assert.Equal(["c-2-days", "c-13-days", "c-15-days"], CoachWorkspace.ConditionsClosing(contributions, WorkspaceFilter.Everyone, Now.AddDays(1)).Select(c => c.CommitmentId));
    }

    [Fact]
    public void Only_my_participants_and_one_neighbourhood_filter_every_section()
    {
        var contributions = new[]
        {
            Make("c-mine-here", CommitmentStatus.Active, participant: "p-mine", neighbourhood: "24062W13", tier: VerificationTier.SelfDeclared),
            Make("c-mine-there", CommitmentStatus.Active, participant: "p-mine", neighbourhood: "24062W02", tier: VerificationTier.SelfDeclared),
            Make("c-other-here", CommitmentStatus.Active, participant: "p-other", neighbourhood: "24062W13", tier: VerificationTier.SelfDeclared),
        };
        var mine = new HashSet<string> { "p-mine" };
        Assert.Equal(["c-mine-here", "c-mine-there"], CoachWorkspace.ClaimsToVerify(contributions, new WorkspaceFilter(true, null, mine)).Select(c => c.CommitmentId).Order());
        Assert.Equal(["c-mine-here", "c-other-here"], CoachWorkspace.ClaimsToVerify(contributions, new WorkspaceFilter(false, "24062W13", mine)).Select(c => c.CommitmentId).Order());
        Assert.Equal(["c-mine-here"], CoachWorkspace.ClaimsToVerify(contributions, new WorkspaceFilter(true, "24062W13", mine)).Select(c => c.CommitmentId));

        var queue = new[]
        {
            new CoachQueueEntry("c-2", ReportingDueReason.ReportOverdue, Now.AddDays(-2), "p-mine", "24062W13", "Two", 1, null),
            new CoachQueueEntry("c-1", ReportingDueReason.DeadlinePassed, Now.AddDays(-9), "p-other", "24062W13", "One", 3, null),
            new CoachQueueEntry("c-3", ReportingDueReason.ReportOverdue, Now.AddDays(-5), "p-mine", "24062W02", "Three", 0, null),
        };
        Assert.Equal(["c-1", "c-3", "c-2"], CoachWorkspace.Overdue(queue, WorkspaceFilter.Everyone).Select(e => e.CommitmentId));
        Assert.Equal(["c-3", "c-2"], CoachWorkspace.Overdue(queue, new WorkspaceFilter(true, null, mine)).Select(e => e.CommitmentId));
        Assert.Equal(["c-1", "c-2"], CoachWorkspace.Overdue(queue, new WorkspaceFilter(false, "24062W13", mine)).Select(e => e.CommitmentId));
    }
}
