using System.Globalization;

namespace CivicContracting.CityScale;

/// <summary>
/// Durable progress reports to a product that already runs, through its Orleans gateway: the "Durable updates" part of
/// <see cref="CityMeasure"/> alone, so that a profiler can watch the product under that load without a new import.
/// </summary>
internal static class CityDrive
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? city = null;
        int? gateway = null;
        var duration = TimeSpan.FromSeconds(20);
        var concurrency = 64;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : "";
            switch (args[i])
            {
                case "--city": city = Next(); break;
                case "--gateway": gateway = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": duration = TimeSpan.FromSeconds(int.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--concurrency": concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"drive: unknown option '{args[i]}'");
                    return 2;
            }
        }
        if (city is null || !File.Exists(city) || gateway is not > 0 || concurrency < 1 || duration <= TimeSpan.Zero)
        {
            Console.Error.WriteLine("drive: give --city FILE (a city file that exists) and --gateway PORT; --duration and --concurrency must be positive");
            return 2;
        }
        var reportable = CityMeasure.ReportableCommitments(city);
        Console.WriteLine($"{reportable.Length:N0} confirmed result commitments take values");
        await using var orleans = await OrleansClient.ConnectAsync(gateway.Value);
        // Seeds of their own each run, so a run reports on commitments the previous run did not wake (as the measure's do).
        static string Seed() => ((char)('A' + Random.Shared.Next(26))).ToString();
        await Updates.RunAsync(orleans.Grains, reportable, concurrency, TimeSpan.FromSeconds(3), Seed() + "w");
        var updates = await Updates.RunAsync(orleans.Grains, reportable, concurrency, duration, Seed() + "d");
        Console.WriteLine($"Durable updates: {updates.PerSecond:N0}/s at concurrency {concurrency} (p50 {updates.P(0.5):N1} ms, p99 {updates.P(0.99):N1} ms, {updates.Failed:N0} failed{updates.FirstError})");
        return updates.Failed == 0 ? 0 : 1;
    }
}
