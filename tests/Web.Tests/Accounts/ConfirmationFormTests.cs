using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Commitments;
using CivicContracting.Web.Tests.Progress;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>
/// The site's confirmation page goes through the same command as POST /api/commitments/{id}/confirmation: a member of an
/// organisation may read and prepare its draft there, but only its owners commit it formally — by the form as by the API.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class ConfirmationFormTests(WebAppFixture app)
{
    [Fact]
    public async Task A_member_sees_the_draft_but_cannot_confirm_it_by_the_form_and_an_owner_can()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        using var member = await People.SignUpAsync(app.BaseAddress);
        await (await app.Operator.PostAsync($"/api/participants/{world.OrganisationId}/members", new { loginName = member.LoginName, role = "member" })).ReadAsync<JsonObject>();
        var draft = await app.Operator.CommitAsync(world.OrganisationId, ProgressWorld.Neighbourhood, TestApi.ResultTerms(baseline: 0, target: 100), (world.GoalId, 1));

        using var refused = await PostConfirmationAsync(member, draft.Id);
        // Refused as the site refuses a signed-in person: the 403 page (the sign-in cookie's access-denied path).
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(CommitmentStatus.Draft, (await world.CommitmentAsync(draft.Id)).Status);
        // The API says the same.
        var hash = (string)(await member.Client.GetAsync<JsonObject>($"/api/commitments/{draft.Id}/text"))["textHash"]!;
        await (await member.Client.PostAsync($"/api/commitments/{draft.Id}/confirmation", new { textHash = hash })).ProblemAsync(HttpStatusCode.Forbidden);

        using var confirmed = await PostConfirmationAsync(world.Owner, draft.Id);
        Assert.True(confirmed.IsSuccessStatusCode, $"The owner's confirmation answered {(int)confirmed.StatusCode}.");
        Assert.Equal(CommitmentStatus.Confirmed, (await world.CommitmentAsync(draft.Id)).Status);
    }

    [Fact]
    public async Task A_report_sent_by_the_form_to_a_commitment_withdrawn_meanwhile_gets_the_form_back_saying_why_and_stores_nothing()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var form = await world.Owner.Client.GetStringAsync($"/commitments/{commitment}/report");
        await (await world.Owner.Client.PostAsync($"/api/commitments/{commitment}/withdrawal", new { reason = "We stoppen." })).ReadAsync<JsonObject>();

        using var sent = await world.Owner.Client.PostAsync($"/commitments/{commitment}/report", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(form).Groups[1].Value,
            ["reportId"] = "r-form-after-withdrawal",
            ["value"] = "12",
        }));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        // The form again (not a failure page), saying why: the commitment's notice where its form was.
        var page = System.Net.WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync());
        Assert.Contains("kan je niet meer rapporteren", page, StringComparison.Ordinal);
        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
    }

    /// <summary>
    /// Ticks the box and sends the form as a browser does. A member's page shows no form, but a forged post needs only
    /// an antiforgery token of their own (any form of the site has one) and the text's hash (the API gives it).
    /// </summary>
    private static async Task<HttpResponseMessage> PostConfirmationAsync(Person person, string commitmentId)
    {
        var confirmPage = await person.Client.GetStringAsync($"/commitments/{commitmentId}/confirm");
        var token = AntiforgeryField().Match(confirmPage) is { Success: true } onPage ? onPage.Groups[1].Value
            : AntiforgeryField().Match(await person.Client.GetStringAsync($"/commitments/{commitmentId}")).Groups[1].Value;
        // The page is Dutch, so it confirms the Dutch text.
        var hash = (string)(await person.Client.GetAsync<JsonObject>($"/api/commitments/{commitmentId}/text?language=nl"))["textHash"]!;
        Assert.NotEmpty(token);
        return await person.Client.PostAsync($"/commitments/{commitmentId}/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["confirmedHash"] = hash,
            ["commit"] = "true",
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
