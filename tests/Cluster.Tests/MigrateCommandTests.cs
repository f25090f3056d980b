namespace CivicContracting.Cluster.Tests;

/// <summary>`CivicContracting.Silo migrate`: applies the schema and exits without starting Orleans (the Kubernetes Job).</summary>
[Collection(ClusterCollection.Name)]
public sealed class MigrateCommandTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Migrate_again_on_a_current_schema_exits_0_and_says_it_is_current()
    {
        // The fixture already ran migrate once, on an empty database, before it started the silos.
        var (exitCode, output) = await ClusterFixture.RunMigrateAsync(cluster.ConnectionString);
        Assert.True(exitCode == 0, output);
        Assert.Contains("is current", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_against_an_unreachable_server_exits_non_zero_with_a_message()
    {
        var (exitCode, output) = await ClusterFixture.RunMigrateAsync("Host=127.0.0.1;Port=1;Username=postgres;Database=civic;Timeout=3");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("migrate: the PostgreSql schema could not be brought up to date", output, StringComparison.Ordinal);
    }
}
