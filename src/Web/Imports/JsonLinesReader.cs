using System.Runtime.CompilerServices;
using System.Text.Json;
using CivicContracting.Web.Json;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Imports;

/// <summary>
/// Reads a JSON Lines import file as a stream of rows, one line at a time from a fixed buffer: a file of any size costs
/// the memory of its longest allowed line. A line longer than the limit is reported and skipped without being buffered;
/// blank lines are skipped; every other line is one record whose <c>type</c> says which.
/// </summary>
public sealed class JsonLinesReader(int maxRecordBytes)
{
    public async IAsyncEnumerable<ImportRow> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[maxRecordBytes + 64 * 1024];
        int start = 0, end = 0;
        long line = 0;
        var skipping = false;
        var atStart = true;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                line++;
                var length = newline - start;
                var from = start;
                start = newline + 1;
                if (skipping)
                {
                    skipping = false; // the end of an overlong line, reported when it passed the limit
                    continue;
                }
                if (Parse(buffer.AsMemory(from, length), line) is { } row)
                    yield return row;
                continue;
            }
            if (skipping)
            {
                start = end = 0;
            }
            else if (end - start > maxRecordBytes)
            {
                yield return BadRow.Of(line + 1, "", ApiText.ImportLineTooLong(maxRecordBytes));
                skipping = true;
                start = end = 0;
            }
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
            {
                if (end > start && !skipping && Parse(buffer.AsMemory(start, end - start), line + 1) is { } last)
                    yield return last;
                yield break;
            }
            end += read;
            if (atStart && end >= 3)
            {
                atStart = false;
                if (buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                    start = 3; // a UTF-8 byte order mark
            }
        }
    }

    /// <summary>One line as a row; null for a blank line.</summary>
    public static ImportRow? Parse(ReadOnlyMemory<byte> line, long row)
    {
        var span = line.Span.TrimEnd("\r\n \t"u8).TrimStart(" \t"u8);
        if (span.IsEmpty)
            return null;
        string? type;
        try
        {
            type = TypeOf(span);
        }
        catch (JsonException exception)
        {
            return BadRow.Of(row, "", exception.BytePositionInLine is { } position
                ? ApiText.ImportMalformedJsonAt(position + 1, FirstSentence(exception.Message))
                : ApiText.ImportMalformedJson(FirstSentence(exception.Message)));
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            return BadRow.Of(row, "", ApiText.ImportNotOneObject);
        }
        if (type is null)
            return BadRow.Of(row, "type", ApiText.ImportRecordTypeRequired(ImportRecordTypes.Expected));
        try
        {
            return type switch
            {
                ImportRecordTypes.Goal => Deserialize<GoalRecord>(span).ToRow(row),
                ImportRecordTypes.Participant => Deserialize<ParticipantRecord>(span).ToRow(row),
                ImportRecordTypes.Commitment => Deserialize<CommitmentRecord>(span).ToRow(row),
                _ => BadRow.Of(row, "type", ApiText.ImportNotARecordType(Shorten(type), ImportRecordTypes.Expected)),
            };
        }
        catch (JsonException exception)
        {
            var recordType = type switch
            {
                ImportRecordTypes.Goal => typeof(GoalRecord),
                ImportRecordTypes.Participant => typeof(ParticipantRecord),
                _ => typeof(CommitmentRecord),
            };
            var errors = JsonBody.Describe(exception, recordType, ApiJson.Options)
                .ToDictionary(e => e.Key == Problems.ApiProblems.BodyField ? "" : e.Key, e => e.Value, StringComparer.Ordinal);
            return new BadRow(row, errors);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException)
        {
            return BadRow.Of(row, "", ApiText.ImportRecordUnreadable(FirstSentence(exception.Message)));
        }
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<T>(json, ApiJson.Options) ?? throw new JsonException(ApiText.JsonNull);

    /// <summary>The value of the object's top-level "type" (null if it has none); throws <see cref="JsonException"/> for malformed JSON.</summary>
    private static string? TypeOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new InvalidOperationException("Not an object.");
        string? type = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
                type = reader.GetString();
            else
                reader.Skip();
        }
        // The rest of the line must be nothing but the end of this one object.
        while (reader.Read())
        {
        }
        return type;
    }

    private static string FirstSentence(string message)
    {
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
                message = message[..at];
        }
        return message;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
