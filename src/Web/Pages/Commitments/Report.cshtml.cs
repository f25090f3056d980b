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

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>Reporting progress: a value (result), an action done (action), a note, an evidence link.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
[EvidenceBodyLimit]
public sealed class ReportModel(Access access, IClusterClient orleans, CommitmentViews views, ReportProgressCommand command, StoreEvidenceCommand storeEvidence, IStringLocalizer<SiteText> text) : PageModel
{
    private static readonly string[] Fields = ["value", "completedMilestoneId", "note", "evidenceUrl", "photo"];

    /// <summary>An optional photo or document, stored as evidence through <see cref="StoreEvidenceCommand"/>, as the API's upload is.</summary>
    [BindProperty] public IFormFile? Photo { get; set; }

    public long MaxPhotoBytes => storeEvidence.MaxBytes;

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
        // A browser sends no file when none is chosen; a chosen file is stored (or refused) as the API's upload would be.
        if (Photo is not null && await StorePhotoAsync(id, Photo) is { } photoRefusal)
            return photoRefusal;
        // The form's id makes sending it twice store one report; its date is the moment it is sent.
        var prepared = command.Prepare(permit!, new ProgressInput(ReportId, null, value, string.IsNullOrEmpty(CompletedMilestoneId) ? null : CompletedMilestoneId,
            string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(), string.IsNullOrWhiteSpace(EvidenceUrl) ? null : EvidenceUrl.Trim(),
            Language: Texts.SiteCulture.TwoLetterLanguage));
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
        catch (ApiProblemException problem) when (PageSupport.IsWriteBudget(problem))
        {
            ModelState.AddModelError("", PageSupport.WriteBudgetMessage(text, problem));
            return Page();
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

    /// <summary>
    /// The photo through <see cref="StoreEvidenceCommand"/>: its url becomes the report's evidence, or its refusal a text
    /// beside the field. A refused right (which the report's permit makes unlikely) is the site's 403 or 404 page.
    /// </summary>
    private async Task<IActionResult?> StorePhotoAsync(string id, IFormFile photo)
    {
        try
        {
            var permit = await storeEvidence.AuthoriseAsync(await access.ActorAsync(HttpContext), id);
            await using var file = photo.OpenReadStream();
            var content = await storeEvidence.ReadAsync(file, HttpContext.RequestAborted);
            EvidenceUrl = (await storeEvidence.RunAsync(permit, content, HttpContext.RequestAborted)).Evidence.Url;
            return null;
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
        catch (ApiProblemException problem) when (problem.Errors.ContainsKey(EvidenceUpload.FieldName))
        {
            // The file's rules, as the API answers them (400 empty, 413, 415), in the site's words.
            ModelState.AddModelError("photo", problem.Status switch
            {
                StatusCodes.Status413PayloadTooLarge => text["Report.PhotoTooLarge", MaxPhotoBytes / (1024 * 1024)],
                StatusCodes.Status415UnsupportedMediaType => text["Report.PhotoType"],
                _ => text["Report.PhotoEmpty"],
            });
            return null;
        }
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

/// <summary>
/// A form with a photo may be as large as the API's upload (Evidence:MaxBytes and the multipart framing), not only
/// Api:MaxRequestBodyBytes: the limit is raised before anything reads the form. The antiforgery check (an authorization
/// filter of order 1000) reads it first when the token is in the form, as a browser sends it, so a page filter would be
/// too late and a photo over the general limit would end the connection instead of being stored.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class EvidenceBodyLimitAttribute : Attribute, IAuthorizationFilter, IOrderedFilter
{
    public int Order => 900;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsPost(http.Request.Method) && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = http.RequestServices.GetRequiredService<StoreEvidenceCommand>().MaxBytes + EvidenceUpload.MultipartAllowance;
    }
}
