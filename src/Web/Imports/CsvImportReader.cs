using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Web.Json;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Imports;

/// <summary>
/// Reads a CSV import file as a stream of rows (RFC 4180 quoting; UTF-8; ',' or, when the header has semicolons and no
/// comma, ';'). The header names the columns, in any order and any case; each row's <c>type</c> column says which
/// record it is, and only that record's columns may hold a value. Lists within a cell: <c>goals</c> is
/// <c>goalId[=weight]</c> separated by '|'; <c>actions</c> one action per line, <c>YYYY-MM-DD title</c>; <c>scope</c> is
/// <c>city</c>, or <c>district:</c>/<c>neighbourhood:</c> with codes separated by '|'. Rows count the header as row 1.
/// </summary>
public sealed class CsvImportReader(int maxRecordChars)
{
    public static readonly string[] GoalColumns = ["id", "title", "description", "parentGoalId", "scope", "metric", "unit", "baseline", "target", "deadline", "rollUp", "illustrative"];
    public static readonly string[] ParticipantColumns = ["id", "kind", "name", "neighbourhoodCode", "pseudonym", "showNamePublicly", "contactEmail", "contactPhone"];
    public static readonly string[] CommitmentColumns = ["id", "participantId", "goals", "neighbourhoodCode", "level", "title", "description", "actions", "metric", "unit", "baseline", "target", "deadline", "reportingIntervalDays", "confirmedBy", "signedAt", "textHash", "textLanguage"];

    private static readonly string[] AllColumns = ["type", .. GoalColumns.Union(ParticipantColumns).Union(CommitmentColumns)];

