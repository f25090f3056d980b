using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace CivicContracting.Deploy.Tests;

/// <summary>Checks of deploy/compose.yaml, parsed with YamlDotNet (merge keys resolved, as Compose does).</summary>
public static class ComposeFile
{
    public const string Path = "deploy/compose.yaml";

    public static Dictionary<string, object?> Parse(string text)
    {
        var deserializer = new DeserializerBuilder().Build();
        var root = deserializer.Deserialize<object>(new MergingParser(new Parser(new StringReader(text))));
        return Map(root) ?? throw new InvalidOperationException("compose.yaml is empty.");
    }

    public static Dictionary<string, object?>? Map(object? node) => node is Dictionary<object, object?> d
        ? d.ToDictionary(kv => Convert.ToString(kv.Key, CultureInfo.InvariantCulture)!, kv => kv.Value)
        : null;

    private static List<object?> List(object? node) => node as List<object?> ?? [];

    private static string? Text(object? node) => node as string;

    /// <summary>The environment of a service as name → value (map or list form).</summary>
    public static Dictionary<string, string?> Environment(Dictionary<string, object?> service)
    {
        var env = service.GetValueOrDefault("environment");
        if (Map(env) is { } map)
            return map.ToDictionary(kv => kv.Key, kv => Text(kv.Value));
        return List(env).Select(e => Text(e) ?? "").Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : null);
    }

    public static List<string> Validate(string text)
    {
        var problems = new List<string>();
        Dictionary<string, object?> root;
        try
        {
            root = Parse(text);
        }
        catch (YamlException ex)
        {
            return [$"compose.yaml does not parse: {ex.Message}"];
        }
        var services = (Map(root.GetValueOrDefault("services")) ?? []).ToDictionary(kv => kv.Key, kv => Map(kv.Value) ?? []);
        string? Dockerfile(Dictionary<string, object?> s) => Text(Map(s.GetValueOrDefault("build"))?.GetValueOrDefault("dockerfile"));
        var silos = services.Where(s => Dockerfile(s.Value) == "deploy/docker/silo.Dockerfile").Select(s => s.Key).ToList();
        var webs = services.Where(s => Dockerfile(s.Value) == "deploy/docker/web.Dockerfile").Select(s => s.Key).ToList();
        var postgres = services.Where(s => Text(s.Value.GetValueOrDefault("image"))?.StartsWith("postgres:", StringComparison.Ordinal) == true).ToList();

        if (postgres.Count != 1 || Text(postgres[0].Value.GetValueOrDefault("image")) != "postgres:15")
            problems.Add("compose.yaml: there must be exactly one PostgreSQL 15 service (image postgres:15).");
        if (silos.Count != 2)
            problems.Add($"compose.yaml: {silos.Count} silo services (built from deploy/docker/silo.Dockerfile); expected 2.");
        if (webs.Count != 1)
            problems.Add($"compose.yaml: {webs.Count} web services (built from deploy/docker/web.Dockerfile); expected 1.");

        foreach (var (name, service) in services)
        {
            if (Map(service.GetValueOrDefault("healthcheck")) is not { } health || List(health.GetValueOrDefault("test")).Count == 0 && Text(health.GetValueOrDefault("test")) is null)
                problems.Add($"compose.yaml: service {name} has no healthcheck.");
            if (Map(service.GetValueOrDefault("build")) is { } build)
            {
                var context = Text(build.GetValueOrDefault("context"));
                if (context != "..")
                    problems.Add($"compose.yaml: service {name} builds from context '{context}', not the repository root ('..').");
                if (Dockerfile(service) is { } df && !Repo.Exists(df))
                    problems.Add($"compose.yaml: service {name} builds {df}, which does not exist.");
            }
            // depends_on with a condition, on services that exist and have health checks.
            if (Map(service.GetValueOrDefault("depends_on")) is { } deps)
            {
                foreach (var (dependency, spec) in deps)
                {
                    if (!services.ContainsKey(dependency))
                        problems.Add($"compose.yaml: {name} depends on unknown service {dependency}.");
                    if (Text(Map(spec)?.GetValueOrDefault("condition")) is not ("service_healthy" or "service_completed_successfully"))
                        problems.Add($"compose.yaml: {name} depends on {dependency} without condition service_healthy.");
                }
            }
            else if (List(service.GetValueOrDefault("depends_on")).Count > 0)
            {
                problems.Add($"compose.yaml: {name} lists depends_on without conditions.");
            }

            foreach (var (variable, value) in Environment(service))
            {
                if (Repo.SettingKey(variable) is { } key && !Repo.IsKnownSetting(key) && !Repo.PendingSettings.Contains(key))
                    problems.Add($"compose.yaml: service {name} sets {variable}, which is not a setting the code reads ({key}).");
                if (variable == "Storage__Profile" && value != "PostgreSql")
                    problems.Add($"compose.yaml: service {name} uses Storage__Profile '{value}'; the cluster needs PostgreSql.");
            }
        }

        foreach (var silo in silos)
        {
            var deps = Map(services[silo].GetValueOrDefault("depends_on")) ?? [];
            if (!deps.ContainsKey(postgres.FirstOrDefault().Key ?? "postgres"))
                problems.Add($"compose.yaml: silo {silo} does not wait for PostgreSQL.");
            var env = Environment(services[silo]);
            if (env.GetValueOrDefault("Storage__Profile") != "PostgreSql" || string.IsNullOrEmpty(env.GetValueOrDefault("Storage__ConnectionString")))
                problems.Add($"compose.yaml: silo {silo} does not use the PostgreSQL profile with a connection string.");
            // A silo advertises an address the others can reach: its fixed address on the compose network.
            var advertised = env.GetValueOrDefault("Orleans__AdvertisedAddress");
            var addresses = (Map(services[silo].GetValueOrDefault("networks")) ?? []).Values
                .Select(n => Text(Map(n)?.GetValueOrDefault("ipv4_address"))).Where(a => a is not null).ToList();
            if (advertised is null || !System.Net.IPAddress.TryParse(advertised, out var ip) || System.Net.IPAddress.IsLoopback(ip))
                problems.Add($"compose.yaml: silo {silo} does not set Orleans__AdvertisedAddress to a non-loopback IP address (got '{advertised}').");
            else if (!addresses.Contains(advertised))
                problems.Add($"compose.yaml: silo {silo} advertises {advertised}, which is not its ipv4_address ({string.Join(", ", addresses)}).");
            var grace = ParseSeconds(Text(services[silo].GetValueOrDefault("stop_grace_period")));
            var shutdown = int.TryParse(env.GetValueOrDefault("DOTNET_SHUTDOWNTIMEOUTSECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 30;
            if (grace <= shutdown)
                problems.Add($"compose.yaml: silo {silo} stop_grace_period ({grace} s) is not longer than its shutdown timeout ({shutdown} s).");
        }

        // The sizing rule, against the max_connections the postgres service runs with.
        var command = List(postgres.FirstOrDefault().Value?.GetValueOrDefault("command")).Select(Text).ToList();
        var maxConnections = command.Select(c => c ?? "").Where(c => c.StartsWith("max_connections=", StringComparison.Ordinal))
            .Select(c => int.Parse(c["max_connections=".Length..], CultureInfo.InvariantCulture)).DefaultIfEmpty(100).First();
        foreach (var silo in silos)
        {
            var env = Environment(services[silo]);
            var pool = int.TryParse(env.GetValueOrDefault("Storage__MaxPoolSize"), CultureInfo.InvariantCulture, out var p) ? p : 20;
            var hosts = int.TryParse(env.GetValueOrDefault("Storage__ExpectedHosts"), CultureInfo.InvariantCulture, out var h) ? h : 1;
            if (hosts < silos.Count + webs.Count)
                problems.Add($"compose.yaml: silo {silo} has Storage__ExpectedHosts {hosts}, but {silos.Count + webs.Count} processes share the database.");
            if (hosts * pool + 3 > maxConnections)
                problems.Add($"compose.yaml: silo {silo}: {hosts} hosts x MaxPoolSize {pool} + 3 reserved exceeds max_connections {maxConnections}.");
        }

        var clusterIds = silos.Concat(webs).Select(s => Environment(services[s]).GetValueOrDefault("Orleans__ClusterId")).Distinct().ToList();
        if (clusterIds.Count != 1 || clusterIds[0] is null)
            problems.Add($"compose.yaml: silos and web must share one Orleans__ClusterId (found {string.Join(", ", clusterIds)}).");

        foreach (var web in webs)
        {
            var env = Environment(services[web]);
            if (env.GetValueOrDefault("Orleans__Mode") != "Client")
                problems.Add($"compose.yaml: web {web} does not run with Orleans__Mode=Client.");
            // Behind a reverse proxy the app must believe its X-Forwarded-For/-Proto (per-address limits, HTTPS):
            // networks in CIDR form, inside the compose network the proxy runs on.
            var proxies = env.Where(kv => Repo.SettingKey(kv.Key) == "Security:TrustedProxies").ToList();
            if (proxies.Count == 0)
                problems.Add($"compose.yaml: web {web} does not set Security__TrustedProxies__0 (the reverse proxy's network).");
            foreach (var (name, value) in proxies)
            {
                if (value is null || !value.Contains('/', StringComparison.Ordinal) || !System.Net.IPNetwork.TryParse(value, out _))
                    problems.Add($"compose.yaml: web {web}: {name} '{value}' is not a network in CIDR form.");
            }
            var gateways = (env.GetValueOrDefault("Orleans__Gateways") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // With the PostgreSQL profile the client reads the gateways from the membership table; it then needs the
            // silos' connection string, and a static list would be ignored.
            var fromMembership = env.GetValueOrDefault("Storage__Profile") == "PostgreSql";
            if (fromMembership)
            {
                var siloConnection = Environment(services[silos[0]]).GetValueOrDefault("Storage__ConnectionString");
                if (env.GetValueOrDefault("Storage__ConnectionString") != siloConnection)
                    problems.Add($"compose.yaml: web {web} reads gateways from membership but does not use the silos' Storage__ConnectionString.");
                if (gateways.Length > 0)
                    problems.Add($"compose.yaml: web {web} reads gateways from membership, so Orleans__Gateways would be ignored: remove it.");
            }
            foreach (var silo in fromMembership ? [] : silos)
            {
                var port = Environment(services[silo]).GetValueOrDefault("Orleans__GatewayPort") ?? "30000";
                if (!gateways.Contains($"{silo}:{port}"))
                    problems.Add($"compose.yaml: web {web} does not list the gateway {silo}:{port} in Orleans__Gateways.");
            }
            foreach (var gateway in gateways.Where(g => !silos.Contains(g.Split(':')[0])))
                problems.Add($"compose.yaml: web {web} lists gateway {gateway}, which is not a silo service.");
            var webDeps = Map(services[web].GetValueOrDefault("depends_on")) ?? [];
            if (!silos.All(webDeps.ContainsKey))
                problems.Add($"compose.yaml: web {web} does not wait for every silo.");
        }
        return problems;
    }

    private static int ParseSeconds(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return 10; // Compose's default
        if (text.EndsWith('s') && int.TryParse(text[..^1], CultureInfo.InvariantCulture, out var s))
            return s;
        if (text.EndsWith('m') && int.TryParse(text[..^1], CultureInfo.InvariantCulture, out var m))
            return m * 60;
        return 0;
    }
}

public class ComposeFileTests
{
    [Fact]
    public void Compose_file_runs_postgres_two_silos_and_one_web_client_with_real_settings()
    {
        var problems = ComposeFile.Validate(Repo.Read(ComposeFile.Path));
        Assert.True(problems.Count == 0, string.Join(System.Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("    Storage__Profile: PostgreSql", "    Storage__Profil: PostgreSql", "Storage__Profil")]
    [InlineData("    Orleans__SiloPort: \"11111\"", "    Orleans__SiloPorts: \"11111\"", "Orleans__SiloPorts")]
    [InlineData("      Storage__Profile: PostgreSql\n      Storage__ConnectionString: \"Host=postgres", "      Storage__Profile: PostgreSql\n      Storage__ConnectionString: \"Host=elsewhere", "does not use the silos' Storage__ConnectionString")]
    [InlineData("      Orleans__Mode: Client", "      Orleans__Mode: CoHosted", "Orleans__Mode=Client")]
    [InlineData("    image: postgres:15", "    image: postgres:16", "PostgreSQL 15")]
    [InlineData("        condition: service_healthy\n\n  web:", "        condition: service_started\n\n  web:", "without condition")]
    [InlineData("  stop_grace_period: 60s ", "  stop_grace_period: 30s ", "stop_grace_period (30 s)")]
    [InlineData("      start_period: 30s\n", "      start_period: 30s\n  extra:\n    image: busybox\n", "service extra has no healthcheck")]
    [InlineData("\"max_connections=100\"", "\"max_connections=50\"", "exceeds max_connections 50")]
    [InlineData("      Security__TrustedProxies__0: \"172.28.0.0/24\"\n", "", "does not set Security__TrustedProxies__0")]
    [InlineData("      Security__TrustedProxies__0: \"172.28.0.0/24\"", "      Security__TrustedProxies__0: \"proxy\"", "not a network in CIDR form")]
    [InlineData("    Storage__ExpectedHosts: \"3\"", "    Storage__ExpectedHosts: \"2\"", "3 processes share")]
    [InlineData("      Orleans__AdvertisedAddress: 172.28.0.12", "      Orleans__AdvertisedAddress: 172.28.0.13", "not its ipv4_address")]
    [InlineData("      Orleans__AdvertisedAddress: 172.28.0.11", "      Orleans__AdvertisedAddress: 127.0.0.1", "non-loopback")]
    public void Validation_fails_on_a_broken_compose_file(string original, string broken, string expected)
    {
        var text = Repo.Read(ComposeFile.Path);
        Assert.Contains(original, text, StringComparison.Ordinal);
        var problems = ComposeFile.Validate(text.Replace(original, broken, StringComparison.Ordinal));
        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
            $"expected a problem containing '{expected}', got:{System.Environment.NewLine}{string.Join(System.Environment.NewLine, problems)}");
    }
}
