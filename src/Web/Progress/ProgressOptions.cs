using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Progress;

/// <summary>Bulk progress (configuration section "Progress"), validated at start.</summary>
public sealed class ProgressOptions
{
    public const string SectionName = "Progress";

    /// <summary>The most data rows of one CSV import (POST /api/participants/{id}/progress.csv); the body is also bounded by Api:MaxRequestBodyBytes.</summary>
    [Range(1, 100_000)]
    public int MaxCsvRows { get; set; } = 5_000;

    /// <summary>The most values of one metric batch (POST /api/commitments/{id}/metrics).</summary>
    [Range(1, 100_000)]
    public int MaxMetricValues { get; set; } = 1_000;
}
