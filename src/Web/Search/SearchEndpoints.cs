using System.Threading.RateLimiting;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Api;
using CivicContracting.Web.Content;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Search;

/// <summary>What <c>GET /api/search</c> answers: the hits of one page, their total, and whether the index was complete.</summary>
public sealed record SearchAnswer(
    string Query,
    int Total,
    int Page,
    int PageSize,
    bool Complete,
    IReadOnlyList<SearchAnswerItem> Results);

/// <summary>
/// One hit: its type (goal, commitment, participant, session, place), id, page, title (in the reader's language when
/// there is a translation, else the original, with <c>language</c> saying which) and, as HTML, the title and a snippet of
/// its description with the matches in <c>&lt;mark&gt;</c> (everything else escaped).
/// </summary>
public sealed record SearchAnswerItem(string Type, string Id, string Url, string Title, string TitleHtml, string? Snippet, string Language);

/// <summary>Full-text search: <c>GET /api/search</c> (the page <c>/search</c> reads the same).</summary>
public static class SearchEndpoints
{
    public const string RatePolicy = "search";

    public const int PageSize = 20;

    public static WebApplicationBuilder AddCivicContractingSearch(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SearchOptions>().Bind(builder.Configuration.GetSection(SearchOptions.SectionName));
        builder.Services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<SearchOptions>>().Value.IndexPath;
            if (!string.IsNullOrEmpty(path))
            {
                // Built anew at every start: whatever an earlier run left is not trusted.
                if (System.IO.Directory.Exists(path))
                    System.IO.Directory.Delete(path, recursive: true);
                System.IO.Directory.CreateDirectory(path);
            }
            return new SearchIndex(path);
        });
        builder.Services.AddSingleton<SiteSearch>();
        builder.Services.AddSingleton<SearchFeeder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SearchFeeder>());
        // Searching costs more than the memory reads the other public pages are: a budget per address, like sign-in's.
        builder.Services.Configure<RateLimiterOptions>(o => o.AddPolicy(RatePolicy, context =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            var search = context.RequestServices.GetRequiredService<IOptions<SearchOptions>>().Value;
            return !limits.Enabled
                ? RateLimitPartition.GetNoLimiter(RatePolicy + ":free")
                : RateLimitPartition.GetTokenBucketLimiter(RatePolicy + ":" + RateLimits.ClientAddress(context),
                    _ => RateLimits.Bucket(Math.Max(1, search.SearchesPerMinute), Math.Max(1, search.SearchBurst)));
        }));
        return builder;
    }

    public static void MapSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", SearchAsync)
            .WithTags("Search")
            .WithName("Search")
            .WithSummary("Full-text search over goals and objectives, public commitments (title, description, actions, owner), public participant "
                + "names, co-creation sessions and places, in Dutch, French and English: stemming, accents and small typos are tolerated, "
                + "and a word is found inside Dutch compounds. Filters as on the site; 20 hits a page with highlighted snippets, in the "
                + "request's language (Accept-Language or ?culture=). complete is false while the index is still being built after a start.")
            .RequireRateLimiting(RatePolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<SearchAnswer> SearchAsync(
        SiteSearch search, string? q = null, string? type = null, string? neighbourhood = null, string? kind = null, string? level = null,
        string? status = null, string? goal = null, int? page = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = Parse(q, type, neighbourhood, kind, level, status, goal, page, ContentText.Reading, errors);
        if (request is null)
            throw ApiProblems.Invalid(errors);
        var results = await search.SearchAsync(request);
        return new SearchAnswer(request.Text, results.Total, request.Page, request.PageSize, search.IsComplete,
            [.. results.Hits.Select(h => new SearchAnswerItem(h.Type, h.Id, h.Url, h.Title, h.TitleHtml, h.SnippetHtml, h.Language))]);
    }

    /// <summary>
    /// The request, or null with <paramref name="errors"/> filled: q from 1 to <see cref="SearchIndex.MaxQueryLength"/>
    /// characters, filters naming real values (API names as elsewhere: <c>school</c>, <c>result</c>, <c>active</c>; a
    /// neighbourhood code; a goal id), a page from 1 to <see cref="SearchIndex.MaxPage"/>.
    /// </summary>
    public static SearchRequest? Parse(
        string? q, string? type, string? neighbourhood, string? kind, string? level, string? status, string? goal, int? page, string language,
        IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var text = q?.Trim() ?? "";
        if (text.Length == 0)
            errors["q"] = [ApiText.SearchQueryRequired];
        else if (text.Length > SearchIndex.MaxQueryLength)
            errors["q"] = [ApiText.SearchQueryTooLong(SearchIndex.MaxQueryLength)];
        string? Named<T>(string field, string? value)
            where T : struct, Enum
        {
            if (string.IsNullOrWhiteSpace(value))
                return null;
            if (EnumNames.Parse<T>(value.Trim()) is { } parsed)
                return ApiJson.CamelCase(parsed.ToString());
            errors[field] = [ApiText.OneOf(string.Join(", ", EnumNames.Of<T>()))];
            return null;
        }
        string? typeName = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            typeName = SearchTypes.All.FirstOrDefault(t => string.Equals(t, type.Trim(), StringComparison.OrdinalIgnoreCase));
            if (typeName is null)
                errors["type"] = [ApiText.OneOf(string.Join(", ", SearchTypes.All))];
        }
        string? place = null;
        if (!string.IsNullOrWhiteSpace(neighbourhood))
        {
            if (PlaceCatalog.Leuven.IsNeighbourhood(neighbourhood.Trim()))
                place = neighbourhood.Trim();
            else
                errors["neighbourhood"] = [ApiText.SearchNoSuchNeighbourhood(Shorten(neighbourhood))];
        }
        var kindName = Named<ParticipantKind>("kind", kind);
        var levelName = Named<CommitmentLevel>("level", level);
        var statusName = Named<CommitmentStatus>("status", status);
        string? goalId = null;
        if (!string.IsNullOrWhiteSpace(goal))
        {
            if (ApiIds.IsWellFormed(goal.Trim()))
                goalId = goal.Trim();
            else
                errors["goal"] = [CivicContracting.Validation.RuleText.IdFormat(CivicContracting.Validation.InputRules.MaxIdLength)];
        }
        if (page is < 1 or > SearchIndex.MaxPage)
            errors["page"] = [ApiText.SearchPageRange(SearchIndex.MaxPage)];
        if (errors.Count > 0)
            return null;
        return new SearchRequest(text, language, new SearchFilters(typeName, place, kindName, levelName, statusName, goalId), page ?? 1, PageSize);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
