using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicContracting.Grains.Tests.Following;

namespace CivicContracting.Web.Tests.Accounts;

/// <summary>A site that mails to <see cref="SmtpSink"/>, shared by the tests of a person's language.</summary>
public sealed class MailingApp : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TestApp.StartAsync("person-language-tests",
            ("Notifications:Smtp:Enabled", "true"),
            ("Notifications:Smtp:Host", "127.0.0.1"),
            ("Notifications:Smtp:Port", SmtpSink.Shared.Port.ToString(CultureInfo.InvariantCulture)),
            ("Notifications:Smtp:Security", "None"),
            ("Notifications:Smtp:From", "accounts@civic-contracting.test"),
            ("Notifications:Smtp:BatchWindow", "00:00:00.100"),
            ("Accounts:PublicUrl", "https://leuven.example"),
            ("Accounts:MinMailInterval", "00:00:00"));
        Operator = TestHosts.Client(App.BaseAddress, WebAppFixture.OperatorToken);
    }

    public async Task DisposeAsync()
    {
        Operator.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Issue 15: a person's language is part of their account. They start in the language they registered in; their e-mails
/// (verification, sign-in link, notifications) are written in it; the pages speak it when the person picked no language in
/// the switcher; they change it on the account page or with PATCH /api/me. Their feed reads in each reader's language, and
/// what they write (commitments, report notes) is marked with the language they wrote it in.
/// </summary>
public sealed partial class PersonLanguageTests(MailingApp mailing) : IClassFixture<MailingApp>
{
    private const string Neighbourhood = "24062W05";
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(30);

    private static SmtpSink Sink => SmtpSink.Shared;

    private Uri BaseAddress => mailing.App.BaseAddress;

    [Fact]
    public async Task A_person_who_registers_in_French_gets_the_verification_mail_and_the_pages_in_French()
    {
        var (person, address, account) = await SignUpAsync("fr-BE");
        using var _ = person;
        Assert.Equal("fr", (string)account["language"]!);

        var mail = await Sink.WaitFor(address, MailTimeout);
        Assert.Equal("Confirmez votre adresse e-mail pour Civic Contracting", mail.Subject);
        Assert.Contains("Confirmez que cette adresse e-mail est la vôtre", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Bevestig", mail.Body, StringComparison.Ordinal);
        Assert.Equal("fr", mail.Headers["Content-Language"]);

        // No ?culture, no switcher cookie, no Accept-Language: the person's own language.
        Assert.Equal("fr-BE", HtmlLang(await person.GetStringAsync("/account")));
        Assert.Equal("fr", (string)(await person.GetAsync<JsonObject>("/api/me"))["language"]!);
    }

    [Fact]
    public async Task Changing_the_language_changes_the_next_mail_and_the_pages_but_not_over_the_switchers_choice()
    {
        var (person, address, account) = await SignUpAsync(acceptLanguage: null);
        using var _ = person;
        Assert.Equal("nl", (string)account["language"]!);
        Assert.Equal("Bevestig je e-mailadres voor Civic Contracting", (await Sink.WaitFor(address, MailTimeout)).Subject);
        Assert.Equal("nl-BE", HtmlLang(await person.GetStringAsync("/account")));

        var changed = await (await person.PatchAsync("/api/me", JsonContent.Create(new { language = "en" }))).ReadAsync<JsonObject>();
        Assert.Equal("en", (string)changed["language"]!);
        Assert.Equal("en-BE", HtmlLang(await person.GetStringAsync("/account")));

        await (await person.PostAsync("/api/session/link", new { loginName = (string)account["loginName"]! })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        var link = await Eventually.Value(() => Task.FromResult(Sink.To(address)), mails => mails.Count == 2, what: "the sign-in link mailed");
        Assert.Equal("Your sign-in link for Civic Contracting", link[1].Subject);
        Assert.Equal("en", link[1].Headers["Content-Language"]);

        // The switcher's choice (its cookie) and ?culture still win over the account's language.
        using var french = new HttpRequestMessage(HttpMethod.Get, "/account");
        french.Headers.Add("Cookie", "cc_language=fr-BE");
        Assert.Equal("fr-BE", HtmlLang(await (await person.SendAsync(french)).Content.ReadAsStringAsync()));
        Assert.Equal("nl-BE", HtmlLang(await person.GetStringAsync("/account?culture=nl")));

        // A language the platform does not speak: a problem naming the field, and nothing changed.
        var refused = await (await person.PatchAsync("/api/me", JsonContent.Create(new { language = "de" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("nl", (string)refused["errors"]!["language"]![0]!, StringComparison.Ordinal);
        Assert.Equal("en", (string)(await person.GetAsync<JsonObject>("/api/me"))["language"]!);
    }

    [Fact]
    public async Task The_account_page_changes_the_language_and_refuses_one_it_does_not_offer_with_a_clear_error()
    {
        var (person, _, _) = await SignUpAsync(acceptLanguage: null);
        using var __ = person;
        var page = await person.GetStringAsync("/account");
        Assert.Contains("<option value=\"nl\" lang=\"nl\" selected=\"selected\">", page, StringComparison.Ordinal);

        using var refused = await PostLanguageAsync(person, page, "klingon");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var form = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("'klingon' is geen taal van dit platform", form, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", form, StringComparison.Ordinal);
        Assert.Equal("nl", (string)(await person.GetAsync<JsonObject>("/api/me"))["language"]!);

        using var saved = await PostLanguageAsync(person, page, "fr");
        Assert.True(saved.IsSuccessStatusCode, $"The form answered {(int)saved.StatusCode}.");
        var after = await person.GetStringAsync("/account");
        Assert.Equal("fr-BE", HtmlLang(after));
        Assert.Contains("<option value=\"fr\" lang=\"fr\" selected=\"selected\">", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feed_entry_reads_in_French_on_a_French_page_and_in_English_through_the_API()
    {
        var goal = await mailing.Operator.DefineGoalAsync();
        var (person, _, account) = await SignUpAsync(acceptLanguage: null, Neighbourhood);
        using var _ = person;
        var resident = (string)account["participantId"]!;
        // The platform's own participant, with its owner following it, so the feed fills without e-mail verification.
        var commitment = await mailing.Operator.CommitAsync(resident, Neighbourhood, TestApi.ResultTerms(baseline: 0, target: 100), (goal, 1));
        await mailing.Operator.ConfirmAsync(commitment.Id);
        await (await mailing.Operator.PostAsync($"/api/commitments/{commitment.Id}/progress", new { value = 49.5 })).ReadAsync<JsonObject>();

        var english = await Eventually.Value(() => person.GetAsync<JsonObject>("/api/me/feed"),
            feed => feed["items"]!.AsArray().Any(i => (string)i!["event"]!["kind"]! == "progressReported"), what: "the report in the feed");
        var reported = english["items"]!.AsArray().First(i => (string)i!["event"]!["kind"]! == "progressReported")!;
        Assert.Equal("New value: 49,5.", (string)reported["event"]!["summary"]!);

        using var dutchApi = new HttpRequestMessage(HttpMethod.Get, "/api/me/feed");
        dutchApi.Headers.AcceptLanguage.ParseAdd("nl-BE");
        var dutch = await (await person.SendAsync(dutchApi)).ReadAsync<JsonObject>();
        Assert.Contains(dutch["items"]!.AsArray(), i => (string)i!["event"]!["summary"]! == "Nieuwe waarde: 49,5.");

        var page = WebUtility.HtmlDecode(await person.GetStringAsync("/account/feed?culture=fr"));
        Assert.Equal("fr-BE", HtmlLang(page));
        Assert.Contains("Nouvelle valeur\u00a0: 49,5.", page, StringComparison.Ordinal);
        Assert.Contains("Confirmé par", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Nieuwe waarde", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commitment_and_a_report_made_in_French_are_marked_French_on_a_Dutch_page()
    {
        var goal = await mailing.Operator.DefineGoalAsync();
        var participant = await mailing.Operator.RegisterAsync(CivicContracting.Participants.ParticipantKind.School, Neighbourhood);
        using var french = TestHosts.Client(BaseAddress, WebAppFixture.OperatorToken);
        french.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-BE");
        var made = await french.CommitAsync(participant, Neighbourhood, new
        {
            level = "pledge",
            title = "Nous allons à l’école à vélo",
            description = "Chaque vendredi, toute la classe vient à vélo.",
        }, (goal, 1));
        Assert.Equal("fr", made.Language);
        await french.ConfirmAsync(made.Id);
        await (await french.PostAsync($"/api/commitments/{made.Id}/progress", new { note = "Vingt élèves à vélo." })).ReadAsync<JsonObject>();
        // An explicit language in the body wins over the request's.
        var english = await mailing.Operator.CommitAsync(participant, Neighbourhood, TestApi.PledgeTerms(), (goal, 1));
        Assert.Null(english.Language); // the API's English default is not a language the author chose
        await mailing.Operator.ConfirmAsync(english.Id);
        var told = await (await french.PostAsync("/api/commitments", new
        {
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = Neighbourhood,
            terms = TestApi.PledgeTerms(),
            language = "en",
        })).ReadAsync<CivicContracting.Commitments.CommitmentView>(HttpStatusCode.Created);
        Assert.Equal("en", told.Language);
        var bad = await (await french.PostAsync("/api/commitments", new
        {
            participantId = participant,
            goals = new[] { new { goalId = goal, weight = 1.0 } },
            neighbourhoodCode = Neighbourhood,
            terms = TestApi.PledgeTerms(),
            language = "xx",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["language"]);

        using var reader = new HttpClient { BaseAddress = BaseAddress };
        var page = WebUtility.HtmlDecode(await reader.GetStringAsync($"/commitments/{made.Id}"));
        Assert.Equal("nl-BE", HtmlLang(page));
        Assert.Contains("<h1 dir=\"auto\" lang=\"fr\">Nous allons à l’école à vélo</h1>", page, StringComparison.Ordinal);
        Assert.Contains("<p class=\"lead\" dir=\"auto\" lang=\"fr\">Chaque vendredi", page, StringComparison.Ordinal);
        Assert.Contains("<p dir=\"auto\" lang=\"fr\">Vingt élèves à vélo.</p>", page, StringComparison.Ordinal);
        // Unknown: no attribute, so the text takes the page's language.
        var unknown = WebUtility.HtmlDecode(await reader.GetStringAsync($"/commitments/{english.Id}"));
        Assert.Contains("<h1 dir=\"auto\">", unknown, StringComparison.Ordinal);
    }

    /// <summary>Signs up with a chosen login name (signed in at once) and an e-mail address, which gets the verification mail.</summary>
    private async Task<(HttpClient Client, string Address, JsonObject Account)> SignUpAsync(string? acceptLanguage, string? neighbourhood = null)
    {
        var address = $"lang-{Guid.NewGuid():N}@example.org";
        var client = People.SessionClient(BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/accounts")
        {
            Content = JsonContent.Create(new
            {
                displayName = "Taal Test",
                loginName = $"taal{Guid.NewGuid():N}"[..20],
                password = People.Password,
                email = address,
                neighbourhoodCode = neighbourhood,
            }),
        };
        if (acceptLanguage is not null)
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        var account = await (await client.SendAsync(request)).ReadAsync<JsonObject>(HttpStatusCode.Created);
        await People.AddAntiforgeryHeaderAsync(client);
        return (client, address, account);
    }

    private static async Task<HttpResponseMessage> PostLanguageAsync(HttpClient person, string page, string language) =>
        await person.PostAsync("/account?handler=Language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value,
            ["language"] = language,
        }));

    private static string HtmlLang(string page) => HtmlLangAttribute().Match(page).Groups[1].Value;

    [GeneratedRegex("<html lang=\"([^\"]+)\"")]
    private static partial Regex HtmlLangAttribute();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
