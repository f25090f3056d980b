using System.Globalization;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Pages.Shared;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>
/// The guided flow, step 1 and 2: pick the goal (or two, with weights) and the level you dare, with plain-language help
/// and examples; then fill in what that level needs, for whom and where. It saves a draft, which the person previews and
/// confirms formally on the next page (<see cref="ConfirmModel"/>) — now or later, from their account page.
/// Form fields carry the API's JSON paths as names, so the grain's and the API's messages land next to their fields.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class NewModel(Access access, SiteData data, IClusterClient orleans, CivicClock clock, CreateCommitmentCommand create, ReviseCommitmentCommand revise, IStringLocalizer<SiteText> text) : PageModel, ITermsForm
{
    public const int MilestoneRows = TermsFields.MilestoneRows;

    public IReadOnlyList<(ParticipantProfile Participant, bool Own)> Participants { get; private set; } = [];

    public IReadOnlyList<GoalInfo> Goals { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? Goal { get; set; }
    [BindProperty(SupportsGet = true)] public string? Goal2 { get; set; }
    /// <summary>
    /// The second goal's weight as sent: "0.5" from the number field and the hidden one, "0,5" as typed in nl/fr. Read as
    /// text, because the form binder would parse it in the page's culture, where "0.5" is no number (nl-BE, fr-BE, en-BE
    /// write 0,5) and the weight chosen in step 1 was lost on step 2's POST.
    /// </summary>
    [BindProperty(SupportsGet = true, Name = "weight2")] public string? Weight2Text { get; set; }

    public double Weight2 { get; set; } = 0.5;
    [BindProperty(SupportsGet = true)] public CommitmentLevel? Level { get; set; }
    [BindProperty(SupportsGet = true)] public int Step { get; set; } = 1;

    /// <summary>Chosen when the form is first shown, so that sending it twice makes one draft.</summary>
    [BindProperty] public string Id { get; set; } = "";

    /// <summary>The submitted form, by field name, to show it again with its errors.</summary>
    public IFormCollection? Form { get; private set; }

    /// <summary>A saved draft's values, when the person resumes it (?draft=id).</summary>
    private readonly Dictionary<string, string> _draftValues = new(StringComparer.Ordinal);

    /// <summary>The draft being edited, if any.</summary>
    [BindProperty(SupportsGet = true)] public string? Draft { get; set; }

    public bool Editing { get; private set; }

    /// <summary>A co-creation session to preselect (?session=id, from the session's page).</summary>
    [BindProperty(SupportsGet = true)] public string? Session { get; set; }

    /// <summary>Recent co-creation sessions that have started, newest first: the ones a commitment made now may link to.</summary>
    public IReadOnlyList<CivicContracting.Sessions.CoCreationSessionListing> Sessions { get; private set; } = [];

    public string Value(string name, string fallback = "") =>
        Form is not null && Form.TryGetValue(name, out var value) ? value.ToString()
        : _draftValues.TryGetValue(name, out var saved) ? saved
        : fallback;

    /// <summary>The form's errors for the summary at its top and its fields' aria attributes (Shared/_ErrorSummary).</summary>
    public FormErrors Errors => _errors ??= new FormErrors(ModelState, text,
        [("participantId", "participantId"), ("neighbourhoodCode", "neighbourhoodCode"), ("sessionId", "sessionId"),
         .. TermsFields.FieldIds(),
         ("condition", "condition-none"), ("condition.requiredCoSigners", "c-required"), ("condition.commitmentId", "c-commitment"), ("condition.deadline", "c-deadline")]);

    private FormErrors? _errors;

    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    public IEnumerable<Place> Neighbourhoods => PlaceCatalog.Leuven.Neighbourhoods.OrderBy(p => p.Name, StringComparer.CurrentCulture);

    public async Task<IActionResult> OnGetAsync()
    {
        ReadWeight2();
        var actor = await LoadAsync();
        if (Draft is { } draftId)
        {
            var view = ApiIds.IsWellFormed(draftId) ? await orleans.GetGrain<ICommitmentGrain>(draftId).Get() : null;
            if (view is null)
                return NotFound();
            if (AccessRules.Check(actor, view.ParticipantId, ParticipantRight.Draft) is not null)
                return Forbid();
            if (view.Status != CommitmentStatus.Draft)
                return LocalRedirect($"/commitments/{Uri.EscapeDataString(view.Id)}");
            Resume(view);
            return Page();
        }
        if (Step == 2 && (Level is null || data.Goal(Goal ?? "") is null))
            Step = 1;
        if (string.IsNullOrEmpty(Id))
            Id = ApiIds.New("c");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        ReadWeight2();
        var actor = await LoadAsync();
        Step = 2;
        Form = Request.Form;
        if (Level is not { } level || data.Goal(Goal ?? "") is null || !ApiIds.IsWellFormed(Id))
            return RedirectToPage(new { Goal, Step = 1 });

        var participantId = Value("participantId");
        var draft = new CommitmentDraft(participantId, GoalWeights(), Value("neighbourhoodCode"), Terms(level), Condition(),
            SessionId: Value("sessionId") is { Length: > 0 } sessionId ? sessionId : null, Language: SiteCulture.TwoLetterLanguage);
        // The commands' rules, shown beside the fields: the draft's, the right to draft for the participant, what it refers to.
        var errors = CommitmentRules.NewDraft(draft, clock.GetUtcNow(), Id);
        if (AccessRules.Check(actor, participantId, ParticipantRight.Draft) is { } refusal)
            errors.Add("participantId", refusal);
        if (errors.IsValid)
            errors.Merge(await create.CheckReferencesAsync(draft), "");
        if (!errors.IsValid)
        {
            PageSupport.AddErrors(ModelState, errors.ByField, "", FormFields());
            return Page();
        }
        try
        {
            if (await orleans.GetGrain<ICommitmentGrain>(Id).Get() is { } saved)
            {
                // Resumed (or sent twice): revise the saved draft, for its own participant only. The form does not ask
                // for the reporting interval: a revision keeps the draft's.
                var permit = await revise.AuthoriseAsync(actor, Id);
                await revise.RunAsync(permit, draft with { ReportingInterval = saved.ReportingInterval });
            }
            else
            {
                await create.RunAsync(actor, draft, Id);
            }
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        catch (ApiProblemException problem) when (PageSupport.IsWriteBudget(problem))
        {
            ModelState.AddModelError("", PageSupport.WriteBudgetMessage(text, problem));
            return Page();
        }
        catch (InputRejectedException rejected)
        {
            PageSupport.AddErrors(ModelState, rejected, FormFields());
            return Page();
        }
        catch (ApiProblemException problem) when (problem.Errors.Count > 0)
        {
            PageSupport.AddErrors(ModelState, problem, FormFields());
            return Page();
        }
        catch (StateConflictException)
        {
            // The same id with other content: the form was sent before with other values. Start a fresh draft.
            Id = ApiIds.New("c");
            await create.RunAsync(actor, draft, Id);
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(Id)}/confirm");
    }

    /// <summary>Fills the form from a saved draft: step 2, its goal(s), level and every field.</summary>
    private void Resume(CommitmentView view)
    {
        Editing = true;
        Step = 2;
        Id = view.Id;
        Goal = view.Goals[0].GoalId;
        if (view.Goals.Count > 1)
        {
            Goal2 = view.Goals[1].GoalId;
            Weight2 = view.Goals[1].Weight;
        }
        Level = view.Terms.Level;
        _draftValues["participantId"] = view.ParticipantId;
        _draftValues["neighbourhoodCode"] = view.NeighbourhoodCode;
        _draftValues["sessionId"] = view.SessionId ?? "";
        _draftValues["terms.title"] = view.Terms.Title;
        _draftValues["terms.description"] = view.Terms.Description;
        for (var i = 0; i < (view.Terms.Milestones?.Count ?? 0) && i < MilestoneRows; i++)
        {
            _draftValues[$"terms.milestones[{i}].title"] = view.Terms.Milestones![i].Title;
            _draftValues[$"terms.milestones[{i}].dueDate"] = view.Terms.Milestones[i].DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        if (view.Terms.Target is { } target)
        {
            _draftValues["terms.target.metric"] = target.Metric;
            _draftValues["terms.target.unit"] = target.Unit;
            _draftValues["terms.target.baseline"] = target.Baseline.ToString(CultureInfo.InvariantCulture);
            _draftValues["terms.target.target"] = target.Target.ToString(CultureInfo.InvariantCulture);
            _draftValues["terms.target.deadline"] = target.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        if (view.Condition is { } condition)
        {
            _draftValues["condition.kind"] = ApiJsonName(condition.Kind);
            _draftValues["condition.requiredCoSigners"] = condition.RequiredCoSigners?.ToString(CultureInfo.InvariantCulture) ?? "";
            _draftValues["condition.commitmentId"] = condition.CommitmentId ?? "";
            _draftValues["condition.deadline"] = TimeZoneInfo.ConvertTime(condition.Deadline, SiteCulture.TimeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    private static string ApiJsonName(ConditionKind kind) => Json.ApiJson.CamelCase(kind.ToString());

    /// <summary>The optional condition: "if N others in my neighbourhood join" or "if commitment C is confirmed", before a date (end of that day, Brussels time).</summary>
    private CommitmentCondition? Condition()
    {
        var kind = Value("condition.kind", "none");
        if (kind == "none")
            return null;
        var deadline = DateOnly.TryParse(Value("condition.deadline"), CultureInfo.InvariantCulture, out var day)
            ? new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59)), SiteCulture.TimeZone.GetUtcOffset(day.ToDateTime(new TimeOnly(23, 59))))
            : default;
        if (kind == "reciprocal")
            return CommitmentCondition.Reciprocal(Value("condition.commitmentId").Trim(), deadline);
        return CommitmentCondition.Threshold(int.TryParse(Value("condition.requiredCoSigners"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0, deadline);
    }

    private IReadOnlyList<GoalWeight> GoalWeights()
    {
        var goals = new List<GoalWeight> { new(Goal!) };
        if (!string.IsNullOrEmpty(Goal2) && Goal2 != Goal)
            goals.Add(new GoalWeight(Goal2, Weight2));
        return goals;
    }

    private void ReadWeight2()
    {
        if (DecimalInput.Parse(Weight2Text) is { } weight)
            Weight2 = weight;
    }

    private CommitmentTerms Terms(CommitmentLevel level) => TermsFields.Read(this, level, ModelState);

    private static string[] FormFields() =>
        ["participantId", "neighbourhoodCode", "sessionId", "terms.title", "terms.description", "terms.target.metric", "terms.target.unit",
         "terms.target.baseline", "terms.target.target", "terms.target.deadline", "terms.milestones",
         "condition", "condition.requiredCoSigners", "condition.commitmentId", "condition.deadline",
         .. Enumerable.Range(0, MilestoneRows).SelectMany(i => new[] { $"terms.milestones[{i}].title", $"terms.milestones[{i}].dueDate" })];

    private async Task<Actor> LoadAsync()
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        var actor = await access.ActorAsync(HttpContext);
        var participants = new List<(ParticipantProfile, bool)>();
        foreach (var id in actor.ParticipantIds)
        {
            if (await orleans.GetGrain<IParticipantGrain>(id).GetProfile() is { } profile)
                participants.Add((profile, id == actor.Account?.ParticipantId));
        }
        Participants = participants;
        Sessions = (await orleans.GetGrain<CivicContracting.Sessions.ICoCreationSessionDirectoryGrain>(0).List(0, 20, clock.GetUtcNow())).Items;
        Goals = [.. data.Goals.OrderBy(g => g.Definition.ParentGoalId is null ? g.Id : g.Definition.ParentGoalId, StringComparer.Ordinal)
            .ThenBy(g => g.Definition.ParentGoalId is not null).ThenBy(g => g.Id, StringComparer.Ordinal)];
        return actor;
    }
}
