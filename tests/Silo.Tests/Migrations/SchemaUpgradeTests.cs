using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Silo.Storage;
using CivicContracting.Silo.Tests.PostgreSql;
using CivicContracting.Silo.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CivicContracting.Silo.Tests.Migrations;

/// <summary>
/// A database left at every earlier schema version (the scripts of deploy/sqlite and deploy/postgresql up to that
/// version, applied and recorded the way that release applied them) is brought to the current version by the silo
/// when it starts: each missing script is applied once, the earlier ones are not touched again, and the product then
/// writes and reads on it, across a restart. The versions come from the shipped scripts, so a new script adds its
/// predecessor here by itself. (State written in the shape of schema 1 of SQLite, Orleans' ADO.NET table, is read by
/// the current storage: SqliteLegacyStateTests.)
/// </summary>
public sealed class SqliteSchemaUpgradeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<int> EarlierVersions() => [.. SqliteSchema.Scripts.SkipLast(1).Select(s => s.Version)];

    [Theory]
    [MemberData(nameof(EarlierVersions))]
    public async Task A_database_at_an_earlier_version_is_upgraded_when_the_silo_starts_and_then_works(int version)
    {
        using (var store = new SqliteStore(new StorageOptions { DataDirectory = _temp.Path }.SqliteConnectionString(_temp.Path), TimeSpan.FromSeconds(5)))
        {
            var earlier = new SqliteSchema(store, NullLogger<SqliteSchema>.Instance);
            Assert.Equal(Enumerable.Range(1, version), earlier.ApplyUpTo(version));
            Assert.Equal(Enumerable.Range(1, version), earlier.RecordedVersions());
        }

        await SchemaUpgrade.UpgradesAndWorksAsync(() => TestSilo.BuildSqlite(_temp.Path));

        using var after = new SqliteStore(new StorageOptions { DataDirectory = _temp.Path }.SqliteConnectionString(_temp.Path), TimeSpan.FromSeconds(5));
        Assert.Equal(SqliteSchema.Scripts.Select(s => s.Version), new SqliteSchema(after, NullLogger<SqliteSchema>.Instance).RecordedVersions());
    }
}

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlSchemaUpgradeTests(PostgreSqlServer server) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<int> EarlierVersions() => [.. PostgreSqlSchema.Scripts.SkipLast(1).Select(s => s.Version)];

    [Theory]
    [MemberData(nameof(EarlierVersions))]
    public async Task A_database_at_an_earlier_version_is_upgraded_when_the_silo_starts_and_then_works(int version)
    {
        var connectionString = await server.CreateDatabaseAsync();
        var options = new StorageOptions { Profile = StorageProfiles.PostgreSql, ConnectionString = connectionString, MaxPoolSize = 5 };
        await using var dataSource = PostgreSqlStore.Create(options);
        var schema = new PostgreSqlSchema(dataSource, Options.Create(options), NullLogger<PostgreSqlSchema>.Instance);
        Assert.Equal(Enumerable.Range(1, version), await schema.ApplyUpToAsync(version));
        var appliedBefore = await AppliedAtAsync(dataSource);

        await SchemaUpgrade.UpgradesAndWorksAsync(() => TestSilo.Build(_temp.Path, PostgreSqlStorageTests.Settings(connectionString)));

        Assert.Equal(PostgreSqlSchema.Scripts.Select(s => s.Version), await schema.RecordedVersionsAsync());
        var appliedAfter = await AppliedAtAsync(dataSource);
        Assert.Equal(appliedBefore, appliedAfter.Where(a => a.Key <= version).ToDictionary()); // the earlier scripts ran once
    }

    private static async Task<Dictionary<int, DateTime>> AppliedAtAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"SELECT version, applied_at FROM {PostgreSqlSchema.VersionTable} ORDER BY version;");
        await using var reader = await command.ExecuteReaderAsync();
        var applied = new Dictionary<int, DateTime>();
        while (await reader.ReadAsync())
            applied[reader.GetInt32(0)] = reader.GetDateTime(1);
        return applied;
    }
}

/// <summary>What "works after the upgrade" means: a confirmed commitment with reports, read back after a restart.</summary>
internal static class SchemaUpgrade
{
    public static async Task UpgradesAndWorksAsync(Func<IHost> build)
    {
        var id = $"c-{Guid.NewGuid():N}";
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-3), TimeSpan.Zero);
        using (var silo = build())
        {
            await silo.StartAsync(); // applies the missing scripts before the grains start
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var goal = $"g-{Guid.NewGuid():N}";
            await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
            var owner = $"p-{Guid.NewGuid():N}";
            await grains.GetGrain<IParticipantGrain>(owner).Register(new ParticipantRegistration(ParticipantKind.School, "De Ark", "24062W13"));
            var terms = new CommitmentTerms(CommitmentLevel.Result, "More trips on foot or by bike", "We count every term.",
                Target: new QuantitativeTarget("Trips on foot or by bike", "%", 20, 80, DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1))));
            var commitment = grains.GetGrain<ICommitmentGrain>(id);
            await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms));
            await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
            for (var i = 1; i <= 3; i++)
                await commitment.ReportProgress(new ProgressReport($"r-{i}", start.AddHours(i), Value: 20 + (10 * i)));
            await silo.StopAsync();
        }
        using (var again = build())
        {
            await again.StartAsync();
            var view = await again.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommitmentGrain>(id).Get();
            Assert.NotNull(view);
            Assert.Equal((3, 50d), (view.ReportCount, view.CurrentValue));
            await again.StopAsync();
        }
    }
}
