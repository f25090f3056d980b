using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CivicContracting.Web.Json;

namespace CivicContracting.Web.OpenData;

/// <summary>What a column holds, and so how it is written: in CSV as text, in JSON Lines as the JSON type named.</summary>
public enum ColumnType
{
    /// <summary>A string (JSON string).</summary>
    Text,

    /// <summary>A whole number (JSON number).</summary>
    Integer,

    /// <summary>A decimal number, shortest round-trip form with a point (JSON number).</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c> (JSON boolean).</summary>
    Boolean,

    /// <summary>An instant in UTC, ISO 8601 (<c>2026-05-01T09:30:00Z</c>; JSON string).</summary>
    DateTime,

    /// <summary>A calendar date, ISO 8601 (<c>2026-05-01</c>; JSON string).</summary>
    Date,

    /// <summary>A list of strings: in CSV joined with <c>;</c>, in JSON Lines an array.</summary>
    List,
}

/// <summary>One documented column of a dataset: its name (CSV header and JSON property), type and meaning.</summary>
public sealed record OpenDataColumn(string Name, ColumnType Type, string Description);

/// <summary>
/// Writes the rows of one dataset to a stream as CSV (RFC 4180: UTF-8 without a byte-order mark, a header row, CRLF line
/// ends, fields quoted when they hold a comma, quote, CR or LF, quotes doubled; an empty field is null) or as JSON Lines
/// (one JSON object per line, LF, properties in column order, null for an empty value). Rows are written as they come
/// and flushed every <see cref="FlushEvery"/> rows, so memory holds one buffer, never the file.
/// </summary>
public sealed class OpenDataTableWriter : IAsyncDisposable
{
    public const int FlushEvery = 256;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    private readonly Stream _output;
    private readonly IReadOnlyList<OpenDataColumn> _columns;
    private readonly bool _csv;
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter? _json;
    private readonly StringBuilder _line = new();
    private int _pending;

    public OpenDataTableWriter(Stream output, IReadOnlyList<OpenDataColumn> columns, bool csv)
    {
        _output = output;
        _columns = columns;
        _csv = csv;
        if (!csv)
            _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        else
            WriteCsvLine(columns.Select(c => (object?)c.Name).ToArray());
    }

    public long Rows { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Writes one row, its values in column order (null: empty).</summary>
    public async ValueTask WriteAsync(object?[] values, CancellationToken cancellationToken)
    {
        if (values.Length != _columns.Count)
            throw new ArgumentException($"A row has {values.Length} values for {_columns.Count} columns.", nameof(values));
        if (_csv)
            WriteCsvLine(values);
        else
            WriteJsonLine(values);
        Rows++;
        if (++_pending >= FlushEvery || _buffer.WrittenCount >= 64 * 1024)
            await FlushAsync(cancellationToken);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _pending = 0;
        if (_buffer.WrittenCount == 0)
            return;
        await _output.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        Bytes += _buffer.WrittenCount;
        _buffer.ResetWrittenCount();
        await _output.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_json is not null)
            await _json.DisposeAsync();
    }

    private void WriteCsvLine(object?[] values)
    {
        _line.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
                _line.Append(',');
            var text = values[i] is null ? "" : Format(values[i]!, csv: true);
            if (text.AsSpan().ContainsAny(NeedsQuotes))
                _line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                _line.Append(text);
        }
        _line.Append("\r\n");
        foreach (var chunk in _line.GetChunks())
        {
            var span = _buffer.GetSpan(Utf8.GetMaxByteCount(chunk.Length));
            _buffer.Advance(Utf8.GetBytes(chunk.Span, span));
        }
    }

    private void WriteJsonLine(object?[] values)
    {
        var json = _json!;
        json.Reset(_buffer);
        json.WriteStartObject();
        for (var i = 0; i < values.Length; i++)
        {
            json.WritePropertyName(_columns[i].Name);
            switch (values[i])
            {
                case null:
                    json.WriteNullValue();
                    break;
                case bool b:
                    json.WriteBooleanValue(b);
                    break;
                case int n:
                    json.WriteNumberValue(n);
                    break;
                case long n:
                    json.WriteNumberValue(n);
                    break;
                case double d when double.IsFinite(d):
                    json.WriteNumberValue(d);
                    break;
                case double:
                    json.WriteNullValue();
                    break;
                case IEnumerable<string> list:
                    json.WriteStartArray();
                    foreach (var item in list)
                        json.WriteStringValue(item);
                    json.WriteEndArray();
                    break;
                default:
                    json.WriteStringValue(Format(values[i]!, csv: false));
                    break;
            }
        }
        json.WriteEndObject();
        json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
    }

    /// <summary>A value as text: invariant culture, ISO 8601 dates in UTC, enums as the API names them, lists joined with ';'.</summary>
    public static string Format(object value, bool csv = true) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        int n => n.ToString(CultureInfo.InvariantCulture),
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Enum e => ApiJson.CamelCase(e.ToString()),
        IEnumerable<string> list => string.Join(';', list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
