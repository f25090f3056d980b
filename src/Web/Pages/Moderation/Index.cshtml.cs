using CivicContracting.Commitments;
using CivicContracting.Moderation;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Moderation;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Moderation;

/// <summary>An open flagged item with the content as stored (null when the commitment or report is gone).</summary>
public sealed record FlaggedContent(FlaggedItem Item, CommitmentView? Commitment, ProgressReport? Report)
{
    /// <summary>A key for the item's form fields' ids.</summary>
    public string Key => Microsoft.AspNetCore.Mvc.Rendering.TagBuilder.CreateSanitizedId($"{Item.CommitmentId}-{Item.Target}-{Item.ReportId}", "_");

    public ModerationAction? Hiding => Commitment is null ? null
        : Item.Target == ModerationTarget.Text ? Commitment.TextHiddenBy() : Commitment.ReportHiddenBy(Item.ReportId!);
}

/// <summary>
/// The moderators' work list: open flags, longest waiting first, each with the flagged content as stored (unredacted), its
/// flags' reasons and count, and forms to hide it (with a public reason) or dismiss the flags. Moderators and administrators.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class IndexModel(Access access, IClusterClient orleans, CommitmentViews views) : PageModel
{
    /// <summary>The most items shown at once; the rest follow as these are settled.</summary>
    public const int MaxShown = 200;

    public IReadOnlyList<FlaggedContent> Items { get; private set; } = [];

    public int Total { get; private set; }

    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!AccessRules.ModeratesContent(actor))
            return Forbid();
        var open = await orleans.GetGrain<IModerationQueueGrain>(ModerationQueue.Key).GetOpen();
        Total = open.Count;
        var shown = open.Take(MaxShown).ToList();
        var commitments = await Task.WhenAll(shown.Select(i => views.GetUnredactedAsync(i.CommitmentId)));
        // A flagged report may be older than the newest reports a view carries: found in the commitment's whole history.
        var reports = await Task.WhenAll(shown.Zip(commitments, (item, view) => item.ReportId is { } reportId && view is not null
            ? Progress.IdempotentReports.FindAsync(orleans.GetGrain<ICommitmentGrain>(view.Id), view, reportId)
            : Task.FromResult<ProgressReport?>(null)));
        Items = [.. shown.Select((item, i) => new FlaggedContent(item, commitments[i], reports[i]))];
        Notice = Request.Query.ContainsKey("hidden") ? "Moderation.HiddenDone" : Request.Query.ContainsKey("dismissed") ? "Moderation.Dismissed" : null;
        return Page();
    }

    /// <summary>The queue's "hide" button: <see cref="ModerateCommand"/>, as from the commitment page and the API.</summary>
    public async Task<IActionResult> OnPostHideAsync(string commitmentId, ModerationTarget target, string? reportId, string? publicReason, [FromServices] ModerateCommand moderate)
    {
        reportId = target == ModerationTarget.Report ? reportId : null;
        try
        {
            await moderate.RunAsync(await access.ActorAsync(HttpContext), commitmentId, ModerationStep.Hide, target, reportId, publicReason);
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ApiProblemException { Status: StatusCodes.Status404NotFound })
        {
            return NotFound();
        }
        catch (Exception ex) when (ex is ApiProblemException or InputRejectedException or StateConflictException)
        {
            return BadRequest();
        }
        return LocalRedirect("/moderation?hidden=1");
    }

    public async Task<IActionResult> OnPostDismissAsync(string commitmentId, ModerationTarget target, string? reportId)
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!AccessRules.CanModerate(actor))
            return Forbid();
        reportId = target == ModerationTarget.Report ? reportId : null;
        if (!ModerationRules.Target(target, reportId).IsValid || !ApiIds.IsWellFormed(commitmentId))
            return BadRequest();
        await ModerationEndpoints.DismissAsync(orleans, commitmentId, target, reportId, actor.RecordedId);
        return LocalRedirect("/moderation?dismissed=1");
    }
}
