using System.Globalization;
using System.Text.Encodings.Web;
using CivicContracting.Aggregation;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Html;

namespace CivicContracting.Web.Pages.Shared;

/// <summary>The verified share beside a goal's or place's progress (Pages/Shared/_VerifiedShare.cshtml).</summary>
public sealed record VerifiedShareView(string Id, EngagementSnapshot Snapshot)
{
    /// <summary>Verified progress / progress, for the data-verified-share attribute; empty when there is none.</summary>
    public string ShareAttribute => Snapshot.VerifiedShare is { } share ? Exact(share) : "";

    /// <summary>The verified progress for the data-verified-progress attribute (0 when there is none).</summary>
    public string ProgressAttribute => Exact(Snapshot.VerifiedProgress ?? 0);

    /// <summary>
    /// <paramref name="template"/> (the site text: {0} verified progress, {1} the share) encoded, with the two figures as
    /// elements js/live.js keeps current.
    /// </summary>
    public IHtmlContent Line(string template)
    {
        var encoder = HtmlEncoder.Default;
        var verified = $"<strong data-live-field=\"verifiedProgress\" data-live-format=\"percent\">{encoder.Encode(SiteFormat.Percent(Snapshot.VerifiedProgress))}</strong>";
        var share = $"<span data-live-field=\"verifiedShare\" data-live-format=\"percent\">{encoder.Encode(SiteFormat.Percent(Snapshot.VerifiedShare))}</span>";
        return new HtmlString(string.Format(CultureInfo.InvariantCulture, encoder.Encode(template), verified, share));
    }

    /// <summary>A number as the API gives it (round-trip, invariant), so a test can compare the attribute with the snapshot.</summary>
    private static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
