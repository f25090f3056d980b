using System.Text.Json;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>
/// Upgrading a confirmed commitment along the spectrum (pledge → action → result) through the same steps as making one:
/// the stronger level, what it needs, the exact new text, and the formal confirmation. The earlier terms stay readable.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class UpgradeModel(Access access, IClusterClient orleans, CommitmentViews views, UpgradeCommitmentCommand upgrade, IStringLocalizer<SiteText> text) : PageModel, ITermsForm
{
    private static readonly string[] Fields =
        ["terms.title", "terms.description", "terms.target.metric", "terms.target.unit", "terms.target.baseline", "terms.target.target",
         "terms.target.deadline", "terms.milestones", .. Enumerable.Range(0, TermsFields.MilestoneRows).SelectMany(i => new[] { $"terms.milestones[{i}].title", $"terms.milestones[{i}].dueDate" })];

    private readonly Dictionary<string, string> _current = new(StringComparer.Ordinal);

    public CommitmentView Commitment { get; private set; } = null!;

    public ParticipantProfile Participant { get; private set; } = null!;

    [BindProperty(SupportsGet = true)] public CommitmentLevel? Level { get; set; }

    /// <summary>The new terms, once previewed: their exact text and hash, carried to the confirmation as JSON.</summary>
    public CommitmentTerms? NewTerms { get; private set; }

    public string? NewText { get; private set; }

    public string? NewHash { get; private set; }

    /// <summary>The language of <see cref="NewText"/>: the page's, or on the confirmation the one the text was read in.</summary>
    public string NewTextLanguage { get; private set; } = CommitmentText.DefaultLanguage;

    public string? NewTermsJson { get; private set; }

    public IFormCollection? Form { get; private set; }

    public IEnumerable<CommitmentLevel> StrongerLevels => Enum.GetValues<CommitmentLevel>().Where(l => l > Commitment.Terms.Level);

    public string Value(string name, string fallback = "") =>
        Form is not null && Form.TryGetValue(name, out var value) ? value.ToString() : _current.TryGetValue(name, out var current) ? current : fallback;

    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (await LoadAsync(id) is { } refusal)
            return refusal;
        if (Level is { } level && level <= Commitment.Terms.Level)
            Level = null;
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(string id)
    {
        if (await LoadAsync(id) is { } refusal)
            return refusal;
        Form = Request.Form;
        if (Level is not { } level || level <= Commitment.Terms.Level)
            return RedirectToPage(new { id });
        var terms = TermsFields.Read(this, level, ModelState);
        var errors = CommitmentRules.Terms(terms);
        if (!ModelState.IsValid || !errors.IsValid)
        {
            var prefixed = new InputRules.Errors();
            prefixed.Merge(errors, "terms");
            PageSupport.AddErrors(ModelState, prefixed.ByField, "", Fields);
            return Page();
        }
        Preview(terms);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(string id, string termsJson, string hash, bool commit, string? language)
    {
        if (await LoadAsync(id) is { } refusal)
            return refusal;
        CommitmentTerms? terms;
        try
        {
            terms = JsonSerializer.Deserialize<CommitmentTerms>(termsJson ?? "", ApiJson.Options);
        }
        catch (JsonException)
        {
            terms = null;
        }
        if (terms is null || !CommitmentRules.Terms(terms).IsValid || terms.Level <= Commitment.Terms.Level)
            return RedirectToPage(new { id });
        Level = terms.Level;
        Preview(terms, CommitmentText.Language(language));
        // Only the text that was shown is confirmed.
        if (!commit || !string.Equals(hash, NewHash, StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError("commit", "");
            return Page();
        }
        try
        {
            var permit = await upgrade.AuthoriseAsync(await access.ActorAsync(HttpContext), id);
            views.Remember(await upgrade.RunAsync(permit, terms, NewHash, language: NewTextLanguage));
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid(); // the right was withdrawn while the page was open
        }
        catch (ApiProblemException problem) when (PageSupport.IsWriteBudget(problem))
        {
            ModelState.AddModelError("", PageSupport.WriteBudgetMessage(text, problem));
            return Page();
        }
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            ModelState.AddModelError("", ex.Message);
            return Page();
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?upgraded=1");
    }

    private void Preview(CommitmentTerms terms, string? language = null)
    {
        NewTerms = terms;
        NewTextLanguage = language ?? Confirmations.RequestLanguage;
        NewText = CommitmentText.Render(terms, NewTextLanguage);
        NewHash = CommitmentText.Hash(terms, NewTextLanguage);
        NewTermsJson = JsonSerializer.Serialize(terms, ApiJson.Options);
    }

    private async Task<IActionResult?> LoadAsync(string id)
    {
        var view = ApiIds.IsWellFormed(id) ? await orleans.GetGrain<ICommitmentGrain>(id).Get() : null;
        if (view is null)
            return NotFound();
        if (AccessRules.Check(await access.ActorAsync(HttpContext), view.ParticipantId, ParticipantRight.Upgrade) is not null)
            return Forbid();
        if (view.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active) || view.Terms.Level == CommitmentLevel.Result || view.IsTemplate)
            return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}");
        Commitment = view;
        Participant = await views.ProfileAsync(view.ParticipantId) ?? throw new InvalidOperationException("A commitment's participant exists.");
        _current["terms.title"] = view.Terms.Title;
        _current["terms.description"] = view.Terms.Description;
        return null;
    }
}
