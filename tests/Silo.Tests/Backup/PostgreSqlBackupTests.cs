using System.Diagnostics;
using CivicContracting.Silo.Tests.PostgreSql;
using CivicContracting.Silo.Tests.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Backup;

/// <summary>
/// The PostgreSQL profile's documented backup (docs/operations.md): <c>pg_dump --format=custom</c> of the database of a
/// running silo under load, <c>pg_restore</c> into an empty database, a fresh silo on it with a new cluster id (the
/// documented way past the old membership rows). See <see cref="BackupScenario"/> for what must hold.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlBackupTests(PostgreSqlServer server, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_pg_dump_taken_under_load_restores_every_acknowledged_commitment_report_and_aggregate()
    {
        var original = await server.CreateDatabaseAsync();
        var restored = await server.CreateDatabaseAsync();
        var dump = Path.Combine(_temp.Path, "civic.dump");
        await BackupScenario.RunAsync(
            () => TestSilo.Build(_temp.Path, PostgreSqlStorageTests.Settings(original)),
            async () =>
            {
                await ToolAsync("pg_dump", ["--format=custom", "--no-owner", .. Target(original), "-f", dump]);
                return $"{new FileInfo(dump).Length:N0} bytes";
            },
            () => ToolAsync("pg_restore", ["--no-owner", "--exit-on-error", .. Target(restored), dump]),
            () => TestSilo.Build(_temp.Path, PostgreSqlStorageTests.Settings(restored)),
            output);
    }

    private static string[] Target(string connectionString)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        return ["-h", c.Host!, "-p", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", c.Username!, "-d", c.Database!];
    }

    private static async Task ToolAsync(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(PostgreSqlServer.BinDirectory!, tool), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {await error}");
    }
}
