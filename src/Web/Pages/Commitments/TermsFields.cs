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

    public static IHtmlContent ErrorLine(ITermsForm form, IStringLocalizer text, string name)
    {
        var errors = form.ErrorsFor(name).ToList();
        if (errors.Count == 0)
            return HtmlString.Empty;
        var messages = errors.Where(m => m.Length > 0).ToList();
        var line = messages.Count > 0 ? string.Join(" ", messages) : text["Flow.FieldInvalid"].Value;
        return new HtmlString($"<span class=\"field-error\" id=\"{WebUtility.HtmlEncode(name)}-error\">{WebUtility.HtmlEncode(line)}</span>");
    }
}
