using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Sharing;

/// <summary>
/// robots.txt, the sitemap (an index and its pages, valid XML, absolute URLs at Accounts:PublicUrl; drafts, withdrawn
/// and moderated commitments absent), the favicon and app icons, the API index's licence, the privacy notice in three
/// languages with the footer's links, and the sharing metadata of a commitment's page (no hidden text).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class SharingEndpointTests(WebAppFixture app)
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    /// <summary>Accounts:PublicUrl's default, which the test app keeps: URLs never come from the request's Host.</summary>
    private const string PublicUrl = "http://127.0.0.1:5000";

    [Fact]
    public async Task Robots_txt_keeps_crawlers_out_of_accounts_forms_and_operations_and_names_the_sitemap()
    {
        using var response = await app.Public.GetAsync("/robots.txt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Contains("User-agent: *", lines);
        Assert.Contains("Allow: /", lines);
        foreach (var path in new[] { "/account", "/coach", "/moderation", "/api/me", "/api/operations", "/commitments/*/report", "/goals/new" })
            Assert.Contains($"Disallow: {path}", lines);
        Assert.DoesNotContain("Disallow: /", lines);
        Assert.Contains($"Sitemap: {PublicUrl}/sitemap.xml", lines);
    }

    [Fact]
    public async Task The_sitemap_lists_the_public_pages_and_confirmed_commitments_but_never_drafts_withdrawn_or_hidden_ones()
    {
        var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(7));
        var confirmed = await ConfirmedAsync(goal, school);
        var toWithdraw = await ConfirmedAsync(goal, school);
        var toHide = await ConfirmedAsync(goal, school);
        var draft = (await app.Operator.CommitAsync(school, TestApi.Neighbourhood(7), TestApi.PledgeTerms(), (goal, 1))).Id;

        // All three confirmed ones show first (so their absence later is the rule's doing, not a lag); never the draft.
        var urls = await Eventually.Value(CommitmentUrlsAsync, u => new[] { confirmed, toWithdraw, toHide }.All(id => u.Contains(CommitmentUrl(id))));
        Assert.DoesNotContain(CommitmentUrl(draft), urls);

        await (await app.Operator.PostAsync($"/api/commitments/{toWithdraw}/withdrawal", new { reason = "The school moved." })).ReadAsync<JsonObject>();
        await (await moderator.Client.PostAsync($"/api/commitments/{toHide}/moderation", new { action = "hide", target = "text", publicReason = "Beledigende taal" }))
            .ReadAsync<JsonObject>();
        urls = await Eventually.Value(CommitmentUrlsAsync, u => !u.Contains(CommitmentUrl(toWithdraw)) && !u.Contains(CommitmentUrl(toHide)));
        Assert.Contains(CommitmentUrl(confirmed), urls);
        Assert.DoesNotContain(CommitmentUrl(draft), urls);

        // The pages file: the site's indexes, the goal, every place (city, 4 districts... 24 neighbourhoods), the participant's page in its own file.
        var pages = Locations(await SitemapFileAsync($"{PublicUrl}/sitemap/pages.xml", "urlset"));
        Assert.Contains($"{PublicUrl}/", pages);
        Assert.Contains($"{PublicUrl}/privacy", pages);
        Assert.Contains($"{PublicUrl}/goals/{goal}", pages);
        Assert.Contains($"{PublicUrl}/places/24062", pages);
        Assert.Equal(24, pages.Count(u => Regex.IsMatch(u, @"/places/24062W\d\d$")));
        var participants = new List<string>();
        foreach (var file in (await IndexAsync()).Where(f => f.Contains("/sitemap/participants-", StringComparison.Ordinal)))
            participants.AddRange(Locations(await SitemapFileAsync(file, "urlset")));
        Assert.Contains($"{PublicUrl}/participants/{school}", participants);

        // A file that does not exist is a problem, not an empty sitemap.
        var missing = await app.Public.GetAsync("/sitemap/commitments-999.xml");
        Assert.Contains("files 0 to", (string)(await missing.ProblemAsync(HttpStatusCode.NotFound))["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_favicon_the_icons_and_the_manifest_are_served()
    {
        using var favicon = await new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress }.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.MovedPermanently, favicon.StatusCode);
        Assert.Equal("/icons/icon.svg", favicon.Headers.Location?.OriginalString);
        using var svg = await app.Public.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Equal("svg", XDocument.Parse(await svg.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        foreach (var size in new[] { 180, 192, 512 })
        {
            var png = await app.Public.GetByteArrayAsync($"/icons/icon-{size}.png");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.Equal(size, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]); // IHDR width
        }
        using var manifest = await app.Public.GetAsync("/site.webmanifest");
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        var icons = JsonNode.Parse(await manifest.Content.ReadAsStringAsync())!["icons"]!.AsArray();
        Assert.Contains(icons, i => (string)i!["sizes"]! == "512x512");
        var home = await app.Public.GetStringAsync("/");
        Assert.Contains("<link rel=\"icon\" href=\"/icons/icon.svg\" type=\"image/svg+xml\">", home, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"apple-touch-icon\" href=\"/icons/icon-180.png\">", home, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"manifest\" href=\"/site.webmanifest\">", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_index_states_the_data_licence()
    {
        foreach (var path in new[] { "/api", "/api/meta" })
        {
            var licence = (await app.Public.GetAsync<JsonObject>(path))["licence"]!;
            Assert.Equal(("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/", "Stad Leuven", "https://www.leuven.be"),
                ((string)licence["id"]!, (string)licence["name"]!, (string)licence["url"]!, (string)licence["publisher"]!, (string)licence["publisherUrl"]!));
        }
    }

    [Theory]
    [InlineData("nl", "Privacyverklaring", "Vlaamse Toezichtcommissie", "De gegevens zijn vrij herbruikbaar onder")]
    [InlineData("fr", "Déclaration de confidentialité", "Autorité de protection des données", "Les données sont réutilisables librement sous")]
    [InlineData("en", "Privacy notice", "Data Protection Authority", "The data may be reused freely under")]
    public async Task The_privacy_notice_is_in_three_languages_and_every_footer_links_it_and_the_data_licence(string language, string title, string authority, string licenceLine)
    {
        var page = await app.Public.GetStringAsync($"/privacy?culture={language}");
        Assert.Contains($"<h1>{title}</h1>", System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains($"<html lang=\"{language}-BE\"", page, StringComparison.Ordinal);
        Assert.Contains(authority, System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:privacy@leuven.be\" data-privacy-contact>privacy@leuven.be</a>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/delete\"", page, StringComparison.Ordinal);
        foreach (var path in new[] { "/privacy", "/goals" })
        {
            var html = System.Net.WebUtility.HtmlDecode(await app.Public.GetStringAsync($"{path}?culture={language}"));
            Assert.Contains("<a href=\"/privacy\">", html, StringComparison.Ordinal);
            Assert.Contains($"{licenceLine} <a href=\"https://creativecommons.org/licenses/by/4.0/\" rel=\"license\">Creative Commons Attribution 4.0 International</a>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_shared_commitment_shows_its_title_owner_and_progress_and_a_hidden_text_never()
    {
        var owner = $"Basisschool De Fietsbel {Guid.NewGuid():N}"[..40];
        var goal = await app.Operator.DefineGoalAsync();
        var school = await app.Operator.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(7), owner);
        var title = $"Met de fiets naar school {Guid.NewGuid():N}";
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(7), new
        {
            level = "result",
            title,
            description = "Een tekst om te verbergen.",
            target = new { metric = "trips", unit = "%", baseline = 20, target = 60, deadline = "2031-06-30" },
        }, (goal, 1));
        await app.Operator.ConfirmAsync(draft.Id);
        await (await app.Operator.PostAsync($"/api/commitments/{draft.Id}/progress", new { reportId = "r-1", value = 40 })).ReadAsync<JsonObject>();

        var meta = await Eventually.Value(() => MetaAsync($"/commitments/{draft.Id}"), m => m.GetValueOrDefault("og:description")?.Contains("Voortgang: 50", StringComparison.Ordinal) == true);
        Assert.Equal(title, meta["og:title"]);
        Assert.Equal(title, meta["twitter:title"]);
        Assert.Matches($"^{Regex.Escape(owner)} engageert zich: [^,]+, [^.]+\\. Voortgang: 50\\W?%\\.$", meta["og:description"]);
        Assert.Equal(("article", "Civic Contracting Leuven", "summary"), (meta["og:type"], meta["og:site_name"], meta["twitter:card"]));
        Assert.Equal($"{PublicUrl}/commitments/{draft.Id}", meta["og:url"]);
        Assert.Equal(("nl_BE", $"{PublicUrl}/icons/icon-512.png"), (meta["og:locale"], meta["og:image"]));
        var french = await MetaAsync($"/commitments/{draft.Id}?culture=fr");
        Assert.Equal(("fr_BE", $"{PublicUrl}/commitments/{draft.Id}?culture=fr"), (french["og:locale"], french["og:url"]));
        Assert.StartsWith($"{owner} s'engage", french["og:description"], StringComparison.Ordinal);

        // Hidden by a moderator: the preview shows the placeholder, never the text.
        var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        await (await moderator.Client.PostAsync($"/api/commitments/{draft.Id}/moderation", new { action = "hide", target = "text", publicReason = "Beledigende taal" }))
            .ReadAsync<JsonObject>();
        var hidden = await Eventually.Value(() => app.Public.GetStringAsync($"/commitments/{draft.Id}"), html => !html.Contains(title, StringComparison.Ordinal));
        var head = hidden[..hidden.IndexOf("</head>", StringComparison.Ordinal)];
        Assert.DoesNotContain(title, head, StringComparison.Ordinal);
        Assert.Contains("<meta property=\"og:title\" content=\"Verborgen door moderatie\">", head, StringComparison.Ordinal);
        // The support team reads the original on the page, but shares only what the public may read.
        Assert.DoesNotContain(title, (await moderator.Client.GetStringAsync($"/commitments/{draft.Id}")).Split("</head>")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Goal_and_place_pages_share_their_figures()
    {
        var place = await MetaAsync("/places/24062W07");
        Assert.Equal("website", place["og:type"]);
        Assert.Matches(@"^.+: \d+ engagementen, .+ per 1\.000 inwoners\.$", place["og:description"]);
        var goalId = await app.Operator.DefineGoalAsync();
        var goalMeta = await Eventually.Value(() => MetaAsync($"/goals/{goalId}"), m => m.ContainsKey("og:description"));
        Assert.Matches(@"^\d+ engagementen voor dit doel\. Voortgang: .+\.$", goalMeta["og:description"]);
    }

    private async Task<string> ConfirmedAsync(string goal, string school)
    {
        var draft = await app.Operator.CommitAsync(school, TestApi.Neighbourhood(7), TestApi.PledgeTerms(), (goal, 1));
        await app.Operator.ConfirmAsync(draft.Id);
        return draft.Id;
    }

    private static string CommitmentUrl(string id) => $"{PublicUrl}/commitments/{id}";

    private async Task<List<string>> IndexAsync()
    {
        var index = await SitemapFileAsync($"{PublicUrl}/sitemap.xml", "sitemapindex");
        var files = Locations(index);
        Assert.Equal($"{PublicUrl}/sitemap/pages.xml", files[0]);
        Assert.All(files, f => Assert.Matches(@"^http://127\.0\.0\.1:5000/sitemap/(pages|participants-\d+|commitments-\d+)\.xml$", f));
        return files;
    }

    private async Task<HashSet<string>> CommitmentUrlsAsync()
    {
        var urls = new HashSet<string>(StringComparer.Ordinal);
        var files = (await IndexAsync()).Where(f => f.Contains("/sitemap/commitments-", StringComparison.Ordinal)).ToList();
        Assert.Equal([.. Enumerable.Range(0, files.Count).Select(n => $"{PublicUrl}/sitemap/commitments-{n}.xml")], files);
        foreach (var file in files)
        {
            var urlset = await SitemapFileAsync(file, "urlset");
            Assert.All(urlset.Root!.Elements(Sitemap + "url"), u => Assert.NotNull(u.Element(Sitemap + "lastmod")));
            urls.UnionWith(Locations(urlset));
        }
        return urls;
    }

    /// <summary>Fetches a sitemap file by its public URL's path from the test host, checks it is XML of the kind named.</summary>
    private async Task<XDocument> SitemapFileAsync(string url, string root)
    {
        Assert.StartsWith(PublicUrl, url, StringComparison.Ordinal);
        using var response = await app.Public.GetAsync(url[PublicUrl.Length..]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Sitemap + root, xml.Root!.Name);
        return xml;
    }

    private static List<string> Locations(XDocument xml) => [.. xml.Descendants(Sitemap + "loc").Select(l => l.Value)];

    /// <summary>The page's Open Graph and Twitter <c>&lt;meta&gt;</c> (the first of each name), decoded.</summary>
    private async Task<Dictionary<string, string>> MetaAsync(string path)
    {
        var html = await app.Public.GetStringAsync(path);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in MetaTag().Matches(html[..html.IndexOf("</head>", StringComparison.Ordinal)]))
            meta.TryAdd(m.Groups["name"].Value, System.Net.WebUtility.HtmlDecode(m.Groups["content"].Value));
        return meta;
    }

    [GeneratedRegex("<meta (?:property|name)=\"(?<name>(?:og|twitter):[a-z_:]+)\" content=\"(?<content>[^\"]*)\">")]
    private static partial Regex MetaTag();
}
