using CivicContracting.Accounts;
using CivicContracting.Coaching;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Coaching;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Coaching;

/// <summary>One row of a workspace section: the commitment, whose it is, where, and since when it needs the team.</summary>
public sealed record WorkspaceRow(string CommitmentId, string Title, string ParticipantId, string ParticipantName, string? NeighbourhoodName, DateTimeOffset? Since);

/// <summary>A participant the coach coaches, with their commitments (phase; trajectory judgement for result commitments).</summary>
public sealed record MyParticipant(CoachAssignment Assignment, string Name, IReadOnlyList<(CommitmentView View, TrajectoryJudgement? Judgement)> Commitments);

/// <summary>
/// The coach's workspace: reports overdue (with a nudge per row), result claims to verify, drafts asking for help,
/// conditions close to their deadline — each for everyone or only the coach's own participants, optionally in one
/// neighbourhood — and the coach's participants. The support team only (others: 403; anonymous: sign in).
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class IndexModel(Access access, SiteData data, CommitmentViews views, IClusterClient orleans, CivicClock clock, IStringLocalizer<SiteText> siteText) : PageModel
{
    /// <summary>The most rows a section lists (the count says how many there are in all).</summary>
    public const int MaxRows = 100;

    [BindProperty(SupportsGet = true, Name = "scope")] public string? Scope { get; set; }

    [BindProperty(SupportsGet = true, Name = "neighbourhood")] public string? Neighbourhood { get; set; }

    public bool MineOnly => string.Equals(Scope, "mine", StringComparison.OrdinalIgnoreCase);

    public bool CanCoach { get; private set; }

    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<(CoachQueueEntry Entry, string ParticipantName)> Overdue { get; private set; } = [];

    public int OverdueTotal { get; private set; }

    public IReadOnlyList<WorkspaceRow> Claims { get; private set; } = [];

    public int ClaimsTotal { get; private set; }

    public IReadOnlyList<WorkspaceRow> HelpRequests { get; private set; } = [];

    public int HelpTotal { get; private set; }

    public IReadOnlyList<WorkspaceRow> Conditions { get; private set; } = [];

    public int ConditionsTotal { get; private set; }

    public IReadOnlyList<MyParticipant> Mine { get; private set; } = [];

    /// <summary>Participants with commitments and no coach (name beside each), to assign.</summary>
    public IReadOnlyList<(UncoachedParticipant Participant, string Name)> Uncoached { get; private set; } = [];

    public int UncoachedTotal { get; private set; }

    public IEnumerable<Place> Neighbourhoods => PlaceCatalog.Leuven.Neighbourhoods.OrderBy(p => p.Name, StringComparer.CurrentCulture);

    /// <summary>This page's address with the current filters (and <paramref name="extra"/>), to return to after a nudge.</summary>
    public string Here(string? extra = null)
    {
        var query = new List<string>();
        if (MineOnly)
            query.Add("scope=mine");
        if (!string.IsNullOrEmpty(Neighbourhood))
            query.Add("neighbourhood=" + Uri.EscapeDataString(Neighbourhood));
        if (extra is not null)
            query.Add(extra);
        return "/coach" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
    }

    public async Task<IActionResult> OnGetAsync(string? nudged)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MaySee(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        if (nudged is not null)
            Notice = siteText["Coach.Notice.Nudged"].Value;
        await LoadAsync(actor);
        return Page();
    }

    public async Task<IActionResult> OnPostNudgeAsync(string commitmentId, string? message, [FromServices] NudgeCommand nudge)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!CoachPages.MayCoach(actor))
            return StatusCode(StatusCodes.Status403Forbidden);
        if (!ApiIds.IsWellFormed(commitmentId))
            return BadRequest(); // the form sends the ids the page listed
        try
        {
            Error = await CoachPages.NudgeAsync(nudge, siteText, actor, commitmentId, message);
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        catch (ApiProblemException)
        {
            // No such commitment (any more): the list again, saying so.
            Error = siteText["Coach.Error.NoSuchCommitment"];
        }
        if (Error is null)
            return LocalRedirect(Here("nudged=" + Uri.EscapeDataString(commitmentId)) + "#overdue");
        await LoadAsync(actor);
        return Page();
    }

    private async Task LoadAsync(Actor actor)
    {
        Response.Headers.CacheControl = "no-store";
        CanCoach = CoachPages.MayCoach(actor);
        if (Neighbourhood is not null && !PlaceCatalog.Leuven.IsNeighbourhood(Neighbourhood))
            Neighbourhood = null;
        await data.WhenListsLoaded(HttpContext.RequestAborted);
        var me = actor.RecordedId;
        // Granting the role gives a coach a profile; a coach whose profile is missing (e.g. granted before profiles existed)
        // gets one on their first visit (a no-op write-free call after that), so every coach is listed to assign to.
        if (actor.Account is { } account && actor.HasRole(PlatformRole.Coach))
            await CoachAccounts.Assignments(orleans).EnsureProfile(account.Id, account.DisplayName);
        var assignments = await CoachAccounts.Assignments(orleans).GetAssignmentsOf(me);
        var filter = new WorkspaceFilter(MineOnly, Neighbourhood, assignments.Select(a => a.ParticipantId).ToHashSet(StringComparer.Ordinal));
        var index = data.Contributions;
        var now = clock.GetUtcNow();

        var overdue = CoachWorkspace.Overdue(await CoachQueue.ReadAllAsync(orleans), filter);
        OverdueTotal = overdue.Count;
        var (claims, claimsTotal) = CoachWorkspace.ClaimsToVerify(index, filter, MaxRows);
        ClaimsTotal = claimsTotal;
        var (help, helpTotal) = CoachWorkspace.DraftsAskingHelp(index, filter, MaxRows);
        HelpTotal = helpTotal;
        var (conditions, conditionsTotal) = CoachWorkspace.ConditionsClosing(index, filter, now, MaxRows);
        ConditionsTotal = conditionsTotal;

        var coached = (await CoachAccounts.Assignments(orleans).GetCoachedParticipants()).ToHashSet(StringComparer.Ordinal);
        var (uncoached, uncoachedTotal) = CoachWorkspace.Uncoached(index, coached, filter, MaxRows);
        UncoachedTotal = uncoachedTotal;

        var shownOverdue = overdue.Take(MaxRows).ToList();
        var profiles = await views.ProfilesAsync(shownOverdue.Select(e => e.ParticipantId)
            .Concat(claims.Concat(help).Concat(conditions).Select(c => c.ParticipantId))
            .Concat(assignments.Select(a => a.ParticipantId))
            .Concat(uncoached.Select(p => p.ParticipantId)));
        string NameOf(string participantId) => profiles.TryGetValue(participantId, out var p) ? p.DisplayName : participantId;

        Overdue = [.. shownOverdue.Select(e => (e, NameOf(e.ParticipantId)))];
        Claims = await RowsAsync(claims, c => c.UpdatedAt, NameOf);
        HelpRequests = await RowsAsync(help, c => c.HelpRequestedAt, NameOf);
        Conditions = await RowsAsync(conditions, c => c.ConditionDeadline, NameOf);
        Uncoached = [.. uncoached.Select(p => (p, NameOf(p.ParticipantId)))];

        var mine = new List<MyParticipant>();
        foreach (var assignment in assignments.Take(MaxRows))
        {
            var profile = profiles.GetValueOrDefault(assignment.ParticipantId);
            var commitments = profile is null ? [] : await views.GetManyAsync(profile.CommitmentIds.TakeLast(MaxRows));
            mine.Add(new MyParticipant(assignment, NameOf(assignment.ParticipantId),
                [.. commitments.Select(v => (v, Trajectories.Of(v, now)?.Judgement))]));
        }
        Mine = mine;
    }

    private async Task<IReadOnlyList<WorkspaceRow>> RowsAsync(IReadOnlyList<Contribution> contributions, Func<Contribution, DateTimeOffset?> since, Func<string, string> nameOf)
    {
        var shown = contributions.Take(MaxRows).ToList();
        var titles = (await views.GetManyAsync(shown.Select(c => c.CommitmentId))).ToDictionary(v => v.Id, v => v.Terms.Title, StringComparer.Ordinal);
        return [.. shown.Select(c =>
        {
            var neighbourhood = ContributionIndex.NeighbourhoodOf(c);
            var place = neighbourhood is not null && PlaceCatalog.Leuven.TryGet(neighbourhood, out var p) ? p.Name : null;
            return new WorkspaceRow(c.CommitmentId, titles.GetValueOrDefault(c.CommitmentId, c.CommitmentId), c.ParticipantId, nameOf(c.ParticipantId), place, since(c));
        })];
    }


}
