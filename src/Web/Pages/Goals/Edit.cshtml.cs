using CivicContracting.Goals;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Pages.Commitments;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Goals;

/// <summary>
/// An administrator edits a goal: title, description, the citizen panel's wording, target and roll-up rule, with a note
/// why. The earlier version stays readable (<c>GET /api/goals/{id}/versions</c>); parent, scope and id do not change.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class EditModel(Access access, IClusterClient orleans, ReviseGoalCommand revise) : PageModel, ITermsForm
{
    private static readonly string[] Fields = [.. GoalForm.EditableFields, "note"];

    private Dictionary<string, string> _current = new(StringComparer.Ordinal);

    public GoalInfo Goal { get; private set; } = null!;

    public IReadOnlyList<GoalVersion> Versions { get; private set; } = [];

    public IFormCollection? Form { get; private set; }

    public string Value(string name, string fallback = "") =>
        Form is not null && Form.TryGetValue(name, out var value) ? value.ToString() : _current.TryGetValue(name, out var current) ? current : fallback;

    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    public async Task<IActionResult> OnGetAsync(string id) => await LoadAsync(id) ?? Page();

    public async Task<IActionResult> OnPostAsync(string id)
    {
        if (await LoadAsync(id) is { } refusal)
            return refusal;
        Form = Request.Form;
        var parts = GoalForm.Read(this, ModelState);
        var actor = await access.ActorAsync(HttpContext);
        var note = Value("note").Trim();
        var revision = new GoalRevision(parts.Title, parts.Description, parts.Wording, parts.Target, parts.RollUp,
            GoalEndpoints.EditorName(actor), note.Length == 0 ? null : note, parts.Language, parts.TitleTranslations, parts.DescriptionTranslations);
        var errors = InputRules.GoalRevision(revision);
        if (!ModelState.IsValid || !errors.IsValid)
        {
            PageSupport.AddErrors(ModelState, errors.ByField, "", Fields);
            return Page();
        }
        try
        {
            await revise.RunAsync(await revise.AuthoriseAsync(actor, id), revision);
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        catch (ApiProblemException problem) when (problem.Errors.Count > 0)
        {
            PageSupport.AddErrors(ModelState, problem, Fields);
            return Page();
        }
        catch (InputRejectedException rejected)
        {
            PageSupport.AddErrors(ModelState, rejected, Fields);
            return Page();
        }
        return LocalRedirect($"/goals/{Uri.EscapeDataString(id)}?saved=1");
    }

    private async Task<IActionResult?> LoadAsync(string id)
    {
        if (!GoalForm.MayManageGoals(await access.ActorAsync(HttpContext)))
            return StatusCode(StatusCodes.Status403Forbidden); // the site's error page, with 403
        if (!ApiIds.IsWellFormed(id))
            return NotFound();
        var grain = orleans.GetGrain<IGoalGrain>(id);
        if (await grain.GetInfo() is not { } goal)
            return NotFound();
        Goal = goal;
        Versions = await grain.GetVersions();
        _current = GoalForm.ValuesOf(goal.Definition);
        Response.Headers.CacheControl = "no-store";
        return null;
    }
}
