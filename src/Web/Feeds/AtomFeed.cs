using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using CivicContracting.Commitments;
using CivicContracting.Texts;
using CivicContracting.Web.Content;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Feeds;

/// <summary>One entry of an Atom feed: a commitment confirmed, or a progress report on one.</summary>
public sealed record AtomEntry(string Id, DateTimeOffset Updated, string Title, string Link, string Author, string Summary, string? Language);

/// <summary>An Atom feed (RFC 4287) before it is written.</summary>
public sealed record AtomFeedContent(string Id, string Title, string SelfUrl, string PageUrl, DateTimeOffset Updated, IReadOnlyList<AtomEntry> Entries);

/// <summary>
/// Builds the Atom feeds of a goal, a place and a participant from commitments as the public reads them
/// (<see cref="CommitmentViews.GetAsync"/>, redacted by <see cref="PublicView"/>): what moderators hid never reaches a feed,
/// drafts and templates are left out. Each commitment gives an entry for its confirmation and one per report its view
/// carries (its newest), so a feed of at most <see cref="MaxEntries"/> commitments costs O(entries) from this host's memory.
/// </summary>
public static class AtomFeed
{
    public const string Namespace = "http://www.w3.org/2005/Atom";

    public const string ContentType = "application/atom+xml; charset=utf-8";

    /// <summary>Entries per feed, newest first; also the number of commitments read for one.</summary>
    public const int MaxEntries = 50;

    /// <summary>
    /// The entries of <paramref name="contributions"/> (newest change first, at most <see cref="MaxEntries"/>): confirmations
    /// and reports of public commitments, newest first, at most <see cref="MaxEntries"/>.
    /// </summary>
    public static async Task<IReadOnlyList<AtomEntry>> EntriesAsync(CommitmentViews views, IReadOnlyList<Contribution> contributions, string origin, IStringLocalizer T)
    {
        var wanted = contributions.Where(ContributionIndex.IsPublic).Take(MaxEntries).ToList();
        var commitments = await views.GetManyAsync(wanted.Select(c => c.CommitmentId));
        var profiles = await views.ProfilesAsync(commitments.Select(c => c.ParticipantId));
        var entries = new List<AtomEntry>();
        foreach (var view in commitments)
        {
            if (view.Status == CommitmentStatus.Draft || view.IsTemplate)
                continue;
            var author = profiles.GetValueOrDefault(view.ParticipantId)?.DisplayName ?? "–";
            var title = ContentTranslations.Resolve(view.Terms.Title, view.Language, view.TitleTranslations, ContentText.Reading);
            var description = ContentTranslations.Resolve(view.Terms.Description, view.Language, view.DescriptionTranslations, ContentText.Reading);
            var link = $"{origin}/commitments/{Uri.EscapeDataString(view.Id)}";
            if (view.Confirmation?.ConfirmedAt is { } confirmedAt)
            {
                entries.Add(new AtomEntry($"{link}#confirmed", confirmedAt, T["Feed.Committed", author, title.Text], link, author,
                    $"{SiteFormat.Level(T, view.Terms.Level)} · {Shorten(description.Text, 500)}", title.Language));
            }
            foreach (var report in view.Reports)
            {
                var parts = new List<string>();
                if (report.Value is { } value)
                    parts.Add(T["Feed.Value", SiteFormat.Value(value, view.Terms.Target?.Unit)]);
                if (view.Progress is { } progress && ReferenceEquals(report, view.Reports[^1]))
                    parts.Add($"{T["Figures.Progress"]} {SiteFormat.Percent(progress)}");
                if (!string.IsNullOrWhiteSpace(report.Note))
                    parts.Add(Shorten(report.Note, 500));
                entries.Add(new AtomEntry($"{link}#report-{Uri.EscapeDataString(report.ReportId)}", report.ReportedAt, T["Feed.Reported", author, title.Text], link, author,
                    parts.Count == 0 ? T["Feed.ReportWithoutValue"] : string.Join(" · ", parts), report.Note is null ? title.Language : report.Language ?? title.Language));
            }
        }
        return [.. entries.OrderByDescending(e => e.Updated).ThenBy(e => e.Id, StringComparer.Ordinal).Take(MaxEntries)];
    }

    /// <summary>Writes the feed as UTF-8 XML.</summary>
    public static byte[] Write(AtomFeedContent feed, string language)
    {
        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, Async = false };
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", Namespace);
            xml.WriteAttributeString("xml", "lang", null, language);
            xml.WriteElementString("id", Namespace, feed.Id);
            Text(xml, "title", feed.Title);
            xml.WriteElementString("updated", Namespace, Time(feed.Updated));
            Link(xml, "self", feed.SelfUrl, "application/atom+xml");
            Link(xml, "alternate", feed.PageUrl, "text/html");
            xml.WriteStartElement("generator", Namespace);
            xml.WriteString("Civic Contracting");
            xml.WriteEndElement();
            foreach (var entry in feed.Entries)
            {
                xml.WriteStartElement("entry", Namespace);
                if (entry.Language is { } lang && lang != language)
                    xml.WriteAttributeString("xml", "lang", null, lang);
                xml.WriteElementString("id", Namespace, entry.Id);
                Text(xml, "title", entry.Title);
                xml.WriteElementString("updated", Namespace, Time(entry.Updated));
                Link(xml, "alternate", entry.Link, "text/html");
                xml.WriteStartElement("author", Namespace);
                xml.WriteElementString("name", Namespace, entry.Author);
                xml.WriteEndElement();
                Text(xml, "summary", entry.Summary);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    /// <summary>A strong validator of the feed's bytes.</summary>
    public static string ETag(byte[] body) => "\"" + Convert.ToHexString(SHA256.HashData(body).AsSpan(0, 12)).ToLowerInvariant() + "\"";

    private static void Text(XmlWriter xml, string name, string text)
    {
        xml.WriteStartElement(name, Namespace);
        xml.WriteAttributeString("type", "text");
        xml.WriteString(XmlSafe(text));
        xml.WriteEndElement();
    }

    private static void Link(XmlWriter xml, string rel, string href, string type)
    {
        xml.WriteStartElement("link", Namespace);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Characters XML 1.0 cannot carry (control characters) are dropped rather than failing the feed.</summary>
    public static string XmlSafe(string text)
    {
        StringBuilder? kept = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair || XmlConvert.IsXmlChar(c))
            {
                kept?.Append(c);
                if (pair)
                    kept?.Append(text[++i]);
                continue;
            }
            kept ??= new StringBuilder(text, 0, i, text.Length);
        }
        return kept?.ToString() ?? text;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
