using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Shared;

/// <summary>One entry of a form's error summary: the message and the id of the field it links to (none for the whole form).</summary>
public sealed record FormError(string Message, string? FieldId);

/// <summary>
/// A form's errors, one pattern for every form (Shared/_ErrorSummary.cshtml): a summary at the top that takes the focus
/// when the page comes back with errors, each entry a link to its field; and per field <c>aria-invalid</c> and the id of
/// its error line (<c>{name}-error</c>) for <c>aria-describedby</c>, so a screen reader hears the error with the field.
/// </summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, List<string>> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="modelState">The page's errors by field name ("" for the whole form).</param>
    /// <param name="text">The site's texts (an error without a message, e.g. an unreadable number, gets a generic one).</param>
    /// <param name="fields">The form's fields in the order they appear: the name errors are kept under and the element's id.</param>
    public FormErrors(ModelStateDictionary modelState, IStringLocalizer text, IEnumerable<(string Name, string FieldId)> fields)
    {
        foreach (var (key, entry) in modelState)
        {
            if (entry.Errors.Count == 0)
                continue;
            var messages = entry.Errors.Select(e => e.ErrorMessage).Where(m => m.Length > 0).Distinct().ToList();
            _byName[key] = messages.Count > 0 ? messages : [text["Flow.FieldInvalid"].Value];
        }
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, fieldId) in fields)
            ids.TryAdd(name, fieldId);
        var order = ids.Keys.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.OrdinalIgnoreCase);
        Summary = [.. _byName
            .OrderBy(e => e.Key.Length == 0 ? -1 : order.GetValueOrDefault(e.Key, int.MaxValue))
            .SelectMany(e => e.Value.Select(m => new FormError(m, ids.GetValueOrDefault(e.Key))))];
    }

    /// <summary>Every error, the form's own first, then the fields' in form order.</summary>
    public IReadOnlyList<FormError> Summary { get; }

    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>"true" for a field with an error, else null (Razor then leaves the attribute out).</summary>
    public string? Invalid(string name) => Has(name) ? "true" : null;

    /// <summary>The id of the field's error line when it has one, else null: for aria-describedby.</summary>
    public string? ErrorId(string name) => Has(name) ? ErrorIdOf(name) : null;

    public static string ErrorIdOf(string name) => name + "-error";
}
