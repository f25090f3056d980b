using System.ComponentModel.DataAnnotations;
using CivicContracting.Web.Site;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Security;

/// <summary>Transport security settings (configuration section "Security").</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>
    /// Send <c>Strict-Transport-Security</c> on HTTPS responses outside Development (ASP.NET Core's HSTS middleware: never
    /// on plain HTTP, never to localhost). Behind an ingress that ends TLS the app sees plain HTTP, so the ingress
    /// must send HSTS itself.
    /// </summary>
    public bool Hsts { get; set; } = true;

    /// <summary>How long browsers remember to use HTTPS only (HSTS max-age).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "730.00:00:00")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>HSTS <c>includeSubDomains</c>: off by default, the city's other sub-domains are not ours to decide.</summary>
    public bool HstsIncludeSubDomains { get; set; }

    /// <summary>
    /// Redirect HTTP to HTTPS in the app. Off by default: TLS ends at the ingress, which redirects; turning this on
    /// there would loop.
    /// </summary>
    public bool HttpsRedirection { get; set; }

    /// <summary>Addresses or networks of the proxies (the ingress) whose X-Forwarded-For/-Proto are believed; see <see cref="ForwardedHeaders"/>.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>The sign-in cookies <c>Secure</c>, also on a request that looked like plain HTTP (production behind TLS); see <see cref="SecureCookies"/>.</summary>
    public bool SecureCookiesOnly { get; set; }
}

