using CivicContracting.Web.Hosting;
using CivicContracting.Web.OpenData;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Meta;

public sealed record ApiIndex(string Name, string Description, string OrleansMode, IReadOnlyDictionary<string, string> Links, ApiLicence Licence);

/// <summary>
/// The licence of everything the API publishes (<see cref="OpenDataOptions"/>): its SPDX id where it has one, its name, where
/// its text is, and whom a re-user credits. The code's own licence (EUPL-1.2) is another matter: see LICENSE.
/// </summary>
public sealed record ApiLicence(string Id, string Name, string Url, string Publisher, string PublisherUrl)
{
    public static ApiLicence Of(OpenDataOptions options) =>
        new(options.LicenceId, options.LicenceName, options.LicenceUrl, options.Publisher, options.PublisherUrl);
}

/// <summary>A small index of the API, at / and /api/meta, so that a person or a client can find everything else.</summary>
public static class MetaEndpoints
{
    private static readonly IReadOnlyDictionary<string, string> Links = new Dictionary<string, string>
    {
        ["goals"] = "/api/goals",
        ["places"] = "/api/places",
        ["map"] = "/api/map",
        ["participants"] = "/api/participants/{id}",
        ["commitments"] = "/api/commitments/{id}",
        ["sessions"] = "/api/sessions",
        ["openData"] = "/api/open-data/catalog.jsonld",
        ["changes"] = "/api/feed/changes",
        ["changesSchema"] = "/api/feed/schemas/page.schema.json",
        ["search"] = "/api/search?q={query}",
        ["oembed"] = "/api/oembed?url={url}",
        ["openapi"] = "/openapi/v1.json",
        ["docs"] = "/api/docs",
        ["live"] = "/health/live",
        ["ready"] = "/health/ready",
    };

    public static void MapMeta(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/meta", Index).WithTags("Meta").WithName("GetApiIndex").WithSummary("Links to the resources of the API.");
        app.MapGet("/api", Index).WithTags("Meta").WithName("GetApiRoot").WithSummary("Links to the resources of the API.");
    }

    public static Ok<ApiIndex> Index(OrleansHostingSettings orleans, IOptions<OpenDataOptions> openData) => TypedResults.Ok(new ApiIndex(
        "Civic Contracting",
        "Public commitments towards shared climate goals in Leuven, and their live progress. Reads are public; writes need a signed-in caller (a personal access token, a browser session, or the operator token to bootstrap).",
        orleans.Mode.ToString(),
        Links,
        ApiLicence.Of(openData.Value)));
}
