using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CivicContracting.CityScale;
using CivicContracting.Web;

// The synthetic city of issue 12, and loading it through the operator import. Not a test: it prints figures.
//   dotnet run -c Release --project benchmarks/CityScale -- generate --commitments 100000 [--participants N/10] [--goals 1000]
//       [--seed 2030] [--as-of 2026-12-01] --out city.jsonl
//   dotnet run -c Release --project benchmarks/CityScale -- load --commitments 100000 [same options] [--data DIR] [--keep] [--Setting=Value …]
// `load` writes the city to a temporary file, then imports it in this process into a fresh embedded SQLite database
// (the `import` command of src/Web, in-process) and prints the load rate, the memory after the load and the database size.
//   dotnet run -c Release --project benchmarks/CityScale -- measure --commitments 100000 [same options] [--duration 20]
//       [--concurrency 64] [--live-rate 1000] [--live-duration 15] [--map-connections 32] [--summary FILE] [--keep]
// `measure` loads the city with the import, starts the product in a process of its own and prints the city-scale figures
// of issue 12 (benchmarks/run-city-scale.sh runs it for 10k, 100k and 1M and prints the table).
//   dotnet run -c Release --project benchmarks/CityScale -- drive --city city.jsonl --gateway PORT [--duration 20] [--concurrency 64]
// `drive` sends durable progress reports through an Orleans client to a product that already runs (a city kept with
// `load --keep`), for profiling one part at a time: it prints the same "Durable updates" figures as `measure`.
if (args.Length > 0 && args[0] == "drive")
    return await CityDrive.RunAsync(args[1..]);
if (args.Length == 0 || args[0] is not ("generate" or "load" or "measure" or "download"))
{
    Console.Error.WriteLine("usage: generate --commitments N [--participants N] [--goals N] [--seed N] [--as-of YYYY-MM-DD] --out FILE");
    Console.Error.WriteLine("       load --commitments N [--participants N] [--goals N] [--seed N] [--as-of YYYY-MM-DD] [--data DIR] [--keep] [--Setting=Value ...]");
    Console.Error.WriteLine("       drive --city FILE --gateway PORT [--duration S] [--concurrency N]");
    Console.Error.WriteLine("       download --commitments N [same options] [--keep] [--Setting=Value ...]   (all commitments as CSV; rows, bytes, time, memory)");
    Console.Error.WriteLine("       measure --commitments N [same options] [--duration S] [--concurrency N] [--live-rate N] [--live-duration S] [--map-connections N] [--summary FILE] [--keep] [--Setting=Value ...]");
    return 2;
}
var options = Options.Parse(args[1..]);
if (options.Problem is { } problem)
{
    Console.Error.WriteLine(problem);
    return 2;
}
var spec = options.Spec;

