using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// Who may read <c>/metrics</c> (configuration <c>Telemetry:MetricsPort</c> and <c>Telemetry:MetricsToken</c>):
/// <list type="bullet">
/// <item><b>Port</b>: the host also listens there (<see cref="HostListening"/>) and answers <c>/metrics</c> only on a
/// connection to that port; on the public port it is 404. A NetworkPolicy or firewall then decides who reaches the port.</item>
/// <item><b>Token</b>: a scrape must send <c>Authorization: Bearer {token}</c> (Prometheus: <c>authorization.credentials</c>),
/// otherwise 401.</item>
/// <item>Both: both apply. Neither (the default): <c>/metrics</c> is not served.</item>
/// </list>
/// </summary>
public sealed record MetricsAccess(int? Port, string? Token)
{
    public const string PortKey = "Telemetry:MetricsPort";
    public const string TokenKey = "Telemetry:MetricsToken";

    /// <summary>Shorter tokens can be guessed; the operator token has the same rule.</summary>
    public const int MinTokenLength = 16;

    public bool IsServed => Port is not null || Token is not null;

    /// <summary>The settings, checked: a wrong value stops the start with a message that names the key.</summary>
    public static MetricsAccess Read(IConfiguration configuration)
    {
        var failures = new List<string>();
        int? port = null;
        if (configuration[PortKey] is { Length: > 0 } portText)
        {
            if (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 65535)
                port = parsed;
            else
                failures.Add($"{PortKey} '{portText}' is not a TCP port (1 to 65535), e.g. 9464.");
        }
        var token = configuration[TokenKey] is { Length: > 0 } tokenText ? tokenText.Trim() : null;
        if (token is not null && token.Length < MinTokenLength)
            failures.Add($"{TokenKey} must be at least {MinTokenLength} characters long (got {token.Length}).");
        if (failures.Count > 0)
            throw new OptionsValidationException("Telemetry", typeof(MetricsAccess), failures);
        return new MetricsAccess(port, token);
    }

    /// <summary>The middleware in front of the exporter: the wrong port → 404, a missing or wrong token → 401.</summary>
    public async Task Gate(HttpContext context, RequestDelegate next)
    {
        if (Port is { } port && context.Connection.LocalPort != port)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (Token is { } token && !Presents(context.Request.Headers.Authorization.ToString(), token))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
            return;
        }
        await next(context);
    }

    private static bool Presents(string header, string token)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        // Hashes of equal length, compared in fixed time: the answer's timing tells nothing about the token.
        var sent = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(sent, expected);
    }
}
