using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Imports;
using CivicContracting.Web.Imports;
using CivicContracting.Web.Json;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web;

/// <summary>
/// <c>CivicContracting.Web import FILE [--url URL --token TOKEN] [--format jsonl|csv] [--again] [--no-progress]</c>: loads a
/// city from a JSON Lines or CSV file. With <c>--url</c> it posts the file to a running host
/// (<c>POST /api/operations/imports</c>, the token from <c>--token</c> or <c>CIVIC_OPERATOR_TOKEN</c>) and follows its
/// progress; without, it runs in this process against the configured storage (the embedded SQLite database under
/// Storage:DataDirectory by default; no other process may use it meanwhile), and any other <c>--Key=Value</c> is a setting.
/// A progress bar (records, rate, time left) on a terminal, a line every few seconds otherwise, and a summary at the end.
/// Exit codes: 0 loaded; 1 the file has errors (nothing loaded) or rows failed (conflicts with what is stored);
/// 2 bad usage (arguments, file, credentials); 3 the import could not finish (host unreachable, busy, interrupted) —
/// running it again continues from its checkpoint.
/// </summary>
public static class ImportCommand
{
    public const string Name = "import";

    public const int Ok = 0;
    public const int FileErrors = 1;
    public const int Usage = 2;
    public const int NotFinished = 3;

