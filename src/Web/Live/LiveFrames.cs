namespace CivicContracting.Web.Live;

/// <summary>
/// The bytes of the live stream's server-sent events, exactly as ASP.NET Core's <c>TypedResults.ServerSentEvents</c>
/// wrote them before (browsers, <c>live.js</c> and the tests parse them): <c>event: change</c> with the JSON of an
/// <see cref="CivicContracting.Live.AggregateChange"/> as data, and <c>event: ready</c> with empty data.
/// </summary>
internal static class LiveFrames
{
    public const string ChangeEvent = "change";
    public const string ReadyEvent = "ready";

    /// <summary>Ends the snapshot: from here on the stream carries every newer change.</summary>
    public static ReadOnlySpan<byte> Ready => "event: ready\ndata: \n\n"u8;

    private static ReadOnlySpan<byte> ChangeHeader => "event: change\n"u8;

    private static ReadOnlySpan<byte> DataField => "data: "u8;

    /// <summary>A "change" event carrying <paramref name="json"/>; a line break in it (indented JSON) starts another data line, as the format requires.</summary>
    public static byte[] Change(ReadOnlySpan<byte> json)
    {
        var lines = 1;
        foreach (var b in json)
        {
            if (b == (byte)'\n')
                lines++;
        }
        var frame = new byte[ChangeHeader.Length + (lines * (DataField.Length + 1)) + json.Length + 1];
        var at = 0;
        Append(frame, ref at, ChangeHeader);
        foreach (var line in json.Split((byte)'\n'))
        {
            Append(frame, ref at, DataField);
            Append(frame, ref at, json[line].TrimEnd((byte)'\r'));
            frame[at++] = (byte)'\n';
        }
        frame[at++] = (byte)'\n';
        return at == frame.Length ? frame : frame[..at];
    }

    private static void Append(byte[] frame, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(frame.AsSpan(at));
        at += bytes.Length;
    }
}
