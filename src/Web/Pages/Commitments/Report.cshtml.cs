using System.Globalization;
using CivicContracting.Commitments;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
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
public sealed class ReportModel(Access access, IClusterClient orleans, CommitmentViews views, ReportProgressCommand command, IEvidenceStore evidence, IOptions<EvidenceOptions> evidenceOptions, IStringLocalizer<SiteText> text) : PageModel
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
        return (await AuthoriseAsync(id)).Refusal ?? Page();
    }

    /// <summary>Translation only: the form's fields (and photo) become a <see cref="ProgressInput"/> for <see cref="ReportProgressCommand"/>.</summary>
    public async Task<IActionResult> OnPostAsync(string id)
    {
        var (permit, refusal) = await AuthoriseAsync(id);
        if (refusal is not null)
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
        // The form's id makes sending it twice store one report; its date is the moment it is sent.
        var prepared = command.Prepare(permit!, new ProgressInput(ReportId, null, value, string.IsNullOrEmpty(CompletedMilestoneId) ? null : CompletedMilestoneId,
            string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(), string.IsNullOrWhiteSpace(EvidenceUrl) ? null : EvidenceUrl.Trim()));
        var errors = await command.CheckAsync(permit!, prepared, HttpContext.RequestAborted);
        if (!ModelState.IsValid || !errors.IsValid)
        {
            PageSupport.AddErrors(ModelState, errors.ByField, "", Fields);
            return Page();
        }
        try
        {
            views.Remember(await command.RunAsync(permit!, prepared, HttpContext.RequestAborted));
        }
        catch (InputRejectedException rejected)
        {
            PageSupport.AddErrors(ModelState, rejected, Fields);
            return Page();
        }
        catch (StateConflictException)
        {
            // E.g. the commitment was closed while the form was open: said on the form, which keeps what was typed.
            ModelState.AddModelError("", text["Flow.StateChanged"]);
            return Page();
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?reported=1");
    }

    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    /// <summary>The command's permit (its 404 and 401/403 as the site's answers) and the commitment the form shows.</summary>
    private async Task<(ReportProgressCommand.Permit? Permit, IActionResult? Refusal)> AuthoriseAsync(string id)
    {
        ReportProgressCommand.Permit permit;
        try
        {
            permit = await command.AuthoriseAsync(await access.ActorAsync(HttpContext), id);
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            return (null, NotFound());
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return (null, Forbid());
        }
        // The operator token's permit skips reading the commitment; the form shows it all the same.
        if ((permit.Commitment ?? await orleans.GetGrain<ICommitmentGrain>(permit.CommitmentId).Get()) is not { } view)
            return (null, NotFound());
        Commitment = view;
        return (permit, null);
    }
}
