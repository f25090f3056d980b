using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Storage;

/// <summary>Where grain state lives (configuration section "Storage"). Validated when the host starts.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The name of the database file inside <see cref="DataDirectory"/>.</summary>
    public const string SqliteFileName = "civic-contracting.db";

    /// <summary><c>Sqlite</c> (the embedded default), <c>Memory</c> (tests; nothing survives a restart) or <c>PostgreSql</c> (not available yet).</summary>
    public string Profile { get; set; } = StorageProfiles.Sqlite;

    /// <summary>The folder of the SQLite file, relative to the content root unless absolute. Created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>An explicit connection string; for SQLite it replaces <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a statement waits for SQLite's write lock before it fails (PRAGMA busy_timeout).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The SQLite connection string: the configured one, or a file in <see cref="DataDirectory"/> resolved against
    /// <paramref name="contentRoot"/>. Pooling stays on (opening a SQLite file is not free) and the command timeout
    /// follows <see cref="BusyTimeout"/> unless the connection string sets its own.
    /// </summary>
    public string SqliteConnectionString(string contentRoot)
    {
        SqliteConnectionStringBuilder builder;
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            builder = new SqliteConnectionStringBuilder(ConnectionString);
            if (!builder.ShouldSerialize("Default Timeout"))
                builder.DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds);
        }
        else
        {
            builder = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(Path.GetFullPath(DataDirectory, contentRoot), SqliteFileName),
                DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
                Mode = SqliteOpenMode.ReadWriteCreate,
            };
        }
        builder.Pooling = true;
        return builder.ToString();
    }
}

/// <summary>The storage profiles a silo can run with.</summary>
public static class StorageProfiles
{
    public const string Sqlite = "Sqlite";
    public const string Memory = "Memory";
    public const string PostgreSql = "PostgreSql";

    private static readonly string[] Known = [Sqlite, Memory, PostgreSql];

    /// <summary>The canonical spelling of a configured profile (case-insensitive; empty means the default, SQLite).</summary>
    public static string? Normalise(string? profile) => string.IsNullOrWhiteSpace(profile)
        ? Sqlite
        : Array.Find(Known, k => string.Equals(k, profile.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Checks the "Storage" section at start-up, with messages that name the setting and say what to do.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        var profile = StorageProfiles.Normalise(options.Profile);
        if (profile is null)
        {
            failures.Add($"{StorageOptions.SectionName}:Profile '{options.Profile}' is not a storage profile; use '{StorageProfiles.Sqlite}' (the embedded default), '{StorageProfiles.Memory}' (tests only: nothing survives a restart) or '{StorageProfiles.PostgreSql}'.");
        }
        else if (profile == StorageProfiles.PostgreSql)
        {
            failures.Add($"{StorageOptions.SectionName}:Profile '{StorageProfiles.PostgreSql}' is not available yet: PostgreSQL storage comes in a later release. Use '{StorageProfiles.Sqlite}' (the embedded default) for now.");
        }
        else if (profile == StorageProfiles.Sqlite)
        {
            ValidateSqlite(options, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSqlite(StorageOptions options, List<string> failures)
    {
        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
            failures.Add($"{StorageOptions.SectionName}:BusyTimeout must lie between 00:00:00.001 and 00:10:00 (got {options.BusyTimeout}).");

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            SqliteConnectionStringBuilder builder;
            try
            {
                builder = new SqliteConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{StorageOptions.SectionName}:ConnectionString is not a valid SQLite connection string: {ex.Message}");
                return;
            }
            if (string.IsNullOrWhiteSpace(builder.DataSource))
                failures.Add($"{StorageOptions.SectionName}:ConnectionString must name a database file (Data Source=...).");
            else if (builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
                failures.Add($"{StorageOptions.SectionName}:ConnectionString points at an in-memory SQLite database, which every pooled connection would see empty; use Profile '{StorageProfiles.Memory}' for a store that need not survive.");
            else if (builder.Mode == SqliteOpenMode.ReadOnly)
                failures.Add($"{StorageOptions.SectionName}:ConnectionString opens the database read-only; grain storage has to write.");
            return;
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{StorageOptions.SectionName}:DataDirectory is empty; name the folder for the SQLite file (default 'data') or set {StorageOptions.SectionName}:ConnectionString.");
        }
        else if (options.DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{StorageOptions.SectionName}:DataDirectory '{options.DataDirectory}' contains characters that cannot be part of a path.");
        }
    }
}
