using System.Globalization;
using k8s;
using k8s.Models;

namespace CivicContracting.Deploy.Tests;

/// <summary>
/// How the cluster is reached and kept serving: the Ingress (TLS, HTTPS only, the web Service), the trusted proxy
/// networks, the web tier's disruption budget and autoscaler, and the NetworkPolicies, which are evaluated (with
/// Kubernetes' rules for selectors, namespaces and named ports) against who must and must not reach each port.
/// </summary>
public static partial class KubernetesManifests
{
    public const int SiloPort = 11111, GatewayPort = 30000, HttpPort = 8080;

    /// <summary>Where the ingress controller and Prometheus run (the namespaces the policies admit).</summary>
    public const string IngressNamespace = "ingress-nginx", MonitoringNamespace = "monitoring";

    private static void CheckWebAvailability(List<IKubernetesObject<V1ObjectMeta>> objects, List<string> problems)
    {
        var web = objects.OfType<V1Deployment>().FirstOrDefault(d => Component(d) == "web");
        var silo = objects.OfType<V1Deployment>().FirstOrDefault(d => Component(d) == "silo");
        if (web is null || silo is null)
            return; // CheckSilo names it
        var webLabels = web.Spec.Template.Metadata.Labels;
        if (!objects.OfType<V1PodDisruptionBudget>().Any(p => Selects(p.Spec?.Selector?.MatchLabels, webLabels)
                && !Selects(p.Spec?.Selector?.MatchLabels, silo.Spec.Template.Metadata.Labels)
                && (p.Spec?.MinAvailable?.ToString() is { } min && min != "0" || p.Spec?.MaxUnavailable is not null)))
            problems.Add("No PodDisruptionBudget selects exactly the web pods (with a minAvailable of at least 1 or a maxUnavailable).");

        var autoscaler = objects.OfType<V2HorizontalPodAutoscaler>().FirstOrDefault(a => a.Spec?.ScaleTargetRef?.Name == web.Metadata.Name);
        if (autoscaler is null)
            problems.Add($"No HorizontalPodAutoscaler scales Deployment {web.Metadata.Name}.");
        else
        {
            var spec = autoscaler.Spec;
            if (spec.ScaleTargetRef.Kind != "Deployment" || spec.ScaleTargetRef.ApiVersion != "apps/v1")
                problems.Add($"HorizontalPodAutoscaler {autoscaler.Metadata.Name}: scaleTargetRef is not the apps/v1 Deployment {web.Metadata.Name}.");
            if (spec.MinReplicas is not >= 2)
                problems.Add($"HorizontalPodAutoscaler {autoscaler.Metadata.Name}: minReplicas {spec.MinReplicas} leaves a single web host (no failover, and the PodDisruptionBudget could block drains).");
            if (spec.MaxReplicas < (spec.MinReplicas ?? 1))
                problems.Add($"HorizontalPodAutoscaler {autoscaler.Metadata.Name}: maxReplicas {spec.MaxReplicas} is below minReplicas.");
            if (spec.Metrics is not { Count: > 0 })
                problems.Add($"HorizontalPodAutoscaler {autoscaler.Metadata.Name}: no metrics to scale on.");
            if (web.Spec.Replicas is not null)
                problems.Add($"Deployment {web.Metadata.Name} sets replicas although HorizontalPodAutoscaler {autoscaler.Metadata.Name} owns them: every apply would reset the autoscaler's choice.");
        }
    }

