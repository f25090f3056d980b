using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Json;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CivicContracting.Web.Progress;

/// <summary>The outcome of a CSV import: data rows read, reports stored now, and reports that were stored already (a retry).</summary>
public sealed record ProgressImportSummary(string ParticipantId, int Rows, int Applied, int AlreadyApplied);

/// <summary>One measured value of a feed. <c>reportId</c> (optional) makes it idempotent on its own; else the Idempotency-Key and its index do.</summary>
public sealed record MetricValue(double Value, DateTimeOffset MeasuredAt, string? ReportId = null);

/// <summary>A batch of measured values for one result commitment, e.g. from a traffic counter.</summary>
public sealed record MetricBatch(IReadOnlyList<MetricValue> Values);

public sealed record MetricBatchSummary(string CommitmentId, int Values, int Applied, int AlreadyApplied, double? CurrentValue, double? Progress);

/// <summary>
/// Bulk progress: an organisation's CSV of measured values for its result commitments, and integrators' batches of
/// measured values for one commitment (automated feeds). Both are validated whole before anything is stored
/// (<see cref="ProgressBatch"/>) and idempotent: each report's id is its own reportId or derived from the request's
/// Idempotency-Key and its row (<see cref="IdempotencyKeys"/>), so a retried request never reports twice.
/// </summary>
public static partial class ProgressImportEndpoints
{
    public const string CsvContentType = "text/csv";

    private static readonly string[] Columns = ["commitmentId", "value", "reportedAt", "note", "reportId"];

