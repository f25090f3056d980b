using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace CivicContracting.Web.Security;

/// <summary>
/// The <c>Secure</c> flag of the app's cookies. By default a cookie is <c>Secure</c> when its request came over HTTPS,
/// directly or, behind the ingress, as <c>X-Forwarded-Proto: https</c> from a <c>Security:TrustedProxies</c> address.
/// With <c>Security:SecureCookiesOnly=true</c> (production behind TLS) the cookies that carry a sign-in (the session,
/// the external sign-in's, OpenID Connect's correlation and nonce) are <c>Secure</c> whatever the request looked like,
/// so a wrong proxy list can never let a session travel over plain HTTP. The antiforgery cookie keeps following the
/// request: forced, ASP.NET Core refuses every form on a plain-HTTP request with a 500, and its token is no sign-in.
/// </summary>
public static class SecureCookies
{
    public static IServiceCollection AddCivicContractingSecureCookies(this IServiceCollection services, SecurityOptions security)
    {
        if (!security.SecureCookiesOnly)
            return services;
        services.PostConfigureAll<CookieAuthenticationOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        services.PostConfigureAll<OpenIdConnectOptions>(o =>
        {
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.Always;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        services.PostConfigure<CookieTempDataProviderOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        return services;
    }

    /// <summary>
    /// Client-side validation is off: the site ships no validation script, and its placeholder in every validation
    /// summary (<c>&lt;li style="display:none"&gt;</c>) is an inline style the pages' CSP blocks. Without it a summary
    /// with nothing to say is left out of the page.
    /// </summary>
    public static IServiceCollection WithoutClientValidation(this IServiceCollection services) =>
        services.Configure<MvcViewOptions>(o => o.HtmlHelperOptions.ClientValidationEnabled = false);
}
