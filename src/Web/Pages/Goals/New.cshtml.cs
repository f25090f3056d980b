using CivicContracting.Goals;
using CivicContracting.Places;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Pages.Commitments;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Goals;

/// <summary>An administrator creates a goal: an ambition, or an objective of one, with the citizen panel's wording, a target and a roll-up rule.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class NewModel(Access access, IClusterClient orleans, SiteData data, DefineGoalCommand define) : PageModel, ITermsForm
{
    private static readonly string[] Fields = [.. GoalForm.EditableFields, "id", "parentGoalId", "scope", "scope.level", "scope.placeCodes", "illustrative"];

    /// <summary>Preselects the parent: "add an objective" on an ambition's page.</summary>
    [BindProperty(SupportsGet = true, Name = "parent")]
    public string? Parent { get; set; }

    public IReadOnlyList<(GoalInfo Goal, int Depth)> Goals { get; private set; } = [];

    public IFormCollection? Form { get; private set; }

    public string Value(string name, string fallback = "") =>
        Form is not null && Form.TryGetValue(name, out var value) ? value.ToString()
        : name == "parentGoalId" && Parent is not null ? Parent
        : fallback;

    /// <summary>The place codes chosen in the form.</summary>
    public IReadOnlySet<string> PlaceCodes => Form is not null && Form.TryGetValue("scope.placeCodes", out var codes)
        ? codes.OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase)
        : new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync() is { } refusal)
            return refusal;
        Form = Request.Form;
        var parts = GoalForm.Read(this, ModelState);
        var id = Value("id").Trim();
        var parentId = Value("parentGoalId").Trim();
        var level = Enum.TryParse<PlaceLevel>(Value("scope.level"), ignoreCase: true, out var l) && Enum.IsDefined(l) ? l : PlaceLevel.City;
        var codes = PlaceCodes.Select(c => c.Trim()).Where(c => c.Length > 0)
            .Where(c => level != PlaceLevel.City && PlaceCatalog.Leuven.TryGet(c, out var place) && place.Level == level).ToList();
        var definition = new GoalDefinition(parts.Title, parts.Description, new GoalScope(level, codes), parentId.Length == 0 ? null : parentId,
            parts.Target, parts.RollUp, Value("illustrative") == "true", parts.Wording, parts.Language, parts.TitleTranslations, parts.DescriptionTranslations);

        var errors = await define.CheckAsync(definition, id.Length > 0 ? id : null);
        // The form makes new goals only: an id in use is refused, where the API would answer with the stored goal.
        if (id.Length > 0 && errors.IsValid && await orleans.GetGrain<IGoalGrain>(id).GetInfo() is not null)
            errors.Add("id", ApiText.GoalExists(id));
        if (!ModelState.IsValid || !errors.IsValid)
        {
            PageSupport.AddErrors(ModelState, errors.ByField, "", Fields);
            return Page();
        }

        var goalId = id.Length > 0 ? id : ApiIds.New("g");
        try
        {
            await define.RunAsync(await access.ActorAsync(HttpContext), definition, goalId);
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
        catch (Exception ex) when (ex is InputRejectedException or StateConflictException)
        {
            if (ex is InputRejectedException rejected)
                PageSupport.AddErrors(ModelState, rejected, Fields);
            else
                ModelState.AddModelError("id", ex.Message);
            return Page();
        }
        return LocalRedirect($"/goals/{Uri.EscapeDataString(goalId)}?saved=1");
    }

    private async Task<IActionResult?> LoadAsync()
    {
        if (!GoalForm.MayManageGoals(await access.ActorAsync(HttpContext)))
            return StatusCode(StatusCodes.Status403Forbidden); // the site's error page, with 403
        await data.WhenLoaded(HttpContext.RequestAborted);
        Goals = GoalTree.Flatten(data);
        Response.Headers.CacheControl = "no-store";
        return null;
    }
}