if (args[0] == "generate")
{
    if (options.Out is null)
    {
        Console.Error.WriteLine("generate: give --out FILE");
        return 2;
    }
    var clock = Stopwatch.StartNew();
    await using (var file = new FileStream(options.Out, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
    {
        var (goals, participants, commitments) = await SyntheticCity.WriteAsync(spec, file);
        Console.WriteLine($"Wrote {options.Out}: {goals:N0} goals, {participants:N0} participants, {commitments:N0} commitments ({file.Length / 1048576.0:N1} MiB) in {clock.Elapsed.TotalSeconds:N1} s (seed {spec.Seed}, as of {spec.AsOf:yyyy-MM-dd})");
    }
    return 0;
}

var work = Path.Combine(Path.GetTempPath(), "civic-city-scale-" + Guid.NewGuid().ToString("N"));
var data = options.Data ?? Path.Combine(work, "data");
if (args[0] is "measure" or "download")
{
    try
    {
        return args[0] == "download"
            ? await CityDownload.RunAsync(spec, work, data, options.Settings)
            : await CityMeasure.RunAsync(spec, options.Measure, work, data, options.Settings);
    }
    finally
    {
        if (!options.Keep)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
        else
        {
            Console.WriteLine($"Kept {work}");
        }
    }
}
Directory.CreateDirectory(work);
var cityFile = Path.Combine(work, "city.jsonl");
try
{
    var generating = Stopwatch.StartNew();
    await using (var file = new FileStream(cityFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
    {
        var (goals, participants, commitments) = await SyntheticCity.WriteAsync(spec, file);
        Console.WriteLine($"Synthetic city: {goals:N0} goals, {participants:N0} participants, {commitments:N0} commitments ({file.Length / 1048576.0:N1} MiB, generated in {generating.Elapsed.TotalSeconds:N1} s)");
    }
    Console.WriteLine($"Loading into embedded SQLite at {data}; {Environment.ProcessorCount} cores (shared with whatever else runs here)");
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var loading = Stopwatch.StartNew();
    var exit = await ImportCommand.RunAsync(
        [cityFile, $"--Storage:DataDirectory={data}", "--Demo:Seed=false", $"--Orleans:SiloPort={FreePort()}", $"--Orleans:GatewayPort={FreePort()}", .. options.Settings],
        Console.Out, Console.Error);
    loading.Stop();
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / loading.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Load: {spec.Commitments / loading.Elapsed.TotalSeconds:N0} commitments/s end to end (host start, checks, goals, participants, commitments) in {loading.Elapsed.TotalSeconds:N1} s; {cpu:N2} of {Environment.ProcessorCount} cores busy; peak RSS {process.PeakWorkingSet64 / 1048576.0:N0} MiB, RSS now {process.WorkingSet64 / 1048576.0:N0} MiB"));
    var database = new FileInfo(Path.Combine(data, "civic-contracting.db"));
    var wal = new FileInfo(database.FullName + "-wal");
    if (database.Exists)
        Console.WriteLine($"Database: {database.Length / 1048576.0:N1} MiB, WAL {(wal.Exists ? wal.Length / 1048576.0 : 0):N1} MiB");
    return exit;
}
finally
{
    if (!options.Keep)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(work, recursive: true);
    }
    else
    {
        Console.WriteLine($"Kept {work}");
    }
}

static string FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
}

internal sealed record Options(CitySpec Spec, string? Out, string? Data, bool Keep, string[] Settings, string? Problem)
{
    public MeasureSettings Measure { get; init; } = new(TimeSpan.FromSeconds(20), 64, 1_000, TimeSpan.FromSeconds(15), 32, "city-scale-summary.tsv");

    public static Options Parse(string[] args)
    {
        int? commitments = null, participants = null, goals = null, seed = null;
        DateOnly? asOf = null;
        string? output = null, data = null;
        var keep = false;
        var settings = new List<string>();
        var measure = new MeasureSettings(TimeSpan.FromSeconds(20), 64, 1_000, TimeSpan.FromSeconds(15), 32, "city-scale-summary.tsv");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : "";
            switch (args[i])
            {
                case "--commitments": commitments = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--participants": participants = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--goals": goals = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--as-of": asOf = DateOnly.ParseExact(Next(), "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
                case "--out": output = Next(); break;
                case "--data": data = Next(); break;
                case "--keep": keep = true; break;
                case "--duration": measure = measure with { Duration = TimeSpan.FromSeconds(int.Parse(Next(), CultureInfo.InvariantCulture)) }; break;
                case "--concurrency": measure = measure with { Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--live-rate": measure = measure with { LiveRate = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--live-duration": measure = measure with { LiveDuration = TimeSpan.FromSeconds(int.Parse(Next(), CultureInfo.InvariantCulture)) }; break;
                case "--map-connections": measure = measure with { MapConnections = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--summary": measure = measure with { Summary = Path.GetFullPath(Next()) }; break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=', StringComparison.Ordinal))
                        settings.Add(args[i]);
                    else
                        return new Options(null!, null, null, false, [], $"unknown option '{args[i]}'");
                    break;
            }
        }
        if (commitments is not > 0)
            return new Options(null!, null, null, false, [], "give --commitments N (N > 0)");
        var spec = new CitySpec(commitments.Value, Math.Max(1, participants ?? commitments.Value / 10), Math.Max(2, goals ?? 1_000), seed ?? 2030,
            asOf ?? DateOnly.FromDateTime(DateTime.UtcNow));
        if (measure.Duration <= TimeSpan.Zero || measure.Concurrency < 1 || measure.LiveRate < 1 || measure.LiveDuration <= TimeSpan.Zero || measure.MapConnections < 1)
            return new Options(null!, null, null, false, [], "--duration, --concurrency, --live-rate, --live-duration and --map-connections must be positive");
        return new Options(spec, output, data, keep, [.. settings], null) { Measure = measure };
    }
}
