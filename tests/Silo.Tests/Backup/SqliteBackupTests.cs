using CivicContracting.Silo.Hosting;
using CivicContracting.Silo.Storage;
using CivicContracting.Silo.Tests.Storage;
using Xunit.Abstractions;

namespace CivicContracting.Silo.Tests.Backup;

/// <summary>
/// The embedded SQLite profile's online backup (<c>backup FOLDER</c>, <see cref="SiloBackup"/>) of a running silo
/// under load, restored the documented way (the folder copied as the data directory of a fresh silo): see
/// <see cref="BackupScenario"/> for what must hold. And the command itself.
/// </summary>
public sealed class SqliteBackupTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_backup_taken_under_load_restores_every_acknowledged_commitment_report_and_aggregate()
    {
        var original = Path.Combine(_temp.Path, "original");
        var backup = Path.Combine(_temp.Path, "backup");
        var restored = Path.Combine(_temp.Path, "restored");
        Directory.CreateDirectory(original);
        Directory.CreateDirectory(restored);
        await BackupScenario.RunAsync(
            () => TestSilo.BuildSqlite(original),
            async () =>
            {
                var store = new StorageOptions { DataDirectory = original }.SqliteConnectionString(original);
                var result = await SiloBackup.BackupSqliteAsync(store, Path.Combine(original, SiloBackup.EvidenceFolder), backup, TimeSpan.FromSeconds(30));
                return $"{result.Bytes:N0} bytes";
            },
            // Restore as documented: the backup folder becomes the data directory of a fresh instance.
            () =>
            {
                CopyFolder(backup, restored);
                return Task.CompletedTask;
            },
            () => TestSilo.BuildSqlite(restored),
            output);
    }

    [Fact]
    public async Task The_backup_command_copies_the_configured_database_refuses_a_used_folder_and_points_PostgreSQL_to_pg_dump()
    {
        var data = Path.Combine(_temp.Path, "data");
        using (var store = new SqliteStore(new StorageOptions { DataDirectory = data }.SqliteConnectionString(_temp.Path), TimeSpan.FromSeconds(5)))
            new SqliteSchema(store, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteSchema>.Instance).Apply();
        Directory.CreateDirectory(Path.Combine(data, SiloBackup.EvidenceFolder, "ab"));
        await File.WriteAllTextAsync(Path.Combine(data, SiloBackup.EvidenceFolder, "ab", "abcd.png"), "png");
        await File.WriteAllTextAsync(Path.Combine(data, SiloBackup.EvidenceFolder, "ab", "abcd.1234.tmp"), "half an upload");
        var target = Path.Combine(_temp.Path, "backup-1");
        string[] settings = ["--Storage:Profile=Sqlite", $"--Storage:DataDirectory={data}"];

        Assert.Equal(0, await SiloBackup.RunAsync([target, .. settings]));
        Assert.True(File.Exists(Path.Combine(target, StorageOptions.SqliteFileName)));
        Assert.Equal("png", await File.ReadAllTextAsync(Path.Combine(target, SiloBackup.EvidenceFolder, "ab", "abcd.png")));
        Assert.False(File.Exists(Path.Combine(target, SiloBackup.EvidenceFolder, "ab", "abcd.1234.tmp")), "an upload in progress is not part of the backup");
        using (var restored = new SqliteStore($"Data Source={Path.Combine(target, StorageOptions.SqliteFileName)}", TimeSpan.FromSeconds(5)))
            Assert.Equal(SqliteSchema.Scripts.Select(s => s.Version), new SqliteSchema(restored, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteSchema>.Instance).RecordedVersions());

        Assert.Equal(2, await SiloBackup.RunAsync([target, .. settings])); // never over another backup
        Assert.Equal(1, await SiloBackup.RunAsync([Path.Combine(_temp.Path, "backup-2"), "--Storage:Profile=Sqlite", $"--Storage:DataDirectory={Path.Combine(_temp.Path, "nowhere")}"]));
        Assert.Equal(2, await SiloBackup.RunAsync([Path.Combine(_temp.Path, "backup-3"), "--Storage:Profile=PostgreSql", "--Storage:ConnectionString=Host=127.0.0.1;Database=civic;Username=civic"]));
    }

    internal static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
