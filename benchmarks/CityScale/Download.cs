using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace CivicContracting.CityScale;

/// <summary>
/// The bulk download at city scale (issue 16): writes the synthetic city, loads it with the operator import, starts the
/// product (co-hosting its silo) and downloads every commitment as CSV (<c>GET /api/open-data/commitments.csv</c>),
/// printing rows, bytes and time, and the product's resident memory (VmRSS) and managed heap (the runtime's
/// <c>dotnet_gc_last_collection_heap_size</c> at /metrics) before, at their peak during (sampled every 250 ms), and after.
/// In this co-hosted product the process holds the silo too, so the figures include the commitment grains the download
/// activates (collected two minutes after their last call).
/// </summary>
internal static class CityDownload
{
    public static async Task<int> RunAsync(CitySpec spec, string work, string data, IReadOnlyList<string> productSettings)
    {
        Directory.CreateDirectory(work);
        var cityFile = Path.Combine(work, "city.jsonl");
        var log = Path.Combine(work, "product.log");
        await using (var file = new FileStream(cityFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            await SyntheticCity.WriteAsync(spec, file);
        string[] storage = [$"--Storage:DataDirectory={data}", .. productSettings];
        var clock = Stopwatch.StartNew();
        var imported = await ProductProcess.ImportAsync(cityFile, [.. storage, "--Demo:Seed=false", $"--Orleans:SiloPort={ProductProcess.FreePort()}", $"--Orleans:GatewayPort={ProductProcess.FreePort()}"]);
        if (imported != 0)
        {
            Console.Error.WriteLine($"The import failed (exit code {imported}).");
            return 1;
        }
        Console.WriteLine($"City of {spec.Commitments:N0} commitments loaded in {clock.Elapsed.TotalSeconds:N1} s");

        var product = ProductProcess.Start(storage, log);
        await using var running = product;
        using var http = new HttpClient { BaseAddress = product.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        // Ready when the download answers (it waits for the web host's lists of commitments to be complete).
        var ready = Stopwatch.StartNew();
        while (true)
        {
            if (product.HasExited)
                throw new InvalidOperationException("The product exited; see product.log in the work folder.");
            try
            {
                using var probe = new HttpRequestMessage(HttpMethod.Get, "/api/open-data/places.csv");
                using var answer = await http.SendAsync(probe);
                if (answer.IsSuccessStatusCode)
                    break;
            }
            catch (HttpRequestException)
            {
            }
            if (ready.Elapsed > TimeSpan.FromMinutes(10))
                throw new InvalidOperationException("The product did not answer within 10 minutes.");
            await Task.Delay(500);
        }
        await WaitForListsAsync(http);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var before = await SampleAsync(http, product);
        Console.WriteLine($"Before: RSS {Mib(before.Rss)} MiB, managed heap {Mib(before.Heap)} MiB");

        var peakRss = before.Rss;
        var peakHeap = before.Heap;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var s = await SampleAsync(http, product);
                peakRss = Math.Max(peakRss, s.Rss);
                peakHeap = Math.Max(peakHeap, s.Heap);
                try
                {
                    await Task.Delay(250, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        clock.Restart();
        long bytes = 0, rows = -1;
        using (var response = await http.GetAsync("/api/open-data/commitments.csv", HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                        rows++;
                }
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await SampleAsync(http, product);

        // Rows: lines minus the header; a quoted line break inside a description would count twice, the synthetic city has none.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Downloaded commitments.csv: {rows:N0} rows, {bytes / 1048576.0:N1} MiB in {seconds:N1} s ({rows / seconds:N0} rows/s, {bytes / 1048576.0 / seconds:N1} MiB/s)"));
        Console.WriteLine($"Memory: RSS before {Mib(before.Rss)} MiB, peak during {Mib(peakRss)} MiB, after {Mib(after.Rss)} MiB; managed heap before {Mib(before.Heap)} MiB, peak during {Mib(peakHeap)} MiB, after {Mib(after.Heap)} MiB");
        Console.WriteLine($"Summary\t{spec.Commitments}\t{rows}\t{bytes}\t{seconds:F1}\t{Mib(before.Rss)}\t{Mib(peakRss)}\t{Mib(after.Rss)}\t{Mib(before.Heap)}\t{Mib(peakHeap)}\t{Mib(after.Heap)}");
        await product.StopAsync(TimeSpan.FromSeconds(30));
        return rows > 0 ? 0 : 1;
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture);

    private static async Task WaitForListsAsync(HttpClient http)
    {
        // A goal's page is served once the web host's lists of commitments are complete (as CityMeasure waits for them).
        for (var i = 0; i < 1200; i++)
        {
            try
            {
                using var response = await http.GetAsync($"/goals/{SyntheticCity.GoalId(0)}");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException("The web host's lists were not complete within 10 minutes.");
    }

    private static async Task<(long Rss, long Heap)> SampleAsync(HttpClient http, ProductProcess product)
    {
        var (rss, _) = product.Memory();
        long heap = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StorageMetrics.Token);
            using var response = await http.SendAsync(request);
            foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
            {
                if ((line.StartsWith("dotnet_gc_last_collection_heap_size", StringComparison.Ordinal) || line.StartsWith("process_runtime_dotnet_gc_heap_size", StringComparison.Ordinal))
                    && line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } parts
                    && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    heap += (long)v;
            }
        }
        catch (HttpRequestException)
        {
        }
        return (rss, heap);
    }
}
