using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace CivicContracting.Deploy.Tests.Observability;

/// <summary>
/// The Grafana dashboard (deploy/grafana) and the Prometheus alert rules (deploy/prometheus/alerts.yaml), parsed, and
/// the Prometheus names of the metrics the product really exports: our instruments as the code declares them (name and
/// unit, turned into Prometheus names the way OpenTelemetry's Prometheus exporter does), ASP.NET Core's request
/// duration (when the web host enables ASP.NET Core's metrics) and the Orleans runtime's instrument names (read from
/// the Orleans assemblies).
/// </summary>
public static partial class Monitoring
{
    public const string DashboardPath = "deploy/grafana/civic-contracting.json";
    public const string AlertsPath = "deploy/prometheus/alerts.yaml";

    public sealed record Alert(string Name, string Expr, IReadOnlyDictionary<string, string> Annotations, IReadOnlyDictionary<string, string> Labels);

    public static List<Alert> ParseAlerts(string yaml)
    {
        var root = new DeserializerBuilder().Build().Deserialize<Dictionary<string, List<Dictionary<string, object>>>>(yaml);
        return root["groups"]
            .SelectMany(g => (List<object>)g["rules"])
            .Cast<Dictionary<object, object>>()
            .Select(r => new Alert(
                (string)r["alert"],
                (string)r["expr"],
                Strings(r.GetValueOrDefault("annotations")),
                Strings(r.GetValueOrDefault("labels"))))
            .ToList();
    }

    private static Dictionary<string, string> Strings(object? node) =>
        (node as Dictionary<object, object> ?? []).ToDictionary(kv => (string)kv.Key, kv => Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");

    /// <summary>Every PromQL expression of the dashboard's panels (and their nested rows).</summary>
    public static List<(string Panel, string Expr)> DashboardQueries(string json)
    {
        using var document = JsonDocument.Parse(json);
        var queries = new List<(string, string)>();
        void Visit(JsonElement panels)
        {
            foreach (var panel in panels.EnumerateArray())
            {
                var title = panel.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
                if (panel.TryGetProperty("targets", out var targets))
                {
                    foreach (var target in targets.EnumerateArray())
                    {
                        if (target.TryGetProperty("expr", out var expr))
                            queries.Add((title, expr.GetString() ?? ""));
                    }
                }
                if (panel.TryGetProperty("panels", out var nested))
                    Visit(nested);
            }
        }
        Visit(document.RootElement.GetProperty("panels"));
        return queries;
    }

    private static readonly HashSet<string> PromQlKeywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    };

    /// <summary>The metric names a PromQL expression selects (not its functions, labels, keywords or durations).</summary>
    public static HashSet<string> MetricNames(string promQl)
    {
        var text = StringLiteral().Replace(promQl, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeOrSubquery().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !text[(m.Index + m.Length)..].TrimStart().StartsWith('(')) // a function call
            .Select(m => m.Value)
            .Where(n => !PromQlKeywords.Contains(n.ToLowerInvariant()))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static readonly Lazy<IReadOnlySet<string>> LazyExported = new(ScanExported);

    /// <summary>Every series name the product's /metrics can show.</summary>
    public static IReadOnlySet<string> Exported => LazyExported.Value;

    private static HashSet<string> ScanExported()
    {
        var sources = Directory.EnumerateFiles(Repo.PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (Match m in StringConstant().Matches(source))
                constants[m.Groups[1].Value] = m.Groups[2].Value;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (Match m in InstrumentCreation().Matches(source))
            {
                var kind = m.Groups[1].Value;
                var nameArgument = m.Groups[2].Value;
                var name = nameArgument.StartsWith('"') ? nameArgument.Trim('"') : constants.GetValueOrDefault(nameArgument.Split('.')[^1]);
                if (name is null)
                    continue;
                // The unit: the first string literal after the name (after the callback for observable instruments).
                var unit = StringLiteral().Match(source, m.Index + m.Length) is { Success: true } u ? u.Value.Trim('"') : "";
                var baseName = PrometheusName(name) + UnitSuffix(unit);
                if (kind.EndsWith("Counter", StringComparison.Ordinal) && !kind.Contains("UpDown", StringComparison.Ordinal))
                    names.Add(baseName + "_total");
                else if (kind == "Histogram")
                    names.UnionWith([baseName + "_bucket", baseName + "_sum", baseName + "_count"]);
                else
                    names.Add(baseName);
            }
        }

        // ASP.NET Core's own meters (http.server.request.duration, seconds), exported when the web host enables them.
        if (Repo.Read("src/Web/Program.cs").Contains("metrics.AddAspNetCoreInstrumentation()", StringComparison.Ordinal))
            names.UnionWith(["http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_sum", "http_server_request_duration_seconds_count"]);

        // The Orleans runtime's instruments (meter Microsoft.Orleans, enabled in Telemetry.cs): their names are constants
        // of the Orleans assemblies. Only gauges are used bare; counters would carry _total.
        if (Repo.Read("src/Silo/Hosting/Telemetry.cs").Contains(".AddMeter(OrleansMeter)", StringComparison.Ordinal))
        {
            foreach (var assembly in new[] { "Orleans.Core", "Orleans.Runtime" }.Select(Assembly.Load))
            {
                Type?[] types;
                try
                {
                    types = assembly.GetTypes();
                }
                catch (ReflectionTypeLoadException partial)
                {
                    types = partial.Types;
                }
                foreach (var field in types.Where(t => t is not null).SelectMany(t => t!.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)))
                {
                    if (field.IsLiteral && field.FieldType == typeof(string) && field.GetRawConstantValue() is string value && value.StartsWith("orleans-", StringComparison.Ordinal))
                        names.Add(PrometheusName(value));
                }
            }
        }
        return names;
    }

    public static string PrometheusName(string instrument) => instrument.Replace('.', '_').Replace('-', '_');

    private static string UnitSuffix(string unit) => unit switch
    {
        "ms" => "_milliseconds",
        "s" => "_seconds",
        "By" => "_bytes",
        "1" => "_ratio",
        _ => "", // annotations such as {report} are dropped
    };

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"const\s+string\s+(\w+)\s*=\s*""([^""]+)""")]
    private static partial Regex StringConstant();

    [GeneratedRegex(@"\.Create(Counter|Histogram|UpDownCounter|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)\s*(?:<[^>(]+>)?\s*\(\s*([\w.]+|""[^""]+"")\s*,")]
    private static partial Regex InstrumentCreation();
}