    public static WebApplicationBuilder AddCivicContractingProgressImports(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProgressOptions>().Bind(builder.Configuration.GetSection(ProgressOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static void MapProgressImports(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/participants/{participantId}/progress.csv", ImportCsv)
            .WithTags("Progress")
            .WithName("ImportProgressCsv")
            .WithSummary("Imports measured values for the participant's result commitments from CSV (text/csv, UTF-8; RFC 4180 quoting; "
                + "a header row naming the columns commitmentId, value and optionally reportedAt (ISO 8601; default now), note, reportId; at most Progress:MaxCsvRows rows). "
                + "Every row is checked first: one bad row refuses the file with 400 naming each bad field as rows[n].field (n = data row, 1 = the first after the header), and nothing is stored. "
                + "Idempotent: send an Idempotency-Key header (each row's report id is derived from it and the row number) or a reportId on every row; sending the same file again stores nothing twice.")
            .RequireSignedIn()
            .WithMetadata(new RawRequestBody("CSV with a header row: commitmentId,value[,reportedAt][,note][,reportId].", CsvContentType))
            .WithMetadata(new IdempotencyKeyHeader("Required unless every row has a reportId: each row's report id is derived from it and the row number, so the same file sent again is stored once."))
            .Produces<ProgressImportSummary>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        app.MapPost("/api/commitments/{id}/metrics", PostMetrics)
            .WithTags("Progress")
            .WithName("PostMetricValues")
            .WithSummary("Posts a batch of measured values of a result commitment (an automated feed, e.g. a traffic counter), each stored as a progress report with its value and measuredAt. "
                + "Every value is checked first; one bad value refuses the batch (400 naming values[i].field) and nothing is stored. "
                + "Idempotent: a reportId per value, or an Idempotency-Key header (each value's report id is derived from it and the value's index). At most Progress:MaxMetricValues values.")
            .AcceptsWriteJson<MetricBatch>()
            .WithMetadata(new IdempotencyKeyHeader("Required unless every value has a reportId: each value's report id is derived from it and the value's index, so the same batch sent again is stored once."))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Ok<ProgressImportSummary>> ImportCsv(string participantId, HttpContext context, IClusterClient orleans, Access access,
        CivicClock clock, IOptions<ProgressOptions> options, IOptions<ApiOptions> api, WriteBudgets budgets)
    {
        var actor = await access.RequireForParticipantAsync(context, participantId, ParticipantRight.Report);
        if (!ApiIds.IsWellFormed(participantId) || await orleans.GetGrain<IParticipantGrain>(participantId).GetProfile() is null)
            throw ApiProblems.NotFound("participant", participantId);
        var key = IdempotencyKeys.Read(context);
        var text = await ReadCsvTextAsync(context, api.Value.MaxRequestBodyBytes);

        List<CsvRecord> records;
        var delimiter = Csv.DetectDelimiter(text);
        try
        {
            records = Csv.Parse(text, delimiter);
        }
        catch (CsvFormatException malformed)
        {
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.CsvUnreadableAt(malformed.Line, malformed.Message), ApiText.CsvUnreadableDetail(malformed.Line, malformed.Message));
        }
        if (records.Count == 0 || records[0].IsBlank)
            throw ApiProblems.Invalid("header", ApiText.ProgressHeaderRequired(string.Join(",", Columns)));
        var columns = ReadHeader(records[0]);
        var rows = records.Skip(1).Where(r => !r.IsBlank).ToList();
        if (rows.Count == 0)
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.ProgressNoRows);
        if (rows.Count > options.Value.MaxCsvRows)
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.ProgressTooManyRows(options.Value.MaxCsvRows, rows.Count));
        if (key is null && (!columns.ContainsKey("reportId") || rows.Any(r => string.IsNullOrWhiteSpace(Cell(r, columns, "reportId")))))
        {
            throw ApiProblems.Invalid(IdempotencyKeys.HeaderName, ApiText.ProgressIdempotencyKeyRequired);
        }

        var now = clock.GetUtcNow();
        var errors = new InputRules.Errors();
        var plans = new List<PlannedReport>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var source = $"rows[{i + 1}]";
            if (row.Fields.Count != columns.Count)
            {
                // An unquoted decimal comma in a comma-separated file splits its number in two: say how to write it.
                errors.Add(source, delimiter == ',' && row.Fields.Count > columns.Count
                    ? ApiText.ProgressRowFieldCountComma(row.Line, row.Fields.Count, columns.Count)
                    : ApiText.ProgressRowFieldCount(row.Line, row.Fields.Count, columns.Count));
                continue;
            }
            var errorsBefore = errors.Count;
            var commitmentId = Cell(row, columns, "commitmentId")?.Trim() ?? "";
            var value = ParseValue(errors, $"{source}.value", Cell(row, columns, "value"), row.Line);
            var reportedAt = ParseDate(errors, $"{source}.reportedAt", Cell(row, columns, "reportedAt"), row.Line);
            var note = Cell(row, columns, "note") is { } n && !string.IsNullOrWhiteSpace(n) ? n.Trim() : null;
            var givenId = Cell(row, columns, "reportId")?.Trim() is { Length: > 0 } id ? id : null;
            if (commitmentId.Length == 0)
            {
                errors.Add($"{source}.commitmentId", ApiText.RequiredAtLine(row.Line));
                continue;
            }
            // A row with a value or date that cannot be read is still checked against its commitment, so that one
            // answer lists everything wrong with it (its stand-in value is never stored: the batch is refused).
            var reportId = givenId ?? IdempotencyKeys.ReportId(actor, key!, $"csv:{participantId}:row:{i + 1}");
            plans.Add(new PlannedReport(source, commitmentId,
                new ProgressReport(reportId, reportedAt ?? now, value ?? 0, Note: note), DateGiven: reportedAt is not null, IdGiven: givenId is not null)
            {
                Broken = errors.Count != errorsBefore,
            });
        }

        // A batch is one write of the person's hourly budget of reports (WriteBudgets:ProgressReportsPerHour).
        await budgets.SpendAsync(actor, CivicContracting.Accounts.BudgetedWrite.ProgressReport);
        var result = await ProgressBatch.RunAsync(orleans, plans, errors, participantId, now, rows.Count);
        return TypedResults.Ok(new ProgressImportSummary(participantId, rows.Count, result.Applied, result.AlreadyApplied));
    }