    private static void CheckIngress(List<IKubernetesObject<V1ObjectMeta>> objects, List<string> problems)
    {
        var ingresses = objects.OfType<V1Ingress>().ToList();
        if (ingresses.Count == 0)
        {
            problems.Add("No Ingress: the web Service is not reachable from outside with TLS.");
            return;
        }
        var services = objects.OfType<V1Service>().ToList();
        var web = objects.OfType<V1Deployment>().FirstOrDefault(d => Component(d) == "web");
        foreach (var ingress in ingresses)
        {
            var name = $"Ingress {ingress.Metadata.Name}";
            if (string.IsNullOrEmpty(ingress.Spec?.IngressClassName))
                problems.Add($"{name}: no ingressClassName (which controller serves it is left to chance).");
            if (ingress.Metadata.Annotations?.TryGetValue("nginx.ingress.kubernetes.io/force-ssl-redirect", out var redirect) != true || redirect != "true")
                problems.Add($"{name}: plain HTTP is not redirected to HTTPS (nginx.ingress.kubernetes.io/force-ssl-redirect: \"true\").");
            var tlsHosts = (ingress.Spec?.Tls ?? []).Where(t => !string.IsNullOrEmpty(t.SecretName)).SelectMany(t => t.Hosts ?? []).ToHashSet(StringComparer.Ordinal);
            var rules = ingress.Spec?.Rules ?? [];
            if (rules.Count == 0)
                problems.Add($"{name}: no rules.");
            foreach (var rule in rules)
            {
                if (string.IsNullOrEmpty(rule.Host) || !tlsHosts.Contains(rule.Host))
                    problems.Add($"{name}: host '{rule.Host}' has no TLS certificate (spec.tls with a secretName).");
                foreach (var path in rule.Http?.Paths ?? [])
                {
                    var backend = path.Backend?.Service;
                    var service = services.FirstOrDefault(s => s.Metadata.Name == backend?.Name);
                    if (backend is null || service is null)
                    {
                        problems.Add($"{name}: path {path.Path} goes to Service '{backend?.Name}', which is not defined.");
                        continue;
                    }
                    if (web is null || !Selects(service.Spec?.Selector, web.Spec.Template.Metadata.Labels))
                        problems.Add($"{name}: path {path.Path} goes to Service {service.Metadata.Name}, which does not select the web pods.");
                    if (!(service.Spec?.Ports ?? []).Any(p => p.Name == backend.Port?.Name || (backend.Port?.Number is { } n && p.Port == n)))
                        problems.Add($"{name}: path {path.Path} names port '{backend.Port?.Name ?? backend.Port?.Number?.ToString(CultureInfo.InvariantCulture)}', which Service {service.Metadata.Name} does not have.");
                }
            }
        }
    }

