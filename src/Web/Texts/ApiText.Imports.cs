namespace CivicContracting.Web.Texts;

/// <summary>The messages of the CSV and JSON Lines imports and the metric feed, by row and field, in the request's UI culture.</summary>
public static partial class ApiText
{
    /// <summary>A quoted field is not closed: a quote is missing.</summary>
    public static string CsvQuoteNotClosed => Get(nameof(CsvQuoteNotClosed));

    /// <summary>Text after a closing quote: a quoted field ends at the '{0}' or the end of the line (write a quote inside it as "").</summary>
    public static string CsvTextAfterQuote(string delimiter) => Format(nameof(CsvTextAfterQuote), delimiter);

    /// <summary>A quote inside an unquoted field: quote the whole field and double the quote ("").</summary>
    public static string CsvQuoteInField => Get(nameof(CsvQuoteInField));

    /// <summary>'{0}' is not a column; the columns are {1}.</summary>
    public static string CsvNotAColumn(string name, string columns) => Format(nameof(CsvNotAColumn), name, columns);

    /// <summary>'{0}' is named twice.</summary>
    public static string CsvColumnTwice(string name) => Format(nameof(CsvColumnTwice), name);

    /// <summary>The column '{0}' is required.</summary>
    public static string CsvColumnRequired(string name) => Format(nameof(CsvColumnRequired), name);

    /// <summary>The CSV is not valid UTF-8; save it as 'CSV UTF-8'.</summary>
    public static string CsvNotUtf8 => Get(nameof(CsvNotUtf8));

    /// <summary>The CSV must be UTF-8 (got charset '{0}'); save it as 'CSV UTF-8'.</summary>
    public static string CsvCharset(string charset) => Format(nameof(CsvCharset), charset);

    /// <summary>Send the file as CSV with 'Content-Type: {0}' (got '{1}').</summary>
    public static string CsvContentTypeDetail(string expected, string got) => Format(nameof(CsvContentTypeDetail), expected, got);

    /// <summary>Must be {0}.</summary>
    public static string MustBeContentType(string expected) => Format(nameof(MustBeContentType), expected);

    /// <summary>Line {0}: {1}</summary>
    public static string CsvUnreadableAt(int line, string reason) => Format(nameof(CsvUnreadableAt), line, reason);

    /// <summary>The CSV cannot be read at line {0}: {1} Nothing was stored.</summary>
    public static string CsvUnreadableDetail(int line, string reason) => Format(nameof(CsvUnreadableDetail), line, reason);

    /// <summary>Required: the measured value (line {0}).</summary>
    public static string NumberRequiredAt(int line) => Format(nameof(NumberRequiredAt), line);

    /// <summary>'{0}' is not a number (line {1}).</summary>
    public static string NotANumberAt(string text, int line) => Format(nameof(NotANumberAt), text, line);

    /// <summary>'{0}' is not a number as this file writes them: write it without thousands separators, with one decimal separator, a point or a comma, as 49.5 or 49,5 (line {1}).</summary>
    public static string AmbiguousNumberAt(string text, int line) => Format(nameof(AmbiguousNumberAt), text, line);

    /// <summary>'{0}' is not a number.</summary>
    public static string NotANumber(string text) => Format(nameof(NotANumber), text);

    /// <summary>'{0}' is ambiguous: write the number without thousands separators, with one decimal separator, a point or a comma (49.5 or 49,5).</summary>
    public static string AmbiguousNumber(string text) => Format(nameof(AmbiguousNumber), text);

    /// <summary>The first line names the columns: {0} (commitmentId and value are required).</summary>
    public static string ProgressHeaderRequired(string columns) => Format(nameof(ProgressHeaderRequired), columns);

    /// <summary>The file has a header but no rows.</summary>
    public static string ProgressNoRows => Get(nameof(ProgressNoRows));

    /// <summary>At most {0} rows per file (Progress:MaxCsvRows); this one has {1}. Split it.</summary>
    public static string ProgressTooManyRows(int max, int count) => Format(nameof(ProgressTooManyRows), max, count);

    /// <summary>Required unless every row has a reportId: with it, sending the same file again (a retry) stores nothing twice.</summary>
    public static string ProgressIdempotencyKeyRequired => Get(nameof(ProgressIdempotencyKeyRequired));

