using System.Diagnostics;
using System.Text.Json;

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
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    private static string Folder => Path.Combine(Repository.Root, "tests", "Site.Tests", "Validator");

    private static string Jar => Path.Combine(Folder, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

    /// <summary>One message of the checker: the file it is about, where, and what.</summary>
    public sealed record Message(string File, int Line, string Text, string Extract);

    /// <summary>The errors in <paramref name="files"/>, checked in one Java process (the checker starts slowly).</summary>
    public static async Task<IReadOnlyList<Message>> ErrorsAsync(IReadOnlyCollection<string> files)
    {
        var java = FindJava() ?? throw new Xunit.Sdk.XunitException(
            "The HTML validator test needs a Java runtime (`java` on the PATH or in $JAVA_HOME/bin): install the Debian package " +
            "'default-jre-headless' as root (`apt-get install default-jre-headless`; ./test.sh does this when it runs as root), then run the tests again.");
        await EnsureJarAsync();

        var start = new ProcessStartInfo(java)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-Xss1m", "-jar", Jar, "--errors-only", "--format", "json" }.Concat(files))
            start.ArgumentList.Add(argument);
        var (exit, stdout, stderr) = await RunAsync(start, TimeSpan.FromMinutes(3));
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

    private static async Task EnsureJarAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(Jar))
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
                    $"The HTML validator (npm package vnu-jar) is not installed in {Folder} and npm was not found: install the Debian " +
                    "package 'npm' as root (./test.sh does this when it runs as root), or run `npm ci` in that folder, then run the tests again.");
            }
            if (exit != 0 || !File.Exists(Jar))
                throw new Xunit.Sdk.XunitException($"`npm ci` in {Folder} did not install {Jar} (exit {exit}): {output}");
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
            throw new Xunit.Sdk.XunitException($"{start.FileName} {string.Join(' ', start.ArgumentList.Take(6))} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
