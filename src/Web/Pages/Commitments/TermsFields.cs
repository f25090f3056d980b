using System.Globalization;
using System.Net;
using CivicContracting.Goals;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using CivicContracting.Commitments;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>A form that asks for commitment terms: the values it shows again and the errors by field name.</summary>
public interface ITermsForm
{
    string Value(string name, string fallback = "");

    IEnumerable<string> ErrorsFor(string name);
}

/// <summary>The model of Shared/_TermsFields.cshtml (the form and the level whose fields to show), and the reading of those fields.</summary>
public sealed record TermsFields(ITermsForm Form, CommitmentLevel Level)
{
    public const int MilestoneRows = 5;

    /// <summary>A field's error line, or nothing; an error without a message (an unreadable number) gets a generic one.</summary>
    /// <summary>The terms a form describes for <paramref name="level"/>; an unreadable number is marked in <paramref name="modelState"/>.</summary>
    public static CommitmentTerms Read(ITermsForm form, CommitmentLevel level, ModelStateDictionary modelState)
    {
        string Value(string name) => form.Value(name);
        double Number(string name)
        {
            var text = Value(name).Trim().Replace(',', '.');
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                return number;
            modelState.AddModelError(name, "");
            return double.NaN;
        }

        var title = Value("terms.title").Trim();
        var description = Value("terms.description").Trim();
        return level switch
        {
            CommitmentLevel.Action => new CommitmentTerms(level, title, description, Milestones: [.. Enumerable.Range(0, MilestoneRows)
                .Select(i => (Title: Value($"terms.milestones[{i}].title").Trim(), Due: Value($"terms.milestones[{i}].dueDate")))
                .Where(m => m.Title.Length > 0 || m.Due.Length > 0)
                .Select((m, i) => new Milestone($"m{i + 1}", m.Title, DateOnly.TryParse(m.Due, CultureInfo.InvariantCulture, out var due) ? due : default))]),
            CommitmentLevel.Result => new CommitmentTerms(level, title, description, Target: new QuantitativeTarget(
                Value("terms.target.metric").Trim(), Value("terms.target.unit").Trim(),
                Number("terms.target.baseline"), Number("terms.target.target"),
                DateOnly.TryParse(Value("terms.target.deadline"), CultureInfo.InvariantCulture, out var deadline) ? deadline : default)),
            _ => new CommitmentTerms(level, title, description),
        };
    }

    public IHtmlContent Errors(IStringLocalizer text, string name) => ErrorLine(Form, text, name);

    /// <summary>"true" when the field (or the group it heads) has an error, else null: its aria-invalid (see Shared/FormErrors).</summary>
    public string? Invalid(string name, string? group = null) =>
        Form.ErrorsFor(name).Any() || (group is not null && Form.ErrorsFor(group).Any()) ? "true" : null;

    /// <summary>The ids of the error lines of those of <paramref name="names"/> that have one, else null: for aria-describedby.</summary>
    public string? ErrorId(params string?[] names) =>
        string.Join(' ', names.OfType<string>().Where(n => Form.ErrorsFor(n).Any()).Select(Shared.FormErrors.ErrorIdOf)) is { Length: > 0 } ids ? ids : null;

    /// <summary>The terms fields' names and element ids, in form order, for the error summary's links.</summary>
    public static IEnumerable<(string Name, string FieldId)> FieldIds() =>
    [
        ("terms.title", "terms-title"), ("terms.description", "terms-description"), ("terms.milestones", "m-0-title"),
        .. Enumerable.Range(0, MilestoneRows).SelectMany(i => new[] { ($"terms.milestones[{i}].title", $"m-{i}-title"), ($"terms.milestones[{i}].dueDate", $"m-{i}-due") }),
        ("terms.target.metric", "t-metric"), ("terms.target.unit", "t-unit"), ("terms.target.baseline", "t-baseline"),
        ("terms.target.target", "t-target"), ("terms.target.deadline", "t-deadline"),
    ];

    public static IHtmlContent ErrorLine(ITermsForm form, IStringLocalizer text, string name)
    {
        var errors = form.ErrorsFor(name).ToList();
        if (errors.Count == 0)
            return HtmlString.Empty;
        var messages = errors.Where(m => m.Length > 0).ToList();
        var line = messages.Count > 0 ? string.Join(" ", messages) : text["Flow.FieldInvalid"].Value;
        return new HtmlString($"<span class=\"field-error\" id=\"{WebUtility.HtmlEncode(Shared.FormErrors.ErrorIdOf(name))}\">{WebUtility.HtmlEncode(line)}</span>");
    }
}
