using Microsoft.AspNetCore.StaticFiles;

namespace CivicContracting.Web.Site;

/// <summary>
/// How browsers may keep the static files. The scripts under <c>/js</c> are ES modules that import one another by
/// plain relative URLs (<c>import … from './render.js'</c>): Razor's <c>asp-append-version</c> versions only the URL
/// in a page's script tag, never the imports inside a module, and every page must load <c>/js/live.js</c> under one
/// URL (a module is evaluated once per URL; a second copy would open a second live connection), so those URLs carry no
/// version. Without a Cache-Control header a browser may reuse such a file by heuristic for days after a deployment,
/// and a changed module could then meet unchanged ones. So every <c>/js</c> file is sent with <c>no-cache</c>: the
/// browser keeps its copy but asks before each use, and an unchanged file costs a 304 without a body (the ETag and
/// Last-Modified the static file middleware sends). The other files keep the default; their pages reference them with
/// <c>asp-append-version</c> (CSS, Leaflet), whose URL changes with the content.
/// </summary>
public static class StaticFileCaching
{
    /// <summary>The folder of the site's scripts (ES modules).</summary>
    public const string ScriptsPath = "/js";

    public const string ScriptsCacheControl = "no-cache";

    public static StaticFileOptions Options() => new() { OnPrepareResponse = Apply };

    public static void Apply(StaticFileResponseContext context)
    {
        if (context.Context.Request.Path.StartsWithSegments(ScriptsPath, StringComparison.OrdinalIgnoreCase))
            context.Context.Response.Headers.CacheControl = ScriptsCacheControl;
    }
}
