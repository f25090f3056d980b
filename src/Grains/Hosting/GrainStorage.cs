namespace CivicContracting.Hosting;

/// <summary>Names of the grain storage providers the grains use; hosts register providers under these names.</summary>
public static class GrainStorage
{
    /// <summary>The one durable store of the platform (SQLite by default, PostgreSQL in production).</summary>
    public const string Name = "civic";
}