    /// <summary>Line {0} has {1} fields; the header has {2}.</summary>
    public static string ProgressRowFieldCount(int line, int count, int header) => Format(nameof(ProgressRowFieldCount), line, count, header);

    /// <summary>Line {0} has {1} fields; the header has {2}. In a file separated by commas, quote a number with a decimal comma ("49,5"), or separate the fields by semicolons.</summary>
    public static string ProgressRowFieldCountComma(int line, int count, int header) => Format(nameof(ProgressRowFieldCountComma), line, count, header);

    /// <summary>Required (line {0}).</summary>
    public static string RequiredAtLine(int line) => Format(nameof(RequiredAtLine), line);

    /// <summary>'{0}' is not an ISO 8601 date or date and time such as 2025-03-31 or 2025-03-31T08:00:00+02:00 (line {1}).</summary>
    public static string NotIsoDateAt(string text, int line) => Format(nameof(NotIsoDateAt), text, line);

    /// <summary>Commitment '{0}' is an action commitment: measured values are reported on result commitments.</summary>
    public static string MetricOnActionCommitment(string id) => Format(nameof(MetricOnActionCommitment), id);

    /// <summary>Commitment '{0}' is a pledge commitment: measured values are reported on result commitments.</summary>
    public static string MetricOnPledgeCommitment(string id) => Format(nameof(MetricOnPledgeCommitment), id);

    /// <summary>Commitment '{0}' is {1}; progress is reported on confirmed or active commitments.</summary>
    public static string MetricNotReportable(string id, string status) => Format(nameof(MetricNotReportable), id, status);

    /// <summary>Send at least one value.</summary>
    public static string MetricSendOne => Get(nameof(MetricSendOne));

    /// <summary>At most {0} values per batch (Progress:MaxMetricValues); this one has {1}. Split it.</summary>
    public static string MetricTooMany(int max, int count) => Format(nameof(MetricTooMany), max, count);

    /// <summary>Required unless every value has a reportId: with it, sending the same batch again (a retry) stores nothing twice.</summary>
    public static string MetricIdempotencyKeyRequired => Get(nameof(MetricIdempotencyKeyRequired));

    /// <summary>Must not be null.</summary>
    public static string MustNotBeNull => Get(nameof(MustNotBeNull));

    /// <summary>'{0}' is the id of {1} too; each report needs its own id.</summary>
    public static string ReportIdUsedTwice(string reportId, string other) => Format(nameof(ReportIdUsedTwice), reportId, other);

    /// <summary>Has the same derived report id as {0}.</summary>
    public static string DerivedReportIdTwice(string other) => Format(nameof(DerivedReportIdTwice), other);

    /// <summary>'{0}' was already used on commitment '{1}' for a different report; give this report a new id.</summary>
    public static string ReportIdUsedElsewhere(string reportId, string commitmentId) => Format(nameof(ReportIdUsedElsewhere), reportId, commitmentId);

    /// <summary>This Idempotency-Key was already used, with different data here; send new data with a new Idempotency-Key.</summary>
    public static string IdempotencyKeyUsedElsewhere => Get(nameof(IdempotencyKeyUsedElsewhere));

    /// <summary>Commitment '{0}' would pass its limit of {1} progress reports.</summary>
    public static string ReportLimitPassed(string commitmentId, int max) => Format(nameof(ReportLimitPassed), commitmentId, max);

    /// <summary>There is no commitment '{0}'.</summary>
    public static string NoCommitment(string id) => Format(nameof(NoCommitment), id);

    /// <summary>Commitment '{0}' is not one of participant '{1}''s; import it with its own participant.</summary>
    public static string CommitmentOfOtherParticipant(string commitmentId, string participantId) => Format(nameof(CommitmentOfOtherParticipant), commitmentId, participantId);

    /// <summary>Commitment '{0}' is an action commitment: values are reported on result commitments (report actions and notes with POST /api/commitments/{{id}}/progress).</summary>
    public static string ValuesOnActionCommitment(string id) => Format(nameof(ValuesOnActionCommitment), id);

    /// <summary>Commitment '{0}' is a pledge commitment: values are reported on result commitments (report actions and notes with POST /api/commitments/{{id}}/progress).</summary>
    public static string ValuesOnPledgeCommitment(string id) => Format(nameof(ValuesOnPledgeCommitment), id);
}
