using System.Diagnostics;
using System.Text.Json;
using CivicContracting.Tests.Support;

namespace CivicContracting.Site.Tests.Accessibility;

/// <summary>
/// The Nu Html Checker (vnu.jar, the W3C's HTML validator) from the npm package vnu-jar, pinned in
/// tests/Site.Tests/Validator/package.json and package-lock.json. The jar is installed here, with <c>npm ci</c> in that
/// folder, the first time a test needs it (never fetched from anywhere else at run time); it runs on the machine's Java
/// (Debian package default-jre-headless, which ./test.sh installs when it runs as root). A missing Java or npm fails the
/// test with what to install.
/// </summary>
public static class HtmlValidator
{
    private static readonly NpmTool Tool = new(
        Path.Combine(Repository.Root, "tests", "Site.Tests", "Validator"),
        Path.Combine("node_modules", "vnu-jar", "build", "dist", "vnu.jar"),
        "The HTML validator (npm package vnu-jar)");

    private static string Jar => Tool.Entry;

    /// <summary>One message of the checker: the file it is about, where, and what.</summary>
    public sealed record Message(string File, int Line, string Text, string Extract);

    /// <summary>The errors in <paramref name="files"/>, checked in one Java process (the checker starts slowly).</summary>
    public static async Task<IReadOnlyList<Message>> ErrorsAsync(IReadOnlyCollection<string> files)
    {
        var java = FindJava() ?? throw new Xunit.Sdk.XunitException(
            "The HTML validator test needs a Java runtime (`java` on the PATH or in $JAVA_HOME/bin): install the Debian package " +
            "'default-jre-headless' as root (`apt-get install default-jre-headless`; ./test.sh does this when it runs as root), then run the tests again.");
        await Tool.EnsureInstalledAsync();

        var start = new ProcessStartInfo(java)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-Xss1m", "-jar", Jar, "--errors-only", "--format", "json" }.Concat(files))
            start.ArgumentList.Add(argument);
        var (exit, stdout, stderr) = await NpmTool.RunAsync(start, TimeSpan.FromMinutes(3));
        // The checker writes its JSON report to standard error.
        var report = stderr.Trim();
        if (!report.StartsWith('{'))
            throw new Xunit.Sdk.XunitException($"vnu.jar gave no JSON report (exit {exit}): {stderr} {stdout}");
        using var json = JsonDocument.Parse(report);
        var messages = new List<Message>();
        foreach (var m in json.RootElement.GetProperty("messages").EnumerateArray())
        {
            var type = m.GetProperty("type").GetString();
            var subType = m.TryGetProperty("subType", out var s) ? s.GetString() : null;
            if (type is "info" || (type is "error" && subType is "warning"))
                continue;
            var url = m.TryGetProperty("url", out var u) ? u.GetString() ?? "" : "";
            messages.Add(new Message(
                Path.GetFileName(new Uri(url, UriKind.RelativeOrAbsolute) is { IsAbsoluteUri: true } abs ? abs.LocalPath : url),
                m.TryGetProperty("lastLine", out var line) ? line.GetInt32() : 0,
                $"{type}{(subType is null ? "" : "/" + subType)}: {m.GetProperty("message").GetString()}",
                m.TryGetProperty("extract", out var extract) ? extract.GetString() ?? "" : ""));
        }
        return messages;
    }

    private static string? FindJava()
    {
        var home = Environment.GetEnvironmentVariable("JAVA_HOME");
        var candidates = (home is { Length: > 0 } ? [Path.Combine(home, "bin", "java")] : Array.Empty<string>())
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(p => Path.Combine(p, "java")));
        return candidates.FirstOrDefault(File.Exists);
    }
}
