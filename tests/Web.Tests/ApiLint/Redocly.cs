using System.Diagnostics;
using System.Text.Json;

namespace CivicContracting.Web.Tests.ApiLint;

/// <summary>
/// Redocly CLI (the npm package @redocly/cli, pinned in tests/Web.Tests/ApiLint/package.json and package-lock.json),
/// installed there with <c>npm ci</c> the first time a test needs it (./test.sh installs npm as root), run on the machine's
/// Node.js with the rules of redocly.yaml beside it (Redocly's <c>recommended</c>) and its telemetry off.
/// </summary>
public static class Redocly
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string Folder => Path.Combine(RepositoryRoot(), "tests", "Web.Tests", "ApiLint");

    private static string Cli => Path.Combine(Folder, "node_modules", "@redocly", "cli", "bin", "cli.js");

    /// <summary>One problem Redocly found: its rule, severity, where (a JSON pointer) and what.</summary>
    public sealed record Problem(string Rule, string Severity, string Pointer, string Message)
    {
        public override string ToString() => $"{Severity} {Rule} at {Pointer}: {Message}";
    }

    /// <summary>Lints the OpenAPI document <paramref name="json"/> and returns every problem.</summary>
    public static async Task<IReadOnlyList<Problem>> LintAsync(string json)
    {
        await EnsureInstalledAsync();
        var file = Path.Combine(Path.GetTempPath(), $"civic-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { Cli, "lint", file, "--config", Path.Combine(Folder, "redocly.yaml"), "--format=json" })
                start.ArgumentList.Add(argument);
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            var (exit, stdout, stderr) = await RunAsync(start, TimeSpan.FromMinutes(2));
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

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(Cli))
                return;
            // npm ci: exactly the version in package-lock.json, checked against its integrity hash.
            var start = new ProcessStartInfo("npm") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "ci", "--ignore-scripts", "--no-audit", "--no-fund" })
                start.ArgumentList.Add(argument);
            int exit;
            string output;
            try
            {
                var run = await RunAsync(start, TimeSpan.FromMinutes(5));
                (exit, output) = (run.Exit, run.Stdout + run.Stderr);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Redocly CLI (npm package @redocly/cli) is not installed in {Folder} and npm was not found: install the Debian " +
                    "package 'npm' as root (./test.sh does this when it runs as root), or run `npm ci` in that folder, then run the tests again.");
            }
            if (exit != 0 || !File.Exists(Cli))
                throw new Xunit.Sdk.XunitException($"`npm ci` in {Folder} did not install {Cli} (exit {exit}): {output}");
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{start.FileName} {string.Join(' ', start.ArgumentList.Take(3))} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CivicContracting.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No CivicContracting.sln above {AppContext.BaseDirectory}.");
    }
}
