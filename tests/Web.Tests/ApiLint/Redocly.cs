using System.Diagnostics;
using System.Text.Json;
using CivicContracting.Tests.Support;

namespace CivicContracting.Web.Tests.ApiLint;

/// <summary>
/// Redocly CLI (the npm package @redocly/cli, pinned in tests/Web.Tests/ApiLint/package.json and package-lock.json),
/// installed there with <c>npm ci</c> the first time a test needs it (./test.sh installs npm as root), run on the machine's
/// Node.js with the rules of redocly.yaml beside it (Redocly's <c>recommended</c>) and its telemetry off.
/// </summary>
public static class Redocly
{
    private static readonly NpmTool Tool = new(
        Path.Combine(Repository.Root, "tests", "Web.Tests", "ApiLint"),
        Path.Combine("node_modules", "@redocly", "cli", "bin", "cli.js"),
        "Redocly CLI (npm package @redocly/cli)");

    public static string Folder => Tool.Folder;

    private static string Cli => Tool.Entry;

    /// <summary>One problem Redocly found: its rule, severity, where (a JSON pointer) and what.</summary>
    public sealed record Problem(string Rule, string Severity, string Pointer, string Message)
    {
        public override string ToString() => $"{Severity} {Rule} at {Pointer}: {Message}";
    }

    /// <summary>Lints the OpenAPI document <paramref name="json"/> and returns every problem.</summary>
    public static async Task<IReadOnlyList<Problem>> LintAsync(string json)
    {
        await Tool.EnsureInstalledAsync();
        var file = Path.Combine(Path.GetTempPath(), $"civic-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { Cli, "lint", file, "--config", Path.Combine(Folder, "redocly.yaml"), "--format=json" })
                start.ArgumentList.Add(argument);
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            var (exit, stdout, stderr) = await NpmTool.RunAsync(start, TimeSpan.FromMinutes(2));
            var report = stdout.Trim();
            if (!report.StartsWith('{'))
                throw new Xunit.Sdk.XunitException($"redocly lint gave no JSON report (exit {exit}): {stderr} {stdout}");
            using var document = JsonDocument.Parse(report);
            var problems = new List<Problem>();
            foreach (var p in document.RootElement.GetProperty("problems").EnumerateArray())
            {
                var location = p.TryGetProperty("location", out var l) && l.GetArrayLength() > 0 && l[0].TryGetProperty("pointer", out var pointer) ? pointer.GetString() ?? "" : "";
                problems.Add(new Problem(p.GetProperty("ruleId").GetString() ?? "", p.GetProperty("severity").GetString() ?? "", location, p.GetProperty("message").GetString() ?? ""));
            }
            var errors = document.RootElement.GetProperty("totals").GetProperty("errors").GetInt32();
            if ((exit == 0) != (errors == 0))
                throw new Xunit.Sdk.XunitException($"redocly lint exited {exit} with {errors} errors: {stderr}");
            return problems;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
