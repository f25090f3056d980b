using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CivicContracting.Sessions;
using CivicContracting.Web.Content;
using CivicContracting.Web.Sessions;
using CivicContracting.Web.Texts;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Feeds;

/// <summary>
/// The iCalendar feed of co-creation sessions (<c>/feeds/sessions.ics</c>, RFC 5545 through Ical.Net): the newest
/// <see cref="MaxSessions"/>, each a VEVENT in Europe/Brussels time (with its VTIMEZONE). Sessions record when they start,
/// not how long they last: an event lasts <see cref="Duration"/>. Rendered at most once per <see cref="Lifetime"/> per
/// language and shared: a session's venue is read from its grain, so a rendering costs one call per session.
/// Only public fields: never the support team's notes.
/// </summary>
public sealed class SessionCalendar(IClusterClient orleans, TimeProvider clock) : IDisposable
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public const int MaxSessions = 200;

    public static readonly TimeSpan Duration = TimeSpan.FromHours(2);

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public const string TimeZoneId = "Europe/Brussels";

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, byte[] Body, DateTimeOffset LastModified)> _rendered = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    public async Task<(byte[] Body, DateTimeOffset LastModified)> RenderAsync(string origin, IStringLocalizer T, CancellationToken cancellationToken)
    {
        var key = origin + "|" + CultureInfo.CurrentUICulture.Name;
        if (_rendered.TryGetValue(key, out var held) && clock.GetUtcNow() - held.At < Lifetime)
            return (held.Body, held.LastModified);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_rendered.TryGetValue(key, out held) && clock.GetUtcNow() - held.At < Lifetime)
                return (held.Body, held.LastModified);
            var page = await orleans.GetGrain<ICoCreationSessionDirectoryGrain>(0).List(0, MaxSessions);
            var sessions = await Task.WhenAll(page.Items.Select(l => orleans.GetGrain<ICoCreationSessionGrain>(l.Id).Get()));
            var (body, lastModified) = Write(sessions.OfType<CoCreationSessionView>().ToList(), origin, T);
            if (_rendered.Count > 16)
                _rendered.Clear();
            _rendered[key] = (clock.GetUtcNow(), body, lastModified);
            return (body, lastModified);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The calendar of <paramref name="sessions"/>, serialised, and when the newest of them changed.</summary>
    public static (byte[] Body, DateTimeOffset LastModified) Write(IReadOnlyList<CoCreationSessionView> sessions, string origin, IStringLocalizer T)
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//Civic Contracting//Co-creation sessions//EN" };
        calendar.AddProperty("X-WR-CALNAME", T["Feed.CalendarName", T["Site.Name"]]);
        calendar.AddProperty("X-WR-TIMEZONE", TimeZoneId);
        calendar.AddTimeZone(new VTimeZone(TimeZoneId));
        var lastModified = DateTimeOffset.UnixEpoch;
        foreach (var session in sessions)
        {
            var d = session.Details;
            var title = d.TitleIn(ContentText.Reading).Text;
            var start = TimeZoneInfo.ConvertTime(d.StartsAt, SiteCulture.TimeZone).DateTime;
            var neighbourhood = SessionReads.PlaceName(d.NeighbourhoodCode);
            var url = $"{origin}/sessions/{Uri.EscapeDataString(session.Id)}";
            var description = new StringBuilder()
                .Append(T["SessionKind." + SiteFormat.Api(d.Kind)]).Append(" · ").Append(neighbourhood)
                .Append('\n').Append(T["Feed.SessionAttendance", session.AttendanceTotal])
                .Append('\n').Append(url)
                .ToString();
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"session-{session.Id}@civic-contracting",
                DtStamp = new CalDateTime(session.UpdatedAt.UtcDateTime, "UTC"),
                LastModified = new CalDateTime(session.UpdatedAt.UtcDateTime, "UTC"),
                DtStart = new CalDateTime(DateTime.SpecifyKind(start, DateTimeKind.Unspecified), TimeZoneId),
                DtEnd = new CalDateTime(DateTime.SpecifyKind(start + Duration, DateTimeKind.Unspecified), TimeZoneId),
                Summary = AtomFeed.XmlSafe(title),
                Location = AtomFeed.XmlSafe(string.IsNullOrWhiteSpace(d.Venue) ? neighbourhood : $"{d.Venue}, {neighbourhood}"),
                Description = AtomFeed.XmlSafe(description),
                Url = new Uri(url),
            });
            if (session.UpdatedAt > lastModified)
                lastModified = session.UpdatedAt;
        }
        var text = new CalendarSerializer().SerializeToString(calendar) ?? "";
        return (new UTF8Encoding(false).GetBytes(text), lastModified);
    }
}
