using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Api;

/// <summary>See <see cref="ApiOptions.OperatorTokenScope"/>.</summary>
public enum OperatorTokenScope
{
    Full = 0,
    Bootstrap = 1,
}

/// <summary>The HTTP API's own settings (configuration section "Api").</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// The bearer token operators and integrators send with writes. Empty: a random token is generated at
    /// start and printed, which suits a local run; configure one (at least 16 characters) anywhere else.
    /// </summary>
    public string? OperatorToken { get; set; }

    /// <summary>
    /// What the operator token may do. <see cref="OperatorTokenScope.Full"/> (the default, for a local run, tests and
    /// load tests): everything. <see cref="OperatorTokenScope.Bootstrap"/> (production): only setting the platform up —
    /// granting and revoking platform roles (the first administrator), defining goals, operators' status reads; every
    /// write for a participant needs a person's session or personal access token.
    /// </summary>
    [EnumDataType(typeof(OperatorTokenScope))]
    public OperatorTokenScope OperatorTokenScope { get; set; } = OperatorTokenScope.Full;

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long one rendering of GET /api/map is served to everyone before it is built again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MapCacheDuration { get; set; } = TimeSpan.FromSeconds(1);
}