    /// <summary>
    /// The web hosts must believe X-Forwarded-For/-Proto from the ingress (the client's address for per-address
    /// limits; HTTPS for Secure cookies and HSTS). Each entry must be a network in CIDR form (a single address is
    /// written as /32), which the app reads today and which stays valid for any reader that takes networks only.
    /// </summary>
    private static void CheckTrustedProxies(List<IKubernetesObject<V1ObjectMeta>> objects, List<V1ConfigMap> configMaps, List<string> problems)
    {
        var web = objects.OfType<V1Deployment>().FirstOrDefault(d => Component(d) == "web");
        if (web is null)
            return;
        var values = web.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? [])
            .Where(e => Repo.SettingKey(e.Name) is "Security:TrustedProxies")
            .Select(e => (e.Name, e.Value))
            .Concat(configMaps.SelectMany(cm => cm.Data ?? new Dictionary<string, string>())
                .Where(kv => Repo.SettingKey(kv.Key) is "Security:TrustedProxies").Select(kv => (Name: kv.Key, Value: kv.Value)))
            .ToList();
        if (values.Count == 0)
            problems.Add($"Deployment {web.Metadata.Name}: Security__TrustedProxies__0 is not set: behind the ingress every client would share the ingress's address, and the app would never see HTTPS.");
        foreach (var (name, value) in values)
        {
            if (name == "Security__TrustedProxies")
                problems.Add($"Deployment {web.Metadata.Name}: {name} is a list; set its entries as Security__TrustedProxies__0, __1, ...");
            else if (value is null || !value.Contains('/', StringComparison.Ordinal) || !System.Net.IPNetwork.TryParse(value, out _))
                problems.Add($"Deployment {web.Metadata.Name}: {name} '{value}' is not a network in CIDR form (e.g. 10.244.0.0/16, or 10.0.0.5/32 for one address).");
        }
    }

    /// <summary>A pod that may try to connect: its namespace and labels.</summary>
    public sealed record Peer(string Name, string Namespace, Dictionary<string, string> Labels);

    public static Dictionary<string, string> ComponentLabels(string component) => new()
    {
        ["app.kubernetes.io/name"] = "civic-contracting",
        ["app.kubernetes.io/component"] = component,
    };

    public static readonly Peer SiloPeer = new("a silo pod", Namespace, ComponentLabels("silo"));
    public static readonly Peer WebPeer = new("a web pod", Namespace, ComponentLabels("web"));
    public static readonly Peer MigratePeer = new("the migration Job", Namespace, ComponentLabels("migrate"));
    public static readonly Peer OtherPodPeer = new("another pod in the namespace", Namespace, new() { ["app"] = "debug-shell" });
    public static readonly Peer IngressPeer = new("the ingress controller", IngressNamespace, new() { ["app.kubernetes.io/name"] = "ingress-nginx" });
    public static readonly Peer PrometheusPeer = new("Prometheus", MonitoringNamespace, new() { ["app.kubernetes.io/name"] = "prometheus" });
    public static readonly Peer StrangerPeer = new("a pod in another namespace", "default", new() { ["app"] = "anything" });

    /// <summary>Who must reach each (component, port); every other peer must be refused.</summary>
    public static readonly (string Component, int Port, string What, Peer[] Allowed)[] Reachability =
    [
        ("silo", SiloPort, "silo-to-silo messaging", [SiloPeer]),
        ("silo", GatewayPort, "the Orleans gateway", [SiloPeer, WebPeer]),
        ("silo", HttpPort, "the silo's /metrics and health", [PrometheusPeer]),
        ("web", HttpPort, "the site and API (and the web host's /metrics)", [IngressPeer, PrometheusPeer]),
    ];

    public static readonly Peer[] Peers = [SiloPeer, WebPeer, MigratePeer, OtherPodPeer, IngressPeer, PrometheusPeer, StrangerPeer];

    private static void CheckNetworkPolicies(List<IKubernetesObject<V1ObjectMeta>> objects, List<string> problems)
    {
        var policies = objects.OfType<V1NetworkPolicy>().ToList();
        var deployments = objects.OfType<V1Deployment>().ToList();
        // Pods without a policy of their own (the migration Job, anything added later) take no connections either.
        if (!policies.Any(p => p.Spec?.PodSelector is { MatchLabels: null or { Count: 0 }, MatchExpressions: null or { Count: 0 } }
                               && p.Spec.PolicyTypes?.Contains("Ingress") == true && p.Spec.Ingress is not { Count: > 0 }))
            problems.Add("NetworkPolicies: no default-deny policy (podSelector: {}, policyTypes: [Ingress], no rules) for the namespace.");
        foreach (var (component, port, what, allowed) in Reachability)
        {
            var target = deployments.FirstOrDefault(d => Component(d) == component);
            if (target is null)
                continue;
            foreach (var peer in Peers)
            {
                var reaches = Reaches(policies, peer, target.Spec.Template, port);
                var must = allowed.Contains(peer);
                if (reaches && !must)
                    problems.Add($"NetworkPolicies: {peer.Name} can reach {component} port {port} ({what}); only {string.Join(" and ", allowed.Select(a => a.Name))} may.");
                else if (!reaches && must)
                    problems.Add($"NetworkPolicies: {peer.Name} cannot reach {component} port {port} ({what}), but must.");
            }
        }
    }

    /// <summary>Kubernetes' semantics: a pod selected by no Ingress policy takes everything; otherwise a connection
    /// needs one rule of one selecting policy whose peers and ports both match.</summary>
    public static bool Reaches(IEnumerable<V1NetworkPolicy> policies, Peer peer, V1PodTemplateSpec target, int port)
    {
        var labels = target.Metadata?.Labels ?? new Dictionary<string, string>();
        var selecting = policies.Where(p => p.Metadata.NamespaceProperty == Namespace
                                            && Matches(p.Spec?.PodSelector, labels)
                                            && (p.Spec?.PolicyTypes is null || p.Spec.PolicyTypes.Contains("Ingress")))
            .ToList();
        if (selecting.Count == 0)
            return true;
        var namedPorts = target.Spec.Containers.SelectMany(c => c.Ports ?? []).Where(p => p.Name is not null)
            .ToDictionary(p => p.Name, p => p.ContainerPort);
        foreach (var policy in selecting)
        {
            foreach (var rule in policy.Spec.Ingress ?? [])
            {
                var fromMatches = rule.FromProperty is not { Count: > 0 } || rule.FromProperty.Any(from =>
                    from.IpBlock is null
                    && (from.NamespaceSelector is null
                        ? peer.Namespace == policy.Metadata.NamespaceProperty
                        : Matches(from.NamespaceSelector, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = peer.Namespace }))
                    && (from.PodSelector is null || Matches(from.PodSelector, peer.Labels)));
                var portMatches = rule.Ports is not { Count: > 0 } || rule.Ports.Any(p =>
                    p.Port is null
                    || (int.TryParse(p.Port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                        ? number == port || (p.EndPort is { } end && port >= number && port <= end)
                        : namedPorts.TryGetValue(p.Port.Value, out var named) && named == port));
                if (fromMatches && portMatches)
                    return true;
            }
        }
        return false;
    }

    private static bool Matches(V1LabelSelector? selector, IDictionary<string, string> labels)
    {
        if (selector is null)
            return true;
        if (selector.MatchLabels is { } matchLabels && !matchLabels.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
            return false;
        foreach (var e in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(e.Key, out var value);
            var ok = e.OperatorProperty switch
            {
                "In" => has && (e.Values ?? []).Contains(value!),
                "NotIn" => !has || !(e.Values ?? []).Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
                return false;
        }
        return true;
    }
}
