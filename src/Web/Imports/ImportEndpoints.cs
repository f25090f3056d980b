using System.Globalization;
using System.Security.Cryptography;
using CivicContracting.Imports;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Imports;

/// <summary>
/// The operator import over HTTP: <c>POST /api/operations/imports</c> with the file as the body (JSON Lines or CSV),
/// answered with the summary once loaded; <c>GET /api/operations/imports/{id}</c> shows an import's progress while it
/// runs (its id is the SHA-256 of the file). Administrators in a session and the operator token.
/// </summary>
public static class ImportEndpoints
{
    public const string JsonLinesContentType = "application/x-ndjson";
    public const string CsvContentType = "text/csv";

    public static WebApplicationBuilder AddCivicContractingImports(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImportOptions>().Bind(builder.Configuration.GetSection(ImportOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CityImport>();
        return builder;
    }

    public static void MapImports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/operations/imports").WithTags("Operations");
        group.MapPost("/", Import)
            .RequireSignedIn()
            .WithName("ImportCity")
            .WithSummary("Loads a city's goals, participants and commitments from a JSON Lines or CSV file (administrators, the operator token). "
                + "Every row is checked first — fields, input rules, ids, references to records in the file or stored — and one bad row refuses the file "
                + "with 400 naming rows[n].field (n: the line; for CSV the row counting the header as 1), nothing loaded. Then everything is loaded through "
                + "the grains' rules; the answer is the summary. Idempotent and resumable: the import's id is the SHA-256 of the file, so the same file again "
                + "loads nothing twice (?again=true checks every row against the store once more), and a run that stopped is continued from its checkpoint. "
                + "Body limit Import:MaxBodyBytes.")
            .WithMetadata(new RawRequestBody("The file: JSON Lines (one record per line, {\"type\":\"goal\"|\"participant\"|\"commitment\", …}) or CSV with a header and a type column.",
                JsonLinesContentType, CsvContentType))
            .Produces<ImportSummary>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{id}", Get)
            .RequireSignedIn()
            .WithName("GetImport")
            .WithSummary("An import's state: phase, records per kind (in the file, created, there already, failed, skipped after a restart), load rate, time left, checkpoint and first row errors.")
            .Produces<ImportJobView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<ImportSummary>> Import(HttpContext context, Access access, CityImport imports, IOptions<ImportOptions> options, bool? again)
    {
        var actor = await access.RequireAdministratorAsync(context);
        var format = FormatOf(context.Request.ContentType);
        var limit = options.Value.MaxBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = limit;
        if (context.Request.ContentLength > limit)
            throw TooLarge(limit);

        var directory = string.IsNullOrWhiteSpace(options.Value.TempDirectory) ? Path.GetTempPath() : options.Value.TempDirectory;
        var path = Path.Combine(directory, $"civic-import-{Guid.NewGuid():N}.{CityImport.FormatName(format)}");
        try
        {
            var file = await SpoolAsync(context.Request.Body, path, format, limit, context.RequestAborted);
            try
            {
                return TypedResults.Ok(await imports.RunAsync(file, actor.RecordedName, again ?? false, context.RequestAborted));
            }
            catch (ImportRejectedException rejected)
            {
                var errors = rejected.Errors.GroupBy(e => e.Field, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);
                throw new ApiProblemException(StatusCodes.Status400BadRequest, ApiText.TitleFileHasErrors,
                    rejected.ErrorCount > rejected.Errors.Count
                        ? ApiText.ImportErrorsDetailFirst(rejected.ErrorCount, rejected.Job.Id, rejected.Errors.Count)
                        : ApiText.ImportErrorsDetail(rejected.ErrorCount, rejected.Job.Id), errors);
            }
            catch (ImportBusyException busy)
            {
                throw ApiProblems.Conflict(busy.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static async Task<Ok<ImportJobView>> Get(string id, HttpContext context, Access access, CityImport imports)
    {
        await access.RequireAdministratorAsync(context);
        var job = (ImportJobIds.IsWellFormed(id) ? await imports.GetAsync(id) : null) ?? throw ApiProblems.NotFound("import", id);
        return TypedResults.Ok(job);
    }

    /// <summary>JSON Lines or CSV by the Content-Type; anything else is 415 naming the two.</summary>
    public static ImportFormat FormatOf(string? contentType)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset).Value;
            if (!string.IsNullOrEmpty(charset) && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
                throw ApiProblems.Invalid("Content-Type", ApiText.ImportFileCharset(charset));
            if (mediaType.MediaType.Equals(JsonLinesContentType, StringComparison.OrdinalIgnoreCase) || mediaType.MediaType.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase))
                return ImportFormat.JsonLines;
            if (mediaType.MediaType.Equals(CsvContentType, StringComparison.OrdinalIgnoreCase))
                return ImportFormat.Csv;
        }
        throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, ApiText.TitleUnsupportedContentType,
            ApiText.ImportContentTypeDetail(JsonLinesContentType, CsvContentType, contentType ?? ApiText.ContentTypeNone),
            new Dictionary<string, string[]> { ["Content-Type"] = [ApiText.MustBeEitherContentType(JsonLinesContentType, CsvContentType)] });
    }

    /// <summary>Copies the body to a temporary file (never all in memory), hashing it on the way; past the limit, 413.</summary>
    private static async Task<ImportFile> SpoolAsync(Stream body, string path, ImportFormat format, long limit, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        long total = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > limit)
                    throw TooLarge(limit);
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        if (total == 0)
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.ImportBodyEmpty);
        return new ImportFile(path, format, total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static ApiProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, ApiText.TitleFileTooLarge, ApiText.ImportTooLargeDetail(limit),
            new Dictionary<string, string[]> { [ApiProblems.BodyField] = [ApiText.AtMostBytes(limit)] });
}
