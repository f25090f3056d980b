using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CivicContracting.Deploy.Tests;

public class KubernetesManifestTests(ITestOutputHelper output)
{
    [Fact]
    public void Manifests_parse_strictly_and_pass_every_rule()
    {
        var problems = KubernetesManifests.Validate(KubernetesManifests.Files());
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Manifests_hold_the_expected_objects()
    {
        var kinds = KubernetesManifests.Files().Values
            .SelectMany(text => KubernetesYaml.LoadAllFromString(text, strict: true))
            .Cast<IKubernetesObject<V1ObjectMeta>>()
            .Select(o => $"{o.Kind}/{o.Metadata.Name}")
            .ToHashSet();
        foreach (var expected in new[]
                 {
                     "Namespace/civic-contracting", "ConfigMap/civic-config", "Job/civic-migrate",
                     "Deployment/civic-silo", "Service/civic-silo", "PodDisruptionBudget/civic-silo",
                     "Deployment/civic-web", "Service/civic-web", "PodDisruptionBudget/civic-web", "HorizontalPodAutoscaler/civic-web",
                     "Ingress/civic-web", "NetworkPolicy/civic-default-deny-ingress", "NetworkPolicy/civic-silo", "NetworkPolicy/civic-web",
                 })
        {
            Assert.Contains(expected, kinds);
        }
        // The placeholder Secret is an example, out of the applied folder: applying the folder never overwrites the real one.
        Assert.DoesNotContain(kinds, k => k.StartsWith("Secret/", StringComparison.Ordinal));
        Assert.Contains(KubernetesManifests.ExampleSecrets(), s => s.Metadata.Name == "civic-secrets");
    }

    [Fact]
    public void Network_policies_admit_exactly_who_must_reach_each_port()
    {
        var objects = KubernetesManifests.Files().Values.SelectMany(text => KubernetesYaml.LoadAllFromString(text, strict: true)).ToList();
        var policies = objects.OfType<V1NetworkPolicy>().ToList();
        var deployments = objects.OfType<V1Deployment>().ToDictionary(d => d.Spec.Template.Metadata.Labels["app.kubernetes.io/component"]);
        foreach (var (component, port, what, allowed) in KubernetesManifests.Reachability)
        {
            foreach (var peer in KubernetesManifests.Peers)
            {
                var reaches = KubernetesManifests.Reaches(policies, peer, deployments[component].Spec.Template, port);
                output.WriteLine($"{component}:{port} ({what}) <- {peer.Name}: {(reaches ? "allowed" : "refused")}");
                Assert.True(reaches == allowed.Contains(peer), $"{peer.Name} -> {component}:{port}: {(reaches ? "allowed" : "refused")}");
            }
        }
        // The evaluator itself: without policies every pod reaches every port.
        Assert.True(KubernetesManifests.Reaches([], KubernetesManifests.StrangerPeer, deployments["silo"].Spec.Template, KubernetesManifests.SiloPort));
    }

    [Theory]
    [InlineData("Password=REPLACE-ME;", "Password=hunter2;", "looks like a real value")]
    [InlineData("                  key: Api__OperatorToken", null, "key 'Api__OperatorToken' of Secret 'civic-secrets', which is not defined")]
    public void Validation_checks_the_pods_secret_references_against_the_out_of_band_example(string original, string? broken, string expected)
    {
        var example = Repo.Read($"{KubernetesManifests.ExamplesDirectory}/secret.example.yaml");
        var files = KubernetesManifests.Files();
        if (broken is not null)
        {
            Assert.Contains(original, example, StringComparison.Ordinal);
            example = example.Replace(original, broken, StringComparison.Ordinal);
        }
        else
        {
            example = example.Replace("  Api__OperatorToken: \"REPLACE-ME-WITH-AT-LEAST-16-RANDOM-CHARACTERS\"\n", "", StringComparison.Ordinal);
        }
        var secrets = KubernetesYaml.LoadAllFromString(example, strict: true).OfType<V1Secret>().ToList();
        var problems = KubernetesManifests.Validate(files, secrets);
        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
            $"expected a problem containing '{expected}', got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Fact]
    public void Settings_not_yet_read_by_the_code_are_reported()
    {
        // Not a failure: these are the settings the deployment already uses and the code still has to provide.
        var used = KubernetesManifests.Files().Values.Append(Repo.Read("deploy/compose.yaml"))
            .SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t, @"\b([A-Z]\w*__\w+)\b").Select(m => m.Groups[1].Value))
            .Select(n => Repo.SettingKey(n)!)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var key in used.Where(k => !Repo.IsKnownSetting(k)))
        {
            output.WriteLine($"pending (not read by the code yet): {key}");
            Assert.Contains(key, Repo.PendingSettings);
        }
    }

    [Fact]
    public void Known_settings_come_from_the_code() // guards the scanner itself
    {
        foreach (var key in new[] { "Storage:Profile", "Storage:ConnectionString", "Orleans:ClusterId", "Orleans:GatewayPort", "Orleans:Mode", "Orleans:Gateways", "Orleans:ConnectTimeout", "Api:OperatorToken", "Demo:Seed" })
            Assert.Contains(key, Repo.KnownSettings);
        Assert.DoesNotContain("Storage:Profil", Repo.KnownSettings);
    }

    // Each rule can fail: break one thing in a real manifest and the validation names it.
    [Theory]
    [InlineData("30-silo.yaml", "          readinessProbe:", "          readinesProbe:", "readinesProbe")]                        // misspelled field (strict parsing)
    [InlineData("30-silo.yaml", "      terminationGracePeriodSeconds: 60", "      terminationGracePeriodSeconds: 40", "terminationGracePeriodSeconds 40")]
    [InlineData("30-silo.yaml", "              path: /health/ready", "              path: /healthz", "readinessProbe does not GET /health/ready")]
    [InlineData("30-silo.yaml", "            readOnlyRootFilesystem: true", "            readOnlyRootFilesystem: false", "readOnlyRootFilesystem")]
    [InlineData("30-silo.yaml", "        runAsNonRoot: true", "        runAsNonRoot: false", "runAsNonRoot")]
    [InlineData("30-silo.yaml", "              memory: 2Gi", "              memory: 512Mi", "memory limit")]
    [InlineData("30-silo.yaml", "              value: $(POD_IP)", "              value: 10.0.0.1", "advertise its pod IP")]
    [InlineData("30-silo.yaml", "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: civic-contracting\n      app.kubernetes.io/component: silo",
                                "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: civic-contracting\n      app.kubernetes.io/component: web", "PodDisruptionBudget")]
    [InlineData("30-silo.yaml", "      targetPort: gateway", "      targetPort: gateways", "targetPort 'gateways'")]
    [InlineData("40-web.yaml", "    app.kubernetes.io/component: web\n  ports:", "    app.kubernetes.io/component: website\n  ports:", "matches no Deployment")]
    [InlineData("40-web.yaml", "            - name: Orleans__Gateways", "            - name: Orleans__Gateway", "Orleans__Gateway")]
    [InlineData("40-web.yaml", "                  key: Api__OperatorToken", "                  key: OperatorToken", "key 'OperatorToken'")]
    [InlineData("10-config.yaml", "  Storage__Profile: PostgreSql", "  Storage__Profile: Sqlite", "needs PostgreSql")]
    [InlineData("10-config.yaml", "  DOTNET_SHUTDOWNTIMEOUTSECONDS: \"45\"", "  DOTNET_SHUTDOWNTIMEOUTSECONDS: \"58\"", "shutdown timeout (58 s)")]
    [InlineData("20-migrate-job.yaml", "          args: [\"migrate\"]", "          args: [\"serve\"]", "'migrate'")]
    [InlineData("20-migrate-job.yaml", "          image: civic-contracting/silo:1.0.0", "          image: civic-contracting/silo:0.9.0", "not the silo Deployment's image")]
    [InlineData("20-migrate-job.yaml", "  ttlSecondsAfterFinished: 86400", "  ttlSecondsAfterFinished: soon", "does not parse")]   // wrong type
    [InlineData("30-silo.yaml", "  replicas: 3\n", "  replicas: 6\n", "Storage__ExpectedHosts is 9")]
    [InlineData("40-web.yaml", "  maxReplicas: 4\n", "  maxReplicas: 8\n", "Storage__ExpectedHosts is 9")]
    [InlineData("10-config.yaml", "  Storage__MaxPoolSize: \"10\"", "  Storage__MaxPoolSize: \"30\"", "exceeds max_connections")]
    // The placeholder Secret back in the applied folder.
    [InlineData("10-config.yaml", "  OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability:4317\n",
                "  OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability:4317\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: civic-secrets\n  namespace: civic-contracting\nstringData:\n  Api__OperatorToken: REPLACE-ME\n", "would overwrite the real one")]
    // Ingress: TLS, HTTPS only, the web Service.
    [InlineData("50-ingress.yaml", "  tls:\n    - hosts:\n        - civic.example.org\n      secretName: civic-tls\n", "", "has no TLS certificate")]
    [InlineData("50-ingress.yaml", "    nginx.ingress.kubernetes.io/force-ssl-redirect: \"true\"", "    nginx.ingress.kubernetes.io/force-ssl-redirect: \"false\"", "not redirected to HTTPS")]
    [InlineData("50-ingress.yaml", "                name: civic-web\n", "                name: civic-silo\n", "does not select the web pods")]
    [InlineData("50-ingress.yaml", "                  name: http\n", "                  name: https\n", "names port 'https'")]
    [InlineData("50-ingress.yaml", "  ingressClassName: nginx\n", "", "no ingressClassName")]
    // Trusted proxies: set, and a network in CIDR form.
    [InlineData("40-web.yaml", "            - name: Security__TrustedProxies__0\n              value: 10.0.0.0/8\n", "", "Security__TrustedProxies__0 is not set")]
    [InlineData("40-web.yaml", "              value: 10.0.0.0/8\n", "              value: 10.0.0.0\n", "not a network in CIDR form")]
    [InlineData("40-web.yaml", "            - name: Security__TrustedProxies__0", "            - name: Security__TrustedProxy__0", "Security__TrustedProxy__0")]
    // Web availability: disruption budget and autoscaler.
    [InlineData("40-web.yaml", "  minAvailable: 1\n", "  minAvailable: 0\n", "No PodDisruptionBudget selects exactly the web pods")]
    [InlineData("40-web.yaml", "  minReplicas: 2\n", "  minReplicas: 1\n", "minReplicas 1")]
    [InlineData("40-web.yaml", "    name: civic-web\n  minReplicas", "    name: civic-website\n  minReplicas", "No HorizontalPodAutoscaler scales")]
    [InlineData("40-web.yaml", "spec:\n  # No `replicas`", "spec:\n  replicas: 2\n  # No `replicas`", "owns them")]
    [InlineData("40-web.yaml", "              cpu: \"1\"\n              memory: 512Mi\n", "              cpu: \"1\"\n", "no memory limit")]
    // NetworkPolicies: who reaches the silo ports and /metrics.
    [InlineData("60-network-policies.yaml", "  podSelector: {}\n  policyTypes: [\"Ingress\"]\n", "  podSelector:\n    matchLabels:\n      nothing: here\n  policyTypes: [\"Ingress\"]\n", "no default-deny")]
    [InlineData("60-network-policies.yaml", "      ports:\n        - port: gateway\n", "      ports:\n        - port: gateway\n        - port: silo\n", "a web pod can reach silo port 11111")]
    [InlineData("60-network-policies.yaml", "              kubernetes.io/metadata.name: monitoring\n      ports:\n        - port: http\n---", "              kubernetes.io/metadata.name: monitoring\n---", "Prometheus can reach silo port 11111")]
    [InlineData("60-network-policies.yaml", "              kubernetes.io/metadata.name: ingress-nginx\n", "              kubernetes.io/metadata.name: ingress\n", "the ingress controller cannot reach web port 8080")]
    [InlineData("60-network-policies.yaml", "    - from:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: civic-contracting\n              app.kubernetes.io/component: web\n      ports:\n        - port: gateway\n",
                "    - from:\n        - namespaceSelector: {}\n      ports:\n        - port: gateway\n", "a pod in another namespace can reach silo port 30000")]
    public void Validation_fails_on_a_broken_manifest(string file, string original, string broken, string expected)
    {
        var files = KubernetesManifests.Files();
        Assert.Contains(original, files[file], StringComparison.Ordinal);
        files[file] = files[file].Replace(original, broken, StringComparison.Ordinal);
        var problems = KubernetesManifests.Validate(files);
        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
            $"expected a problem containing '{expected}', got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }
}