/// <summary>
/// Security headers on every response: no sniffing, no framing, a strict referrer and permissions policy, an isolated
/// browsing context. HTML pages get a Content-Security-Policy without inline script or style and without eval; the
/// Orleans Dashboard (its own inline scripts, operators only) and non-HTML responses get a policy that only forbids
/// framing and plugins (and, for non-HTML, everything else: a JSON answer opened in a browser needs nothing).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy of the public site's pages, without the optional tile host (see <see cref="PagePolicy"/>).</summary>
    public const string BasePagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Responses that are not HTML: JSON, problem+json, static files, server-sent events.</summary>
    public const string NonHtmlPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// The Orleans Dashboard renders its own inline scripts and styles, so a script-src would break it; it is for
    /// operators behind the token, and still may not be framed, load plugins or change its base URL.
    /// </summary>
    public const string DashboardPolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'";

    /// <summary>Where the Orleans Dashboard is served (Operations/DashboardHosting mounts it here), the path of <see cref="DashboardPolicy"/>.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>
    /// Uploaded evidence (GET /api/evidence/…): whatever a file holds, it runs nothing. <c>sandbox</c> puts a document
    /// opened from it in a unique origin without scripts, forms or plugins; an image may still be shown (and styled by
    /// the browser's own image viewer).
    /// </summary>
    public const string EvidencePolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'";

    public const string EvidencePath = "/api/evidence";

    /// <summary>
    /// The interactive API reference (Scalar, at <see cref="ApiReferencePath"/>): its bundle is served by this app, but
    /// the page starts it with an inline module script and the bundle sets inline styles, so its scripts may carry the
    /// request's nonce and its styles be inline; everything still comes from this origin only (no CDN, fonts or telemetry).
    /// </summary>
    public const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'nonce-{0}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Where the API reference is served (OpenApiSetup maps it), the path of <see cref="ApiReferencePolicy"/>.</summary>
    public const string ApiReferencePath = "/api/docs";

    /// <summary>
    /// The item of <c>HttpContext.Items</c> where Scalar.AspNetCore leaves the fresh nonce it put on its page's script tags
    /// (<c>ScalarOptions.NonceHttpContextItemKey</c>, with <c>WithNonce()</c>): the policy allows that one script only.
    /// </summary>
    public const string ScalarNonceItem = "Scalar.Nonce";

    public const string PermissionsPolicy = "geolocation=(), camera=(), microphone=()";

    public static WebApplicationBuilder AddCivicContractingSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        var security = SettingsValidation.BindAndValidate<SecurityOptions>(builder.Configuration, SecurityOptions.SectionName);
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = security.HstsMaxAge;
            o.IncludeSubDomains = security.HstsIncludeSubDomains;
        });
        builder.Services.AddCivicContractingSecureCookies(security).WithoutClientValidation();
        return builder;
    }

    /// <summary>First in the pipeline, so that errors, static files, 401s and 429s carry the headers too.</summary>
    public static WebApplication UseCivicContractingSecurityHeaders(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var pagePolicy = PagePolicy(app.Services.GetRequiredService<IOptions<SiteOptions>>().Value.MapTileUrl);
        // The widgets under /embed may be framed by the sites Embeds:FrameAncestors allows; every other page by none.
        var widgetPolicy = EmbedPolicy.WidgetPolicy(pagePolicy, app.Services.GetRequiredService<IOptions<EmbedOptions>>().Value.EffectiveFrameAncestors);
        app.Use((context, next) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                var widget = EmbedPolicy.IsEmbed(context.Request.Path) && IsHtml(response.ContentType);
                // X-Frame-Options knows no allow-list: a widget relies on its CSP frame-ancestors alone.
                if (!widget)
                    headers.XFrameOptions = "DENY";
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers.ContentSecurityPolicy = widget ? widgetPolicy
                    : context.Items[ScalarNonceItem] is string nonce && context.Request.Path.StartsWithSegments(ApiReferencePath, StringComparison.OrdinalIgnoreCase)
                        ? string.Format(System.Globalization.CultureInfo.InvariantCulture, ApiReferencePolicy, nonce)
                        : PolicyFor(context.Request.Path, response.ContentType, pagePolicy);
                return Task.CompletedTask;
            });
            return next(context);
        });
        if (security.Hsts && !app.Environment.IsDevelopment())
            app.UseHsts();
        if (security.HttpsRedirection)
            app.UseHttpsRedirection();
        return app;
    }

    public static string PolicyFor(PathString path, string? contentType, string pagePolicy)
    {
        if (path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase))
            return DashboardPolicy;
        if (path.StartsWithSegments(EvidencePath, StringComparison.OrdinalIgnoreCase))
            return EvidencePolicy;
        return IsHtml(contentType) ? pagePolicy : NonHtmlPolicy;
    }

    private static bool IsHtml(string? contentType) => contentType is not null && contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The page policy, with the background tiles' host in img-src when <c>Site:MapTileUrl</c> is set.</summary>
    public static string PagePolicy(string? mapTileUrl)
    {
        var tiles = TileSource(mapTileUrl);
        return tiles is null ? BasePagePolicy : BasePagePolicy.Replace("img-src 'self' data:", $"img-src 'self' data: {tiles}", StringComparison.Ordinal);
    }

    /// <summary>
    /// The CSP source of a Leaflet tile template: <c>https://{s}.tile.example.org/{z}/{x}/{y}.png</c> →
    /// <c>https://*.tile.example.org</c>. A placeholder elsewhere in the host cannot be expressed in CSP: then the scheme.
    /// </summary>
    public static string? TileSource(string? mapTileUrl)
    {
        if (string.IsNullOrWhiteSpace(mapTileUrl))
            return null;
        var schemeEnd = mapTileUrl.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            return null;
        var scheme = mapTileUrl[..schemeEnd].ToLowerInvariant();
        var rest = mapTileUrl[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        if (authority.StartsWith('{') && authority.IndexOf('}', StringComparison.Ordinal) is var close and > 0 && close + 1 < authority.Length && authority[close + 1] == '.')
            authority = "*" + authority[(close + 1)..];
        if (authority.Length == 0 || authority.Contains('{', StringComparison.Ordinal) || authority.Contains('}', StringComparison.Ordinal)
            || authority.Contains(';', StringComparison.Ordinal) || authority.Contains(' ', StringComparison.Ordinal) || authority.Contains('@', StringComparison.Ordinal))
            return scheme + ":";
        return $"{scheme}://{authority}";
    }
}
