using System.Globalization;
using CivicContracting.Silo.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>
/// The grain storage contract on PostgreSQL: Orleans' ADO.NET provider on our schema, in a fresh database of the
/// collection's private server per test, with or without group commit (GroupCommitGrainStorage around the provider).
/// </summary>
public abstract class PostgreSqlGrainStorageContract(PostgreSqlServer server) : GrainStorageContract, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract bool GroupCommit { get; }

    protected override string StorageName => GroupCommit ? "PostgreSQL (group commit)" : "PostgreSQL (without group commit)";

    protected override async Task<Func<IHost>> NewStoreAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var settings = PostgreSqlStorageTests.Settings(connectionString);
        settings["Storage:GroupCommit"] = GroupCommit.ToString(CultureInfo.InvariantCulture);
        return () => TestSilo.Build(_temp.Path, settings);
    }

    /// <summary>The restarted silo joined through the PostgreSQL membership table; the first one left it as dead.</summary>
    protected override async Task AfterRestartAsync(IHost restarted)
    {
        var hosts = await restarted.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Single(hosts);
    }
}

/// <summary>The grain storage contract on PostgreSQL as configured by default: group commit on.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlGrainStorageContractTests(PostgreSqlServer server) : PostgreSqlGrainStorageContract(server)
{
    protected override bool GroupCommit => true;
}

/// <summary>The grain storage contract on PostgreSQL with Storage:GroupCommit=false: the ADO.NET provider on its own.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlWithoutGroupCommitGrainStorageContractTests(PostgreSqlServer server) : PostgreSqlGrainStorageContract(server)
{
    protected override bool GroupCommit => false;
}
