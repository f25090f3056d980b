using System.Globalization;
using System.Text.Json.Nodes;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Embeds;

/// <summary>
/// The widgets' settings and oEmbed (https://oembed.com): <c>GET /api/oembed?url=…&amp;format=json&amp;maxwidth=&amp;maxheight=</c>
/// answers a goal's, a commitment's, a place's or the map's address on this site with a "rich" embed whose html is the
/// widget's iframe. Another host, an unknown page, a draft or a hidden commitment: 404; <c>format=xml</c>: 501.
/// </summary>
public static class EmbedEndpoints
{
    public const string OEmbedPath = "/api/oembed";

    public const string OEmbedContentType = "application/json+oembed";

    public const int MaxUrlLength = 2000;

    public const int MinPixels = 50;

    public const int MaxPixels = 4000;

    public static WebApplicationBuilder AddCivicContractingEmbeds(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmbedOptions>().Bind(builder.Configuration.GetSection(EmbedOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // Checked now as well, so that a wrong origin stops the build of the app with a message naming it.
        var options = builder.Configuration.GetSection(EmbedOptions.SectionName).Get<EmbedOptions>() ?? new EmbedOptions();
        var failures = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(f => f.ErrorMessage ?? "").ToList();
        if (failures.Count > 0)
            throw new Microsoft.Extensions.Options.OptionsValidationException(EmbedOptions.SectionName, typeof(EmbedOptions), failures);
        builder.Services.AddSingleton<EmbedTargets>();
        return builder;
    }

    public static void MapEmbeds(this IEndpointRouteBuilder app)
    {
        app.MapGet(OEmbedPath, GetOEmbed)
            .WithTags("Embeds")
            .WithName("GetOEmbed")
            .WithSummary("oEmbed (https://oembed.com) of a goal's, commitment's, place's or the map's address on this site: a \"rich\" embed whose html is the widget's iframe.")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status501NotImplemented);
    }

    public static async Task<IResult> GetOEmbed(HttpContext context, EmbedTargets targets, SiteTextLocalizer T,
        string? url = null, string? format = null, string? maxwidth = null, string? maxheight = null)
    {
        var request = context.Request;
        var origin = EmbedTargets.Origin(request);
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address)
            || address.Scheme is not ("http" or "https"))
            throw ApiProblems.Invalid("url", ApiText.OEmbedUrl(MaxUrlLength));
        var wantedFormat = string.IsNullOrWhiteSpace(format) ? "json" : format.Trim().ToLowerInvariant();
        if (wantedFormat == "xml")
            throw new ApiProblemException(StatusCodes.Status501NotImplemented, ApiText.TitleNotImplemented, ApiText.OEmbedXml);
        if (wantedFormat != "json")
            throw ApiProblems.Invalid("format", ApiText.OEmbedFormat);
        var width = Pixels("maxwidth", maxwidth);
        var height = Pixels("maxheight", maxheight);

        // Only this site's own pages: the same host and port as the request (oEmbed consumers ask the provider of the page).
        if (!string.Equals(address.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
            throw NotEmbeddable(url);
        await targets.WhenLoaded(context.RequestAborted);
        if (await targets.FromPathAsync(address.AbsolutePath, T["Embed.MapTitle"]) is not { } target)
            throw NotEmbeddable(url);

        var (w, h) = Fit(target.Width, target.Height, width, height);
        var answer = new JsonObject
        {
            ["version"] = "1.0",
            ["type"] = "rich",
            ["title"] = target.Title,
            ["provider_name"] = T["Site.Name"].Value,
            ["provider_url"] = origin + "/",
            ["html"] = target.IframeHtml(origin, w, h),
            ["width"] = w,
            ["height"] = h,
            ["cache_age"] = 3600,
        };
        context.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Text(answer.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>The frame's size within the consumer's maxima, keeping the widget's proportions.</summary>
    public static (int Width, int Height) Fit(int width, int height, int? maxWidth, int? maxHeight)
    {
        var scale = 1.0;
        if (maxWidth is { } mw && mw < width)
            scale = Math.Min(scale, (double)mw / width);
        if (maxHeight is { } mh && mh < height)
            scale = Math.Min(scale, (double)mh / height);
        return (Math.Max(1, (int)Math.Floor(width * scale)), Math.Max(1, (int)Math.Floor(height * scale)));
    }

    private static int? Pixels(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pixels) || pixels < MinPixels || pixels > MaxPixels)
            throw ApiProblems.Invalid(field, ApiText.OEmbedPixels(MinPixels, MaxPixels));
        return pixels;
    }

    private static ApiProblemException NotEmbeddable(string url) =>
        new(StatusCodes.Status404NotFound, ApiText.TitleNotFound, ApiText.OEmbedNotEmbeddable(url.Length <= 200 ? url : url[..200] + "…"));
}
