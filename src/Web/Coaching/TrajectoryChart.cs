using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using CivicContracting.Commitments;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Html;

namespace CivicContracting.Web.Coaching;

/// <summary>
/// A result commitment's trajectory as inline SVG: the straight line from the baseline at the start to the target at the
/// deadline (dashed), the progress reported (a line with points), and today. The page lists the same figures in a table.
/// The caller passes the labels in the site's language (<paramref name="straightLineLabel"/>, <paramref name="todayLabel"/>).
/// </summary>
public static class TrajectoryChart
{
    private const double Width = 600, Height = 240, Left = 48, Right = 16, Top = 16, Bottom = 32;

    public static IHtmlContent Render(string id, string title, string description, Trajectory trajectory, DateTimeOffset now, string straightLineLabel, string todayLabel)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        var html = HtmlEncoder.Default;
        var sb = new StringBuilder();
        var first = trajectory.Start;
        var last = new[] { trajectory.Deadline, now, trajectory.Points[^1].At }.Max();
        var span = Math.Max((last - first).TotalSeconds, 1);
        double X(DateTimeOffset at) => Left + Math.Clamp((at - first).TotalSeconds / span, 0, 1) * (Width - Left - Right);
        double Y(double progress) => Top + (1 - Math.Clamp(progress, 0, 1)) * (Height - Top - Bottom);
        static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{html.Encode(id)}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{html.Encode(id)}-title {html.Encode(id)}-desc\" preserveAspectRatio=\"xMidYMid meet\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{html.Encode(id)}-title\">{html.Encode(title)}</title><desc id=\"{html.Encode(id)}-desc\">{html.Encode(description)}</desc>");
        foreach (var v in new[] { 0.0, 0.5, 1.0 })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-grid\" x1=\"{N(Left)}\" x2=\"{N(Width - Right)}\" y1=\"{N(Y(v))}\" y2=\"{N(Y(v))}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{N(Left - 6)}\" y=\"{N(Y(v) + 4)}\" text-anchor=\"end\">{html.Encode(SiteFormat.Percent(v))}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{N(Left)}\" y=\"{N(Height - 8)}\">{html.Encode(SiteFormat.Date(first))}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{N(Width - Right)}\" y=\"{N(Height - 8)}\" text-anchor=\"end\">{html.Encode(SiteFormat.Date(last))}</text>");

        // The straight line from the baseline to the target (dashed, as the site's target lines are).
        sb.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-target\" data-straight-line x1=\"{N(X(trajectory.Start))}\" y1=\"{N(Y(0))}\" x2=\"{N(X(trajectory.Deadline))}\" y2=\"{N(Y(1))}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-target-label\" x=\"{N(X(trajectory.Deadline) - 4)}\" y=\"{N(Y(1) + 14)}\" text-anchor=\"end\">{html.Encode(straightLineLabel)}</text>");
        // Today.
        sb.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-grid\" data-today x1=\"{N(X(now))}\" x2=\"{N(X(now))}\" y1=\"{N(Top)}\" y2=\"{N(Height - Bottom)}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{N(X(now) + 4)}\" y=\"{N(Top + 10)}\">{html.Encode(todayLabel)}</text>");

        var path = string.Join(' ', trajectory.Points.Select((p, i) => $"{(i == 0 ? 'M' : 'L')}{N(X(p.At))},{N(Y(p.Progress))}"));
        sb.Append(CultureInfo.InvariantCulture, $"<path class=\"chart-line\" d=\"{path}\"/>");
        foreach (var p in trajectory.Points.TakeLast(60))
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"chart-point\" data-point cx=\"{N(X(p.At))}\" cy=\"{N(Y(p.Progress))}\" r=\"3\"><title>{html.Encode(SiteFormat.Date(p.At) + ": " + SiteFormat.Percent(p.Progress))}</title></circle>");
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }
}
