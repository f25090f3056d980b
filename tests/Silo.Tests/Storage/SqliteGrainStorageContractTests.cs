using Microsoft.Extensions.Hosting;

namespace CivicContracting.Silo.Tests.Storage;

/// <summary>The grain storage contract on the embedded default: SQLite in a temp folder of its own per test.</summary>
public sealed class SqliteGrainStorageContractTests : GrainStorageContract, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    protected override string StorageName => "SQLite";

    protected override Task<Func<IHost>> NewStoreAsync() => Task.FromResult<Func<IHost>>(() => TestSilo.BuildSqlite(_temp.Path));
}
