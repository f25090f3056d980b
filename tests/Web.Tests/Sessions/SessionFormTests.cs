using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Sessions;

/// <summary>
/// The session form over plain HTTP beside the API: both go through the same command, so the same input is stored the same
/// way (before, the form trimmed the title, venue and notes and the API did not).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class SessionFormTests(WebAppFixture app)
{
    private const string Neighbourhood = "24062W13";

    [Fact]
    public async Task The_form_and_the_API_store_the_same_session_for_the_same_padded_input_and_the_form_names_a_bad_count()
    {
        var goal = await CommandTestGoal.EnsureAsync(app);
        using var coach = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var startsAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-3).AddHours(17), TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(startsAt, CivicContracting.Web.Texts.SiteCulture.TimeZone);
        var formId = $"s-form-{Guid.NewGuid():N}";
        var fields = new Dictionary<string, string>
        {
            ["id"] = formId,
            ["kind"] = "citizenPanel",
            ["title"] = "  Burgerpanel Kessel-Lo  ",
            ["startsAtDate"] = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["startsAtTime"] = local.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["neighbourhoodCode"] = Neighbourhood,
            ["venue"] = " Zaal De Bron ",
            ["goalIds"] = goal,
            ["attendance.resident"] = "12",
            ["attendance.school"] = "twee",
            ["notes"] = "   ",
        };

        // A count that is no number: the form again, saying so in Dutch beside the field, and nothing stored.
        var refused = await PostFormAsync(coach, "/sessions/new", fields);
        Assert.Contains("id=\"attendance.school-error\">Vul een geheel getal in.", refused, StringComparison.Ordinal);
        await (await app.Public.GetAsync($"/api/sessions/{formId}")).ProblemAsync(HttpStatusCode.NotFound);

        fields["attendance.school"] = "2";
        await PostFormAsync(coach, "/sessions/new", fields);
        var byForm = await coach.Client.GetAsync<JsonObject>($"/api/sessions/{formId}");
        var apiId = $"s-api-{Guid.NewGuid():N}";
        var byApi = await (await coach.Client.PostAsync("/api/sessions", new
        {
            id = apiId,
            kind = "citizenPanel",
            title = "  Burgerpanel Kessel-Lo  ",
            startsAt,
            neighbourhoodCode = Neighbourhood,
            venue = " Zaal De Bron ",
            goalIds = new[] { goal },
            attendance = new Dictionary<string, int> { ["resident"] = 12, ["school"] = 2 },
            notes = "   ",
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);

        foreach (var session in new[] { byForm, byApi })
        {
            Assert.Equal(("Burgerpanel Kessel-Lo", "Zaal De Bron", null), ((string)session["title"]!, (string)session["venue"]!, (string?)session["notes"]));
            Assert.Equal((startsAt, 14), (session["startsAt"]!.GetValue<DateTimeOffset>(), (int)session["attendanceTotal"]!));
        }
    }

    [Fact]
    public async Task Changing_a_session_that_does_not_exist_through_the_form_is_not_found()
    {
        using var coach = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        var missing = $"s-none-{Guid.NewGuid():N}";
        var token = AntiforgeryField().Match(await coach.Client.GetStringAsync("/sessions/new")).Groups[1].Value;
        Assert.NotEmpty(token);

        using var sent = await coach.Client.PostAsync($"/sessions/new?edit={missing}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["id"] = missing,
            ["edit"] = missing,
            ["title"] = "Bestaat niet",
        }));
        Assert.Equal(HttpStatusCode.NotFound, sent.StatusCode);
        await (await app.Public.GetAsync($"/api/sessions/{missing}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>Posts the form as a browser does (antiforgery token from the page), following a redirect; returns the page shown.</summary>
    private static async Task<string> PostFormAsync(Person person, string path, Dictionary<string, string> fields)
    {
        var token = AntiforgeryField().Match(await person.Client.GetStringAsync(path)).Groups[1].Value;
        Assert.NotEmpty(token);
        using var sent = await person.Client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }));
        Assert.True(sent.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)sent.StatusCode}");
        return WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
