using System.Text.RegularExpressions;

namespace CivicContracting.Deploy.Tests;

/// <summary>One Dockerfile, parsed into instructions (continuation lines joined, comments dropped).</summary>
public sealed partial class Dockerfile
{
    public const string SiloPath = "deploy/docker/silo.Dockerfile";
    public const string WebPath = "deploy/docker/web.Dockerfile";

    public Dockerfile(string text)
    {
        var joined = ContinuationPattern().Replace(text, " ");
        Instructions = joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var space = l.IndexOf(' ', StringComparison.Ordinal);
                return space < 0 ? (l.ToUpperInvariant(), "") : (l[..space].ToUpperInvariant(), l[(space + 1)..].Trim());
            })
            .ToList();
    }

    public IReadOnlyList<(string Op, string Args)> Instructions { get; }

    /// <summary>The instructions of the last stage (the image that ships).</summary>
    public IReadOnlyList<(string Op, string Args)> FinalStage => Instructions.Skip(Instructions.ToList().FindLastIndex(i => i.Op == "FROM")).ToList();

    public IEnumerable<string> Args(string op) => Instructions.Where(i => i.Op == op).Select(i => i.Args);

    public static Dockerfile Load(string path) => new(Repo.Read(path));

    /// <summary>The structural rules for a .NET service image; returns what is wrong (empty when nothing).</summary>
    public static List<string> Validate(string name, string text, string csproj, IReadOnlyCollection<int> ports)
    {
        var problems = new List<string>();
        var file = new Dockerfile(text);
        var froms = file.Args("FROM").ToList();
        if (froms.Count < 2)
            problems.Add($"{name}: not multi-stage ({froms.Count} FROM).");
        if (!froms.Any(f => f.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 ", StringComparison.OrdinalIgnoreCase) && f.Contains(" AS ", StringComparison.OrdinalIgnoreCase)))
            problems.Add($"{name}: no named build stage FROM mcr.microsoft.com/dotnet/sdk:10.0.");
        if (froms.Count > 0 && !froms[^1].StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.OrdinalIgnoreCase))
            problems.Add($"{name}: the final stage is '{froms[^1]}', not the ASP.NET Core runtime image mcr.microsoft.com/dotnet/aspnet:10.0.");

        var final = file.FinalStage;
        var lastUser = final.LastOrDefault(i => i.Op == "USER").Args;
        if (lastUser is not ("app" or "1654" or "app:app" or "1654:1654"))
            problems.Add($"{name}: the final stage does not run as the non-root user app/1654 (USER '{lastUser}').");
        if (final.Any(i => i.Op == "RUN"))
            problems.Add($"{name}: the runtime stage runs commands; keep it to COPY --from=build so the image stays small.");
        if (!final.Any(i => i.Op == "COPY" && i.Args.Contains("--from=build", StringComparison.Ordinal)))
            problems.Add($"{name}: the runtime stage does not copy the published app from the build stage.");

        // Restore before the sources are copied, so the package layer is cached.
        var ops = file.Instructions.ToList();
        var restore = ops.FindIndex(i => i.Op == "RUN" && i.Args.Contains("dotnet restore", StringComparison.Ordinal));
        var firstSourceCopy = ops.FindIndex(i => i.Op == "COPY" && !i.Args.Contains("--from", StringComparison.Ordinal)
            && !i.Args.Split(' ')[0].EndsWith(".csproj", StringComparison.Ordinal) && !i.Args.Contains(".props", StringComparison.Ordinal));
        if (restore < 0 || (firstSourceCopy >= 0 && firstSourceCopy < restore))
            problems.Add($"{name}: 'dotnet restore' must run on the project files before the sources are copied (layer caching).");

        var publish = file.Args("RUN").FirstOrDefault(a => a.Contains("dotnet publish", StringComparison.Ordinal));
        if (publish is null || !publish.Contains("-c Release", StringComparison.Ordinal))
            problems.Add($"{name}: no 'dotnet publish ... -c Release'.");
        else if (!publish.Contains(csproj, StringComparison.Ordinal))
            problems.Add($"{name}: publishes something other than {csproj}.");

        // Every COPY source from the build context exists in the repository.
        foreach (var copy in file.Args("COPY").Where(a => !a.Contains("--from", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
            foreach (var source in parts.Take(parts.Count - 1))
            {
                if (!Repo.Exists(source.TrimEnd('/')))
                    problems.Add($"{name}: COPY source '{source}' does not exist in the repository.");
            }
        }

        var entrypoint = file.Args("ENTRYPOINT").LastOrDefault() ?? "";
        var expectedDll = Repo.AssemblyName(csproj) + ".dll";
        if (!Regex.IsMatch(entrypoint, @"^\[\s*""dotnet""\s*,\s*""" + Regex.Escape(expectedDll) + @"""\s*\]$"))
            problems.Add($"{name}: ENTRYPOINT {entrypoint} does not start {expectedDll} (the AssemblyName in {csproj}) in exec form.");

        var exposed = file.Args("EXPOSE").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        foreach (var port in ports.Where(p => !exposed.Contains(p)))
            problems.Add($"{name}: port {port} is not EXPOSEd.");

        // Without a setting the hosts listen on localhost only; the image sets the standard variable (which an operator's
        // ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS replaces), never Urls, which would override ASPNETCORE_HTTP_PORTS silently.
        var environment = file.Args("ENV").ToList();
        if (!environment.Any(e => e.Contains("ASPNETCORE_HTTP_PORTS=8080", StringComparison.Ordinal)))
            problems.Add($"{name}: ENV ASPNETCORE_HTTP_PORTS=8080 is missing (without it the host listens on localhost only).");
        if (environment.Any(e => Regex.IsMatch(e, @"(^|\s)(Urls|ASPNETCORE_URLS)=")))
            problems.Add($"{name}: ENV sets Urls or ASPNETCORE_URLS, which silently overrides an operator's ASPNETCORE_HTTP_PORTS; set ASPNETCORE_HTTP_PORTS=8080 instead.");
        return problems;
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex ContinuationPattern();
}

public class DockerfileTests
{
    public static readonly int[] SiloPorts = [8080, 11111, 30000];
    public static readonly int[] WebPorts = [8080];

    [Fact]
    public void Silo_image_is_multi_stage_non_root_and_starts_the_silo_assembly() =>
        Assert.Empty(Dockerfile.Validate("silo", Repo.Read(Dockerfile.SiloPath), "src/Silo/Silo.csproj", SiloPorts));

    [Fact]
    public void Web_image_is_multi_stage_non_root_and_starts_the_web_assembly() =>
        Assert.Empty(Dockerfile.Validate("web", Repo.Read(Dockerfile.WebPath), "src/Web/Web.csproj", WebPorts));

    [Fact]
    public void Web_image_runs_as_an_orleans_client()
    {
        var env = Dockerfile.Load(Dockerfile.WebPath).Args("ENV");
        Assert.Contains(env, e => e.Contains("Orleans__Mode=Client", StringComparison.Ordinal));
        Assert.Contains(OrleansModes(), m => m == "Client");
    }

    [Fact]
    public void Images_copy_every_project_the_published_project_references()
    {
        foreach (var (dockerfile, csproj) in new[] { (Dockerfile.SiloPath, "src/Silo/Silo.csproj"), (Dockerfile.WebPath, "src/Web/Web.csproj") })
        {
            var text = Repo.Read(dockerfile);
            foreach (var project in ProjectClosure(csproj))
            {
                Assert.Contains($"COPY {project} ", text, StringComparison.Ordinal);
                Assert.Contains($"COPY {Path.GetDirectoryName(project)!.Replace('\\', '/')}/ ", text, StringComparison.Ordinal);
            }
            // The silo embeds the schema scripts under deploy/.
            Assert.Contains("COPY deploy/ deploy/", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_web_image_copies_the_files_outside_its_project_that_the_web_project_embeds()
    {
        // The open feed's JSON Schemas are embedded from docs/open-civic-commitments/schemas (docs/ is otherwise left out).
        var folders = Regex.Matches(Repo.Read("src/Web/Web.csproj"), @"<EmbeddedResource\s+Include=""\.\.\\\.\.\\(?<path>[^""*]+)\\[^""\\]*""")
            .Select(m => m.Groups["path"].Value.Replace('\\', '/') + "/").ToList();
        Assert.Contains("docs/open-civic-commitments/schemas/", folders);
        var text = Repo.Read(Dockerfile.WebPath);
        var ignore = Repo.Read(Dockerfile.WebPath + ".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
        foreach (var folder in folders)
        {
            Assert.Contains($"COPY {folder} {folder}", text, StringComparison.Ordinal);
            Assert.Contains($"!{folder}", ignore);
        }
    }

    [Fact]
    public void Dockerignore_files_keep_build_output_and_local_data_out_of_the_context()
    {
        foreach (var dockerfile in new[] { Dockerfile.SiloPath, Dockerfile.WebPath })
        {
            var ignore = Repo.Read(dockerfile + ".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
            Assert.Contains("**/bin/", ignore);
            Assert.Contains("**/obj/", ignore);
            Assert.Contains("**/data/", ignore);
            Assert.DoesNotContain("deploy/", ignore); // deploy/sqlite and deploy/postgresql are embedded
            Assert.DoesNotContain("src/", ignore);
        }
    }

    [Theory]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS runtime", "runtime image")]
    [InlineData("USER app", "USER root", "non-root")]
    [InlineData("\"CivicContracting.Silo.dll\"", "\"Silo.dll\"", "does not start CivicContracting.Silo.dll")]
    [InlineData("COPY src/Grains/Grains.csproj src/Grains/", "COPY src/Grain/Grains.csproj src/Grains/", "does not exist")]
    [InlineData("EXPOSE 8080 11111 30000", "EXPOSE 8080", "port 30000")]
    [InlineData("ASPNETCORE_HTTP_PORTS=8080", "X=1", "ASPNETCORE_HTTP_PORTS=8080 is missing")]
    [InlineData("ASPNETCORE_HTTP_PORTS=8080", "ASPNETCORE_HTTP_PORTS=8080 Urls=http://+:8080", "silently overrides")]
    public void Validation_fails_on_a_broken_silo_dockerfile(string original, string broken, string expected)
    {
        var text = Repo.Read(Dockerfile.SiloPath);
        Assert.Contains(original, text, StringComparison.Ordinal);
        var problems = Dockerfile.Validate("silo", text.Replace(original, broken, StringComparison.Ordinal), "src/Silo/Silo.csproj", SiloPorts);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    private static IEnumerable<string> OrleansModes() =>
        Regex.Matches(Repo.Read("src/Web/Hosting/OrleansHosting.cs"), @"enum OrleansMode\s*\{(?<body>[^}]*)\}").Single().Groups["body"].Value
            .Split('\n').Select(l => l.Trim().TrimEnd(',')).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal));

    /// <summary>The project file and every project it references, transitively (repository-relative paths).</summary>
    internal static IEnumerable<string> ProjectClosure(string csproj)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([csproj]);
        while (queue.Count > 0)
        {
            var project = queue.Dequeue();
            if (!seen.Add(project))
                continue;
            var dir = Path.GetDirectoryName(project)!;
            foreach (Match m in Regex.Matches(Repo.Read(project), @"<ProjectReference\s+Include=""([^""]+)"""))
            {
                var full = Path.GetFullPath(Path.Combine(Repo.Root, dir, m.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar)));
                queue.Enqueue(Path.GetRelativePath(Repo.Root, full).Replace('\\', '/'));
            }
        }
        return seen;
    }
}
