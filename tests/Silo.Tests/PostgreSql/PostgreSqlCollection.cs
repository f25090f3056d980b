namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>xUnit's side of the private server (PostgreSqlServer.cs stays free of xUnit so that the benchmark can share it).</summary>
public sealed partial class PostgreSqlServer : IAsyncLifetime;

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "PostgreSQL server";
}
