using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace CivicContracting.Grains.Tests.Following;

/// <summary>
/// A small SMTP server on 127.0.0.1 (a free port) that records what it is sent: greeting, EHLO/HELO, MAIL FROM, RCPT TO,
/// DATA (with dot-unstuffing), RSET, NOOP, QUIT. No TLS and no AUTH, so the silos talk to it with Security None. It can
/// refuse a recipient a number of times (451, a transient error) to exercise the sender's retries. One for the test
/// process, started before the cluster, which is configured to send to it (see ClusterFixture).
/// </summary>
internal sealed partial class SmtpSink : IDisposable
{
    private static readonly Lazy<SmtpSink> SharedInstance = new(() => new SmtpSink());

    private readonly TcpListener _listener;
    private readonly ConcurrentQueue<SmtpMessage> _messages = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _recipientAttempts = new(StringComparer.OrdinalIgnoreCase);

    private SmtpSink()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoop();
    }

    public static SmtpSink Shared => SharedInstance.Value;

    public void Dispose() => _listener.Dispose();

    public int Port { get; }

    public IReadOnlyList<SmtpMessage> Messages => [.. _messages];

    public IReadOnlyList<SmtpMessage> To(string recipient) =>
        [.. _messages.Where(m => m.Recipients.Contains(recipient, StringComparer.OrdinalIgnoreCase))];

    /// <summary>RCPT TO attempts for <paramref name="recipient"/>, refused or not.</summary>
    public int Attempts(string recipient) => _recipientAttempts.GetValueOrDefault(recipient);

    /// <summary>Refuses <paramref name="recipient"/> with "451" the next <paramref name="times"/> times.</summary>
    public void FailRecipient(string recipient, int times) => _failuresLeft[recipient] = times;

    /// <summary>The first message to <paramref name="recipient"/>, once it came (failing after <paramref name="within"/>).</summary>
    public async Task<SmtpMessage> WaitFor(string recipient, TimeSpan within) =>
        (await Eventually.Value(() => Task.FromResult(To(recipient)), found => found.Count > 0, within, $"a mail to {recipient}"))[0];

    private async Task AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return; // stopped
            }
            _ = Serve(client);
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 1024, leaveOpen: true);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1024, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink.test ESMTP test sink");
            string? from = null;
            var recipients = new List<string>();
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-sink.test greets you");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 sink.test");
                        break;
                    case "MAIL":
                        from = Address(line);
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        var to = Address(line);
                        _recipientAttempts.AddOrUpdate(to, 1, (_, n) => n + 1);
                        if (_failuresLeft.TryGetValue(to, out var left) && left > 0)
                        {
                            _failuresLeft[to] = left - 1;
                            await writer.WriteLineAsync("451 4.3.0 Try again later");
                        }
                        else
                        {
                            recipients.Add(to);
                            await writer.WriteLineAsync("250 OK");
                        }
                        break;
                    case "DATA":
                        if (from is null || recipients.Count == 0)
                        {
                            await writer.WriteLineAsync("503 5.5.1 MAIL and RCPT first");
                            break;
                        }
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                        _messages.Enqueue(SmtpMessage.Parse(from, [.. recipients], data.ToString()));
                        from = null;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not implemented");
                        break;
                }
            }
        }
        catch (IOException)
        {
            // The client hung up.
        }
    }

    /// <summary>The address between angle brackets of "MAIL FROM:&lt;a@b&gt;" or "RCPT TO:&lt;a@b&gt;".</summary>
    private static string Address(string line)
    {
        var open = line.IndexOf('<', StringComparison.Ordinal);
        var close = line.IndexOf('>', StringComparison.Ordinal);
        return open >= 0 && close > open ? line[(open + 1)..close] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}

/// <summary>A received message with its headers unfolded and its subject and (single-part) body decoded.</summary>
internal sealed partial record SmtpMessage(string From, IReadOnlyList<string> Recipients, IReadOnlyDictionary<string, string> Headers, string Subject, string Body)
{
    public static SmtpMessage Parse(string from, IReadOnlyList<string> recipients, string data)
    {
        var split = data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? data : data[..split];
        var rawBody = split < 0 ? "" : data[(split + 4)..];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && last is not null)
            {
                headers[last] += line; // a folded header continues
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            last = line[..colon].Trim();
            headers[last] = line[(colon + 1)..].Trim();
        }
        var subject = DecodeWords(headers.GetValueOrDefault("Subject") ?? "");
        var body = headers.GetValueOrDefault("Content-Transfer-Encoding")?.Trim().ToLowerInvariant() switch
        {
            "quoted-printable" => DecodeQuotedPrintable(rawBody),
            "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(rawBody.Where(c => !char.IsWhiteSpace(c))))),
            _ => rawBody,
        };
        return new SmtpMessage(from, recipients, headers, subject, body.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    /// <summary>RFC 2047 encoded words (=?utf-8?B?…?= and =?utf-8?Q?…?=); whitespace between two of them is dropped.</summary>
    private static string DecodeWords(string value)
    {
        var joined = BetweenWords().Replace(value, "?==?");
        return EncodedWord().Replace(joined, m =>
        {
            var encoding = Encoding.GetEncoding(m.Groups[1].Value);
            var text = m.Groups[3].Value;
            return string.Equals(m.Groups[2].Value, "B", StringComparison.OrdinalIgnoreCase)
                ? encoding.GetString(Convert.FromBase64String(text))
                : encoding.GetString(QBytes(text.Replace('_', ' ')));
        });
    }

    private static string DecodeQuotedPrintable(string text) =>
        Encoding.UTF8.GetString(QBytes(text.Replace("=\r\n", "", StringComparison.Ordinal)));

    private static byte[] QBytes(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return [.. bytes];
    }

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex BetweenWords();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
