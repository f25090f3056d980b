using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CivicContracting.Web.Site;

/// <summary>
/// How browsers may keep the site's scripts. They are ES modules that import one another by plain relative URLs
/// (<c>import … from './render.js'</c>), and every page must load <c>live.js</c> under one URL (a module is evaluated once
/// per URL; a second copy would open a second live connection), so Razor's <c>asp-append-version</c>, which versions only
/// the URL in a page's script tag, does not fit. Instead pages name their entry scripts under a content-versioned prefix,
/// <c>/js/v/{version}/…</c> (<see cref="ScriptVersion"/>): relative imports inside a module resolve under the same prefix,
/// so the whole graph of one deployment shares one version, and those files are sent <c>immutable</c> — a page view costs
/// no request for a script the browser already has. A changed file changes the version, hence every URL. A request for
/// another version (a page rendered before a deployment) is still answered, with the current file and <c>no-cache</c>;
/// so are the plain <c>/js/…</c> URLs. The other static files keep the default; pages reference them with
/// <c>asp-append-version</c> (CSS, Leaflet).
/// </summary>
public static class StaticFileCaching
{
    /// <summary>The folder of the site's scripts (ES modules).</summary>
    public const string ScriptsPath = "/js";

    /// <summary>The prefix of versioned script URLs: <c>/js/v/{version}/{file}</c>.</summary>
    public const string VersionedScriptsPath = "/js/v";

    public const string ScriptsCacheControl = "no-cache";

    public const string VersionedScriptsCacheControl = "public, max-age=31536000, immutable";

    private static readonly object CurrentVersionKey = new();

    public static StaticFileOptions Options() => new() { OnPrepareResponse = Apply };

    /// <summary>
    /// Serves <c>/js/v/{version}/{file}</c> as <c>/js/{file}</c>, remembering whether the version is the current one. Before
    /// the static files.
    /// </summary>
    public static IApplicationBuilder UseVersionedScripts(this IApplicationBuilder app)
    {
        var version = app.ApplicationServices.GetRequiredService<ScriptVersion>();
        return app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(VersionedScriptsPath, StringComparison.Ordinal, out var rest)
                && rest.Value is { Length: > 1 } tail && tail.IndexOf('/', 1) is var slash and > 1)
            {
                var requested = tail[1..slash];
                context.Request.Path = ScriptsPath + tail[slash..];
                if (version.IsImmutable && string.Equals(requested, version.Value, StringComparison.Ordinal))
                    context.Items[CurrentVersionKey] = true;
            }
            return next(context);
        });
    }

    public static void Apply(StaticFileResponseContext context)
    {
        if (!context.Context.Request.Path.StartsWithSegments(ScriptsPath, StringComparison.OrdinalIgnoreCase))
            return;
        context.Context.Response.Headers.CacheControl = context.Context.Items.ContainsKey(CurrentVersionKey)
            ? VersionedScriptsCacheControl
            : ScriptsCacheControl;
    }
}

/// <summary>
/// The version of the site's scripts: a hash of every file under <c>wwwroot/js</c> (names and contents), computed once at
/// start (the files ship with the build). In Development, where scripts are edited while the host runs, the versioned
/// URLs are sent <c>no-cache</c> like the plain ones.
/// </summary>
public sealed class ScriptVersion
{
    public ScriptVersion(IWebHostEnvironment environment)
    {
        Value = Compute(environment.WebRootFileProvider);
        IsImmutable = !environment.IsDevelopment();
    }

    /// <summary>The first 16 hex digits of the SHA-256 over the scripts' relative paths and contents, in ordinal order.</summary>
    public string Value { get; }

    /// <summary>Whether the current version's files may be kept by browsers without asking.</summary>
    public bool IsImmutable { get; }

    /// <summary>The versioned URL of a script, e.g. <c>Url("map/main.js")</c> → <c>/js/v/1a2b…/map/main.js</c>.</summary>
    public string Url(string script)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(script);
        return $"{StaticFileCaching.VersionedScriptsPath}/{Value}/{script.TrimStart('/')}";
    }

    private static string Compute(IFileProvider files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, file) in Scripts(files, StaticFileCaching.ScriptsPath.TrimStart('/')).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
            using var stream = file.CreateReadStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static IEnumerable<(string Path, IFileInfo File)> Scripts(IFileProvider files, string folder)
    {
        foreach (var entry in files.GetDirectoryContents(folder))
        {
            var path = folder + "/" + entry.Name;
            if (entry.IsDirectory)
            {
                foreach (var nested in Scripts(files, path))
                    yield return nested;
            }
            else
            {
                yield return (path, entry);
            }
        }
    }
}
