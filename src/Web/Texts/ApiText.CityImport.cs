namespace CivicContracting.Web.Texts;

/// <summary>The city import's messages (CSV and JSON Lines, by row and field), in the request's UI culture; a command-line import answers in English.</summary>
public static partial class ApiText
{
    /// <summary>The file has errors</summary>
    public static string TitleFileHasErrors => Get(nameof(TitleFileHasErrors));

    /// <summary>{0:N0} error(s) in import {1}; nothing was loaded. Fix them and send the file again.</summary>
    public static string ImportErrorsDetail(long count, string id) => Format(nameof(ImportErrorsDetail), count, id);

    /// <summary>{0:N0} error(s) in import {1}; nothing was loaded. The first {2:N0} are listed. Fix them and send the file again.</summary>
    public static string ImportErrorsDetailFirst(long count, string id, int shown) => Format(nameof(ImportErrorsDetailFirst), count, id, shown);

    /// <summary>Import {0} is being loaded by another run (its last heartbeat {1}); follow it at GET /api/operations/imports/{0}.</summary>
    public static string ImportBusy(string id, string heartbeat) => Format(nameof(ImportBusy), id, heartbeat);

    /// <summary>The file must be UTF-8 (got charset '{0}').</summary>
    public static string ImportFileCharset(string charset) => Format(nameof(ImportFileCharset), charset);

    /// <summary>Send the file as JSON Lines ('Content-Type: {0}') or CSV ('Content-Type: {1}'); got '{2}'.</summary>
    public static string ImportContentTypeDetail(string jsonLines, string csv, string got) => Format(nameof(ImportContentTypeDetail), jsonLines, csv, got);

    /// <summary>Must be {0} or {1}.</summary>
    public static string MustBeEitherContentType(string first, string second) => Format(nameof(MustBeEitherContentType), first, second);

    /// <summary>The body is empty: send the file.</summary>
    public static string ImportBodyEmpty => Get(nameof(ImportBodyEmpty));

    /// <summary>Import files may be at most {0:N0} bytes (Import:MaxBodyBytes). Nothing was loaded.</summary>
    public static string ImportTooLargeDetail(long limit) => Format(nameof(ImportTooLargeDetail), limit);

    /// <summary>Goal '{0}' is defined on row {1} too.</summary>
    public static string ImportGoalTwice(string id, long row) => Format(nameof(ImportGoalTwice), id, row);

    /// <summary>Participant '{0}' is defined on row {1} too.</summary>
    public static string ImportParticipantTwice(string id, long row) => Format(nameof(ImportParticipantTwice), id, row);

    /// <summary>Commitment '{0}' is defined on row {1} too.</summary>
    public static string ImportCommitmentTwice(string id, long row) => Format(nameof(ImportCommitmentTwice), id, row);

    /// <summary>At most {0:N0} goals per file (Import:MaxGoals).</summary>
    public static string ImportTooManyGoals(int max) => Format(nameof(ImportTooManyGoals), max);

    /// <summary>The file holds no records.</summary>
    public static string ImportNoRecords => Get(nameof(ImportNoRecords));

    /// <summary>The file refers to {0:N0} participants and goals it does not define; at most {1:N0} (Import:MaxStoreLookups) are looked up in the store. Include them in the file.</summary>
    public static string ImportTooManyLookups(int count, int max) => Format(nameof(ImportTooManyLookups), count, max);

    /// <summary>There is no participant '{0}' in the file or in the store.</summary>
    public static string ImportNoParticipant(string id) => Format(nameof(ImportNoParticipant), id);

    /// <summary>There is no goal '{0}' in the file or in the store.</summary>
    public static string ImportNoGoal(string id) => Format(nameof(ImportNoGoal), id);

    /// <summary>Goal '{0}' and its parents in the file make a cycle.</summary>
    public static string ImportGoalCycle(string id) => Format(nameof(ImportGoalCycle), id);

    /// <summary>The line is longer than {0:N0} bytes (Import:MaxRecordBytes); it was skipped unread.</summary>
    public static string ImportLineTooLong(int max) => Format(nameof(ImportLineTooLong), max);

    /// <summary>The record is longer than {0:N0} characters (Import:MaxRecordBytes), or a quote is not closed; it was skipped.</summary>
    public static string ImportRecordTooLong(int max) => Format(nameof(ImportRecordTooLong), max);

    /// <summary>Malformed JSON: {0}</summary>
    public static string ImportMalformedJson(string reason) => Format(nameof(ImportMalformedJson), reason);

    /// <summary>Malformed JSON at byte {0}: {1}</summary>
    public static string ImportMalformedJsonAt(long position, string reason) => Format(nameof(ImportMalformedJsonAt), position, reason);

    /// <summary>Malformed JSON: the line is not one JSON object.</summary>
    public static string ImportNotOneObject => Get(nameof(ImportNotOneObject));

    /// <summary>Required: one of {0}.</summary>
    public static string ImportRecordTypeRequired(string types) => Format(nameof(ImportRecordTypeRequired), types);

    /// <summary>'{0}' is not a record type: one of {1}.</summary>
    public static string ImportNotARecordType(string type, string types) => Format(nameof(ImportNotARecordType), type, types);

    /// <summary>The record cannot be read: {0}</summary>
    public static string ImportRecordUnreadable(string reason) => Format(nameof(ImportRecordUnreadable), reason);

    /// <summary>The file is not valid UTF-8 from here on (save it as 'CSV UTF-8'); the rest was not read.</summary>
    public static string ImportNotUtf8FromHere => Get(nameof(ImportNotUtf8FromHere));

    /// <summary>The row has {0} fields; the header names {1}.</summary>
    public static string ImportRowFieldCount(int count, int header) => Format(nameof(ImportRowFieldCount), count, header);

    /// <summary>Not a column of a {0}: leave it empty.</summary>
    public static string ImportNotAColumnOf(string type) => Format(nameof(ImportNotAColumnOf), type);

    /// <summary>'{0}' is not one of: {1}.</summary>
    public static string ImportNotOneOf(string text, string names) => Format(nameof(ImportNotOneOf), text, names);

    /// <summary>'{0}' is not true or false.</summary>
    public static string ImportNotBoolean(string text) => Format(nameof(ImportNotBoolean), text);

    /// <summary>'{0}' is not an ISO 8601 date and time such as 2024-05-14T18:30:00+02:00.</summary>
    public static string ImportNotDateTime(string text) => Format(nameof(ImportNotDateTime), text);

    /// <summary>'{0}' is not a date such as 2030-06-30.</summary>
    public static string ImportNotDate(string text) => Format(nameof(ImportNotDate), text);

    /// <summary>Required: city, district:CODE|CODE… or neighbourhood:CODE|CODE….</summary>
    public static string ImportScopeRequired => Get(nameof(ImportScopeRequired));

    /// <summary>'{0}' is not a scope: city, district:CODE|CODE… or neighbourhood:CODE|CODE….</summary>
    public static string ImportNotAScope(string text) => Format(nameof(ImportNotAScope), text);

    /// <summary>'{0}': a weight after '=' is a number such as 0.5.</summary>
    public static string ImportWeightNotNumber(string item) => Format(nameof(ImportWeightNotNumber), item);

    /// <summary>'{0}': write each action on its own line as 'YYYY-MM-DD title'.</summary>
    public static string ImportActionLine(string line) => Format(nameof(ImportActionLine), line);
}
