using System.Net;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Texts;

/// <summary>
/// The word after a live count ("1 engagement", "3 engagementen"): rendered in the form for the count, with its forms in
/// data-live-one / data-live-other (and data-live-many where the language has it), so that js/live.js picks the form by
/// the page language's plural rule (Intl.PluralRules) when the count changes, without any word in the script.
/// </summary>
public static class LivePlural
{
    /// <summary>The word of <paramref name="key"/> (<c>key.one</c>/<c>key.other</c>) for <paramref name="count"/>, live on <paramref name="field"/> of <paramref name="scope"/>.</summary>
    public static IHtmlContent Word(IStringLocalizer t, string key, decimal count, string? scope, string field)
    {
        var one = t[key + "." + PluralRules.One];
        var other = t[key + "." + PluralRules.Other];
        var many = t[key + "." + PluralRules.Many];
        var scopeAttribute = scope is null ? "" : $" data-live-scope=\"{Encode(scope)}\"";
        var manyAttribute = many.ResourceNotFound ? "" : $" data-live-many=\"{Encode(many)}\"";
        return new HtmlString($"<span{scopeAttribute} data-live-field=\"{Encode(field)}\" data-live-one=\"{Encode(one)}\" data-live-other=\"{Encode(other)}\"{manyAttribute}>{Encode(t.Plural(key, count))}</span>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
