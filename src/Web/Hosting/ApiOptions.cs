using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Hosting;

/// <summary>The HTTP API's own settings (configuration section "Api").</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// The bearer token operators and integrators send with writes. Empty: a random token is generated at
    /// start and printed, which suits a local run; configure one (at least 16 characters) anywhere else.
    /// </summary>
    public string? OperatorToken { get; set; }

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long one rendering of GET /api/map is served to everyone before it is built again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MapCacheDuration { get; set; } = TimeSpan.FromSeconds(1);
}
