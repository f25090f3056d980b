using System.Globalization;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.Pages.Account;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Site;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>Reporting progress: a value (result), an action done (action), a note, an evidence link.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class ReportModel(Access access, IClusterClient orleans, CommitmentViews views, CivicClock clock, IEvidenceStore evidence, IOptions<EvidenceOptions> evidenceOptions, IStringLocalizer<SiteText> text) : PageModel
{
    private static readonly string[] Fields = ["value", "completedMilestoneId", "note", "evidenceUrl", "photo"];

    /// <summary>An optional photo or document, stored as evidence (type from its first bytes, at most Evidence:MaxBytes).</summary>
    [BindProperty] public IFormFile? Photo { get; set; }

    public long MaxPhotoBytes => evidenceOptions.Value.MaxBytes;

    /// <summary>A photo may be larger than the API's general body limit: the page raises it to the evidence limit before the form is read.</summary>
    public override Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context)
    {
        if (HttpMethods.IsPost(context.HttpContext.Request.Method)
            && context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = evidenceOptions.Value.MaxBytes + EvidenceUpload.MultipartAllowance;
        return Task.CompletedTask;
    }

    public CommitmentView Commitment { get; private set; } = null!;

    /// <summary>Chosen when the form is shown: sending it twice stores one report.</summary>
    [BindProperty] public string ReportId { get; set; } = "";
    [BindProperty] public string? Value { get; set; }
    [BindProperty] public string? CompletedMilestoneId { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? EvidenceUrl { get; set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        ReportId = ApiIds.New("r");
        return await LoadAsync(id) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        if (await LoadAsync(id) is { } refusal)
            return refusal;
        double? value = null;
        if (!string.IsNullOrWhiteSpace(Value))
        {
            if (double.TryParse(Value.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                value = number;
            else
                ModelState.AddModelError("value", "");
        }
        if (!ApiIds.IsWellFormed(ReportId))
            ReportId = ApiIds.New("r");
        if (Photo is { Length: > 0 } photo)
        {
            if (photo.Length > MaxPhotoBytes)
                ModelState.AddModelError("photo", text["Report.PhotoTooLarge", MaxPhotoBytes / (1024 * 1024)]);
            else
            {
                using var buffer = new MemoryStream((int)photo.Length);
                await photo.CopyToAsync(buffer, HttpContext.RequestAborted);
                var bytes = buffer.ToArray();
                if (EvidenceTypes.Detect(bytes) is not { } type)
                    ModelState.AddModelError("photo", text["Report.PhotoType"]);
                else
                {
                    var sha = EvidenceIds.Of(bytes);
                    await evidence.PutAsync(new EvidenceInfo(sha, type.ContentType, bytes.Length), bytes, HttpContext.RequestAborted);
                    EvidenceUrl = EvidenceIds.Url(sha);
                }
            }
        }
        var report = new ProgressReport(ReportId, clock.GetUtcNow(), value, string.IsNullOrEmpty(CompletedMilestoneId) ? null : CompletedMilestoneId,
            string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(), string.IsNullOrWhiteSpace(EvidenceUrl) ? null : EvidenceUrl.Trim());
        var errors = CommitmentRules.Report(report, Commitment.Terms);
        if (!ModelState.IsValid || !errors.IsValid)
        {
            PageSupport.AddErrors(ModelState, errors.ByField, "", Fields);
            return Page();
        }
        try
        {
            views.Remember(await orleans.GetGrain<ICommitmentGrain>(id).ReportProgress(report));
        }
        catch (InputRejectedException rejected)
        {
            PageSupport.AddErrors(ModelState, rejected, Fields);
            return Page();
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?reported=1");
    }

    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    private async Task<IActionResult?> LoadAsync(string id)
    {
        var view = ApiIds.IsWellFormed(id) ? await orleans.GetGrain<ICommitmentGrain>(id).Get() : null;
        if (view is null)
            return NotFound();
        if (AccessRules.Check(await access.ActorAsync(HttpContext), view.ParticipantId, ParticipantRight.Report) is not null)
            return Forbid();
        Commitment = view;
        return null;
    }
}
