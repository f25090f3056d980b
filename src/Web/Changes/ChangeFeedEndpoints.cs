using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Changes;

/// <summary>
/// <c>GET /api/feed/changes</c>, the open commitment feed, and <c>GET /api/feed/schemas/{type}.schema.json</c>, the JSON
/// Schema of each entry type (docs/open-civic-commitments.md).
/// </summary>
public static class ChangeFeedEndpoints
{
    public const string ChangesPath = "/api/feed/changes";
    public const string SchemasPath = "/api/feed/schemas";
    public const string SchemaSuffix = ".schema.json";

    /// <summary>Where the specification is published with the code.</summary>
    public const string SpecificationPath = "docs/open-civic-commitments.md";

    public static void MapOpenFeed(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/feed").WithTags("Open data");

        group.MapGet("/changes", Changes)
            .WithName("GetFeedChanges")
            .WithSummary("The open commitment feed (Open Civic Commitments 1.0): every public goal, commitment and the places, each once at its newest change, oldest first. Start without ?since, then send back each page's next cursor; ?limit=1..1000 (default 100).")
            .Produces<FeedPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/schemas/{name}", Schema)
            .WithName("GetFeedSchema")
            .WithSummary("The JSON Schema (draft 2020-12) of one entry type of the open feed: places, goal, commitment, withheld, or page.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> Changes(HttpContext context, ChangeFeed feed, string? since, string? limit)
    {
        FeedCursor? cursor = null;
        if (since is not null)
        {
            if (!FeedCursor.TryParse(since, out var parsed))
                throw ApiProblems.Invalid("since", ApiText.FeedCursorInvalid);
            cursor = parsed;
        }
        var take = ChangeFeed.DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > ChangeFeed.MaxLimit))
            throw ApiProblems.Invalid("limit", ApiText.FeedLimitRange(ChangeFeed.MaxLimit));

        if (!feed.TryEnter())
            throw ApiProblems.TooManyAttempts(TimeSpan.FromSeconds(1), ApiText.FeedBusy);
        FeedPage page;
        try
        {
            page = await feed.PageAsync(cursor, take, context.RequestAborted);
        }
        finally
        {
            feed.Exit();
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(page, ApiJson.Options);
        var headers = context.Response.Headers;
        var links = new List<string>
        {
            $"<{page.License.Url}>; rel=\"license\"",
            $"<{SchemasPath}/{FeedEntryTypes.Page}{SchemaSuffix}>; rel=\"describedby\"",
        };
        if (page.Next is { } next)
            links.Insert(0, $"<{ChangesPath}?since={Uri.EscapeDataString(next)}&limit={take}>; rel=\"next\"");
        headers.Link = string.Join(", ", links);
        // A page changes when an entity on it changes again (it moves further on): cached briefly, validated by its content.
        // The tag covers what the page says (its entries, next cursor and completeness), not the moment it was asked.
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(page with { SettledUntil = default }, ApiJson.Options)))[..32]}\"";
        headers.ETag = etag;
        headers.CacheControl = page.Complete ? "public, max-age=5" : "public, max-age=30";
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(body, "application/json; charset=utf-8");
    }

    public static IResult Schema(string name)
    {
        var type = name.EndsWith(SchemaSuffix, StringComparison.Ordinal) ? name[..^SchemaSuffix.Length] : null;
        if (type is null || FeedSchemas.Get(type) is not { } schema)
            throw ApiProblems.NotFound("schema", name);
        return Results.Bytes(schema, "application/schema+json");
    }
}

/// <summary>The JSON Schemas of docs/open-civic-commitments/schemas/, embedded in this assembly as they are in the repository.</summary>
public static class FeedSchemas
{
    private static readonly Lazy<IReadOnlyDictionary<string, byte[]>> All = new(Load);

    public static IEnumerable<string> Types => All.Value.Keys;

    public static byte[]? Get(string type) => All.Value.GetValueOrDefault(type);

    private static Dictionary<string, byte[]> Load()
    {
        const string prefix = "OpenCivicCommitments.Schemas.";
        var assembly = typeof(FeedSchemas).Assembly;
        var schemas = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            schemas[resource[prefix.Length..^ChangeFeedEndpoints.SchemaSuffix.Length]] = copy.ToArray();
        }
        return schemas;
    }
}
