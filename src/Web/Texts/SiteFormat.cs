using System.Globalization;
using System.Text.Json;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Texts;

/// <summary>How the pages write numbers, dates and the product's words, in the request's culture.</summary>
public static class SiteFormat
{
    /// <summary>Darkened Okabe–Ito hues (at least 3:1 against white and the map, WCAG 1.4.11); the same in js/map/constants.js and css/site.css.</summary>
    public static IReadOnlyDictionary<ParticipantKind, string> KindColours { get; } = new Dictionary<ParticipantKind, string>
    {
        [ParticipantKind.Resident] = "#B86E00",
        [ParticipantKind.School] = "#1F4E9A",
        [ParticipantKind.Business] = "#008A63",
        [ParticipantKind.Organisation] = "#5E2A7E",
        [ParticipantKind.City] = "#0A7FB8",
        [ParticipantKind.KnowledgeInstitution] = "#8F2A0A",
    };

    // The API's JSON naming (ApiJson's camelCase policy), written out here so that the site's basics do not depend on
    // the Json folder, which depends on them through its problems.
    public static string Api(Enum value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static string Kind(IStringLocalizer t, ParticipantKind kind) => t["Kind." + Api(kind)];

    public static string KindPlural(IStringLocalizer t, ParticipantKind kind) => t["Kinds." + Api(kind)];

    /// <summary>"3 residents", "1 school": a count of participants of one kind (KindCount.{kind}.one/.other).</summary>
    public static string KindCount(IStringLocalizer t, ParticipantKind kind, int count) => t.Plural("KindCount." + Api(kind), count);

    public static string Level(IStringLocalizer t, CommitmentLevel level) => t["Level." + Api(level)];

    public static string Status(IStringLocalizer t, CommitmentStatus status) => t["Status." + Api(status)];

    public static string Number(double value, int decimals = 0) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.CurrentCulture);

    public static string Percent(double? fraction) => fraction is { } f && double.IsFinite(f) ? f.ToString("P0", CultureInfo.CurrentCulture) : "–";

    /// <summary>0–100 for a progress element's value.</summary>
    public static string ProgressValue(double? fraction) =>
        (fraction is { } f && double.IsFinite(f) ? Math.Clamp(f, 0, 1) * 100 : 0).ToString("0.#", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset? at) => at is { } a ? a.ToLocalTime().ToString("d MMMM yyyy", CultureInfo.CurrentCulture) : "–";

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.CurrentCulture);

    public static string DateTime(DateTimeOffset? at) => at is { } a ? a.ToLocalTime().ToString("d MMMM yyyy, HH:mm", CultureInfo.CurrentCulture) : "–";

    /// <summary>Machine-readable instant for &lt;time datetime&gt;.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Value(double? value, string? unit) =>
        value is { } v ? $"{v.ToString("0.##", CultureInfo.CurrentCulture)}{(string.IsNullOrEmpty(unit) ? "" : (unit is "%" ? "" : "\u00a0") + unit)}" : "–";

    public static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
