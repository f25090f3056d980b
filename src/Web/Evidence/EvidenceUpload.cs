using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Evidence;

/// <summary>
/// Reads the file of an upload: one part named <see cref="FieldName"/> of a <c>multipart/form-data</c> body, or the
/// whole body of any other content type. At most <see cref="EvidenceOptions.MaxBytes"/> bytes of file: the request's
/// own body limit is raised (or lowered) to that plus <see cref="MultipartAllowance"/> for the framing, and the file
/// is cut off with 413 as soon as it passes the limit, before anything is stored. Whether the file may be stored (not
/// empty, not too large, an allowed type) is <see cref="StoreEvidenceCommand.Check"/>'s to say.
/// </summary>
public static class EvidenceUpload
{
    public const string FieldName = "file";

    /// <summary>Room for multipart boundaries and part headers on top of the file itself.</summary>
    public const long MultipartAllowance = 64 * 1024;

    public static async Task<byte[]> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        var bodyLimit = maxBytes + MultipartAllowance;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = bodyLimit;
        if (request.ContentLength > bodyLimit)
            throw TooLarge(maxBytes);

        return IsMultipart(request.ContentType, out var boundary)
            ? await ReadMultipartAsync(request.Body, boundary, maxBytes, context.RequestAborted)
            : await ReadFileAsync(request.Body, maxBytes, context.RequestAborted);
    }

    public static ApiProblemException Empty() =>
        ApiProblems.Invalid(FieldName, ApiText.FileEmpty, ApiText.FileEmptyDetail);

    public static ApiProblemException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, ApiText.TitleFileTooLarge, ApiText.EvidenceTooLargeDetail(maxBytes),
            new Dictionary<string, string[]> { [FieldName] = [ApiText.AtMostBytes(maxBytes)] });

    public static ApiProblemException UnsupportedType() =>
        new(StatusCodes.Status415UnsupportedMediaType, ApiText.TitleUnsupportedFileType, ApiText.EvidenceTypeDetail(EvidenceTypes.Describe()),
            new Dictionary<string, string[]> { [FieldName] = [ApiText.EvidenceNotOneOf(EvidenceTypes.Describe())] });

    private static bool IsMultipart(string? contentType, out string boundary)
    {
        boundary = "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value ?? "";
        if (boundary.Length is 0 or > 70)
            throw ApiProblems.Invalid("Content-Type", ApiText.MultipartBoundary);
        return true;
    }

    private static async Task<byte[]> ReadMultipartAsync(Stream body, string boundary, long maxBytes, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        byte[]? file = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.MultipartDisposition);
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!string.Equals(name, FieldName, StringComparison.Ordinal))
                    throw ApiProblems.Invalid(name.Length == 0 ? ApiProblems.BodyField : name, ApiText.MultipartNotAField(FieldName));
                if (file is not null)
                    throw ApiProblems.Invalid(FieldName, ApiText.OneFilePerUpload);
                file = await ReadFileAsync(section.Body, maxBytes, cancellationToken);
            }
        }
        catch (InvalidDataException malformed)
        {
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.MultipartMalformed(malformed.Message));
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // The body ended before the closing boundary: a truncated upload is the sender's fault, not a failure here.
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.MultipartTruncated(boundary));
        }
        return file ?? throw ApiProblems.Invalid(FieldName, ApiText.FileRequired(FieldName));
    }

    /// <summary>The file in <paramref name="body"/>; 413 as soon as it passes <paramref name="maxBytes"/>, without reading the rest.</summary>
    public static async Task<byte[]> ReadFileAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
