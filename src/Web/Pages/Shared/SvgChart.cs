using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Html;

namespace CivicContracting.Web.Pages.Shared;

/// <summary>One point of a chart.</summary>
public readonly record struct ChartPoint(DateTimeOffset At, double Value);

/// <summary>
/// Small line charts drawn on the server as inline SVG: they need no script, scale with the page, and carry a
/// title and description for screen readers (each page also lists the same figures as text or a table).
/// </summary>
public static class SvgChart
{
    private const double Width = 600, Height = 220, Left = 48, Right = 16, Top = 16, Bottom = 32;

    /// <param name="title">Read out by screen readers; also the SVG's tooltip.</param>
    /// <param name="format">Writes a value for the axis labels.</param>
    /// <param name="target">An optional horizontal reference line (a target), with its label.</param>
    public static IHtmlContent Line(string id, string title, string description, IReadOnlyList<ChartPoint> points,
        Func<double, string> format, (double Value, string Label)? target = null, double? minimum = null, double? maximum = null)
    {
        var html = HtmlEncoder.Default;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{html.Encode(id)}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{html.Encode(id)}-title {html.Encode(id)}-desc\" preserveAspectRatio=\"xMidYMid meet\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{html.Encode(id)}-title\">{html.Encode(title)}</title><desc id=\"{html.Encode(id)}-desc\">{html.Encode(description)}</desc>");
        if (points.Count == 0)
        {
            sb.Append("</svg>");
            return new HtmlString(sb.ToString());
        }

        var values = points.Select(p => p.Value).Concat(target is { } t ? [t.Value] : []).ToList();
        var low = minimum ?? Math.Min(0, values.Min());
        var high = maximum ?? Math.Max(values.Max(), low + 1);
        if (maximum is null)
            high += (high - low) * 0.1;
        var first = points[0].At;
        var last = points[^1].At;
        var span = Math.Max((last - first).TotalSeconds, 1);
        double X(DateTimeOffset at) => points.Count == 1 ? Left + (Width - Left - Right) / 2 : Left + (at - first).TotalSeconds / span * (Width - Left - Right);
        double Y(double v) => Top + (1 - (v - low) / (high - low)) * (Height - Top - Bottom);
        string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        // Grid: the bottom, middle and top values.
        foreach (var v in new[] { low, (low + high) / 2, high })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-grid\" x1=\"{N(Left)}\" x2=\"{N(Width - Right)}\" y1=\"{N(Y(v))}\" y2=\"{N(Y(v))}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{N(Left - 6)}\" y=\"{N(Y(v) + 4)}\" text-anchor=\"end\">{html.Encode(format(v))}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{N(Left)}\" y=\"{N(Height - 8)}\">{html.Encode(SiteFormat.Date(first))}</text>");
        if (points.Count > 1)
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{N(Width - Right)}\" y=\"{N(Height - 8)}\" text-anchor=\"end\">{html.Encode(SiteFormat.Date(last))}</text>");

        if (target is { } goal)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-target\" x1=\"{N(Left)}\" x2=\"{N(Width - Right)}\" y1=\"{N(Y(goal.Value))}\" y2=\"{N(Y(goal.Value))}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-target-label\" x=\"{N(Width - Right)}\" y=\"{N(Y(goal.Value) - 6)}\" text-anchor=\"end\">{html.Encode(goal.Label)}</text>");
        }

        var path = string.Join(' ', points.Select((p, i) => $"{(i == 0 ? 'M' : 'L')}{N(X(p.At))},{N(Y(p.Value))}"));
        sb.Append(CultureInfo.InvariantCulture, $"<path class=\"chart-line\" d=\"{path}\"/>");
        foreach (var p in points.TakeLast(40))
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"chart-point\" cx=\"{N(X(p.At))}\" cy=\"{N(Y(p.Value))}\" r=\"3\"><title>{html.Encode(SiteFormat.DateTime(p.At) + ": " + format(p.Value))}</title></circle>");
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }
}