    private const string UsageText = "usage: import FILE [--url URL [--token TOKEN]] [--format jsonl|csv] [--again] [--no-progress] [--Setting=Value ...]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!Arguments.TryParse(args, out var arguments, out var problem))
        {
            await error.WriteLineAsync($"import: {problem}");
            await error.WriteLineAsync(UsageText);
            return Usage;
        }
        if (!File.Exists(arguments.File))
        {
            await error.WriteLineAsync($"import: there is no file '{arguments.File}'.");
            return Usage;
        }
        var format = arguments.Format ?? FormatOfName(arguments.File);
        if (format is null)
        {
            await error.WriteLineAsync($"import: cannot tell the format of '{arguments.File}' from its name; give --format jsonl or --format csv.");
            return Usage;
        }
        var progress = new ImportProgressBar(output, arguments.ShowProgress && !Console.IsOutputRedirected && output == Console.Out);
        await output.WriteLineAsync($"Reading {arguments.File} ({CityImport.FormatName(format.Value)}) …");
        var file = await ImportFile.DescribeAsync(Path.GetFullPath(arguments.File), format.Value, cancellationToken);
        await output.WriteLineAsync($"Import {file.Sha256}: {file.Bytes:N0} bytes");
        return arguments.Url is null
            ? await InProcessAsync(file, arguments, progress, output, error, cancellationToken)
            : await OverHttpAsync(file, arguments, progress, output, error, cancellationToken);
    }

    public static ImportFormat? FormatOfName(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" or ".json" => ImportFormat.JsonLines,
        ".csv" => ImportFormat.Csv,
        _ => null,
    };

    private static async Task<int> InProcessAsync(ImportFile file, Arguments arguments, ImportProgressBar progress, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // The whole app, as `dotnet run --project src/Web` runs it, but quietly and on a free port: the same storage,
        // silo and rules; the site answers while the import runs.
        string[] hostArgs = ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            "--Logging:LogLevel:CivicContracting=Warning",
            $"--Api:OperatorToken={Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))}", .. arguments.Settings];
        WebApplication app;
        try
        {
            app = CivicContractingWebApp.Build(hostArgs);
            await app.StartAsync(cancellationToken);
        }
        catch (OptionsValidationException invalid)
        {
            await error.WriteLineAsync("import: the configuration is invalid.");
            foreach (var failure in invalid.Failures)
                await error.WriteLineAsync($"  - {failure}");
            return Usage;
        }
        try
        {
            var imports = app.Services.GetRequiredService<CityImport>();
            using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var follow = FollowAsync(() => imports.GetAsync(file.Sha256), progress, following.Token);
            try
            {
                var summary = await imports.RunAsync(file, "Operator (command line)", arguments.Again, cancellationToken);
                await following.CancelAsync();
                await follow;
                return await PrintAsync(summary, progress, output);
            }
            catch (ImportRejectedException rejected)
            {
                await following.CancelAsync();
                await follow;
                progress.Clear();
                await PrintErrorsAsync(rejected.ErrorCount, rejected.Errors.Select(e => (e.Field, e.Message)), error);
                return FileErrors;
            }
            catch (ImportBusyException busy)
            {
                await following.CancelAsync();
                await follow;
                progress.Clear();
                await error.WriteLineAsync($"import: {busy.Message}");
                return NotFinished;
            }
            catch (Exception ex)
            {
                await following.CancelAsync();
                await follow;
                progress.Clear();
                var why = ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? "as asked" : ex.Message;
                await error.WriteLineAsync($"import: stopped ({why}); run it again to continue from its checkpoint.");
                return NotFinished;
            }
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static async Task<int> OverHttpAsync(ImportFile file, Arguments arguments, ImportProgressBar progress, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var token = arguments.Token ?? Environment.GetEnvironmentVariable("CIVIC_OPERATOR_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
        {
            await error.WriteLineAsync("import: give the operator token (or an administrator's session is not possible here): --token TOKEN or CIVIC_OPERATOR_TOKEN.");
            return Usage;
        }
        using var http = new HttpClient { BaseAddress = arguments.Url, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var follow = FollowAsync(async () =>
        {
            using var response = await http.GetAsync($"api/operations/imports/{file.Sha256}", following.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ImportJobView>(ApiJson.Options, following.Token) : null;
        }, progress, following.Token);
        HttpResponseMessage answer;
        try
        {
            await using var body = File.OpenRead(file.Path);
            using var content = new StreamContent(body, 128 * 1024);
            content.Headers.ContentType = new MediaTypeHeaderValue(file.Format == ImportFormat.Csv ? ImportEndpoints.CsvContentType : ImportEndpoints.JsonLinesContentType);
            content.Headers.ContentLength = file.Bytes;
            answer = await http.PostAsync($"api/operations/imports{(arguments.Again ? "?again=true" : "")}", content, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await following.CancelAsync();
            await follow;
            progress.Clear();
            await error.WriteLineAsync("import: stopped as asked; the host records where it got, and running it again continues from there.");
            return NotFinished;
        }
        catch (HttpRequestException unreachable)
        {
            await following.CancelAsync();
            await follow;
            progress.Clear();
            await error.WriteLineAsync($"import: {arguments.Url} did not answer ({unreachable.Message}); run it again to continue from its checkpoint.");
            return NotFinished;
        }
        await following.CancelAsync();
        await follow;
        using (answer)
        {
            var text = await answer.Content.ReadAsStringAsync(cancellationToken);
            if (answer.IsSuccessStatusCode)
                return await PrintAsync(JsonSerializer.Deserialize<ImportSummary>(text, ApiJson.Options)!, progress, output);
            progress.Clear();
            var problem = TryParse(text);
            var detail = (string?)problem?["detail"] ?? text;
            var errors = problem?["errors"] as JsonObject;
            switch (answer.StatusCode)
            {
                case HttpStatusCode.BadRequest when errors is not null:
                    await error.WriteLineAsync($"import: {detail}");
                    foreach (var (field, messages) in errors)
                    {
                        foreach (var message in messages?.AsArray() ?? [])
                            await error.WriteLineAsync($"  {field}: {(string?)message}");
                    }
                    return FileErrors;
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.NotFound:
                    await error.WriteLineAsync($"import: {(int)answer.StatusCode} {detail}");
                    return Usage;
                default:
                    await error.WriteLineAsync($"import: {(int)answer.StatusCode} {detail}");
                    return NotFinished;
            }
        }
    }

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads the import's state twice a second and draws it, until cancelled.</summary>
    private static async Task FollowAsync(Func<Task<ImportJobView?>> read, ImportProgressBar progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    if (await read() is { } job)
                        progress.Draw(job);
                }
                catch (Exception ex) when (ex is HttpRequestException or JsonException or TimeoutException)
                {
                    // The answer comes with the summary; progress is a courtesy.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private static async Task<int> PrintAsync(ImportSummary summary, ImportProgressBar progress, TextWriter output)
    {
        progress.Clear();
        if (summary.AlreadyImported)
        {
            await output.WriteLineAsync($"Import {summary.Id} was loaded completely before ({summary.StartedAt:u}): nothing to do. Send it with --again to check every row against the store once more.");
            return Ok;
        }
        await output.WriteLineAsync($"Import {summary.Id}: {Describe(summary.Status)} in {summary.DurationSeconds:N1} s{(summary.ResumedFrom.Phase > ImportPhase.Goals || summary.ResumedFrom.Position > 0 ? $", continued from {summary.ResumedFrom.Phase.ToString().ToLowerInvariant()} {summary.ResumedFrom.Position:N0}" : "")} (run {summary.Runs})");
        foreach (var (name, counts) in new[] { ("goals", summary.Goals), ("participants", summary.Participants), ("commitments", summary.Commitments) })
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {name,-13}{counts.InFile,12:N0} in the file: {counts.Created:N0} created, {counts.AlreadyThere:N0} there already, {counts.Failed:N0} failed, {counts.Skipped:N0} loaded by an earlier run"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  load rate: {summary.CommitmentsPerSecond:N0} commitments/s"));
        if (summary.Failed == 0)
            return Ok;
        await PrintErrorsAsync(summary.ErrorCount, summary.Errors.Select(e => (e.Field, e.Message)), output);
        return FileErrors;
    }

    private static async Task PrintErrorsAsync(long count, IEnumerable<(string Field, string Message)> errors, TextWriter writer)
    {
        await writer.WriteLineAsync($"{count:N0} row error(s){(count > 0 ? ", the first:" : "")}");
        foreach (var (field, message) in errors)
            await writer.WriteLineAsync($"  {field}: {message}");
    }

    private static string Describe(ImportJobStatus status) => status switch
    {
        ImportJobStatus.Completed => "loaded",
        ImportJobStatus.Rejected => "refused",
        _ => status.ToString().ToLowerInvariant(),
    };

    private sealed record Arguments(string File, Uri? Url, string? Token, ImportFormat? Format, bool Again, bool ShowProgress, string[] Settings)
    {
        public static bool TryParse(string[] args, out Arguments arguments, out string problem)
        {
            arguments = null!;
            problem = "";
            string? file = null, url = null, token = null, format = null;
            bool again = false, showProgress = true;
            var settings = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                string? Value()
                {
                    if (arg.Contains('=', StringComparison.Ordinal))
                        return arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
                    return i + 1 < args.Length ? args[++i] : null;
                }
                var name = arg.Split('=')[0];
                switch (name)
                {
                    case "--url":
                        url = Value();
                        break;
                    case "--token":
                        token = Value();
                        break;
                    case "--format":
                        format = Value();
                        break;
                    case "--again":
                        again = true;
                        break;
                    case "--no-progress":
                        showProgress = false;
                        break;
                    case "--help" or "-h":
                        problem = "loads a city from a JSON Lines or CSV file.";
                        return false;
                    default:
                        if (arg.StartsWith("--", StringComparison.Ordinal))
                        {
                            // A setting for the in-process host, e.g. --Storage:DataDirectory=/var/lib/civic.
                            settings.Add(arg.Contains('=', StringComparison.Ordinal) || i + 1 >= args.Length ? arg : $"{arg}={args[++i]}");
                        }
                        else if (file is null)
                        {
                            file = arg;
                        }
                        else
                        {
                            problem = $"one file at a time ('{arg}' is a second).";
                            return false;
                        }
                        break;
                }
            }
            if (file is null)
            {
                problem = "name the file to import.";
                return false;
            }
            Uri? baseUri = null;
            if (url is not null && (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out baseUri) || baseUri.Scheme is not ("http" or "https")))
            {
                problem = $"--url must be an http(s) address such as http://127.0.0.1:5000 (got '{url}').";
                return false;
            }
            ImportFormat? parsed = format?.ToLowerInvariant() switch
            {
                null => null,
                "jsonl" or "ndjson" => ImportFormat.JsonLines,
                "csv" => ImportFormat.Csv,
                _ => (ImportFormat)(-1),
            };
            if (parsed is (ImportFormat)(-1))
            {
                problem = $"--format is jsonl or csv (got '{format}').";
                return false;
            }
            if (url is null && token is not null)
            {
                problem = "--token goes with --url (in this process no token is needed).";
                return false;
            }
            arguments = new Arguments(file, baseUri, token, parsed, again, showProgress, [.. settings]);
            return true;
        }
    }
}

/// <summary>
/// Draws an import's progress: on a terminal one line redrawn in place — phase, a bar, records done of the file's,
/// commitments per second and the time left; elsewhere (a log, CI) a plain line every five seconds.
/// </summary>
public sealed class ImportProgressBar(TextWriter output, bool interactive)
{
    private const int BarWidth = 30;
    private DateTimeOffset _lastLine = DateTimeOffset.MinValue;
    private int _drawn;

    public void Draw(ImportJobView job)
    {
        var line = Describe(job);
        if (interactive)
        {
            var width = Math.Max(20, (Console.IsOutputRedirected ? 120 : Console.WindowWidth) - 1);
            if (line.Length > width)
                line = line[..width];
            output.Write("\r" + line.PadRight(Math.Max(_drawn, line.Length)));
            _drawn = line.Length;
            output.Flush();
        }
        else if (DateTimeOffset.UtcNow - _lastLine >= TimeSpan.FromSeconds(5))
        {
            output.WriteLine(line);
            _lastLine = DateTimeOffset.UtcNow;
        }
    }

    public void Clear()
    {
        if (!interactive || _drawn == 0)
            return;
        output.Write("\r" + new string(' ', _drawn) + "\r");
        _drawn = 0;
        output.Flush();
    }

    public static string Describe(ImportJobView job)
    {
        var p = job.Progress;
        if (p.Phase == ImportPhase.Validating)
            return string.Create(CultureInfo.InvariantCulture, $"checking    {p.RecordsRead,12:N0} records read{(p.ErrorCount > 0 ? $", {p.ErrorCount:N0} errors" : "")}");
        var total = p.Goals.InFile + p.Participants.InFile + p.Commitments.InFile;
        var done = p.Goals.Done + p.Participants.Done + p.Commitments.Done;
        var share = total == 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
        var filled = (int)Math.Round(share * BarWidth);
        var bar = new string('#', filled) + new string('.', BarWidth - filled);
        var eta = p.SecondsLeft is { } left ? TimeSpan.FromSeconds(left).ToString(left >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "–";
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.Phase.ToString().ToLowerInvariant(),-12}[{bar}] {share,4:P0}  {done:N0}/{total:N0} records  {p.CommitmentsPerSecond:N0} commitments/s  ETA {eta}{(p.ErrorCount > 0 ? $"  {p.ErrorCount:N0} failed" : "")}");
    }
}
