using System.Text;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Progress;

/// <summary>One record of a CSV file: the line it starts on (1-based) and its fields.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields)
{
    /// <summary>A blank line, or one of empty fields only (",,,": spreadsheets write those after the data).</summary>
    public bool IsBlank => Fields.All(string.IsNullOrWhiteSpace);
}

/// <summary>A CSV file that breaks RFC 4180's quoting, at <see cref="Line"/>.</summary>
public sealed class CsvFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// RFC 4180: records end with CRLF (or LF, or CR), fields are separated by the delimiter, a field that holds the
/// delimiter, a line break or a quote is quoted ("…"), and a quote inside it is doubled (""). Strict about quotes: a
/// quote inside an unquoted field, text after a closing quote and an unclosed quote are errors (they usually mean a
/// broken export, and a guess would store wrong data).
/// </summary>
public static class Csv
{
    /// <summary>
    /// The delimiter of a file, from its first line: ',' (RFC 4180), or ';' when the first line has semicolons and no
    /// comma, as spreadsheets write CSV where the comma is the decimal separator (Belgium, among others).
    /// </summary>
    public static char DetectDelimiter(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        var first = end < 0 ? text.AsSpan() : text.AsSpan(0, end);
        return first.Contains(';') && !first.Contains(',') ? ';' : ',';
    }

    public static List<CsvRecord> Parse(string text, char delimiter)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var atFieldStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (atFieldStart && c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw new CsvFormatException(recordLine, ApiText.CsvQuoteNotClosed);
                    var q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\n')
                        line++;
                    field.Append(q);
                    i++;
                }
                if (i < text.Length && text[i] != delimiter && text[i] != '\r' && text[i] != '\n')
                    throw new CsvFormatException(line, ApiText.CsvTextAfterQuote(delimiter.ToString()));
                atFieldStart = false;
                continue;
            }
            if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                atFieldStart = true;
                i++;
                continue;
            }
            if (c is '\r' or '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add(new CsvRecord(recordLine, fields));
                fields = [];
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                line++;
                recordLine = line;
                atFieldStart = true;
                continue;
            }
            if (c == '"')
                throw new CsvFormatException(line, ApiText.CsvQuoteInField);
            field.Append(c);
            atFieldStart = false;
            i++;
        }
        if (fields.Count > 0 || field.Length > 0 || !atFieldStart)
        {
            fields.Add(field.ToString());
            records.Add(new CsvRecord(recordLine, fields));
        }
        return records;
    }
}
