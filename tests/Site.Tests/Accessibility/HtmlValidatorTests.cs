using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// Issue 15, acceptance 2: the Nu Html Checker (vnu) finds no error in the HTML the server sends for any page of the
/// <see cref="PageTour"/> (home, goals, the commitment flow's steps with an error state, the confirmation, the
/// commitment and its report form, places, the account, the accessibility statement …) in Dutch, French and English.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class HtmlValidatorTests(SiteAppFixture app, BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task The_Nu_Html_Checker_finds_no_error_on_any_page_in_any_language()
    {
        var clock = Stopwatch.StartNew();
        var folder = Directory.CreateTempSubdirectory("civic-vnu-");
        try
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var language in PageTour.Languages)
            {
                IResponse? previous = null;
                await PageTour.WalkAsync(app, browser, language, async stop =>
                {
                    // "/" and "/ at 390 px" are one document.
                    if (ReferenceEquals(stop.Document, previous))
                        return;
                    previous = stop.Document;
                    var file = Path.Combine(folder.FullName, $"{language}-{names.Count + 1:D2}.html");
                    await File.WriteAllBytesAsync(file, await stop.Document.BodyAsync());
                    names[Path.GetFileName(file)] = $"{stop.Name} ({language})";
                });
            }
            var walked = clock.Elapsed;

            var errors = await HtmlValidator.ErrorsAsync([.. names.Keys.Order(StringComparer.Ordinal).Select(n => Path.Combine(folder.FullName, n))]);
            output.WriteLine($"vnu on {names.Count} pages: {errors.Count} errors; pages walked in {walked.TotalSeconds:0.0} s, checked in {(clock.Elapsed - walked).TotalSeconds:0.0} s");
            Assert.True(names.Count >= 3 * 23, $"Only {names.Count} pages were saved");
            Assert.True(errors.Count == 0, $"vnu found {errors.Count} errors:\n" + string.Join("\n",
                errors.Select(e => $"{names.GetValueOrDefault(e.File, e.File)} line {e.Line}: {e.Text} «{e.Extract.ReplaceLineEndings(" ").Trim()}»")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
