using System.Globalization;
using CivicContracting.Goals;
using CivicContracting.Texts;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Content;
using CivicContracting.Web.Pages.Commitments;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CivicContracting.Web.Pages.Goals;

/// <summary>
/// The goal form of the administrators' pages (<c>/goals/new</c>, <c>/goals/{id}/edit</c>): its field names are the
/// API's JSON paths, so the input rules' errors land next to their fields.
/// </summary>
public static class GoalForm
{
    /// <summary>The editable parts (both pages).</summary>
    public static readonly string[] EditableFields =
        ["title", "description", "citizenPanelWording.text", "citizenPanelWording.source", "citizenPanelWording.sourceUrl",
         "target", "target.metric", "target.unit", "target.baseline", "target.target", "target.deadline", "rollUp",
         "language", .. ContentLanguage.All.SelectMany(l => new[] { $"translations.title.{l}", $"translations.description.{l}" })];

    /// <summary>What is read from the form: the editable parts of a goal.</summary>
    public sealed record Parts(
        string Title,
        string Description,
        CitizenPanelWording? Wording,
        QuantitativeTarget? Target,
        RollUpRule RollUp,
        string? Language = null,
        ContentTranslations? TitleTranslations = null,
        ContentTranslations? DescriptionTranslations = null);

    /// <summary>
    /// Reads the editable parts. Wording and target are left out when all their fields are empty; an unreadable number
    /// or date is marked in <paramref name="modelState"/> under its field.
    /// </summary>
    public static Parts Read(ITermsForm form, ModelStateDictionary modelState)
    {
        string Value(string name) => form.Value(name).Trim();
        double Number(string name)
        {
            var text = Value(name).Replace(',', '.');
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                return number;
            modelState.AddModelError(name, "");
            return double.NaN;
        }

        CitizenPanelWording? wording = null;
        if (Value("citizenPanelWording.text").Length > 0 || Value("citizenPanelWording.source").Length > 0 || Value("citizenPanelWording.sourceUrl").Length > 0)
        {
            var url = Value("citizenPanelWording.sourceUrl");
            wording = new CitizenPanelWording(Value("citizenPanelWording.text"), Value("citizenPanelWording.source"), url.Length == 0 ? null : url);
        }

        QuantitativeTarget? target = null;
        string[] targetFields = ["target.metric", "target.unit", "target.baseline", "target.target", "target.deadline"];
        if (targetFields.Any(f => Value(f).Length > 0))
        {
            DateOnly deadline = default;
            if (Value("target.deadline").Length > 0 && !DateOnly.TryParse(Value("target.deadline"), CultureInfo.InvariantCulture, out deadline))
                modelState.AddModelError("target.deadline", "");
            target = new QuantitativeTarget(Value("target.metric"), Value("target.unit"), Number("target.baseline"), Number("target.target"), deadline);
        }

        var rollUp = Enum.TryParse<RollUpRule>(Value("rollUp"), ignoreCase: true, out var rule) && Enum.IsDefined(rule) ? rule : RollUpRule.WeightedMeanOfCommitments;
        // The original's language travels in a hidden field (Dutch for a new goal); the other two get optional fields.
        var language = Value("language") is { Length: > 0 } code ? code : null;
        ContentTranslations? Translations(string field) =>
            ContentText.FromForm(language, ContentLanguage.All.ToDictionary(l => l, l => (string?)form.Value($"translations.{field}.{l}")));
        return new Parts(Value("title"), form.Value("description").Trim(), wording, target, rollUp,
            language, Translations("title"), Translations("description"));
    }

    /// <summary>The form's values for an existing definition (what the edit page shows first).</summary>
    public static Dictionary<string, string> ValuesOf(GoalDefinition d)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = d.Title,
            ["description"] = d.Description,
            ["rollUp"] = d.RollUp.ToString(),
            ["language"] = ContentLanguage.OriginalOf(d.Language),
        };
        foreach (var language in ContentLanguage.All)
        {
            if (d.TitleTranslations?.In(language) is { } title)
                values[$"translations.title.{language}"] = title;
            if (d.DescriptionTranslations?.In(language) is { } description)
                values[$"translations.description.{language}"] = description;
        }
        if (d.CitizenPanelWording is { } w)
        {
            values["citizenPanelWording.text"] = w.Text;
            values["citizenPanelWording.source"] = w.Source;
            values["citizenPanelWording.sourceUrl"] = w.SourceUrl ?? "";
        }
        if (d.Target is { } t)
        {
            values["target.metric"] = t.Metric;
            values["target.unit"] = t.Unit;
            values["target.baseline"] = t.Baseline.ToString("R", CultureInfo.InvariantCulture);
            values["target.target"] = t.Target.ToString("R", CultureInfo.InvariantCulture);
            values["target.deadline"] = t.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        return values;
    }

    /// <summary>Administrators in a signed-in session, read fresh (a role granted or revoked since sign-in counts at once).</summary>
    public static bool MayManageGoals(Actor actor) =>
        actor.Kind == ActorKind.Session && actor.HasRole(CivicContracting.Accounts.PlatformRole.Administrator);
}
