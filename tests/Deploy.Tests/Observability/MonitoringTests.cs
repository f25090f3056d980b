using Xunit.Abstractions;

namespace CivicContracting.Deploy.Tests.Observability;

public class MonitoringTests(ITestOutputHelper output)
{
    /// <summary>What an operator must see coming (issue 14, finding 13): the series for each, as Prometheus names them.</summary>
    public static readonly (string Topic, string Metric)[] Required =
    [
        ("aggregation lag", "civic_aggregation_lag_milliseconds_bucket"),
        ("aggregation repairs", "civic_aggregation_repairs_total"),
        ("group-commit barrier failures", "civic_storage_barrier_failures_total"),
        ("lost live leases", "civic_live_lost_leases_total"),
        ("5xx and 429 rates", "http_server_request_duration_seconds_count"),
        ("membership changes", "orleans_consistent_ring_size"),
        ("reminder backlog", "civic_reporting_reminders_retold_total"),
    ];

    [Fact]
    public void Every_metric_of_the_dashboard_and_the_alerts_is_one_the_product_exports()
    {
        var queries = Monitoring.DashboardQueries(Repo.Read(Monitoring.DashboardPath))
            .Concat(Monitoring.ParseAlerts(Repo.Read(Monitoring.AlertsPath)).Select(a => (Panel: "alert " + a.Name, a.Expr)))
            .ToList();
        Assert.NotEmpty(queries);
        var unknown = new List<string>();
        foreach (var (where, expr) in queries)
        {
            var metrics = Monitoring.MetricNames(expr);
            Assert.True(metrics.Count > 0, $"{where}: no metric found in '{expr}'");
            unknown.AddRange(metrics.Where(m => !Monitoring.Exported.Contains(m)).Select(m => $"{where}: {m}"));
            output.WriteLine($"{where}: {string.Join(", ", metrics)}");
        }
        Assert.True(unknown.Count == 0, "not exported by the product:\n" + string.Join("\n", unknown));
    }

    [Fact]
    public void The_dashboard_and_the_alerts_each_cover_every_required_topic()
    {
        var dashboard = Monitoring.DashboardQueries(Repo.Read(Monitoring.DashboardPath)).SelectMany(q => Monitoring.MetricNames(q.Expr)).ToHashSet();
        var alerts = Monitoring.ParseAlerts(Repo.Read(Monitoring.AlertsPath)).SelectMany(a => Monitoring.MetricNames(a.Expr)).ToHashSet();
        foreach (var (topic, metric) in Required)
        {
            Assert.True(dashboard.Contains(metric), $"the dashboard shows nothing of {topic} ({metric})");
            Assert.True(alerts.Contains(metric), $"no alert watches {topic} ({metric})");
        }
        // The 429 rate specifically, not only the 5xx one.
        Assert.Contains(Monitoring.ParseAlerts(Repo.Read(Monitoring.AlertsPath)), a => a.Expr.Contains("\"429\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_and_a_runbook_line_in_the_operations_guide()
    {
        var alerts = Monitoring.ParseAlerts(Repo.Read(Monitoring.AlertsPath));
        var guide = Repo.Read("docs/operations.md");
        var runbook = guide[guide.IndexOf("## Alerts and runbook", StringComparison.Ordinal)..];
        runbook = runbook[..(runbook.IndexOf("\n## ", 3, StringComparison.Ordinal) is var end and > 0 ? end : runbook.Length)];
        Assert.Equal(alerts.Count, alerts.Select(a => a.Name).Distinct().Count());
        foreach (var alert in alerts)
        {
            Assert.True(alert.Labels.GetValueOrDefault("severity") is "warning" or "critical", $"{alert.Name}: severity");
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("summary")), $"{alert.Name}: summary");
            Assert.Equal("docs/operations.md#alerts-and-runbook", alert.Annotations.GetValueOrDefault("runbook"));
            Assert.True(runbook.Contains($"`{alert.Name}`", StringComparison.Ordinal), $"{alert.Name} has no runbook line in docs/operations.md, \"Alerts and runbook\"");
        }
    }

    // The checks can fail: a metric the product does not define, or a PromQL function mistaken for one.
    [Theory]
    [InlineData("civic_aggregation_repairs_total", "civic_aggregation_repair_total")]
    [InlineData("civic_live_lost_leases_total", "civic_live_lost_leases")]                 // a counter without _total
    [InlineData("civic_aggregation_lag_milliseconds_bucket", "civic_aggregation_lag_bucket")] // the unit suffix missing
    [InlineData("orleans_consistent_ring_size", "orleans_membership_size")]
    public void A_metric_the_product_does_not_export_is_reported(string real, string wrong)
    {
        var alerts = Repo.Read(Monitoring.AlertsPath);
        Assert.Contains(real, alerts, StringComparison.Ordinal);
        var names = Monitoring.ParseAlerts(alerts.Replace(real, wrong, StringComparison.Ordinal)).SelectMany(a => Monitoring.MetricNames(a.Expr));
        Assert.Contains(names, n => !Monitoring.Exported.Contains(n));
        Assert.DoesNotContain(wrong, Monitoring.Exported);
    }

    [Fact]
    public void The_PromQL_reader_finds_metrics_and_skips_functions_labels_and_keywords()
    {
        Assert.Equal(["a_total", "b_count"], Monitoring.MetricNames("sum by (le, instance) (rate(a_total{x=\"y\", code=~\"5..\"}[5m])) / on(job) max_over_time(b_count[1h:5m]) > 0.99 and bool 1").Order());
        Assert.Contains("civic_progress_reports_total", Monitoring.Exported);
        Assert.Contains("civic_storage_bytes_written_bytes_total", Monitoring.Exported); // unit By
        Assert.Contains("civic_live_leases", Monitoring.Exported);                          // an observable gauge
    }
}
