namespace CivicContracting.Web.Tests.Architecture;

/// <summary>
/// The boundaries between the projects, checked on the compiled assemblies (every type named in signatures and method
/// bodies, see <see cref="AssemblyDependencies"/>): the web host knows the grains only through Grains.Abstractions and
/// the silo only through its hosting entry point, the grain assemblies know no host, and no folder (namespace) of an
/// assembly depends on another that depends on it again.
/// </summary>
public sealed class BoundaryTests
{
    private const string Web = "CivicContracting.Web";
    private const string Silo = "CivicContracting.Silo";
    private const string Grains = "CivicContracting.Grains";
    private const string Abstractions = "CivicContracting.Grains.Abstractions";

    /// <summary>
    /// The types declared in src/Web/Hosting/OrleansHosting.cs, the one place where the web host starts or joins the
    /// silo; everything else in the web host reaches the silo through them.
    /// </summary>
    private static readonly HashSet<string> SiloEntryPoint =
    [
        "CivicContracting.Web.Hosting.OrleansHosting",
        "CivicContracting.Web.Hosting.OrleansHostingSettings",
    ];

    [Fact]
    public void Web_names_no_type_of_the_grain_implementations()
    {
        var uses = Uses(Web).Where(u => u.To.Assembly == Grains);

        AssertNone(uses, $"{Web} must reach the grains through {Abstractions} only (grain interfaces, messages, limits, the clock)");
    }

    [Fact]
    public void Web_names_silo_types_only_in_its_hosting_entry_point()
    {
        var uses = Uses(Web).Where(u => u.To.Assembly == Silo && !SiloEntryPoint.Contains(u.From.FullName));

        AssertNone(uses, $"{Web} may name {Silo} types only in {string.Join(" and ", SiloEntryPoint)} (src/Web/Hosting/OrleansHosting.cs)");
    }

    [Theory]
    [InlineData(Grains)]
    [InlineData(Abstractions)]
    public void Grain_assemblies_name_no_host_type(string assembly)
    {
        var uses = Uses(assembly).Where(u => u.To.Assembly is Web or Silo);

        AssertNone(uses, $"{assembly} must not know the hosts ({Web}, {Silo})");
    }

    [Theory]
    [InlineData(Web)]
    [InlineData(Grains)]
    [InlineData(Abstractions)]
    [InlineData(Silo)]
    public void Namespaces_do_not_depend_on_each_other_in_a_cycle(string assembly)
    {
        var graph = NamespaceGraph.Of(Uses(assembly), assembly);

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0,
            $"Namespaces of {assembly} that depend on each other in a cycle (move the type to the folder it belongs to):\n" +
            string.Join("\n", cycles.Select(graph.Describe)));
    }

    [Fact]
    public void The_scanner_sees_uses_inside_method_bodies()
    {
        // A guard for the scanner itself: this method names a Grains type only in its body (a typeof that is used, so
        // the compiler keeps it).
        var grain = typeof(CivicContracting.Commitments.CommitmentGrain);

        Assert.Equal("CommitmentGrain", grain.Name);
        Assert.Contains(Uses("CivicContracting.Web.Tests"), u =>
            u.From.FullName == typeof(BoundaryTests).FullName && u.To.FullName == "CivicContracting.Commitments.CommitmentGrain" && u.To.Assembly == Grains);
    }

    private static IReadOnlyList<TypeUse> Uses(string assembly) =>
        AssemblyDependencies.Read(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));

    private static void AssertNone(IEnumerable<TypeUse> uses, string rule)
    {
        var offending = uses
            .GroupBy(u => (u.From.FullName, u.To.FullName))
            .Select(g => $"  {g.First()}{(g.Count() > 1 ? $" (and {g.Count() - 1} more places)" : "")}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offending.Count == 0, $"{rule}; these uses break it:\n{string.Join("\n", offending)}");
    }
}
