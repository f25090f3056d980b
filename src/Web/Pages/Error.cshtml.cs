using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages;

/// <summary>The site's error page: re-executed for 404s and failures of page requests (API paths answer problem+json).</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Status { get; private set; }

    public string? TraceId { get; private set; }

    /// <summary>For a 429: the wait the rate limiter set in Retry-After (which the re-executed response keeps).</summary>
    public int RetryAfterSeconds { get; private set; }

    public IActionResult OnGet(int status)
    {
        // Reached directly (not re-executed), /error/{n} is itself an unknown page — but for /error/403, where the sign-in
        // cookie sends a signed-in person who may not do what they asked (Authentication.cs, AccessDeniedPath).
        var reExecuted = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null
            || HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>() is not null;
        Status = reExecuted && status is >= 400 and <= 599 ? status
            : status == StatusCodes.Status403Forbidden && User.Identity?.IsAuthenticated == true ? status
            : 404;
        Response.StatusCode = Status;
        TraceId = Status >= 500 ? Activity.Current?.Id ?? HttpContext.TraceIdentifier : null;
        RetryAfterSeconds = int.TryParse(Response.Headers.RetryAfter, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var wait) ? wait : 60;
        return Page();
    }

    /// <summary>A form's POST that failed (e.g. a sign-in refused by the rate limiter) is re-executed as a POST.</summary>
    public IActionResult OnPost(int status) => OnGet(status);
}
