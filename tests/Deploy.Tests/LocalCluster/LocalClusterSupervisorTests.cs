using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CivicContracting.Tests.Support;
using Xunit.Abstractions;

namespace CivicContracting.Deploy.Tests.LocalCluster;

/// <summary>
/// The supervisor of deploy/local/run-cluster.sh (deploy/local/supervise.sh), run by bash exactly as the script runs
/// it, with stand-in processes (`sleep`) for the 3 silos and 2 web hosts: what it checks is the supervision (a
/// kill -9'd process comes back after a back-off with a log line, the others keep running untouched, SIGTERM stops
/// all), not Orleans failover itself, which tests/Cluster.Tests covers with real silo processes.
/// </summary>
public sealed partial class LocalClusterSupervisorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("civic-supervise-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_killed_process_is_restarted_after_a_back_off_while_the_others_keep_running_and_SIGTERM_stops_all()
    {
        var driver = Path.Combine(_folder, "cluster.sh");
        await File.WriteAllTextAsync(driver, $"""
            set -euo pipefail
            SUPERVISE_NAME=run-cluster.sh SUPERVISE_BACKOFF_START=1 SUPERVISE_BACKOFF_MAX=4
            source '{Repo.PathOf("deploy/local/supervise.sh")}'
            trap 'supervise_stop_all; exit 0' INT TERM
            for i in 1 2 3; do supervise_start "silo $i" sleep 600; done
            for j in 1 2; do supervise_start "web host $j" sleep 600; done
            supervise_run
            """);
        var log = new ConcurrentQueue<string>();
        using var supervisor = new Process
        {
            StartInfo = new ProcessStartInfo("bash", [driver]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false },
        };
        supervisor.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        supervisor.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        Assert.True(supervisor.Start());
        supervisor.BeginErrorReadLine();
        supervisor.BeginOutputReadLine();
        try
        {
            var first = await Eventually.Value(() => Task.FromResult(Started(log)), s => s.Count == 5, what: "5 processes started");
            var silo2 = first["silo 2"];
            var others = first.Where(p => p.Key != "silo 2").ToDictionary();

            Kill9(silo2);
            var restarted = await Eventually.Value(() => Task.FromResult(Restarted(log, "silo 2")), r => r.Count == 1,
                what: "silo 2 restarted (log: " + string.Join(" | ", log) + ")");
            Assert.Contains(log, l => l.Contains($"silo 2 (pid {silo2}) exited with code 137", StringComparison.Ordinal) && l.Contains("restarting it in 1s (restart 1)", StringComparison.Ordinal));
            Assert.NotEqual(silo2, restarted[0]);
            Assert.True(IsRunning(restarted[0]), "the restarted silo 2 runs");
            Assert.False(IsRunning(silo2));
            foreach (var (name, pid) in others)
                Assert.True(IsRunning(pid), $"{name} (pid {pid}) kept running while silo 2 was down");
            Assert.False(supervisor.HasExited, "the supervisor stopped when one process died");

            // A second death of the same process waits longer (the back-off doubles), like CrashLoopBackOff.
            Kill9(restarted[0]);
            restarted = await Eventually.Value(() => Task.FromResult(Restarted(log, "silo 2")), r => r.Count == 2, what: "silo 2 restarted twice");
            Assert.Contains(log, l => l.Contains("restarting it in 2s (restart 2)", StringComparison.Ordinal));

            // SIGTERM (as Ctrl+C's SIGINT) stops every process, the restarted one included, and the supervisor exits 0.
            Process.Start("kill", ["-TERM", supervisor.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            await supervisor.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, supervisor.ExitCode);
            foreach (var pid in others.Values.Append(restarted[1]))
                Assert.False(IsRunning(pid), $"pid {pid} still runs after SIGTERM to the supervisor");
        }
        finally
        {
            foreach (var l in log)
                output.WriteLine(l);
            if (!supervisor.HasExited)
                supervisor.Kill(entireProcessTree: true);
        }
    }

    private static Dictionary<string, int> Started(IEnumerable<string> log) => log
        .Select(l => StartedPattern().Match(l)).Where(m => m.Success)
        .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    private static List<int> Restarted(IEnumerable<string> log, string name) => log
        .Select(l => RestartedPattern().Match(l)).Where(m => m.Success && m.Groups[1].Value == name)
        .Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();

    private static void Kill9(int pid) => Process.Start("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>Alive and not a zombie (a reaped or exited process has no /proc entry or state Z).</summary>
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
            return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^run-cluster\.sh: started (.+) \(pid (\d+)\)$")]
    private static partial Regex StartedPattern();

    [GeneratedRegex(@"^run-cluster\.sh: restarted (.+) \(pid (\d+)\)$")]
    private static partial Regex RestartedPattern();
}
