using System.Globalization;
using k8s;
using k8s.Models;

namespace CivicContracting.Deploy.Tests;

/// <summary>
/// Offline checks of deploy/kubernetes/*.yaml. KubernetesClient parses every document into its typed model in
/// strict mode (an unknown or misspelled field is an error, a wrong type too); the rules below then check what a
/// schema cannot: probes, non-root, resources, grace period, selectors, references and settings names.
/// </summary>
public static partial class KubernetesManifests
{
    public const string Directory = "deploy/kubernetes";
    public const string Namespace = "civic-contracting";
    public const int NonRootUid = 1654;

    /// <summary>Examples that are deliberately NOT applied (the placeholder Secret): `kubectl apply -f deploy/kubernetes/` does not recurse.</summary>
    public const string ExamplesDirectory = "deploy/kubernetes/examples";

    /// <summary>The Secrets the pods expect to exist (created out of band), as the examples document them.</summary>
    public static List<V1Secret> ExampleSecrets() => System.IO.Directory.EnumerateFiles(Repo.PathOf(ExamplesDirectory), "*.yaml")
        .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f), strict: true))
        .OfType<V1Secret>()
        .ToList();

    /// <summary>The manifest files, by file name.</summary>
    public static Dictionary<string, string> Files() => System.IO.Directory.EnumerateFiles(Repo.PathOf(Directory), "*.yaml")
        .OrderBy(f => f, StringComparer.Ordinal)
        .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    /// <param name="files">The applied manifests, by file name.</param>
    /// <param name="secrets">The Secrets created out of band (default: those of <see cref="ExamplesDirectory"/>).</param>
    public static List<string> Validate(IReadOnlyDictionary<string, string> files, IReadOnlyList<V1Secret>? secrets = null)
    {
        var problems = new List<string>();
        var objects = new List<(string File, IKubernetesObject<V1ObjectMeta> Object)>();
        foreach (var (file, text) in files)
        {
            List<object> parsed;
            try
            {
                parsed = KubernetesYaml.LoadAllFromString(text, strict: true);
            }
            catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException or FormatException)
            {
                problems.Add($"{file}: does not parse as Kubernetes objects: {ex.Message} {ex.InnerException?.Message}");
                continue;
            }
            foreach (var o in parsed)
            {
                if (o is IKubernetesObject<V1ObjectMeta> k)
                    objects.Add((file, k));
                else
                    problems.Add($"{file}: a document of type {o?.GetType().Name ?? "null"} is not a Kubernetes object with metadata.");
            }
        }
        if (problems.Count > 0)
            return problems;

        CheckMetadata(objects, problems);
        var configMaps = objects.Select(o => o.Object).OfType<V1ConfigMap>().ToList();
        // A Secret in the applied folder would overwrite the real one with its placeholders on every apply.
        foreach (var (file, secret) in objects.Where(o => o.Object is V1Secret))
            problems.Add($"{file}: Secret {secret.Metadata.Name} is in the applied folder; `kubectl apply -f {Directory}/` would overwrite the real one. Keep it in {ExamplesDirectory}/.");
        var outOfBand = (secrets ?? ExampleSecrets()).ToList();
        var shutdownTimeout = ShutdownTimeoutSeconds(configMaps);

        var workloads = new List<(string Name, V1PodTemplateSpec Template, bool LongRunning)>();
        foreach (var d in objects.Select(o => o.Object).OfType<V1Deployment>())
        {
            var name = $"Deployment {d.Metadata.Name}";
            if (d.Spec?.Template?.Spec is null || d.Spec.Selector is null)
            {
                problems.Add($"{name}: no selector or pod template.");
                continue;
            }
            if (!Selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata?.Labels))
                problems.Add($"{name}: its selector does not match its pod template's labels.");
            if (d.Spec.Strategy?.RollingUpdate?.MaxUnavailable?.ToString() is not "0")
                problems.Add($"{name}: a rolling update must keep every replica serving (maxUnavailable: 0).");
            workloads.Add((name, d.Spec.Template, true));
        }
        foreach (var j in objects.Select(o => o.Object).OfType<V1Job>())
        {
            if (j.Spec?.Template?.Spec is null)
                problems.Add($"Job {j.Metadata.Name}: no pod template.");
            else
                workloads.Add(($"Job {j.Metadata.Name}", j.Spec.Template, false));
        }

        foreach (var (name, template, longRunning) in workloads)
            CheckPod(name, template, longRunning, shutdownTimeout, configMaps, outOfBand, problems);

        CheckServices(objects.Select(o => o.Object).OfType<V1Service>(), workloads, problems);
        CheckSilo(objects.Select(o => o.Object).ToList(), problems);
        CheckSettings(configMaps, outOfBand, workloads, problems);
        var autoscalers = objects.Select(o => o.Object).OfType<V2HorizontalPodAutoscaler>().ToList();
        CheckConnectionBudget(objects.Select(o => o.Object).OfType<V1Deployment>().ToList(), autoscalers, configMaps, problems);
        var all = objects.Select(o => o.Object).ToList();
        CheckWebAvailability(all, problems);
        CheckIngress(all, problems);
        CheckTrustedProxies(all, configMaps, problems);
        CheckNetworkPolicies(all, problems);
        return problems;
    }

    private static void CheckMetadata(List<(string File, IKubernetesObject<V1ObjectMeta> Object)> objects, List<string> problems)
    {
        if (!objects.Any(o => o.Object is V1Namespace { Metadata.Name: Namespace }))
            problems.Add($"No Namespace '{Namespace}'.");
        foreach (var (file, o) in objects)
        {
            if (string.IsNullOrEmpty(o.ApiVersion) || string.IsNullOrEmpty(o.Kind) || string.IsNullOrEmpty(o.Metadata?.Name))
                problems.Add($"{file}: an object without apiVersion, kind or metadata.name.");
            else if (o is not V1Namespace && o.Metadata.NamespaceProperty != Namespace)
                problems.Add($"{file}: {o.Kind} {o.Metadata.Name} is not in namespace {Namespace}.");
        }
        var duplicates = objects.GroupBy(o => (o.Object.Kind, o.Object.Metadata?.Name)).Where(g => g.Count() > 1);
        foreach (var d in duplicates)
            problems.Add($"{d.Key.Kind} {d.Key.Name} is defined {d.Count()} times.");
    }

    private static void CheckPod(string name, V1PodTemplateSpec template, bool longRunning, int shutdownTimeout,
        List<V1ConfigMap> configMaps, List<V1Secret> secrets, List<string> problems)
    {
        var pod = template.Spec;
        var podSecurity = pod.SecurityContext;
        if (podSecurity?.RunAsNonRoot != true)
            problems.Add($"{name}: the pod does not set runAsNonRoot: true.");
        if (podSecurity?.RunAsUser is { } uid && uid != NonRootUid)
            problems.Add($"{name}: runAsUser {uid} is not the images' app user ({NonRootUid}).");
        if (pod.AutomountServiceAccountToken != false)
            problems.Add($"{name}: the pod mounts a service account token it does not need.");

        var volumes = pod.Volumes?.ToDictionary(v => v.Name) ?? [];
        if (longRunning)
        {
            var preStopSleep = pod.Containers.Max(c => c.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0);
            if (pod.TerminationGracePeriodSeconds is not { } grace)
                problems.Add($"{name}: no terminationGracePeriodSeconds (the default 30 s is shorter than the host's shutdown timeout of {shutdownTimeout} s).");
            else if (grace <= shutdownTimeout + preStopSleep)
                problems.Add($"{name}: terminationGracePeriodSeconds {grace} is not longer than the host's shutdown timeout ({shutdownTimeout} s) plus the preStop pause ({preStopSleep} s).");
        }

        foreach (var c in pod.Containers)
        {
            var where = $"{name}, container {c.Name}";
            if (string.IsNullOrEmpty(c.Image) || !c.Image.Contains(':', StringComparison.Ordinal) || c.Image.EndsWith(":latest", StringComparison.Ordinal))
                problems.Add($"{where}: image '{c.Image}' has no fixed tag.");
            if (c.Command is { Count: > 0 })
                problems.Add($"{where}: overrides the image's ENTRYPOINT (command); pass arguments with args instead.");

            var security = c.SecurityContext;
            if (security?.AllowPrivilegeEscalation != false)
                problems.Add($"{where}: allowPrivilegeEscalation is not false.");
            if (security?.ReadOnlyRootFilesystem != true)
                problems.Add($"{where}: readOnlyRootFilesystem is not true.");
            if (security?.Capabilities?.Drop?.Contains("ALL") != true)
                problems.Add($"{where}: does not drop ALL capabilities.");
            if (security?.RunAsUser is { } cuid && cuid == 0)
                problems.Add($"{where}: runs as root.");
            // .NET writes to /tmp (diagnostics IPC, temp files): with a read-only root it needs a writable volume there.
            var tmp = c.VolumeMounts?.FirstOrDefault(m => m.MountPath == "/tmp");
            if (tmp is null || !volumes.TryGetValue(tmp.Name, out var tmpVolume) || tmpVolume.EmptyDir is null)
                problems.Add($"{where}: no emptyDir mounted at /tmp (the root filesystem is read-only).");

            CheckResources(where, c.Resources, problems);

            if (longRunning)
            {
                var ports = c.Ports?.Select(p => (string?)p.Name).Where(n => n is not null).ToHashSet() ?? [];
                CheckProbe(where, "startupProbe", c.StartupProbe, "/health/startup", ports, problems);
                CheckProbe(where, "livenessProbe", c.LivenessProbe, "/health/live", ports, problems);
                CheckProbe(where, "readinessProbe", c.ReadinessProbe, "/health/ready", ports, problems);
            }

            foreach (var source in c.EnvFrom ?? [])
            {
                if (source.ConfigMapRef is { } cm && !configMaps.Any(m => m.Metadata.Name == cm.Name))
                    problems.Add($"{where}: envFrom names ConfigMap '{cm.Name}', which is not defined.");
                if (source.SecretRef is { } sr && !secrets.Any(s => s.Metadata.Name == sr.Name))
                    problems.Add($"{where}: envFrom names Secret '{sr.Name}', which is not defined.");
            }
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (var env in c.Env ?? [])
            {
                if (env.ValueFrom?.SecretKeyRef is { } sk && !secrets.Any(s => s.Metadata.Name == sk.Name && (s.StringData?.ContainsKey(sk.Key) == true || s.Data?.ContainsKey(sk.Key) == true)))
                    problems.Add($"{where}: env {env.Name} reads key '{sk.Key}' of Secret '{sk.Name}', which is not defined.");
                if (env.ValueFrom?.ConfigMapKeyRef is { } ck && !configMaps.Any(m => m.Metadata.Name == ck.Name && m.Data?.ContainsKey(ck.Key) == true))
                    problems.Add($"{where}: env {env.Name} reads key '{ck.Key}' of ConfigMap '{ck.Name}', which is not defined.");
                // $(VAR) expands only variables defined earlier in the same list.
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(env.Value ?? "", @"\$\((\w+)\)"))
                {
                    if (!defined.Contains(m.Groups[1].Value))
                        problems.Add($"{where}: env {env.Name} uses $({m.Groups[1].Value}) before it is defined.");
                }
                defined.Add(env.Name);
            }
        }
    }

    private static void CheckProbe(string where, string kind, V1Probe? probe, string path, HashSet<string?> ports, List<string> problems)
    {
        if (probe is null)
        {
            problems.Add($"{where}: no {kind}.");
            return;
        }
        if (probe.HttpGet?.Path != path)
        {
            problems.Add($"{where}: {kind} does not GET {path}.");
            return;
        }
        var port = probe.HttpGet.Port?.ToString();
        if (port is null || (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _) && !ports.Contains(port)))
            problems.Add($"{where}: {kind} port '{port}' is not a port of the container.");
    }

    private static void CheckResources(string where, V1ResourceRequirements? resources, List<string> problems)
    {
        foreach (var resource in new[] { "cpu", "memory" })
        {
            ResourceQuantity? request = null, limit = null;
            if (resources?.Requests?.TryGetValue(resource, out request) != true)
                problems.Add($"{where}: no {resource} request.");
            if (resource == "memory" && resources?.Limits?.TryGetValue(resource, out limit) != true)
                problems.Add($"{where}: no memory limit.");
            else if (resource == "cpu")
                resources?.Limits?.TryGetValue(resource, out limit);
            if (request is not null && limit is not null && limit.ToDecimal() < request.ToDecimal())
                problems.Add($"{where}: the {resource} limit {limit} is below the request {request}.");
        }
    }

    private static void CheckServices(IEnumerable<V1Service> services, List<(string Name, V1PodTemplateSpec Template, bool LongRunning)> workloads, List<string> problems)
    {
        foreach (var s in services)
        {
            var name = $"Service {s.Metadata.Name}";
            var selected = workloads.Where(w => w.LongRunning && Selects(s.Spec?.Selector, w.Template.Metadata?.Labels)).ToList();
            if (s.Spec?.Selector is not { Count: > 0 } || selected.Count == 0)
            {
                problems.Add($"{name}: its selector matches no Deployment's pods.");
                continue;
            }
            var ports = selected.SelectMany(w => w.Template.Spec.Containers).SelectMany(c => c.Ports ?? []).ToList();
            foreach (var p in s.Spec.Ports ?? [])
            {
                var target = p.TargetPort?.ToString() ?? p.Port.ToString(CultureInfo.InvariantCulture);
                if (!ports.Any(cp => cp.Name == target || cp.ContainerPort.ToString(CultureInfo.InvariantCulture) == target))
                    problems.Add($"{name}: targetPort '{target}' is not a port of the pods it selects.");
            }
        }
    }

    private static void CheckSilo(List<IKubernetesObject<V1ObjectMeta>> objects, List<string> problems)
    {
        var silo = objects.OfType<V1Deployment>().FirstOrDefault(d => Component(d) == "silo");
        var web = objects.OfType<V1Deployment>().FirstOrDefault(d => Component(d) == "web");
        if (silo is null || web is null)
        {
            problems.Add("There must be a silo Deployment and a web Deployment (label app.kubernetes.io/component: silo / web).");
            return;
        }
        var siloContainer = silo.Spec.Template.Spec.Containers[0];
        var webContainer = web.Spec.Template.Spec.Containers[0];
        if (!siloContainer.Image.Contains("/silo:", StringComparison.Ordinal))
            problems.Add($"The silo Deployment's image '{siloContainer.Image}' is not the silo image (deploy/docker/silo.Dockerfile).");
        if (!webContainer.Image.Contains("/web:", StringComparison.Ordinal))
            problems.Add($"The web Deployment's image '{webContainer.Image}' is not the web image (deploy/docker/web.Dockerfile).");

        var siloPorts = siloContainer.Ports?.Select(p => p.ContainerPort).ToHashSet() ?? [];
        foreach (var port in DockerfileTests.SiloPorts.Where(p => !siloPorts.Contains(p)))
            problems.Add($"The silo container does not declare port {port}, which the silo image exposes.");

        // Pod-IP endpoints: the silo advertises the address the downward API gives it.
        var env = siloContainer.Env ?? [];
        var podIp = env.FirstOrDefault(e => e.ValueFrom?.FieldRef?.FieldPath == "status.podIP");
        if (podIp is null)
            problems.Add("The silo does not read its pod IP from the downward API (status.podIP).");
        else if (!env.Any(e => e.Name == "Orleans__AdvertisedAddress" && e.Value == $"$({podIp.Name})"))
            problems.Add($"The silo does not advertise its pod IP (Orleans__AdvertisedAddress: $({podIp.Name})).");

        var webMode = webContainer.Env?.FirstOrDefault(e => e.Name == "Orleans__Mode")?.Value;
        if (webMode != "Client")
            problems.Add($"The web Deployment runs with Orleans__Mode '{webMode}', not Client.");

        var pdbs = objects.OfType<V1PodDisruptionBudget>().ToList();
        if (!pdbs.Any(p => Selects(p.Spec?.Selector?.MatchLabels, silo.Spec.Template.Metadata.Labels)
                           && !Selects(p.Spec?.Selector?.MatchLabels, web.Spec.Template.Metadata.Labels)
                           && (p.Spec?.MaxUnavailable?.ToString() == "1" || p.Spec?.MinAvailable is not null)))
            problems.Add("No PodDisruptionBudget selects exactly the silo pods (with maxUnavailable 1 or a minAvailable).");

        var migrate = objects.OfType<V1Job>().FirstOrDefault();
        if (migrate is null)
            problems.Add("No migration Job.");
        else
        {
            var c = migrate.Spec.Template.Spec.Containers[0];
            if (c.Image != siloContainer.Image)
                problems.Add($"The migration Job runs '{c.Image}', not the silo Deployment's image '{siloContainer.Image}'.");
            if (c.Args is not ["migrate"])
                problems.Add("The migration Job does not run the silo with the single argument 'migrate'.");
            if (migrate.Spec.Template.Spec.RestartPolicy is not ("Never" or "OnFailure"))
                problems.Add("The migration Job's restartPolicy must be Never or OnFailure.");
        }
    }

    private static void CheckSettings(List<V1ConfigMap> configMaps, List<V1Secret> secrets, List<(string Name, V1PodTemplateSpec Template, bool LongRunning)> workloads, List<string> problems)
    {
        var names = new List<(string Where, string Name, string? Value)>();
        foreach (var cm in configMaps)
            names.AddRange((cm.Data ?? new Dictionary<string, string>()).Select(kv => ($"ConfigMap {cm.Metadata.Name}", kv.Key, (string?)kv.Value)));
        foreach (var s in secrets)
            names.AddRange((s.StringData ?? new Dictionary<string, string>()).Select(kv => ($"Secret {s.Metadata.Name}", kv.Key, (string?)kv.Value)));
        foreach (var (name, template, _) in workloads)
            foreach (var c in template.Spec.Containers)
                names.AddRange((c.Env ?? []).Select(e => ($"{name}, container {c.Name}", e.Name, (string?)e.Value)));

        foreach (var (where, name, value) in names)
        {
            var key = Repo.SettingKey(name);
            if (key is not null)
            {
                if (!Repo.IsKnownSetting(key) && !Repo.PendingSettings.Contains(key))
                    problems.Add($"{where}: '{name}' is not a setting the code reads ({key}).");
            }
            else if (!AllowedPlainVariable(name))
            {
                problems.Add($"{where}: '{name}' is neither a Section__Key setting nor a known DOTNET_/OTEL_/POD_ variable.");
            }
            if (string.Equals(key, "Storage:Profile", StringComparison.OrdinalIgnoreCase) && value != "PostgreSql")
                problems.Add($"{where}: Storage__Profile is '{value}'; a cluster needs PostgreSql.");
        }

        foreach (var s in secrets)
        {
            foreach (var (key, value) in s.StringData ?? new Dictionary<string, string>())
            {
                if (!value.Contains("REPLACE-ME", StringComparison.Ordinal))
                    problems.Add($"Secret {s.Metadata.Name}: '{key}' looks like a real value; committed secrets must be REPLACE-ME placeholders.");
            }
            if (s.Data is { Count: > 0 })
                problems.Add($"Secret {s.Metadata.Name}: base64 data in the repository; use REPLACE-ME placeholders in stringData.");
        }
    }

    /// <summary>The server's max_connections the manifests are sized for (PostgreSQL's default).</summary>
    public const int AssumedMaxConnections = 100;

    /// <summary>PostgreSQL's superuser_reserved_connections default, plus room for psql, backups and the migration Job.</summary>
    public const int Reserved = 3, Headroom = 10;

    /// <summary>
    /// The sizing rule of docs/operations.md: every pod that can run at once (replicas + maxSurge during a rolling
    /// update) × its pool, plus reserved connections and headroom, fits into max_connections; and Storage:ExpectedHosts
    /// counts all those pods, so the silo's own start-up check applies the same rule.
    /// </summary>
    private static void CheckConnectionBudget(List<V1Deployment> deployments, List<V2HorizontalPodAutoscaler> autoscalers, List<V1ConfigMap> configMaps, List<string> problems)
    {
        int Setting(string name, int fallback) => configMaps.Select(cm => cm.Data?.TryGetValue(name, out var v) == true ? v : null)
            .FirstOrDefault(v => v is not null) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        var sharedPool = Setting("Storage__MaxPoolSize", 20);
        var expectedHosts = Setting("Storage__ExpectedHosts", 1);
        var processes = 0;
        var connections = 0;
        foreach (var d in deployments)
        {
            var surge = d.Spec.Strategy?.RollingUpdate?.MaxSurge?.ToString() is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : 1;
            // An autoscaled Deployment may run up to the autoscaler's maxReplicas.
            var autoscaler = autoscalers.FirstOrDefault(a => a.Spec?.ScaleTargetRef is { Kind: "Deployment" } target && target.Name == d.Metadata.Name);
            var pods = (autoscaler?.Spec.MaxReplicas ?? d.Spec.Replicas ?? 1) + surge;
            var poolText = d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []).FirstOrDefault(e => e.Name == "Storage__MaxPoolSize")?.Value;
            var pool = poolText is null ? sharedPool : int.Parse(poolText, CultureInfo.InvariantCulture);
            processes += pods;
            connections += pods * pool;
            if (expectedHosts * pool + Reserved > AssumedMaxConnections)
                problems.Add($"Deployment {d.Metadata.Name}: Storage__ExpectedHosts {expectedHosts} x MaxPoolSize {pool} + {Reserved} reserved exceeds max_connections {AssumedMaxConnections}; the silo would refuse to start.");
        }
        if (connections + Reserved + Headroom > AssumedMaxConnections)
            problems.Add($"Connection budget: {processes} pods (with surge) may open {connections} connections; + {Reserved} reserved + {Headroom} headroom exceeds max_connections {AssumedMaxConnections}.");
        if (expectedHosts < processes)
            problems.Add($"Storage__ExpectedHosts is {expectedHosts}, but {processes} pods (replicas + maxSurge) may reach the database at once.");
    }

    private static bool AllowedPlainVariable(string name) =>
        name is "POD_IP" or "POD_NAME" or "Urls" or "DOTNET_SHUTDOWNTIMEOUTSECONDS" or "DOTNET_gcServer"
        || name.StartsWith("OTEL_", StringComparison.Ordinal);

    /// <summary>The host's shutdown timeout as the ConfigMap sets it (DOTNET_SHUTDOWNTIMEOUTSECONDS); .NET's default is 30 s.</summary>
    public static int ShutdownTimeoutSeconds(IEnumerable<V1ConfigMap> configMaps)
    {
        foreach (var cm in configMaps)
        {
            if (cm.Data?.TryGetValue("DOTNET_SHUTDOWNTIMEOUTSECONDS", out var text) == true)
                return int.Parse(text, CultureInfo.InvariantCulture);
        }
        return 30;
    }

    private static string? Component(V1Deployment d) =>
        d.Spec?.Template?.Metadata?.Labels is { } labels && labels.TryGetValue("app.kubernetes.io/component", out var c) ? c : null;

    private static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
