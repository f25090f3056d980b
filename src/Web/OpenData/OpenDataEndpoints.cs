using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CivicContracting.Aggregation;
using CivicContracting.Places;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.OpenData;

/// <summary>
/// The bulk downloads, <c>GET /api/open-data/{dataset}.{csv|jsonl}[?asOf=…]</c>, and the DCAT-AP catalogue,
/// <c>GET /api/open-data/catalog.jsonld</c> (docs/open-data.md documents both). A download is streamed: rows are written as
/// they are produced (<see cref="OpenDataExport"/>), never the whole file in memory. Each states its licence in a
/// <c>Link: &lt;…&gt;; rel="license"</c> header (the CSV stays a clean table and every JSON Lines line is a record; the
/// catalogue states it too), and carries an <c>ETag</c> and <c>Last-Modified</c> taken from counters the web host keeps
/// (O(1)), so <c>If-None-Match</c> / <c>If-Modified-Since</c> are answered 304 before anything is read.
/// </summary>
public static class OpenDataEndpoints
{
    public const string Prefix = "/api/open-data";
    public const string CatalogPath = Prefix + "/catalog.jsonld";

    public static void MapOpenData(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Open data");

        group.MapGet("/catalog.jsonld", Catalog)
            .WithName("GetOpenDataCatalog")
            .WithSummary("The DCAT-AP catalogue of the open datasets (JSON-LD), for open-data portals to harvest.");

        group.MapGet("/{dataset}.{format}", Download)
            .WithName("DownloadOpenData")
            .WithSummary("Bulk download of a dataset (goals, commitments, reports, places, sessions) as CSV or JSON Lines, streamed; ?asOf=2026-05-01 for the data as of a past date. Licence in the Link header.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    public static IResult Catalog(HttpContext context, IOptions<OpenDataOptions> licence, SiteData data)
    {
        var (_, newest) = data.Contributions.PublicSummary();
        var json = OpenDataCatalog.Build(BaseUrl(context.Request), licence.Value, newest == default ? null : newest);
        context.Response.Headers.Link = LicenceLink(licence.Value);
        return Results.Text(json, "application/ld+json", Encoding.UTF8);
    }

    public static async Task Download(string dataset, string format, string? asOf, HttpContext context, OpenDataExport export,
        OpenDataDownloads downloads, SiteData data, IOptions<OpenDataOptions> licence, TimeProvider clock)
    {
        var table = OpenDataDatasets.Find(dataset);
        var media = OpenDataDatasets.Formats.FirstOrDefault(f => string.Equals(f.Extension, format, StringComparison.Ordinal));
        if (table is null || media.Extension is null)
        {
            throw new ApiProblemException(StatusCodes.Status404NotFound, ApiText.TitleNotFound,
                ApiText.OpenDataNoSuchFile(dataset, format, string.Join(", ", OpenDataDatasets.All.Select(d => d.Name))));
        }
        var at = ParseAsOf(asOf, clock.GetUtcNow());
        var csv = media.Extension == "csv";
        var cancellationToken = context.RequestAborted;

        // Validators first, from counters (O(1)); sessions are few and read whole to hash them.
        IAsyncEnumerable<object?[]> rows;
        string tag;
        DateTimeOffset? modified;
        switch (table.Name)
        {
            case "commitments" or "reports":
            {
                var (count, newest) = data.Contributions.PublicSummary();
                tag = $"{data.Contributions.Changes:x}-{count:x}-{newest.UtcTicks:x}";
                modified = newest == default ? null : newest;
                rows = table.Name == "commitments" ? export.CommitmentRows(at, cancellationToken) : export.ReportRows(at, cancellationToken);
                break;
            }
            case "goals" or "places":
            {
                await data.WhenLoaded(cancellationToken);
                tag = $"{data.ChangeCount:x}";
                modified = NewestFigures(data, table.Name == "goals");
                rows = table.Name == "goals" ? export.GoalRows(at, cancellationToken) : export.PlaceRows(at, cancellationToken);
                break;
            }
            default:
            {
                var all = new List<object?[]>();
                await foreach (var row in export.SessionRows(at, cancellationToken))
                    all.Add(row);
                tag = ContentHash(all);
                modified = null;
                rows = all.ToAsyncEnumerable();
                break;
            }
        }
        var etag = new EntityTagHeaderValue($"\"{table.Name}.{media.Extension}-{(at is { } a ? a.UtcTicks.ToString("x", CultureInfo.InvariantCulture) : "now")}-{tag}\"", isWeak: true);

        var response = context.Response;
        response.Headers.ETag = etag.ToString();
        if (modified is { } lastModified)
            response.Headers.LastModified = HeaderDate(lastModified);
        response.Headers.CacheControl = "public, no-cache";
        response.Headers.Link = LicenceLink(licence.Value) + $", <{CatalogPath}>; rel=\"describedby\"; type=\"application/ld+json\"";
        if (NotModified(context.Request, etag, modified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        using var slot = downloads.TryStart(RateLimits.ClientAddress(context))
            ?? throw ApiProblems.TooManyAttempts(downloads.Options.RetryAfter,
                ApiText.OpenDataTooManyDownloads(downloads.Options.MaxPerClient, downloads.Options.MaxTotal));

        var day = (at ?? clock.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        response.ContentType = csv ? "text/csv; charset=utf-8; header=present" : "application/jsonl; charset=utf-8";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"leuven-{table.Name}-{(at is null ? "" : "as-of-")}{day}.{media.Extension}",
        }.ToString();
        response.Headers["X-Content-Type-Options"] = "nosniff";
        await response.StartAsync(cancellationToken);
        await using var writer = new OpenDataTableWriter(response.Body, table.Columns, csv);
        try
        {
            await foreach (var row in rows.WithCancellation(cancellationToken))
                await writer.WriteAsync(row, cancellationToken);
            await writer.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The status line has gone: cut the connection so that the client sees a broken transfer, not a short file.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OpenDataEndpoints))
                .LogError(e, "Open-data download {Dataset}.{Format} failed after {Rows} rows", table.Name, media.Extension, writer.Rows);
            context.Abort();
        }
    }

    /// <summary>
    /// <c>asOf</c>: a date (<c>2026-05-01</c>: up to the end of that day, UTC) or an instant with an offset
    /// (<c>2026-05-01T12:00:00Z</c>); not in the future. Null without one.
    /// </summary>
    public static DateTimeOffset? ParseAsOf(string? asOf, DateTimeOffset now)
    {
        if (asOf is null)
            return null;
        DateTimeOffset at;
        if (DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            at = new DateTimeOffset(date.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);
        else if (asOf.Length <= 40 && asOf.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant)
            && (asOf.EndsWith('Z') || asOf.LastIndexOfAny(['+', '-']) > asOf.IndexOf('T', StringComparison.Ordinal)))
            at = instant.ToUniversalTime();
        else
            throw ApiProblems.Invalid("asOf", ApiText.OpenDataAsOfFormat(asOf.Length <= 40 ? asOf : asOf[..40] + "…"));
        if (at > now && !(date != default && DateOnly.FromDateTime(now.UtcDateTime) == date))
            throw ApiProblems.Invalid("asOf", ApiText.OpenDataAsOfFuture(asOf));
        return at > now ? now : at;
    }

    private static bool NotModified(HttpRequest request, EntityTagHeaderValue etag, DateTimeOffset? modified)
    {
        var ifNoneMatch = request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch is { Count: > 0 })
            return ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false));
        return modified is { } m && request.GetTypedHeaders().IfModifiedSince is { } since
            && TruncateToSeconds(m) <= since;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static string HeaderDate(DateTimeOffset at) => TruncateToSeconds(at).ToString("r", CultureInfo.InvariantCulture);

