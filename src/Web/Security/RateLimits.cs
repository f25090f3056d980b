using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Security;

/// <summary>Rate limits (configuration section "RateLimits").</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Off: nothing is limited (the policies stay defined, so endpoints that name them still work).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Sustained writes (POST/PUT/PATCH/DELETE under /api) per authenticated client: per token or per signed-in person.
    /// Generous: operators, integrators' bulk imports and the benchmarks share the one token, and the stack itself
    /// reaches about 2,000 durable writes/s on the development machine; this is a guard against a runaway client.
    /// </summary>
    [Range(1, 60_000_000)]
    public int WritesPerMinute { get; set; } = 600_000;

    /// <summary>How many writes an authenticated client may send at once before the sustained rate applies.</summary>
    [Range(1, 1_000_000)]
    public int WriteBurst { get; set; } = 20_000;

    /// <summary>
    /// Writes per minute (and burst) per IP address from clients without a valid token: they are refused anyway
    /// (401), so this only slows down token guessing and floods.
    /// </summary>
    [Range(1, 1_000_000)]
    public int AnonymousWritesPerMinute { get; set; } = 60;

    /// <summary>
    /// Sign-in attempts (POSTs only: showing the form never counts) per minute per IP address, sustained (the "sign-in"
    /// policy: the sign-in form, POST /api/session, sign-in link requests). A room full of people on one Wi-Fi shares an address.
    /// </summary>
    [Range(1, 10_000)]
    public int SignInAttemptsPerMinute { get; set; } = 30;

    /// <summary>Sign-in attempts one address may make at once before the sustained rate applies: a room of 60 people each mistyping once.</summary>
    [Range(1, 100_000)]
    public int SignInBurst { get; set; } = 120;

    /// <summary>Sign-up attempts (POSTs only) per minute per IP address, sustained: a budget of its own (the "sign-up" policy).</summary>
    [Range(1, 10_000)]
    public int SignUpAttemptsPerMinute { get; set; } = 10;

    /// <summary>Sign-up attempts one address may make at once: a co-creation session of 60 people signing up together.</summary>
    [Range(1, 100_000)]
    public int SignUpBurst { get; set; } = 60;
}

/// <summary>
/// ASP.NET Core's rate limiter: a global, partitioned token bucket for API writes, and a named strict policy
/// <see cref="SignInPolicy"/> for sign-in and sign-up (<c>.RequireRateLimiting(RateLimits.SignInPolicy)</c>).
/// A rejected request gets 429 problem+json with <c>Retry-After</c>; it never reaches its endpoint, so nothing is written.
/// Reads are never limited here: they are served from the web host's memory and output cache.
/// </summary>
public static class RateLimits
{
    /// <summary>Per IP address: sign-in attempts (POST only).</summary>
    public const string SignInPolicy = "sign-in";

    /// <summary>Per IP address: sign-up attempts (POST only), a budget separate from sign-in's.</summary>
    public const string SignUpPolicy = "sign-up";

    public static WebApplicationBuilder AddCivicContractingRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        var limits = SettingsValidation.BindAndValidate<RateLimitOptions>(builder.Configuration, RateLimitOptions.SectionName);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => WritePartition(context, limits));
            o.AddPolicy(SignInPolicy, context => AttemptPartition(context, limits, SignInPolicy, limits.SignInAttemptsPerMinute, limits.SignInBurst));
            o.AddPolicy(SignUpPolicy, context => AttemptPartition(context, limits, SignUpPolicy, limits.SignUpAttemptsPerMinute, limits.SignUpBurst));
            o.OnRejected = (rejected, _) => RejectAsync(rejected, limits);
        });
        return builder;
    }

    /// <summary>Attempts per address for <paramref name="policy"/>; page views (GET, HEAD) are never counted, only the POSTs that try.</summary>
    private static RateLimitPartition<string> AttemptPartition(HttpContext context, RateLimitOptions limits, string policy, int perMinute, int burst) =>
        !limits.Enabled || !HttpMethods.IsPost(context.Request.Method)
            ? RateLimitPartition.GetNoLimiter(policy + ":free")
            : RateLimitPartition.GetTokenBucketLimiter(policy + ":" + ClientAddress(context), _ => Bucket(perMinute, burst));

    /// <summary>Which bucket a request draws from: none for reads; per token for authenticated writes; per IP otherwise.</summary>
    public static RateLimitPartition<string> WritePartition(HttpContext context, RateLimitOptions limits)
    {
        if (!limits.Enabled || !IsApiWrite(context.Request))
            return RateLimitPartition.GetNoLimiter("unlimited");
        // Sign-in and sign-up have budgets of their own, sized for a room of people behind one address.
        if (context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName is SignInPolicy or SignUpPolicy)
            return RateLimitPartition.GetNoLimiter("attempts");
        // Only a token that authenticated gets its own bucket: random tokens must not buy fresh buckets.
        if (context.User.Identity?.IsAuthenticated == true && ClientKey(context) is { } client)
            return RateLimitPartition.GetTokenBucketLimiter(client, _ => Bucket(limits.WritesPerMinute, limits.WriteBurst));
        return RateLimitPartition.GetTokenBucketLimiter("ip:" + ClientAddress(context), _ => Bucket(limits.AnonymousWritesPerMinute, limits.AnonymousWritesPerMinute));
    }

    public static bool IsApiWrite(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method));

    /// <summary>Refills at least every second (so Retry-After is seconds, not a minute), exactly <paramref name="perMinute"/> on average up to rounding.</summary>
    public static TokenBucketRateLimiterOptions Bucket(int perMinute, int burst) => new()
    {
        TokenLimit = burst,
        ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1) / perMinute,
        TokensPerPeriod = perMinute >= 60 ? (perMinute + 59) / 60 : 1,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>
    /// An authenticated client's key: the SHA-256 of its bearer token (never the token itself, which would then live on
    /// in memory as a key); authenticated by a cookie session, the account id.
    /// </summary>
    private static string? ClientKey(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return "token:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())));
        var name = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.User.Identity?.Name;
        return name is null ? null : "user:" + name;
    }

    /// <summary>The connection's remote address (behind a proxy: the proxy's, unless forwarded headers are processed).</summary>
    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimitOptions limits)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        // A form of the site (sign-in, sign-up, a mailed link): no body here, so the site's error page says it, in the
        // page's language (Pages/Error.cshtml, re-executed for page requests), not a problem+json.
        if (Site.SitePaths.IsPage(context.Request.Path))
            return;
        // Sign-in and sign-up draw from the strict per-address policy (and, far less tightly, from the anonymous writes').
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var isWrite = IsApiWrite(context.Request);
        var authenticated = context.User.Identity?.IsAuthenticated == true;
        // Whole sentences in the request's language (the site's culture middleware ran before the rate limiter).
        var what = policy == SignUpPolicy
            ? ApiText.RateLimitSignUp(limits.SignUpBurst, limits.SignUpAttemptsPerMinute)
            : policy == SignInPolicy || !isWrite
            ? ApiText.RateLimitSignIn(limits.SignInBurst, limits.SignInAttemptsPerMinute)
            : authenticated
                ? ApiText.RateLimitTokenWrites(limits.WritesPerMinute, limits.WriteBurst)
                : ApiText.RateLimitAnonymousWrites(limits.AnonymousWritesPerMinute);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = ApiText.TitleTooManyRequests,
                Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                Detail = what + " " + ApiText.RateLimitWait(seconds),
            },
        });
    }
}
