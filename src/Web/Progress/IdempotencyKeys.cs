using System.Security.Cryptography;
using System.Text;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;

namespace CivicContracting.Web.Progress;

/// <summary>
/// The <c>Idempotency-Key</c> request header of progress writes: a key the client chooses once per logical request
/// (a UUID, say) and sends again with every retry of it. A report without its own reportId gets an id derived from
/// the key, so a retried request stores nothing twice: <c>"k-" + hex(SHA-256(caller, key, scope))</c>, 32 hex digits
/// (128 bits), which fits the id rules. The caller (account, or the operator token) is part of it, so two clients
/// that happen to pick the same key do not collide; the scope names the endpoint and, for batches, the row.
/// </summary>
public static class IdempotencyKeys
{
    // Defined by the retry in Hosting, which must not depend on this folder (it sits below the endpoints).
    public const string HeaderName = IdempotentRetry.IdempotencyKeyHeaderName;

    public const int MaxLength = 200;

    /// <summary>The key of the request, null without one; 400 naming the header when it is malformed.</summary>
    public static string? Read(HttpContext context)
    {
        var values = context.Request.Headers[HeaderName];
        if (values.Count == 0)
            return null;
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key.Any(c => c is < '!' or > '~'))
        {
            throw ApiProblems.Invalid(HeaderName,
                $"Send one key of 1 to {MaxLength} visible ASCII characters (e.g. a UUID), the same for every retry of a request and new for each new request.");
        }
        return key;
    }

    /// <summary>The report id for <paramref name="key"/> of <paramref name="caller"/> in <paramref name="scope"/> (e.g. "progress", "csv:{participant}:row:{n}").</summary>
    public static string ReportId(Actor caller, string key, string scope)
    {
        var who = caller.IsOperator ? "operator" : "account:" + caller.Account?.Id;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{who}\n{key}\n{scope}"));
        return "k-" + Convert.ToHexStringLower(hash)[..32];
    }
}