    public async IAsyncEnumerable<ImportRow> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var text = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var records = new CsvRecords(text, maxRecordChars);
        Dictionary<string, int>? columns = null;
        while (true)
        {
            CsvRecords.Record? record;
            try
            {
                record = await records.NextAsync(cancellationToken);
            }
            catch (DecoderFallbackException)
            {
                record = null;
                columns = null;
            }
            if (records.InvalidUtf8)
            {
                yield return BadRow.Of(records.RecordNumber, "", ApiText.ImportNotUtf8FromHere);
                yield break;
            }
            if (record is null)
                yield break;
            if (record.Error is { } error)
            {
                yield return BadRow.Of(record.Number, "", error);
                if (columns is null)
                    yield break;
                continue;
            }
            if (columns is null)
            {
                var (header, problems) = ReadHeader(record.Fields);
                if (problems.Count > 0)
                {
                    yield return new BadRow(record.Number, new Dictionary<string, string[]> { ["header"] = [.. problems] });
                    yield break;
                }
                columns = header;
                continue;
            }
            if (record.Fields.All(string.IsNullOrWhiteSpace))
                continue;
            yield return ToRow(record, columns);
        }
    }

    private static (Dictionary<string, int> Columns, List<string> Problems) ReadHeader(IReadOnlyList<string> fields)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Trim();
            if (name.Length == 0 && i == fields.Count - 1)
                continue; // a trailing delimiter
            var known = Array.Find(AllColumns, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
                problems.Add(ApiText.CsvNotAColumn(Shorten(name), string.Join(", ", AllColumns)));
            else if (!columns.TryAdd(known, i))
                problems.Add(ApiText.CsvColumnTwice(known));
        }
        foreach (var required in new[] { "type", "id" })
        {
            if (!columns.ContainsKey(required))
                problems.Add(ApiText.CsvColumnRequired(required));
        }
        return (columns, problems);
    }

    private static ImportRow ToRow(CsvRecords.Record record, Dictionary<string, int> columns)
    {
        var cells = new Cells(record, columns);
        if (record.Fields.Count > columns.Values.Max() + 1 && record.Fields.Skip(columns.Values.Max() + 1).Any(f => !string.IsNullOrWhiteSpace(f)))
            cells.Error("", ApiText.ImportRowFieldCount(record.Fields.Count, columns.Count));
        var type = cells.Text("type");
        var id = cells.Text("id") ?? "";
        ImportRow? row = type switch
        {
            ImportRecordTypes.Goal => Goal(cells, id, record.Number),
            ImportRecordTypes.Participant => Participant(cells, id, record.Number),
            ImportRecordTypes.Commitment => Commitment(cells, id, record.Number),
            null => cells.Error("type", ApiText.ImportRecordTypeRequired(ImportRecordTypes.Expected)),
            _ => cells.Error("type", ApiText.ImportNotARecordType(Shorten(type), ImportRecordTypes.Expected)),
        };
        if (type is ImportRecordTypes.Goal or ImportRecordTypes.Participant or ImportRecordTypes.Commitment)
        {
            var allowed = type switch
            {
                ImportRecordTypes.Goal => GoalColumns,
                ImportRecordTypes.Participant => ParticipantColumns,
                _ => CommitmentColumns,
            };
            foreach (var (column, _) in columns)
            {
                if (column != "type" && !allowed.Contains(column) && cells.Text(column) is not null)
                    cells.Error(column, ApiText.ImportNotAColumnOf(type));
            }
        }
        return cells.HasErrors ? new BadRow(record.Number, cells.Errors) : row!;
    }

    private static GoalRow? Goal(Cells cells, string id, long number)
    {
        var scope = cells.Scope("scope");
        var target = cells.Target();
        var rollUp = cells.Enum<RollUpRule>("rollUp") ?? RollUpRule.WeightedMeanOfCommitments;
        var definition = new GoalDefinition(cells.Text("title") ?? "", cells.Text("description") ?? "", scope!, cells.Text("parentGoalId"), target,
            rollUp, cells.Bool("illustrative") ?? false);
        return new GoalRow(number, id, definition);
    }

    private static ParticipantRow? Participant(Cells cells, string id, long number)
    {
        var kind = cells.Enum<ParticipantKind>("kind");
        if (kind is null && cells.Text("kind") is null)
            cells.Error("kind", ApiText.ImportRecordTypeRequired(string.Join(", ", EnumNames.Of<ParticipantKind>())));
        var registration = new ParticipantRegistration(kind ?? default, cells.Text("name") ?? "", cells.Text("neighbourhoodCode") ?? "",
            cells.Text("pseudonym"), cells.Bool("showNamePublicly") ?? false, cells.Text("contactEmail"), cells.Text("contactPhone"));
        return new ParticipantRow(number, id, registration);
    }

    private static CommitmentRow? Commitment(Cells cells, string id, long number)
    {
        var level = cells.Enum<CommitmentLevel>("level");
        if (level is null && cells.Text("level") is null)
            cells.Error("level", ApiText.ImportRecordTypeRequired(string.Join(", ", EnumNames.Of<CommitmentLevel>())));
        var terms = new CommitmentTerms(level ?? default, cells.Text("title") ?? "", cells.Text("description") ?? "", cells.Actions("actions"), cells.Target());
        TimeSpan? interval = cells.Number("reportingIntervalDays") is { } days ? TimeSpan.FromDays(days) : null;
        var draft = new CommitmentDraft(cells.Text("participantId") ?? "", cells.Goals("goals"), cells.Text("neighbourhoodCode") ?? "", terms, ReportingInterval: interval);
        ImportedConfirmation? confirmation = null;
        var confirmedBy = cells.Text("confirmedBy");
        var signedAt = cells.Date("signedAt");
        if (confirmedBy is not null || cells.Text("signedAt") is not null || cells.Text("textHash") is not null || cells.Text("textLanguage") is not null)
            confirmation = new ImportedConfirmation(confirmedBy ?? "", signedAt ?? default, cells.Text("textHash"), cells.Text("textLanguage"));
        return new CommitmentRow(number, id, new CommitmentImport(draft, confirmation));
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>The cells of one row by column, with their parse errors keyed by column.</summary>
    private sealed class Cells(CsvRecords.Record record, Dictionary<string, int> columns)
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public bool HasErrors => _errors.Count > 0;

        public IReadOnlyDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

        public ImportRow? Error(string column, string message)
        {
            if (!_errors.TryGetValue(column, out var list))
                _errors[column] = list = [];
            list.Add(message);
            return null;
        }

        /// <summary>The trimmed cell, or null when the column is absent or the cell empty.</summary>
        public string? Text(string column) =>
            columns.TryGetValue(column, out var index) && index < record.Fields.Count && record.Fields[index].Trim() is { Length: > 0 } value ? value : null;

        public T? Enum<T>(string column)
            where T : struct, System.Enum
        {
            if (Text(column) is not { } text)
                return null;
            if (EnumNames.Parse<T>(text) is { } value)
                return value;
            Error(column, ApiText.ImportNotOneOf(Shorten(text), string.Join(", ", EnumNames.Of<T>())));
            return null;
        }

        public bool? Bool(string column)
        {
            if (Text(column) is not { } text)
                return null;
            if (bool.TryParse(text, out var value))
                return value;
            Error(column, ApiText.ImportNotBoolean(Shorten(text)));
            return null;
        }

        public double? Number(string column)
        {
            if (Text(column) is not { } text)
                return null;
            // "49.5" or "49,5" (a decimal comma, as Belgian spreadsheets write it); "1.234,5" is refused, not guessed.
            var reading = DecimalInput.Read(text, out var value);
            if (reading == DecimalReading.Number)
                return value;
            Error(column, reading == DecimalReading.Ambiguous ? ApiText.AmbiguousNumber(Shorten(text)) : ApiText.NotANumber(Shorten(text)));
            return null;
        }

        public DateTimeOffset? Date(string column)
        {
            if (Text(column) is not { } text)
                return null;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                && text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-')
                return value;
            Error(column, ApiText.ImportNotDateTime(Shorten(text)));
            return null;
        }

        public DateOnly? Day(string column, string text)
        {
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return day;
            Error(column, ApiText.ImportNotDate(Shorten(text)));
            return null;
        }

        public QuantitativeTarget? Target()
        {
            var given = new[] { "metric", "unit", "baseline", "target", "deadline" }.Where(c => Text(c) is not null).ToList();
            if (given.Count == 0)
                return null;
            var deadline = Text("deadline") is { } d ? Day("deadline", d) : null;
            return new QuantitativeTarget(Text("metric") ?? "", Text("unit") ?? "", Number("baseline") ?? 0, Number("target") ?? 0, deadline ?? default);
        }

        public GoalScope? Scope(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                Error(column, ApiText.ImportScopeRequired);
                return null;
            }
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var levelName = colon < 0 ? text : text[..colon];
            if (EnumNames.Parse<PlaceLevel>(levelName.Trim()) is not { } level)
            {
                Error(column, ApiText.ImportNotAScope(Shorten(text)));
                return null;
            }
            var codes = colon < 0 ? [] : text[(colon + 1)..].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return new GoalScope(level, codes);
        }

        public IReadOnlyList<GoalWeight> Goals(string column)
        {
            if (Text(column) is not { } text)
                return [];
            var goals = new List<GoalWeight>();
            foreach (var item in text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = item.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    goals.Add(new GoalWeight(item));
                    continue;
                }
                if (double.TryParse(item[(equals + 1)..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var weight))
                    goals.Add(new GoalWeight(item[..equals].Trim(), weight));
                else
                    Error(column, ApiText.ImportWeightNotNumber(Shorten(item)));
            }
            return goals;
        }

        public IReadOnlyList<Milestone>? Actions(string column)
        {
            if (Text(column) is not { } text)
                return null;
            var actions = new List<Milestone>();
            foreach (var line in text.Split(['\r', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var due = space < 0 ? null : Day(column, line[..space]);
                if (space < 0)
                    Error(column, ApiText.ImportActionLine(Shorten(line)));
                actions.Add(new Milestone($"a{actions.Count + 1}", space < 0 ? line : line[(space + 1)..].Trim(), due ?? default));
            }
            return actions;
        }
    }
}