    public static async Task<Ok<MetricBatchSummary>> PostMetrics(string id, HttpContext context, IClusterClient orleans, Access access,
        CivicClock clock, IOptions<ProgressOptions> options, WriteBudgets budgets)
    {
        var (actor, view) = await access.RequireForCommitmentAsync(context, id, ParticipantRight.Report);
        var key = IdempotencyKeys.Read(context);
        var body = await JsonBody.ReadAsync<MetricBatch>(context);
        // As POST …/progress answers: a value on another level is bad input, a report on a draft or a closed commitment a conflict.
        if (view.Terms.Level != CommitmentLevel.Result)
            throw ApiProblems.Invalid("values", view.Terms.Level == CommitmentLevel.Action ? ApiText.MetricOnActionCommitment(id) : ApiText.MetricOnPledgeCommitment(id));
        if (view.Status is not (CommitmentStatus.Confirmed or CommitmentStatus.Active))
            throw ApiProblems.Conflict(ApiText.MetricNotReportable(id, SiteFormat.Api(view.Status)));
        var values = body.Values ?? [];
        if (values.Count == 0)
            throw ApiProblems.Invalid("values", ApiText.MetricSendOne);
        if (values.Count > options.Value.MaxMetricValues)
            throw ApiProblems.Invalid("values", ApiText.MetricTooMany(options.Value.MaxMetricValues, values.Count));
        if (key is null && values.Any(v => v?.ReportId is null))
        {
            throw ApiProblems.Invalid(IdempotencyKeys.HeaderName, ApiText.MetricIdempotencyKeyRequired);
        }

        var errors = new InputRules.Errors();
        var plans = new List<PlannedReport>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } v)
            {
                errors.Add($"values[{i}]", ApiText.MustNotBeNull);
                continue;
            }
            var reportId = v.ReportId ?? IdempotencyKeys.ReportId(actor, key!, $"metrics:{id}:{i}");
            plans.Add(new PlannedReport($"values[{i}]", id, new ProgressReport(reportId, v.MeasuredAt, v.Value),
                DateGiven: true, IdGiven: v.ReportId is not null, DateField: "measuredAt"));
        }

        await budgets.SpendAsync(actor, CivicContracting.Accounts.BudgetedWrite.ProgressReport);
        var result = await ProgressBatch.RunAsync(orleans, plans, errors, participantId: null, clock.GetUtcNow(), values.Count,
            new Dictionary<string, CommitmentView>(StringComparer.Ordinal) { [id] = view });
        var current = result.Applied > 0 ? await orleans.GetGrain<ICommitmentGrain>(id).Get() ?? view : view;
        return TypedResults.Ok(new MetricBatchSummary(id, values.Count, result.Applied, result.AlreadyApplied, current.CurrentValue, current.Progress));
    }

    private static async Task<string> ReadCsvTextAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.MediaType.Equals(CsvContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, ApiText.TitleUnsupportedContentType,
                ApiText.CsvContentTypeDetail(CsvContentType, request.ContentType ?? ApiText.ContentTypeNone),
                new Dictionary<string, string[]> { ["Content-Type"] = [ApiText.MustBeContentType(CsvContentType)] });
        }
        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset).Value;
        if (!string.IsNullOrEmpty(charset) && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
            throw ApiProblems.Invalid("Content-Type", ApiText.CsvCharset(charset));
        if (request.ContentLength > limit)
            throw ApiProblems.TooLarge(limit);

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
                throw ApiProblems.TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw ApiProblems.Invalid(ApiProblems.BodyField, ApiText.CsvNotUtf8);
        }
    }

    /// <summary>Column name → index; names are matched without regard to case and surrounding spaces.</summary>
    private static Dictionary<string, int> ReadHeader(CsvRecord header)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            var known = Array.Find(Columns, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
                problems.Add(ApiText.CsvNotAColumn(name, string.Join(", ", Columns)));
            else if (!columns.TryAdd(known, i))
                problems.Add(ApiText.CsvColumnTwice(known));
        }
        foreach (var required in Columns[..2])
        {
            if (!columns.ContainsKey(required))
                problems.Add(ApiText.CsvColumnRequired(required));
        }
        if (problems.Count > 0)
            throw ApiProblems.Invalid(new Dictionary<string, string[]> { ["header"] = [.. problems] });
        return columns;
    }

    private static string? Cell(CsvRecord row, Dictionary<string, int> columns, string column) =>
        columns.TryGetValue(column, out var index) && index < row.Fields.Count ? row.Fields[index] : null;

    private static double? ParseValue(InputRules.Errors errors, string field, string? text, int line)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, ApiText.NumberRequiredAt(line));
            return null;
        }
        // "49.5" or "49,5" (Belgian spreadsheets write a decimal comma); "1.234,5" is refused, not guessed.
        switch (DecimalInput.Read(text, out var value))
        {
            case DecimalReading.Number:
                return value;
            case DecimalReading.Ambiguous:
                errors.Add(field, ApiText.AmbiguousNumberAt(Shorten(text), line));
                return null;
            default:
                errors.Add(field, ApiText.NotANumberAt(Shorten(text), line));
                return null;
        }
    }

    /// <summary>ISO 8601: a date (midnight UTC) or a date and time, with 'Z' or an offset (without one, UTC).</summary>
    private static DateTimeOffset? ParseDate(InputRules.Errors errors, string field, string? text, int line)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return null;
        if (IsoDate().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }
        errors.Add(field, ApiText.NotIsoDateAt(Shorten(text), line));
        return null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
