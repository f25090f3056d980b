namespace CivicContracting.Tests.Support;

/// <summary>Where the tests find the repository's files (texts, pinned npm tools, manifests).</summary>
public static class Repository
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds CivicContracting.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CivicContracting.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No CivicContracting.sln above {AppContext.BaseDirectory}.");
    }
}
