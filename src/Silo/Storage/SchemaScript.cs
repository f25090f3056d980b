using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace CivicContracting.Silo.Storage;

/// <summary>One numbered schema script (<c>NNNN-what-it-does.sql</c>) embedded from deploy/&lt;database&gt;/.</summary>
public sealed record SchemaScript(int Version, string Name, string Sql)
{
    /// <summary>Recorded with the version, so a released script that changed afterwards is noticed.</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>The scripts embedded under <paramref name="resourcePrefix"/>, in version order; misnamed or clashing scripts fail loudly.</summary>
    public static IReadOnlyList<SchemaScript> LoadEmbedded(Assembly assembly, string resourcePrefix, string sourceFolder)
    {
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = resource[resourcePrefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0)
                throw new InvalidOperationException($"Schema script '{name}' must be named 'NNNN-what-it-does.sql' with a positive number NNNN.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new SchemaScript(version, name, reader.ReadToEnd()));
        }
        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Schema scripts {string.Join(" and ", duplicate.Select(s => s.Name))} share version {duplicate.Key}.");
        if (scripts.Count == 0)
            throw new InvalidOperationException($"No schema scripts are embedded in {assembly.GetName().Name}; the build should embed {sourceFolder}/*.sql.");
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        return scripts;
    }
}
