using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Input;

/// <summary>
/// The commitment form's second-goal weight, a number field sent as "0.7" (and typed "0,7" in nl/fr), is kept on step 2's
/// POST in every page language: the form binder read it in the page's culture, where "0.7" is no number, and the draft
/// got the default 0.5.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class WeightInputTests(WebAppFixture app)
{
    [Theory]
    [InlineData("nl", "0.7")]
    [InlineData("fr", "0,7")]
    [InlineData("en", "0.7")]
    public async Task The_second_goals_weight_is_read_with_a_point_or_a_comma_in_every_language(string language, string weight)
    {
        var goal = await app.Operator.DefineGoalAsync();
        var goal2 = await app.Operator.DefineGoalAsync();
        using var person = await People.SignUpAsync(app.BaseAddress, TestApi.Neighbourhood(13));
        var form = await person.Client.GetStringAsync($"/commitments/new?culture={language}&goal={goal}&goal2={goal2}&weight2=0.7&level=pledge&step=2");
        var id = HiddenId().Match(form).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(id), "The step 2 form has no hidden id.");

        var response = await person.Client.PostAsync($"/commitments/new?culture={language}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Antiforgery().Match(form).Groups[1].Value,
            ["id"] = id,
            ["goal"] = goal,
            ["goal2"] = goal2,
            ["weight2"] = weight,
            ["level"] = "pledge",
            ["participantId"] = person.ParticipantId!,
            ["neighbourhoodCode"] = Neighbourhood().Match(form).Groups[1].Value,
            ["terms.title"] = "Wij planten een boom",
            ["terms.description"] = "In de tuin van de school.",
        }));

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.OK, $"{response.StatusCode}");
        var draft = await person.Client.GetAsync<JsonObject>($"/api/commitments/{id}");
        var goals = draft["goals"]!.AsArray();
        Assert.Equal(0.7, (double)goals.Single(g => (string)g!["goalId"]! == goal2)!["weight"]!, 9);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("<input type=\"hidden\" name=\"id\" value=\"([^\"]+)\"")]
    private static partial Regex HiddenId();

    [GeneratedRegex("<option value=\"([^\"]+)\"[^>]*selected")]
    private static partial Regex Neighbourhood();
}
