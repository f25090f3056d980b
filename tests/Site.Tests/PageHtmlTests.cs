using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CivicContracting.Site.Tests;

/// <summary>
/// The public pages as HTML, without a browser: each is a Dutch page with an h1 and its key content, links to its
/// open-data equivalent under /api/, answers an unknown id with an HTML 404, and never shows private data.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed partial class PageHtmlTests(SiteAppFixture app)
{
    [Fact]
    public async Task Home_page_is_Dutch_HTML_with_the_live_map_its_attribution_and_an_open_data_link()
    {
        var html = await Html.PageAsync(app.Public, "/");
        Assert.Contains("id=\"live-map\"", html, StringComparison.Ordinal);
        Assert.Contains("Statbel", Html.Text(html), StringComparison.Ordinal);
        AssertLinksToOpenData("/", html);
    }

    [Fact]
    public async Task Goals_page_lists_the_Kessel_Lo_ambition_with_a_link_to_its_page()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        // The API answers in English unless asked; the page is Dutch.
        var dutch = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{ambition["id"]}?culture=nl");
        var html = await Html.PageAsync(app.Public, "/goals");
        Assert.Contains(dutch["title"]!.GetValue<string>(), Html.Text(html), StringComparison.Ordinal);
        Assert.Contains($"/goals/{ambition["id"]}", Html.Links(html));
        AssertLinksToOpenData("/goals", html);
    }

    [Fact]
    public async Task Goal_page_shows_the_Kessel_Lo_ambition_and_links_to_its_28_objectives()
    {
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var id = ambition["id"]!.GetValue<string>();
        var details = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/goals/{id}?culture=nl"); // the page is Dutch
        var objectives = details["children"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(28, objectives.Count);

        var html = await Html.PageAsync(app.Public, $"/goals/{id}");
        Assert.Contains(Html.H1s(html), h => h.Contains(details["title"]!.GetValue<string>(), StringComparison.Ordinal));
        var links = Html.Links(html);
        var missing = objectives.Where(o => !links.Contains($"/goals/{o}")).ToList();
        Assert.True(missing.Count == 0, $"The ambition's page does not link to {missing.Count} of its 28 objectives, e.g. {string.Join(", ", missing.Take(3))}");
        Assert.Contains("id=\"goal-commitments\"", html, StringComparison.Ordinal);
        AssertLinksToOpenData($"/goals/{id}", html);
    }

    [Fact]
    public async Task Commitment_page_shows_De_ARKs_result_commitment_with_its_participant()
    {
        var commitment = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{Demo.SchoolResultCommitment}");
        var participant = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/participants/{commitment["participantId"]}");
        var html = await Html.PageAsync(app.Public, $"/commitments/{Demo.SchoolResultCommitment}");
        var text = Html.Text(html);
        Assert.Contains(Html.H1s(html), h => h.Contains(commitment["terms"]!["title"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains(participant["displayName"]!.GetValue<string>(), text, StringComparison.Ordinal);
        Assert.Contains($"/participants/{commitment["participantId"]}", Html.Links(html));
        AssertLinksToOpenData($"/commitments/{Demo.SchoolResultCommitment}", html);
    }

    [Fact]
    public async Task Participant_page_shows_a_resident_under_the_pseudonym_with_the_commitments()
    {
        var (profile, _) = (await Demo.ResidentsAsync(app.Operator, 1))[0];
        var id = profile["id"]!.GetValue<string>();
        var html = await Html.PageAsync(app.Public, $"/participants/{id}");
        Assert.Contains(Html.H1s(html), h => h.Contains(profile["displayName"]!.GetValue<string>(), StringComparison.Ordinal));
        var links = Html.Links(html);
        // Confirmed commitments are public; a draft is not, until the participant confirms it.
        foreach (var commitment in profile["commitmentIds"]!.AsArray())
        {
            var status = (await SiteAppFixture.GetJsonAsync(app.Public, $"/api/commitments/{commitment}"))["status"]!.GetValue<string>();
            if (status == "draft")
                Assert.DoesNotContain($"/commitments/{commitment}", links);
            else
                Assert.Contains($"/commitments/{commitment}", links);
        }
        AssertLinksToOpenData($"/participants/{id}", html);
    }

    [Fact]
    public async Task Places_page_lists_the_5_districts_and_the_24_neighbourhoods()
    {
        var districts = await Demo.PlacesAsync(app.Public, "district");
        var neighbourhoods = await Demo.PlacesAsync(app.Public, "neighbourhood");
        Assert.Equal(5, districts.Count);
        Assert.Equal(24, neighbourhoods.Count);

        var html = await Html.PageAsync(app.Public, "/places");
        var links = Html.Links(html);
        var missing = districts.Concat(neighbourhoods).Select(p => p["code"]!.GetValue<string>()).Where(code => !links.Contains($"/places/{code}")).ToList();
        Assert.True(missing.Count == 0, $"/places does not link to {string.Join(", ", missing)}");
        AssertLinksToOpenData("/places", html);
    }

    [Fact]
    public async Task District_page_shows_Kessel_Lo_and_links_to_its_neighbourhoods()
    {
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var code = district["code"]!.GetValue<string>();
        var details = await SiteAppFixture.GetJsonAsync(app.Public, $"/api/places/{code}");
        var children = details["children"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(children);

        var html = await Html.PageAsync(app.Public, $"/places/{code}");
        Assert.Contains(Html.H1s(html), h => h.Contains("Kessel-Lo", StringComparison.Ordinal));
        var links = Html.Links(html);
        Assert.All(children, child => Assert.Contains($"/places/{child}", links));
        AssertLinksToOpenData($"/places/{code}", html);
    }

    [Fact]
    public async Task Neighbourhood_page_shows_the_neighbourhood_and_its_district()
    {
        var district = await Demo.KesselLoDistrictAsync(app.Public);
        var neighbourhood = (await Demo.PlacesAsync(app.Public, "neighbourhood")).First(n => n["parentCode"]!.GetValue<string>() == district["code"]!.GetValue<string>());
        var code = neighbourhood["code"]!.GetValue<string>();

        var html = await Html.PageAsync(app.Public, $"/places/{code}");
        Assert.Contains(Html.H1s(html), h => h.Contains(neighbourhood["name"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains($"/places/{district["code"]}", Html.Links(html));
        AssertLinksToOpenData($"/places/{code}", html);
    }

    [Theory]
    [InlineData("/goals/no-such-goal")]
    [InlineData("/commitments/no-such-commitment")]
    [InlineData("/participants/no-such-participant")]
    [InlineData("/places/24062W99")]
    [InlineData("/places/99999")]
    [InlineData("/sessions/no-such-session")]
    public async Task An_unknown_id_gives_a_404_HTML_page_without_a_stack_trace(string path)
    {
        var html = await Html.PageAsync(app.Public, path, HttpStatusCode.NotFound);
        foreach (var leak in new[] { "Exception", "   at ", "StackTrace", "stack trace", ".cs:line" })
            Assert.DoesNotContain(leak, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_page_shows_a_residents_private_name_or_contact_nor_any_email_address()
    {
        var residents = await Demo.ResidentsAsync(app.Operator, 6);
        Assert.True(residents.Count == 6, "The demo data should have residents with commitments.");
        Assert.Contains(residents, r => r.Private["contactEmail"] is not null);
        var ambition = await Demo.KesselLoAmbitionAsync(app.Public);
        var district = await Demo.KesselLoDistrictAsync(app.Public);

        var paths = new List<string> { "/", "/goals", $"/goals/{ambition["id"]}", "/places", $"/places/{district["code"]}", $"/commitments/{Demo.SchoolResultCommitment}" };
        foreach (var (profile, _) in residents)
        {
            paths.Add($"/participants/{profile["id"]}");
            paths.Add($"/places/{profile["neighbourhoodCode"]}");
            paths.AddRange(profile["commitmentIds"]!.AsArray().Take(2).Select(c => $"/commitments/{c}"));
        }
        foreach (var path in paths.Distinct())
        {
            // Everything the browser receives, attributes and scripts included, with entities decoded.
            var page = WebUtility.HtmlDecode(await Html.PageAsync(app.Public, path));
            foreach (var (profile, details) in residents)
            {
                foreach (var secret in new[] { details["name"], details["contactEmail"], details["contactPhone"] }.OfType<JsonNode>().Select(n => n.GetValue<string>()))
                    Assert.False(page.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{path} shows private data of {profile["id"]}: '{secret}'");
            }
            var email = EmailAddress().Match(page);
            Assert.False(email.Success, $"{path} shows an email address: '{email.Value}'");
        }
    }

    /// <summary>The page links to its open data: an &lt;a href&gt; under /api/, for a resource page its own (/goals/x → /api/goals/x).</summary>
    private static void AssertLinksToOpenData(string path, string html)
    {
        var expected = path == "/" ? "/api/" : "/api" + path;
        var openData = Html.Links(html).Where(l => l.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.True(openData.Any(l => l == expected || l.StartsWith(expected + "?", StringComparison.Ordinal) || (path == "/" && l.StartsWith(expected, StringComparison.Ordinal))),
            $"{path} has no link to its open data (an <a href=\"{expected}\">); its /api/ links: [{string.Join(", ", openData)}]");
    }

    /// <summary>
    /// The home page's scripts are ES modules under the scripts' version prefix (/js/v/{version}/): the page names the
    /// entries (no inline script), every module they import (followed through the whole graph) is served as JavaScript
    /// under the same prefix, and each is sent immutable, so a browser asks for none of them again on the next page view.
    /// A page rendered before a deployment (another version) and the plain /js URLs still get the file, revalidated.
    /// </summary>
    [Fact]
    public async Task Home_page_loads_the_map_and_live_figures_as_versioned_ES_modules_that_browsers_keep()
    {
        var html = await Html.PageAsync(app.Public, "/");
        var entries = ModuleScript().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        var live = Assert.Single(entries, e => e.EndsWith("/live.js", StringComparison.Ordinal));
        var prefix = VersionPrefix().Match(live);
        Assert.True(prefix.Success, $"live.js is not under /js/v/{{version}}/: {live}");
        var versioned = prefix.Value;
        Assert.Contains(versioned + "map/main.js", entries);
        Assert.All(entries, e => Assert.StartsWith(versioned, e, StringComparison.Ordinal));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Uri>(entries.Select(app.Url));
        while (queue.TryDequeue(out var url))
        {
            if (!seen.Add(url.AbsolutePath))
                continue;
            Assert.StartsWith(versioned, url.AbsolutePath, StringComparison.Ordinal);
            using var response = await app.Public.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url.AbsolutePath}: HTTP {(int)response.StatusCode}");
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            var cache = response.Headers.CacheControl;
            Assert.True(cache is { Public: true, NoCache: false, MaxAge: { } age } && age >= TimeSpan.FromDays(365) && cache.Extensions.Any(e => e.Name == "immutable"),
                $"{url.AbsolutePath}: Cache-Control {cache}");
            var script = await response.Content.ReadAsStringAsync();
            foreach (Match import in ModuleImport().Matches(script))
                queue.Enqueue(new Uri(url, import.Groups["path"].Value));
        }
        Assert.Contains(versioned + "map/replay.js", seen);

        // Another version (a page from before a deployment) and the plain URL: the same file, revalidated on every use.
        var current = await app.Public.GetStringAsync(versioned + "map/main.js");
        foreach (var other in new[] { "/js/v/0000000000000000/map/main.js", "/js/map/main.js" })
        {
            using var response = await app.Public.GetAsync(other);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{other}: HTTP {(int)response.StatusCode}");
            Assert.True(response.Headers.CacheControl?.NoCache == true, $"{other}: Cache-Control {response.Headers.CacheControl}");
            Assert.Equal(current, await response.Content.ReadAsStringAsync());
        }
    }

    [GeneratedRegex("^/js/v/[0-9a-f]{16}/")]
    private static partial Regex VersionPrefix();

    [GeneratedRegex("""<script type="module" src="(?<src>[^"]+)"></script>""")]
    private static partial Regex ModuleScript();

    [GeneratedRegex("""^import\s[^;]*?from\s+'(?<path>[^']+)';""", RegexOptions.Multiline)]
    private static partial Regex ModuleImport();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailAddress();
}
