using System.Text.Json;
using System.Text.RegularExpressions;

namespace CivicContracting.Deploy.Tests;

/// <summary>Paths in the repository and the configuration keys the code really reads.</summary>
public static partial class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static bool Exists(string relative) => File.Exists(PathOf(relative)) || Directory.Exists(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CivicContracting.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("CivicContracting.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The AssemblyName in a project file: what the container's ENTRYPOINT must start.</summary>
    public static string AssemblyName(string csproj)
    {
        var match = AssemblyNamePattern().Match(Read(csproj));
        Assert.True(match.Success, $"{csproj} has no <AssemblyName>.");
        return match.Groups[1].Value.Trim();
    }

    /// <summary>
    /// Settings that the deployment files use but that the code does not read yet. They are named in the
    /// report and in docs/operations.md; once the code reads them, they come out of this list by themselves
    /// (a key found in the code is never looked up here).
    /// </summary>
    public static readonly IReadOnlySet<string> PendingSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Storage:MaxPoolSize",          // PostgreSQL profile (in progress)
        "Orleans:AdvertisedAddress",    // the silo's published address (PostgreSQL profile, in progress)
    };

    private static readonly Lazy<IReadOnlySet<string>> LazySettings = new(ScanSettings);

    /// <summary>
    /// Every "Section:Key" the code reads: properties of the options classes that declare a SectionName,
    /// keys the Orleans hosting code reads by name, and the keys of the hosts' appsettings.json files.
    /// </summary>
    public static IReadOnlySet<string> KnownSettings => LazySettings.Value;

    public static bool IsKnownSetting(string key) => KnownSettings.Contains(key);

    /// <summary>
    /// "Storage__Profile" → "Storage:Profile"; null when the name is not a hierarchical setting. An array element
    /// ("Security__TrustedProxies__0") names its array's key ("Security:TrustedProxies").
    /// </summary>
    public static string? SettingKey(string environmentName) =>
        environmentName.Contains("__", StringComparison.Ordinal)
            ? ArrayIndexPattern().Replace(environmentName.Replace("__", ":", StringComparison.Ordinal), "")
            : null;

    private static HashSet<string> ScanSettings()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sources = Directory.EnumerateFiles(PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var file in sources)
        {
            var text = File.ReadAllText(file);
            // Each class body runs from its declaration to the next type declaration in the file.
            var declarations = TypeDeclarationPattern().Matches(text).Select(m => m.Index).Append(text.Length).ToList();
            for (var i = 0; i < declarations.Count - 1; i++)
            {
                var body = text[declarations[i]..declarations[i + 1]];
                // Keys read by a named constant (e.g. MetricsAccess.TokenKey = "Telemetry:MetricsToken").
                foreach (Match constant in KeyConstantPattern().Matches(body))
                    keys.Add(constant.Groups[1].Value);
                var section = SectionNamePattern().Match(body);
                if (!section.Success)
                    continue;
                foreach (Match property in PropertyPattern().Matches(body))
                    keys.Add($"{section.Groups[1].Value}:{property.Groups[1].Value}");
            }
        }

        // Keys the web host's Orleans settings read by name (section["Mode"], GetSection("Gateways"), ...).
        var orleansHosting = Read("src/Web/Hosting/OrleansHosting.cs");
        foreach (Match m in IndexerPattern().Matches(orleansHosting))
            keys.Add($"Orleans:{m.Groups[1].Value}");

        foreach (var appsettings in new[] { "src/Silo/appsettings.json", "src/Web/appsettings.json" })
        {
            using var document = JsonDocument.Parse(Read(appsettings));
            Flatten(document.RootElement, "", keys);
        }
        return keys;
    }

    private static void Flatten(JsonElement element, string prefix, HashSet<string> keys)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return;
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}";
            keys.Add(key);
            Flatten(property.Value, key, keys);
        }
    }

    [GeneratedRegex(@"(?::[0-9]+)+$")]
    private static partial Regex ArrayIndexPattern();

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNamePattern();

    [GeneratedRegex(@"\b(?:class|record|struct)\s+\w+")]
    private static partial Regex TypeDeclarationPattern();

    [GeneratedRegex(@"const\s+string\s+\w*Key\s*=\s*""(\w+:\w+)""")]
    private static partial Regex KeyConstantPattern();

    [GeneratedRegex(@"const\s+string\s+SectionName\s*=\s*""(\w+)""")]
    private static partial Regex SectionNamePattern();

    [GeneratedRegex(@"public\s+(?!static|const)[\w<>?,\[\]\s.]+?\s+(\w+)\s*\{\s*get;\s*(?:set|init);")]
    private static partial Regex PropertyPattern();

    [GeneratedRegex(@"(?:section\[""|GetSection\("")(\w+)""")]
    private static partial Regex IndexerPattern();
}
