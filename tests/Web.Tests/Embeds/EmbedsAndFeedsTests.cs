using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.Accounts;
using CivicContracting.Web.Tests.Sessions;

namespace CivicContracting.Web.Tests.Embeds;

/// <summary>
/// The widgets under /embed (their own frame-ancestors, no cookies, no drafts or hidden texts), oEmbed, the Atom feeds of a
/// goal, a place and a participant (parsed as Atom, with the right entries and nothing hidden, 304 on a repeated request)
/// and the iCalendar feed of sessions (parsed with Ical.Net).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class EmbedsAndFeedsTests(WebAppFixture app, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task OEmbed_describes_a_goal_a_commitment_a_place_and_the_map_of_this_site_and_refuses_anything_else()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var commitment = await ConfirmedAsync(goal, $"Fietsstraat aan school {Guid.NewGuid():N}");
        var origin = app.BaseAddress.GetLeftPart(UriPartial.Authority);

        var answer = await OEmbedAsync($"{origin}/goals/{goal}");
        Assert.Equal(("1.0", "rich"), ((string)answer["version"]!, (string)answer["type"]!));
        Assert.Equal(origin + "/", (string)answer["provider_url"]!);
        Assert.False(string.IsNullOrWhiteSpace((string)answer["provider_name"]!));
        var html = (string)answer["html"]!;
        Assert.StartsWith("<iframe ", html, StringComparison.Ordinal);
        Assert.Contains($"src=\"{origin}/embed/goals/{goal}\"", html, StringComparison.Ordinal);
        Assert.Contains("title=\"", html, StringComparison.Ordinal);
        Assert.Contains("loading=\"lazy\"", html, StringComparison.Ordinal);
        Assert.True((int)answer["width"]! > 0 && (int)answer["height"]! > 0);

        // Within the consumer's maxima, proportions kept.
        var small = await OEmbedAsync($"{origin}/goals/{goal}", "&maxwidth=210&maxheight=1000");
        Assert.True((int)small["width"]! <= 210, small.ToJsonString());
        Assert.Contains("width=\"" + (int)small["width"]! + "\"", (string)small["html"]!, StringComparison.Ordinal);

        var forCommitment = await OEmbedAsync($"{origin}/commitments/{commitment}");
        Assert.Contains($"/embed/commitments/{commitment}", (string)forCommitment["html"]!, StringComparison.Ordinal);
        Assert.StartsWith("Fietsstraat aan school", (string)forCommitment["title"]!, StringComparison.Ordinal);
        Assert.Contains("/embed/places/24062W13", (string)(await OEmbedAsync($"{origin}/places/24062W13"))["html"]!, StringComparison.Ordinal);
        Assert.Contains("/embed/map", (string)(await OEmbedAsync($"{origin}/"))["html"]!, StringComparison.Ordinal);
        // A widget's own address works as well.
        Assert.Contains($"/embed/goals/{goal}", (string)(await OEmbedAsync($"{origin}/embed/goals/{goal}"))["html"]!, StringComparison.Ordinal);

        // Another host, an unknown page or goal: 404; XML: 501; a wrong format, size or URL: 400 naming the field.
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"https://example.org/goals/{goal}")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"{origin}/goals/g-no-such-goal")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"{origin}/account")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"{origin}/places/99999")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"{origin}/goals/{goal}")}&format=xml")).ProblemAsync(HttpStatusCode.NotImplemented);
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"{origin}/goals/{goal}")}&format=yaml")).ProblemNamingAsync("format");
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"{origin}/goals/{goal}")}&maxwidth=-5")).ProblemNamingAsync("maxwidth");
        await (await app.Public.GetAsync("/api/oembed")).ProblemNamingAsync("url");
        await (await app.Public.GetAsync("/api/oembed?url=javascript:alert(1)")).ProblemNamingAsync("url");
        await (await app.Public.GetAsync($"/api/oembed?url={new string('a', 3000)}")).ProblemNamingAsync("url");

        // Discovery: the goal's page names its oEmbed and Atom feed in its head.
        var page = await app.Public.GetStringAsync($"/goals/{goal}");
        Assert.Contains("type=\"application/json+oembed\"", page, StringComparison.Ordinal);
        Assert.Contains($"/api/oembed?url={Uri.EscapeDataString($"{origin}/goals/{goal}")}&amp;format=json", page, StringComparison.Ordinal);
        Assert.Contains($"type=\"application/atom+xml\" href=\"/feeds/goals/{goal}.atom\"", page, StringComparison.Ordinal);
        // The embed code: a read-only textarea with the iframe, and the copy button.
        Assert.Contains("data-embed-snippet", page, StringComparison.Ordinal);
        Assert.Contains($"&lt;iframe src=&quot;{origin}/embed/goals/{goal}&quot;", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_widgets_may_be_framed_by_other_sites_every_other_page_refuses_framing_and_no_widget_sets_a_cookie()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var commitment = await ConfirmedAsync(goal, $"Schoolstraat {Guid.NewGuid():N}");
        foreach (var path in new[] { $"/embed/goals/{goal}", $"/embed/commitments/{commitment}", "/embed/places/24062W13", "/embed/places/24062", "/embed/map" })
        {
            using var response = await app.Public.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            var csp = Csp(response);
            Assert.Contains("frame-ancestors *", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("X-Frame-Options"), $"{path} sends X-Frame-Options");
            Assert.False(response.Headers.Contains("Set-Cookie"), $"{path} sets a cookie");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("target=\"_blank\"", html, StringComparison.Ordinal);
            Assert.Contains("creativecommons.org/licenses/by/4.0", html, StringComparison.Ordinal);
            Assert.DoesNotContain("site-header", html, StringComparison.Ordinal);
        }
        Assert.Contains("Statbel", await app.Public.GetStringAsync("/embed/map"), StringComparison.Ordinal);

        foreach (var path in new[] { $"/goals/{goal}", $"/commitments/{commitment}", "/places/24062W13", "/", "/embed/goals/g-no-such-goal" })
        {
            using var response = await app.Public.GetAsync(path);
            Assert.Contains("frame-ancestors 'none'", Csp(response), StringComparison.Ordinal);
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        }

        // French widget by ?culture=, English by Accept-Language, as the site chooses.
        Assert.Contains("Voir sur", await app.Public.GetStringAsync($"/embed/goals/{goal}?culture=fr"), StringComparison.Ordinal);
        using var english = new HttpRequestMessage(HttpMethod.Get, $"/embed/goals/{goal}");
        english.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        Assert.Contains("View on", await (await app.Public.SendAsync(english)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_allow_list_names_the_sites_that_may_frame_the_widgets_and_a_wrong_origin_stops_the_start()
    {
        await using (var allowList = await TestApp.StartAsync("embeds-allow", ("Embeds:FrameAncestors:0", "https://www.school.example"), ("Embeds:FrameAncestors:1", "https://leuven.example:8443")))
        {
            using var client = TestHosts.Client(allowList.BaseAddress, token: null);
            using var widget = await client.GetAsync("/embed/map");
            Assert.True(Csp(widget).Contains("frame-ancestors https://www.school.example https://leuven.example:8443", StringComparison.Ordinal), Csp(widget));
            using var page = await client.GetAsync("/");
            Assert.Contains("frame-ancestors 'none'", Csp(page), StringComparison.Ordinal);
        }
        foreach (var wrong in new[] { "https://evil.example/path", "https://*.example", "javascript:alert(1)", "https://a.example 'unsafe-inline'", "http://plain.example" })
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync("embeds-wrong", ("Embeds:FrameAncestors:0", wrong)));
            Assert.True(failure.ToString().Contains("Embeds:FrameAncestors", StringComparison.Ordinal), failure.ToString());
        }
    }

    [Fact]
    public async Task A_draft_or_a_commitment_whose_text_moderators_hid_has_no_widget_and_never_reaches_a_feed()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(13));
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(13), TestApi.ResultTerms(), (goal, 1));
        await AssertNotEmbeddableAsync(draft.Id);

        var secret = $"Geheime tekst {Guid.NewGuid():N}";
        var hidden = await ConfirmedAsync(goal, secret, school);
        await (await app.Operator.PostAsync($"/api/commitments/{hidden}/progress", new { reportId = "r-1", value = 30, note = "Verborgen notitie met namen" })).ReadAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, (await app.Public.GetAsync($"/embed/commitments/{hidden}")).StatusCode);
        await Eventually.Until(async () => (await app.Public.GetStringAsync($"/feeds/goals/{goal}.atom")).Contains(secret, StringComparison.Ordinal));

        var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        await (await moderator.Client.PostAsync($"/api/commitments/{hidden}/moderation", new { action = "hide", target = "report", reportId = "r-1", publicReason = "Persoonsgegevens" })).ReadAsync<JsonObject>();
        await (await moderator.Client.PostAsync($"/api/commitments/{hidden}/moderation", new { action = "hide", target = "text", publicReason = "Beledigende taal" })).ReadAsync<JsonObject>();
        // Pages are shared for a second (SiteCaching): the widget read just before the hiding may still be served that long.
        await Eventually.Until(async () => (await app.Public.GetAsync($"/embed/commitments/{hidden}")).StatusCode == HttpStatusCode.NotFound);
        await AssertNotEmbeddableAsync(hidden);

        // The feeds read the commitment as the public does: the reason, never the text or the hidden note.
        var feed = await Eventually.Value(() => app.Public.GetStringAsync($"/feeds/goals/{goal}.atom"), f => !f.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain("Verborgen notitie", feed, StringComparison.Ordinal);
        Assert.Contains("Beledigende taal", feed, StringComparison.Ordinal);
        foreach (var path in new[] { $"/feeds/participants/{school}.atom", $"/feeds/places/{TestApi.Neighbourhood(13)}.atom" })
        {
            var other = await app.Public.GetStringAsync(path);
            Assert.DoesNotContain(secret, other, StringComparison.Ordinal);
            Assert.DoesNotContain("Verborgen notitie", other, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_Atom_feeds_of_a_goal_a_place_and_a_participant_list_confirmations_and_reports_newest_first_with_304_on_repeat()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(7), $"Basisschool Feed {Guid.NewGuid():N}");
        var title = $"Meer fietsers {Guid.NewGuid():N}";
        var commitment = await ConfirmedAsync(goal, title, school, TestApi.Neighbourhood(7));
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/progress", new { reportId = "r-feed-1", value = 40, note = "Telling in de week van 5 mei" })).ReadAsync<JsonObject>();
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(7), new { level = "pledge", title = "Nog een ontwerp", description = "Niet publiek." }, (goal, 1));

        var goalFeed = await Eventually.Value(() => AtomAsync($"/feeds/goals/{goal}.atom"), d => Entries(d).Count == 2);
        var entries = Entries(goalFeed);
        var root = goalFeed.Root!;
        Assert.Equal(Atom + "feed", root.Name);
        Assert.False(string.IsNullOrWhiteSpace((string?)root.Element(Atom + "id")));
        Assert.NotNull(root.Elements(Atom + "link").SingleOrDefault(l => (string?)l.Attribute("rel") == "self"));
        // Newest first: the report, then the confirmation; each with id, updated, link, author, summary.
        Assert.EndsWith($"/commitments/{commitment}#report-r-feed-1", (string)entries[0].Element(Atom + "id")!, StringComparison.Ordinal);
        Assert.EndsWith($"/commitments/{commitment}#confirmed", (string)entries[1].Element(Atom + "id")!, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse((string)entries[0].Element(Atom + "updated")!, System.Globalization.CultureInfo.InvariantCulture)
            >= DateTimeOffset.Parse((string)entries[1].Element(Atom + "updated")!, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var entry in entries)
        {
            Assert.Contains(title, (string)entry.Element(Atom + "title")!, StringComparison.Ordinal);
            Assert.StartsWith("Basisschool Feed", (string)entry.Element(Atom + "author")!.Element(Atom + "name")!, StringComparison.Ordinal);
            Assert.EndsWith($"/commitments/{commitment}", (string)entry.Element(Atom + "link")!.Attribute("href")!, StringComparison.Ordinal);
        }
        Assert.Contains("Telling in de week van 5 mei", (string)entries[0].Element(Atom + "summary")!, StringComparison.Ordinal);
        Assert.DoesNotContain("Nog een ontwerp", goalFeed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(draft.Id, goalFeed.ToString(), StringComparison.Ordinal);

        // The participant's and the neighbourhood's feeds hold the same entries (the place's among its newest 50).
        var participantFeed = Entries(await AtomAsync($"/feeds/participants/{school}.atom"));
        Assert.Equal(entries.Select(e => (string)e.Element(Atom + "id")!), participantFeed.Select(e => (string)e.Element(Atom + "id")!));
        var placeFeed = Entries(await AtomAsync($"/feeds/places/{TestApi.Neighbourhood(7)}.atom"));
        Assert.InRange(placeFeed.Count, 2, 50);
        Assert.Contains(placeFeed, e => ((string)e.Element(Atom + "id")!).EndsWith($"/commitments/{commitment}#report-r-feed-1", StringComparison.Ordinal));

        // In the language asked.
        var french = await AtomAsync($"/feeds/goals/{goal}.atom?culture=fr");
        Assert.Equal("fr", (string?)french.Root!.Attribute(XNamespace.Xml + "lang"));
        Assert.Contains("signale un progrès", (string)Entries(french)[0].Element(Atom + "title")!, StringComparison.Ordinal);

        // Validators: the same feed again is 304 by ETag and by date; a changed feed is not.
        using var first = await app.Public.GetAsync($"/feeds/goals/{goal}.atom");
        Assert.Equal("application/atom+xml; charset=utf-8", first.Content.Headers.ContentType!.ToString());
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        using (var again = new HttpRequestMessage(HttpMethod.Get, $"/feeds/goals/{goal}.atom"))
        {
            again.Headers.IfNoneMatch.Add(etag);
            Assert.Equal(HttpStatusCode.NotModified, (await app.Public.SendAsync(again)).StatusCode);
        }
        using (var since = new HttpRequestMessage(HttpMethod.Get, $"/feeds/goals/{goal}.atom"))
        {
            since.Headers.IfModifiedSince = lastModified;
            Assert.Equal(HttpStatusCode.NotModified, (await app.Public.SendAsync(since)).StatusCode);
        }
        await (await app.Operator.PostAsync($"/api/commitments/{commitment}/progress", new { reportId = "r-feed-2", value = 45 })).ReadAsync<JsonObject>();
        await Eventually.Until(async () =>
        {
            using var changed = new HttpRequestMessage(HttpMethod.Get, $"/feeds/goals/{goal}.atom");
            changed.Headers.IfNoneMatch.Add(etag);
            using var response = await app.Public.SendAsync(changed);
            return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains("#report-r-feed-2", StringComparison.Ordinal);
        });

        // Unknown goal, place or participant: 404 problem+json.
        await (await app.Public.GetAsync("/feeds/goals/g-no-such-goal.atom")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync("/feeds/places/99999.atom")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Public.GetAsync("/feeds/participants/p-no-such-one.atom")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_sessions_calendar_has_each_session_as_an_event_in_Brussels_time_without_the_support_teams_notes()
    {
        var goal = await app.Operator.DefineGoalAsync();
        var startsAt = new DateTimeOffset(2026, 3, 12, 18, 30, 0, TimeSpan.FromHours(1));
        var id = await SessionsApi.RecordAsync(app.Operator, goal, startsAt);

        using var response = await Eventually.Value(() => app.Public.GetAsync("/feeds/sessions.ics"),
            r => r.Content.ReadAsStringAsync().GetAwaiter().GetResult().Contains(id, StringComparison.Ordinal));
        Assert.Equal("text/calendar; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.NotNull(response.Headers.ETag);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(SessionsApi.Notes, text, StringComparison.Ordinal);

        var calendar = Ical.Net.Calendar.Load(text)!;
        Assert.Contains(calendar.TimeZones, z => z.TzId == "Europe/Brussels");
        var session = Assert.Single(calendar.Events, e => e.Uid == $"session-{id}@civic-contracting");
        Assert.Equal("Burgerpanel Kessel-Lo, derde sessie", session.Summary);
        Assert.Equal("Europe/Brussels", session.DtStart!.TzId);
        Assert.Equal(startsAt.UtcDateTime, session.DtStart.AsUtc);
        Assert.Equal(startsAt.UtcDateTime.AddHours(2), session.DtEnd!.AsUtc);
        Assert.Contains("Zaal De Bron, Kessel-Lo", session.Location, StringComparison.Ordinal);
        Assert.EndsWith($"/sessions/{id}", session.Url!.ToString(), StringComparison.Ordinal);
        Assert.Contains(": 25\n", session.Description, StringComparison.Ordinal);

        // Linked from the sessions page.
        Assert.Contains("href=\"/feeds/sessions.ics\"", await app.Public.GetStringAsync("/sessions"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feed_of_the_whole_city_reads_at_most_its_entries_from_the_index_whatever_the_city_holds()
    {
        // More commitments in the city than a feed shows, so that a scan would show in the count.
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(3));
        for (var i = 0; i < 120; i++)
        {
            var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(3), TestApi.PledgeTerms(), (goal, 1));
            await app.Operator.ConfirmAsync(draft.Id);
        }
        var index = app.Services.GetRequiredService<CivicContracting.Web.ReadModel.SiteData>().Contributions;
        await Eventually.Until(() => index.Count >= 120);

        var before = index.Visits;
        var feed = await AtomAsync("/feeds/places/24062.atom");
        var visits = index.Visits - before;
        output.WriteLine($"Web.Tests: the city's Atom feed (50 entries, city of {index.Count} commitments) read {visits} index entries.");
        Assert.Equal(50, Entries(feed).Count);
        // A page of 50 from the city's list: its entries and a chunk step or two, not the city's count (a scan reads 120+).
        Assert.True(visits <= 75, $"the city's feed read {visits} index entries for 50 entries of a city of {index.Count}");
    }

    private async Task AssertNotEmbeddableAsync(string commitmentId)
    {
        using var widget = await app.Public.GetAsync($"/embed/commitments/{commitmentId}");
        Assert.True(widget.StatusCode == HttpStatusCode.NotFound, $"/embed/commitments/{commitmentId}: {(int)widget.StatusCode} {await widget.Content.ReadAsStringAsync()}");
        var origin = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        await (await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString($"{origin}/commitments/{commitmentId}")}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain("data-embed-snippet", await (await app.Operator.GetAsync($"/commitments/{commitmentId}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ConfirmedAsync(string goal, string title, string? participant = null, string? neighbourhood = null)
    {
        neighbourhood ??= TestApi.Neighbourhood(13);
        participant ??= await app.Operator.RegisterAsync(ParticipantKind.School, neighbourhood);
        var terms = new
        {
            level = "result",
            title,
            description = "Het aandeel verplaatsingen met de fiets.",
            target = new { metric = "trips", unit = "%", baseline = 20, target = 60, deadline = "2031-06-30" },
        };
        var draft = await app.Operator.CommitAsync(participant, neighbourhood, terms, (goal, 1));
        await app.Operator.ConfirmAsync(draft.Id);
        return draft.Id;
    }

    private async Task<JsonObject> OEmbedAsync(string url, string extra = "")
    {
        using var response = await app.Public.GetAsync($"/api/oembed?url={Uri.EscapeDataString(url)}&format=json{extra}");
        return await response.ReadAsync<JsonObject>();
    }

    private async Task<XDocument> AtomAsync(string path)
    {
        using var response = await app.Public.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static List<XElement> Entries(XDocument feed) => [.. feed.Root!.Elements(Atom + "entry")];

    private static string Csp(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(";", values) : "";
}
