using CivicContracting.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CivicContracting.Silo.Tests.Storage;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private SqliteStore NewStore(string folder = "data") =>
        new(new StorageOptions { DataDirectory = folder }.SqliteConnectionString(_temp.Path), TimeSpan.FromSeconds(5));

    [Fact]
    public void Schema_is_applied_once_and_a_second_run_changes_nothing()
    {
        using var store = NewStore();
        var schema = new SqliteSchema(store, NullLogger<SqliteSchema>.Instance);

        var first = schema.Apply();
        var second = schema.Apply();

        Assert.Equal(SqliteSchema.Scripts.Select(s => s.Version), first);
        Assert.Empty(second);
        Assert.Equal(SqliteSchema.Scripts.Select(s => s.Version), schema.RecordedVersions());
        using var connection = (SqliteConnection)store.OpenConnection();
        Assert.Equal(SqliteSchema.Scripts.Count, Scalar<long>(connection, $"SELECT COUNT(*) FROM {SqliteSchema.VersionTable};"));
        Assert.Equal(
            ["ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey"],
            Strings(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey;"));
    }

    [Fact]
    public void A_new_database_is_created_in_its_folder_with_write_ahead_logging()
    {
        using var store = NewStore(Path.Combine("nested", "folder"));
        new SqliteSchema(store, NullLogger<SqliteSchema>.Instance).Apply();

        Assert.True(File.Exists(Path.Combine(_temp.Path, "nested", "folder", StorageOptions.SqliteFileName)));
        using var connection = (SqliteConnection)store.OpenConnection();
        Assert.Equal("wal", Scalar<string>(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public void Connections_from_the_store_wait_for_locks_and_sync_fully_by_default()
    {
        using var store = NewStore();
        store.EnsureDirectory();
        using var connection = (SqliteConnection)store.OpenConnection();

        Assert.Equal(2L, Scalar<long>(connection, "PRAGMA synchronous;")); // 2 = FULL: Storage:SqliteSynchronous's default
        Assert.Equal(5000L, Scalar<long>(connection, "PRAGMA busy_timeout;"));
    }

    [Fact]
    public void Every_shipped_script_is_embedded_and_numbered()
    {
        var shipped = Directory.GetFiles(Path.Combine(RepositoryRoot(), "deploy", "sqlite"), "*.sql").Select(Path.GetFileName).Order().ToList();

        Assert.NotEmpty(shipped);
        Assert.Equal(shipped, SqliteSchema.Scripts.Select(s => s.Name));
        Assert.Equal(Enumerable.Range(1, shipped.Count), SqliteSchema.Scripts.Select(s => s.Version));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CivicContracting.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("The test does not run inside the repository.");
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
            values.Add(reader.GetString(0));
        return values;
    }
}
