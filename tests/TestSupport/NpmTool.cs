using System.Diagnostics;

namespace CivicContracting.Tests.Support;

/// <summary>
/// A checker the tests run from an npm package pinned in a folder of the repository (its package.json and
/// package-lock.json): installed there with <c>npm ci</c> the first time a test needs it — exactly the locked version,
/// checked against its integrity hash, never fetched from anywhere else at run time. ./test.sh installs npm as root.
/// </summary>
/// <param name="folder">The folder with package.json and package-lock.json.</param>
/// <param name="entry">The file the package installs that the tests run, relative to <paramref name="folder"/>.</param>
/// <param name="what">What the tool is, for the message when npm is missing.</param>
public sealed class NpmTool(string folder, string entry, string what) : IDisposable
{
    private readonly SemaphoreSlim _installGate = new(1, 1);

    public string Folder => folder;

    /// <summary>The installed file the tests run (a script for node, a jar for java).</summary>
    public string Entry => Path.Combine(folder, entry);

    /// <summary>Runs <c>npm ci</c> in <see cref="Folder"/> unless <see cref="Entry"/> is there already.</summary>
    public async Task EnsureInstalledAsync()
    {
        await _installGate.WaitAsync();
        try
        {
            if (File.Exists(Entry))
                return;
            var start = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
                    $"{what} is not installed in {folder} and npm was not found: install the Debian package 'npm' as root " +
                    "(./test.sh does this when it runs as root), or run `npm ci` in that folder, then run the tests again.");
            }
            if (exit != 0 || !File.Exists(Entry))
                throw new Xunit.Sdk.XunitException($"`npm ci` in {folder} did not install {Entry} (exit {exit}): {output}");
        }
        finally
        {
            _installGate.Release();
        }
    }

    public void Dispose() => _installGate.Dispose();

    /// <summary>Runs a process to its end, reading both its outputs; one that outlives <paramref name="timeout"/> is killed.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
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