    /// <summary>The newest figures of the goals (with their definitions) or of the places: O(goals + places).</summary>
    private static DateTimeOffset? NewestFigures(SiteData data, bool goals)
    {
        var newest = DateTimeOffset.MinValue;
        if (goals)
        {
            foreach (var g in data.Goals)
            {
                var at = new[] { g.CreatedAt, g.RevisedAt ?? default, data.Aggregate(AggregateScope.Goal(g.Id)).UpdatedAt }.Max();
                if (at > newest)
                    newest = at;
            }
        }
        else
        {
            foreach (var p in PlaceCatalog.Leuven.All)
            {
                var at = data.Aggregate(AggregateScope.Place(p.Code)).UpdatedAt;
                if (at > newest)
                    newest = at;
            }
        }
        return newest == DateTimeOffset.MinValue ? null : newest;
    }

    private static string ContentHash(List<object?[]> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var row in rows)
        {
            foreach (var value in row)
                hash.AppendData(Encoding.UTF8.GetBytes((value is null ? "" : OpenDataTableWriter.Format(value)) + "\u001f"));
            hash.AppendData("\u001e"u8);
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    public static string LicenceLink(OpenDataOptions licence) => $"<{licence.LicenceUrl}>; rel=\"license\"; title=\"{licence.LicenceName.Replace("\"", "'", StringComparison.Ordinal)}\"";

    /// <summary>The site's address as the request reached it (behind a proxy: as forwarded headers tell).</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
