using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Evidence;

/// <summary>An uploaded file: its id (the SHA-256 of its bytes), the url to give as a report's evidenceUrl, its detected type and size.</summary>
public sealed record EvidenceView(string EvidenceId, string Url, string ContentType, long Bytes, string Sha256);

/// <summary>
/// Evidence for progress reports: a photo or a document uploaded by whoever may report on the commitment
/// (<see cref="StoreEvidenceCommand"/>, which the report page's photo goes through too), stored content-addressed
/// (<see cref="IEvidenceStore"/>) and served publicly, immutable, as exactly the type it is.
/// </summary>
public static class EvidenceEndpoints
{
    /// <summary>Cached for a year and never revalidated: what an id names cannot change.</summary>
    public const string CacheControl = "public, max-age=31536000, immutable";

    public static void MapEvidence(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/commitments/{id}/evidence", Upload)
            .WithTags("Evidence")
            .WithName("UploadEvidence")
            .WithSummary("Uploads a photo (JPEG, PNG, WebP) or a PDF as evidence for a progress report on the commitment, by whoever may report on it; "
                + "give the answer's url as evidenceUrl of POST /api/commitments/{id}/progress. The type is recognised from the file's content; "
                + "at most Evidence:MaxBytes (5 MB by default). Files are stored by their SHA-256: uploading the same file again stores nothing new (200 instead of 201).")
            .RequireSignedIn()
            .WithMetadata(new RawRequestBody("The file: one part named 'file' of multipart/form-data, or the whole body.", "multipart/form-data", "image/jpeg", "image/png", "image/webp", "application/pdf"))
            .Produces<EvidenceView>(StatusCodes.Status201Created)
            .Produces<EvidenceView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        app.MapGet("/api/evidence/{evidenceId}", Download)
            .WithTags("Evidence")
            .WithName("GetEvidence")
            .WithSummary("An uploaded file, with its detected Content-Type; images inline, PDFs as attachment. Immutable: cached for a year, with an ETag.")
            .Produces<Stream>(StatusCodes.Status200OK, EvidenceTypes.Jpeg.ContentType, [EvidenceTypes.Png.ContentType, EvidenceTypes.WebP.ContentType, EvidenceTypes.Pdf.ContentType])
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Created<EvidenceView>, Ok<EvidenceView>>> Upload(string id, HttpContext context, Access access, StoreEvidenceCommand command)
    {
        var permit = await command.AuthoriseAsync(await access.ActorAsync(context), id);
        var content = await EvidenceUpload.ReadAsync(context, command.MaxBytes);
        var (view, created) = await command.RunAsync(permit, content, context.RequestAborted);
        return created ? TypedResults.Created(view.Url, view) : TypedResults.Ok(view);
    }

    public static async Task<FileContentHttpResult> Download(string evidenceId, HttpContext context, IEvidenceStore store)
    {
        var stored = (EvidenceIds.IsWellFormed(evidenceId) ? await store.GetAsync(evidenceId, context.RequestAborted) : null)
            ?? throw ApiProblems.NotFound("evidence", evidenceId);
        var type = EvidenceTypes.ForContentType(stored.Info.ContentType)
            ?? throw new InvalidOperationException($"Evidence '{evidenceId}' is stored as '{stored.Info.ContentType}', which is not an evidence type.");
        var headers = context.Response.Headers;
        headers.CacheControl = CacheControl;
        headers.ContentDisposition = $"{(type.Inline ? "inline" : "attachment")}; filename=\"evidence-{evidenceId[..12]}.{type.Extension}\"";
        // The security headers add X-Content-Type-Options: nosniff and, for this path, the sandbox policy (SecurityHeaders.EvidencePolicy).
        return TypedResults.Bytes(stored.Content, type.ContentType, entityTag: new EntityTagHeaderValue($"\"{evidenceId}\""));
    }
}
