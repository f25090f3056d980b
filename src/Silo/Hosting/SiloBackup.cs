using System.Globalization;
using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// <c>CivicContracting.Silo backup FOLDER</c> (also <c>CivicContracting.Web backup FOLDER</c> for the one-process local
/// run): an online backup of the embedded SQLite profile while the product runs. It reads the storage settings like the
/// silo does, copies the database with SQLite's backup API (one consistent snapshot taken under a read transaction;
/// in WAL mode the app's writer goes on meanwhile), checks the copy (<c>PRAGMA integrity_check</c>), then copies the
/// evidence files (content-addressed and written before a report refers to them, so every file the snapshot names is
/// there). FOLDER gets the data directory's layout: restoring is copying it back as the data directory with the app
/// stopped (docs/operations.md, "Back up and restore"). The PostgreSQL profile is backed up with pg_dump instead; the
/// command says how. Exit codes: 0 backed up, 1 the backup failed, 2 bad usage or settings.
/// </summary>
public static class SiloBackup
{
    public const string Command = "backup";

    /// <summary>The folder of evidence files inside the data directory (Evidence:Directory overrides it, as in the web host).</summary>
    public const string EvidenceFolder = "evidence";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync($"usage: {Command} FOLDER [--Storage:DataDirectory=DIR ...]   (FOLDER must not exist or be empty)");
            return 2;
        }
        var target = Path.GetFullPath(args[0]);
        var (host, read) = await StorageCommandSettings.ReadAsync(Command, args[1..], LogLevel.Warning);
        using var _ = host;
        if (read is not { } options)
            return 2;
        var profile = StorageProfiles.Normalise(options.Profile);
        if (profile == StorageProfiles.PostgreSql)
        {
            await Console.Error.WriteLineAsync("backup: the PostgreSQL profile is backed up with PostgreSQL's own tools, while the cluster runs:");
            await Console.Error.WriteLineAsync("  pg_dump --format=custom --no-owner -h HOST -U civic -d civic -f civic-$(date +%F).dump");
            await Console.Error.WriteLineAsync("  (restore: pg_restore --no-owner --exit-on-error -d civic FILE; see docs/operations.md, \"Back up and restore\")");
            return 2;
        }
        if (profile != StorageProfiles.Sqlite)
        {
            await Console.Error.WriteLineAsync($"backup: storage profile {profile} keeps nothing on disk; there is nothing to back up.");
            return 2;
        }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            await Console.Error.WriteLineAsync($"backup: {target} is not empty; name a new folder (a backup never overwrites another).");
            return 2;
        }

        var contentRoot = host.Services.GetRequiredService<IHostEnvironment>().ContentRootPath;
        var connectionString = options.SqliteConnectionString(contentRoot);
        var evidence = host.Services.GetRequiredService<IConfiguration>()["Evidence:Directory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, contentRoot)
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource))!, EvidenceFolder);
        try
        {
            var result = await BackupSqliteAsync(connectionString, evidence, target, options.BusyTimeout, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backup: {result.Source} -> {result.Database} ({result.Bytes:N0} bytes, integrity ok) and {result.EvidenceFiles} evidence file(s), in {result.Elapsed.TotalMilliseconds:F0} ms."));
            Console.WriteLine($"backup: to restore, stop the app and copy {target} to the data directory (docs/operations.md).");
            return 0;
        }
        catch (Exception failure) when (failure is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"backup: failed: {failure.Message}");
            return 1;
        }
    }

    public sealed record Result(string Source, string Database, long Bytes, int EvidenceFiles, TimeSpan Elapsed);

    /// <summary>
    /// Copies the SQLite database at <paramref name="connectionString"/> into <paramref name="targetFolder"/> (as
    /// <see cref="StorageOptions.SqliteFileName"/>) while other connections write, then the evidence files.
    /// </summary>
    public static async Task<Result> BackupSqliteAsync(string connectionString, string evidenceDirectory, string targetFolder,
        TimeSpan busyTimeout, CancellationToken cancellationToken = default)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var source = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        if (!File.Exists(source))
            throw new InvalidOperationException($"There is no database at {source}; check Storage:DataDirectory.");
        Directory.CreateDirectory(targetFolder);
        var database = Path.Combine(targetFolder, StorageOptions.SqliteFileName);
        // Mode=ReadWrite: never create an empty database where the real one was expected; no pooling, so that the
        // files are closed when this returns.
        var sourceConnection = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        await using (var from = new SqliteConnection(sourceConnection.ToString()))
        await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString()))
        {
            await from.OpenAsync(cancellationToken);
            await using (var wait = from.CreateCommand())
            {
                wait.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");
                await wait.ExecuteNonQueryAsync(cancellationToken);
            }
            await to.OpenAsync(cancellationToken);
            // sqlite3_backup_step(-1): all pages in one step, inside one read transaction of the source, so the copy is
            // one consistent point in time however many writes commit meanwhile (WAL lets them go on).
            from.BackupDatabase(to);
            await using var check = to.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            var integrity = Convert.ToString(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (!string.Equals(integrity, "ok", StringComparison.Ordinal))
                throw new InvalidOperationException($"The copy at {database} fails SQLite's integrity check: {integrity}");
        }

        var files = 0;
        if (Directory.Exists(evidenceDirectory))
        {
            var into = Path.Combine(targetFolder, EvidenceFolder);
            foreach (var file in Directory.EnumerateFiles(evidenceDirectory, "*", SearchOption.AllDirectories))
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Uploads in progress wait as *.tmp (FileSystemEvidenceStore); no report refers to them yet.
                if (file.EndsWith(".tmp", StringComparison.Ordinal))
                    continue;
                var copy = Path.Combine(into, Path.GetRelativePath(evidenceDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy, overwrite: false);
                files++;
            }
        }
        return new Result(source, database, new FileInfo(database).Length, files, watch.Elapsed);
    }
}
