using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>
/// A real crash: a child process (this test assembly, started with <see cref="CrashWriter.Command"/>) writes grain
/// state through <see cref="SqliteGrainStorage"/> from many concurrent writers and prints every write the storage
/// acknowledged; the test kills it with -9 in the middle and opens the same files: every acknowledged write must be
/// there, and every row must be whole.
/// </summary>
public sealed class SqliteCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task After_kill_9_every_acknowledged_write_is_stored()
    {
        var acknowledged = new ConcurrentDictionary<string, long>();
        var lines = new ConcurrentQueue<string>();
        using var writer = new Process
        {
            StartInfo = new ProcessStartInfo(DotnetHost(), [typeof(SqliteCrashTests).Assembly.Location, CrashWriter.Command, _temp.Path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        writer.OutputDataReceived += (_, e) =>
        {
            // "ack <grain> <version>", printed after the storage acknowledged the write.
            if (e.Data?.Split(' ') is ["ack", var grain, var version])
                acknowledged.AddOrUpdate(grain, long.Parse(version, CultureInfo.InvariantCulture), (_, old) => Math.Max(old, long.Parse(version, CultureInfo.InvariantCulture)));
            else if (e.Data is not null)
                lines.Enqueue(e.Data);
        };
        writer.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lines.Enqueue(e.Data);
        };
        Assert.True(writer.Start());
        writer.BeginOutputReadLine();
        writer.BeginErrorReadLine();
        try
        {
            await Eventually.Value(() =>
            {
                // A writer that died cannot acknowledge more: its output ends the wait at once.
                Assert.False(writer.HasExited, $"the writer exited early:\n{string.Join('\n', lines)}");
                return Task.FromResult((Acknowledged: acknowledged.Values.Sum(), Output: string.Join('\n', lines)));
            }, seen => seen.Acknowledged >= 3_000, TimeSpan.FromSeconds(120), "3,000 acknowledged writes (last value: the count and the writer's output)");
        }
        finally
        {
            writer.Kill(entireProcessTree: true); // SIGKILL, with writes in flight
            await writer.WaitForExitAsync(); // also waits for the last lines it printed
        }
        output.WriteLine($"{acknowledged.Values.Sum()} writes to {acknowledged.Count} grains acknowledged before the kill");

        using var services = CrashWriter.Services();
        using var store = CrashWriter.Store(_temp.Path);
        using var storage = CrashWriter.Storage(store, services);
        storage.Start();
        using (var connection = new SqliteConnection(store.ConnectionString))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        var lost = new List<string>();
        foreach (var (grain, version) in acknowledged)
        {
            var state = new GrainState<JournalState>();
            await storage.ReadStateAsync(CrashWriter.StateName, GrainId.Create("journal", grain), state);
            var stored = state.ETag is null ? 0 : long.Parse(state.ETag, CultureInfo.InvariantCulture);
            if (stored < version)
                lost.Add($"{grain}: acknowledged version {version}, stored {stored}");
            // Whole rows only: version n holds exactly the entries of writes 1..n.
            Assert.Equal(Enumerable.Range(1, (int)stored).Select(n => $"{grain}:{n}"), state.State!.Entries);
        }
        Assert.True(lost.Count == 0, $"{lost.Count} grains lost acknowledged writes in the crash: {string.Join("; ", lost.Take(10))}");
        await storage.StopAsync();
    }

    /// <summary>The dotnet host that runs the tests (dotnet test sets DOTNET_HOST_PATH), else dotnet from PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

/// <summary>
/// The child process of <see cref="SqliteCrashTests"/>: this test assembly run as a program
/// (<c>dotnet CivicContracting.Silo.Tests.dll crash-writer &lt;folder&gt;</c>, see TestProgram). It writes until it is killed.
/// </summary>
public static class CrashWriter
{
    public const string Command = "crash-writer";
    public const string StateName = "journal";
    private const int Writers = 32;
    private const int GrainsPerWriter = 8;

    public static async Task<int> RunAsync(string folder)
    {
        using var services = Services();
        using var store = Store(folder);
        new SqliteSchema(store, NullLogger<SqliteSchema>.Instance).Apply();
        using var storage = Storage(store, services);
        storage.Start();
        var console = TextWriter.Synchronized(Console.Out);
        // Each writer owns its grains and writes each of them in order, as a grain's activation does.
        await Parallel.ForAsync(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (w, _) =>
        {
            var states = Enumerable.Range(0, GrainsPerWriter).Select(_ => new GrainState<JournalState>(new JournalState())).ToArray();
            for (var n = 0; ; n++)
            {
                var slot = n % GrainsPerWriter;
                var grain = $"w{w}-g{slot}";
                var state = states[slot];
                state.State!.Entries.Add($"{grain}:{state.State.Entries.Count + 1}");
                await storage.WriteStateAsync(StateName, GrainId.Create("journal", grain), state);
                console.WriteLine($"ack {grain} {state.ETag}");
            }
        });
        return 0;
    }

    internal static ServiceProvider Services() => new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(JournalState).Assembly))
        .BuildServiceProvider();

    internal static SqliteStore Store(string folder) =>
        new(new StorageOptions { DataDirectory = "data" }.SqliteConnectionString(folder), TimeSpan.FromSeconds(30));

    internal static SqliteGrainStorage Storage(SqliteStore store, ServiceProvider services) => new(
        store,
        new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
        services.GetRequiredService<IActivatorProvider>(),
        NullLogger<SqliteGrainStorage>.Instance);
}