/// <summary>
/// Records of a CSV text, one at a time (RFC 4180: quoted fields may hold delimiters, line breaks and doubled quotes).
/// A record longer than the limit is reported and skipped to its end without being kept.
/// </summary>
internal sealed class CsvRecords(TextReader text, int maxRecordChars)
{
    public sealed record Record(long Number, IReadOnlyList<string> Fields, string? Error = null);

    private readonly char[] _buffer = new char[16 * 1024];
    private int _position;
    private int _length;
    private char _delimiter;

    /// <summary>The number of the record being read (1: the header).</summary>
    public long RecordNumber { get; private set; }

    public bool InvalidUtf8 { get; private set; }

    public async Task<Record?> NextAsync(CancellationToken cancellationToken)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var afterQuote = false;
        var size = 0;
        string? error = null;
        var any = false;
        RecordNumber++;
        while (true)
        {
            if (_position >= _length)
            {
                try
                {
                    _length = await text.ReadAsync(_buffer, cancellationToken);
                }
                catch (DecoderFallbackException)
                {
                    InvalidUtf8 = true;
                    return null;
                }
                _position = 0;
                if (_length == 0)
                {
                    if (!any)
                        return null;
                    if (inQuotes && error is null)
                        error = ApiText.CsvQuoteNotClosed;
                    fields.Add(field.ToString());
                    return new Record(RecordNumber, fields, error);
                }
                if (_delimiter == default)
                    _delimiter = DetectDelimiter(_buffer.AsSpan(0, _length));
            }
            var c = _buffer[_position++];
            any = true;
            if (error is not null)
            {
                // Skipping a record that is already refused: to the end of its line.
                if (c == '\n')
                    return new Record(RecordNumber, [], error);
                continue;
            }
            if (++size > maxRecordChars)
            {
                error = ApiText.ImportRecordTooLong(maxRecordChars);
                field.Clear();
                fields.Clear();
                if (c == '\n')
                    return new Record(RecordNumber, [], error);
                continue;
            }
            if (inQuotes)
            {
                if (c != '"')
                {
                    field.Append(c);
                    continue;
                }
                if (_position >= _length && !await FillAsync(cancellationToken))
                {
                    inQuotes = false;
                    afterQuote = true;
                    continue;
                }
                if (_buffer[_position] == '"')
                {
                    field.Append('"');
                    _position++;
                    continue;
                }
                inQuotes = false;
                afterQuote = true;
                continue;
            }
            if (c == _delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                afterQuote = false;
                continue;
            }
            if (c is '\r' or '\n')
            {
                if (c == '\r' && (_position < _length || await FillAsync(cancellationToken)) && _buffer[_position] == '\n')
                    _position++;
                fields.Add(field.ToString());
                return new Record(RecordNumber, fields);
            }
            if (afterQuote)
            {
                error = ApiText.CsvTextAfterQuote(_delimiter.ToString());
                continue;
            }
            if (c == '"')
            {
                if (field.Length == 0)
                {
                    inQuotes = true;
                    continue;
                }
                error = ApiText.CsvQuoteInField;
                continue;
            }
            field.Append(c);
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        try
        {
            _length = await text.ReadAsync(_buffer, cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            InvalidUtf8 = true;
            _length = 0;
        }
        _position = 0;
        return _length > 0;
    }

    /// <summary>',' (RFC 4180), or ';' when the first line has semicolons and no comma, as spreadsheets write CSV in Belgium.</summary>
    private static char DetectDelimiter(ReadOnlySpan<char> text)
    {
        var end = text.IndexOfAny('\r', '\n');
        var first = end < 0 ? text : text[..end];
        return first.Contains(';') && !first.Contains(',') ? ';' : ',';
    }
}
