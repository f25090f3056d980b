using System.Net;
using System.Text.RegularExpressions;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Security;

/// <summary>
/// The pages' CSP allows no inline style (<c>style-src 'self'</c>), so no page may carry a <c>style</c> attribute or
/// element: the browser would block it and report a violation. Issue 14 found one on /account and /account/tokens (the
/// validation summary's client-side placeholder); these pages are rendered for a signed-in person and for the public.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class InlineStyleTests(WebAppFixture app)
{
    [Fact]
    public async Task Account_pages_of_a_signed_in_person_carry_no_inline_style()
    {
        using var person = await People.SignUpAsync(app.BaseAddress);
        foreach (var path in new[] { "/account", "/account/tokens" })
            await AssertNoInlineStyleAsync(person.Client, path);
    }

    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/account/register")]
    public async Task Forms_of_the_public_carry_no_inline_style(string path) => await AssertNoInlineStyleAsync(app.Public, path);

    private static async Task AssertNoInlineStyleAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var inline = InlineStyle().Matches(html).Select(m => m.Value).ToList();
        Assert.True(inline.Count == 0, $"{path} carries inline style the CSP blocks: {string.Join(" | ", inline)}");
    }

    [GeneratedRegex(@"<[^>]*\sstyle\s*=[^>]*>|<style[\s>]", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();
}
