using CivicContracting.Web.Hosting;
using Npgsql;

namespace CivicContracting.Web.Evidence;

/// <summary>Registers the evidence settings and the store that fits Storage:Profile.</summary>
public static class EvidenceStores
{
    public static WebApplicationBuilder AddCivicContractingEvidence(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EvidenceOptions>().Bind(builder.Configuration.GetSection(EvidenceOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        var storage = OrleansHosting.ReadStorage(builder.Configuration);
        var evidence = builder.Configuration.GetSection(EvidenceOptions.SectionName).Get<EvidenceOptions>() ?? new EvidenceOptions();
        switch (storage.Profile)
        {
            case OrleansHosting.MemoryStorage:
                builder.Services.AddSingleton<IEvidenceStore, MemoryEvidenceStore>();
                break;
            case OrleansHosting.PostgreSqlStorage:
                builder.Services.AddSingleton<IEvidenceStore>(PostgreSql);
                break;
            default:
                var directory = string.IsNullOrWhiteSpace(evidence.Directory) ? Path.Combine(storage.DataDirectory, "evidence") : evidence.Directory;
                // Relative folders are taken from the working directory, like Storage:DataDirectory (see Program.cs).
                var root = Path.GetFullPath(directory, Environment.CurrentDirectory);
                builder.Services.AddSingleton<IEvidenceStore>(_ => new FileSystemEvidenceStore(root));
                break;
        }
        return builder;
    }

    /// <summary>
    /// A pool this host opens anyway, so evidence adds no connections to the sizing rule: with a co-hosted silo, the
    /// silo's control pool (synchronous commit; the durability barrier and membership share it, and uploads are rare and
    /// short); in client mode, Npgsql's shared pool of the membership connection string.
    /// </summary>
    private static PostgreSqlEvidenceStore PostgreSql(IServiceProvider services)
    {
        var hosting = services.GetRequiredService<OrleansHostingSettings>();
        if (hosting.MembershipConnectionString is { } membership)
            return PostgreSqlEvidenceStore.ForConnectionString(membership);
        var dataSource = services.GetService<NpgsqlDataSource>()
            ?? throw new InvalidOperationException("Storage:Profile is PostgreSql but the co-hosted silo registered no PostgreSQL data source.");
        return new PostgreSqlEvidenceStore(dataSource);
    }
}
