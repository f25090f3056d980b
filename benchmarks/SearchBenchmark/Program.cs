using System.Diagnostics;
using System.Globalization;
using CivicContracting.Places;
using CivicContracting.Web.Search;

// The search index (src/Web/Search/SearchIndex) on its own, without Orleans or HTTP: it is driven directly, as the web host's
// SearchFeeder and GET /api/search drive it. For each size it indexes that many synthetic commitments with Dutch, French and
// English titles, descriptions, actions and owners (plus the 30 places), then times about a thousand mixed queries: single
// words and pairs, stems, compounds' parts, accents left out, typos, with and without the site's filters, first and later
// pages, each with its highlighted titles and snippets. Not a test: it prints figures.
// Usage: dotnet run -c Release --project benchmarks/SearchBenchmark -- [--commitments 10000,100000,1000000] [--queries 1000]
//            [--path DIR]   (an index on disk, memory-mapped, instead of in memory)
var sizes = Option("--commitments", "10000,100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var queries = int.Parse(Option("--queries", "1000"), CultureInfo.InvariantCulture);
var path = Option("--path", "");
Console.WriteLine($"Search benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC; {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}; " +
    $"load average {LoadAverage()}; index {(path.Length == 0 ? "in memory (RAMDirectory)" : "on disk in " + path)}");
foreach (var size in sizes)
    Run(size, queries, path);
return;

static void Run(int size, int queryCount, string path)
{
    Console.WriteLine();
    Console.WriteLine($"{size:N0} commitments");
    var before = Settle();
    var workingBefore = Process.GetCurrentProcess().WorkingSet64;
    var dir = path.Length == 0 ? null : Path.Combine(path, $"index-{size}");
    if (dir is not null && Directory.Exists(dir))
        Directory.Delete(dir, true);
    var clock = Stopwatch.StartNew();
    var cpu = Cpu();
    using var index = new SearchIndex(dir);
    var city = new SyntheticTexts(2030);
    foreach (var place in PlaceCatalog.Leuven.All)
        index.Put(new SearchDocument(SearchTypes.Place, place.Code, "/places/" + place.Code, "nl", new Dictionary<string, string> { ["nl"] = place.Name }, new Dictionary<string, string>(), []));
    // As the host's feeder does: several writers at once into the one IndexWriter (it takes concurrent additions).
    Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => index.Put(city.Commitment(i)));
    index.Refresh();
    var build = clock.Elapsed;
    var buildCpu = Cpu() - cpu;
    var after = Settle();
    var workingAfter = Process.GetCurrentProcess().WorkingSet64;
    var onDisk = dir is null ? 0 : new DirectoryInfo(dir).EnumerateFiles().Sum(f => f.Length);
    Console.WriteLine($"  build:  {build.TotalSeconds:N1} s, {buildCpu.TotalSeconds:N1} s of CPU ({size / build.TotalSeconds:N0} documents/s); {index.Count:N0} documents");
    Console.WriteLine($"  memory: managed heap +{(after - before) / 1_048_576.0:N0} MiB ({(after - before) / (double)size:N0} B per commitment); " +
        $"working set +{(workingAfter - workingBefore) / 1_048_576.0:N0} MiB" + (dir is null ? "" : $"; on disk {onDisk / 1_048_576.0:N0} MiB"));

    // A few to warm up (JIT, the first reader), then the measured ones.
    var random = new Random(11);
    var asked = Enumerable.Range(0, queryCount + 50).Select(_ => city.Query(random)).ToList();
    foreach (var q in asked.Take(50))
        index.Search(q);
    var times = new List<double>(queryCount);
    var cpuTimes = new List<double>(queryCount);
    long hits = 0;
    var empty = 0;
    var highlighting = TimeSpan.Zero;
    var queryCpu = Cpu();
    foreach (var q in asked.Skip(50))
    {
        var started = Stopwatch.GetTimestamp();
        var threadCpu = ThreadCpu.Now();
        var results = index.Search(q);
        cpuTimes.Add((ThreadCpu.Now() - threadCpu).TotalMilliseconds);
        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        highlighting += results.Highlighting;
        hits += results.Total;
        if (results.Total == 0)
            empty++;
    }
    queryCpu = Cpu() - queryCpu;
    times.Sort();
    cpuTimes.Sort();
    Console.WriteLine($"  query:  p50 {Percentile(times, 0.50):N1} ms, p95 {Percentile(times, 0.95):N1} ms, p99 {Percentile(times, 0.99):N1} ms, max {times[^1]:N1} ms " +
        $"over {queryCount:N0} queries ({hits / (double)queryCount:N0} hits on average, {empty} found nothing; 20 highlighted hits a page)");
    Console.WriteLine($"          {queryCpu.TotalMilliseconds / queryCount:N1} ms of the process's CPU per query (one at a time, GC included); highlighting {highlighting.TotalMilliseconds / queryCount:N1} ms of each on average");
    // The wall clock counts the time other processes had the cores; the searching thread's own CPU time does not (on a
    // shared machine it is the figure that says what a query costs).
    Console.WriteLine($"          the searching thread's CPU time: p50 {Percentile(cpuTimes, 0.50):N1} ms, p95 {Percentile(cpuTimes, 0.95):N1} ms, p99 {Percentile(cpuTimes, 0.99):N1} ms, max {cpuTimes[^1]:N1} ms");

    // A change is searchable after the next refresh.
    clock.Restart();
    index.Put(city.Commitment(size + 1) with { Titles = new Dictionary<string, string> { ["nl"] = "Uniekewoord fietsenstalling" } });
    index.Refresh();
    var found = index.Search(new SearchRequest("uniekewoord", "nl")).Total;
    Console.WriteLine($"  change: put + refresh + found ({found}) in {clock.Elapsed.TotalMilliseconds:N1} ms");
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static long Settle()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return GC.GetTotalMemory(true);
}

static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

/// <summary>The calling thread's CPU time (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)); zero elsewhere.</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static TimeSpan Now() =>
        OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0
            ? TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100)
            : TimeSpan.Zero;
}

/// <summary>Commitments with realistic Dutch, French and English texts of a school, a shop, a resident… and queries over them.</summary>
internal sealed class SyntheticTexts(int seed)
{
    private static readonly string[] NlSubjects = ["fietsenstalling", "schoolfietsen", "zonnepanelen", "warmtepomp", "dakisolatie", "groendak", "regenwaterput", "geveltuin",
        "deelauto", "laadpaal", "buurtmoestuin", "compostbak", "ledverlichting", "spouwmuurisolatie", "speelplaats", "fietsstraat", "bomenrij", "kringloopwinkel",
        "zwerfvuilactie", "energiescan", "elektrische bakfiets", "fietsherstelplaats", "ontharding", "hittestress", "zonneboiler"];
    private static readonly string[] NlVerbs = ["We plaatsen", "We bouwen", "Onze school start", "Wij leggen", "We vernieuwen", "De buurt organiseert", "We breiden uit", "We onderhouden"];
    private static readonly string[] NlPlaces = ["aan de schoolpoort", "in onze straat", "op het dak", "in de wijk", "bij de kerk", "op het pleintje", "voor alle leerlingen", "in de tuin"];
    private static readonly string[] FrSubjects = ["vélos partagés", "panneaux solaires", "pompe à chaleur", "isolation du toit", "toiture verte", "récupération d'eau de pluie",
        "potager collectif", "borne de recharge", "compostage", "éclairage économe", "cour d'école verte", "rue cyclable", "arbres fruitiers", "atelier vélo", "voiture partagée"];
    private static readonly string[] FrVerbs = ["Nous installons", "L'école lance", "Nous construisons", "Le quartier organise", "Nous rénovons", "Nous entretenons"];
    private static readonly string[] FrPlaces = ["devant l'école", "dans notre rue", "sur le toit", "dans le quartier", "pour tous les élèves", "au jardin"];
    private static readonly string[] EnSubjects = ["bike sheds", "solar panels", "heat pumps", "roof insulation", "green roofs", "rain barrels", "community gardens", "charging points", "tree planting"];
    private static readonly string[] Names = ["Sint-Jozefsschool", "Bakkerij Peeters", "Fietsatelier Kessel-Lo", "Buurtcomité Heilig Hart", "KU Leuven", "Stad Leuven", "Café De Hoek",
        "Basisschool De Regenboog", "Collège Saint-Pierre", "Maison de quartier", "Jan Janssens", "Marie Dubois", "Vzw Klimaatwijk", "Brouwerij Domus"];
    private static readonly string[] Kinds = ["resident", "school", "business", "organisation", "city", "knowledgeInstitution"];
    private static readonly string[] Levels = ["pledge", "action", "result"];
    private static readonly string[] Statuses = ["confirmed", "active", "achieved", "missed", "withdrawn"];
    private static readonly string[] QueryWords = ["fiets", "fietsen", "stalling", "zonnepaneel", "warmtepompen", "isolatie", "school", "leerlingen", "buurt", "dak", "tuin",
        "velo", "vélo", "solaire", "école", "ecole", "chaleur", "quartier", "jardin", "solar", "garden", "trees", "laadpalen", "compost", "peeters", "regenboog", "kessel"];

    private readonly int _seed = seed;
    private readonly IReadOnlyList<string> _neighbourhoods = [.. PlaceCatalog.Leuven.Neighbourhoods.Select(p => p.Code)];

    public SearchDocument Commitment(int i)
    {
        var random = new Random(HashCode.Combine(_seed, i));
        var roll = random.NextDouble();
        var language = roll < 0.75 ? "nl" : roll < 0.95 ? "fr" : "en";
        string title, description;
        List<string> actions = [];
        switch (language)
        {
            case "nl":
                var s = Pick(random, NlSubjects);
                title = $"{Pick(random, NlVerbs)} een {s} {Pick(random, NlPlaces)}";
                description = $"Met de ouderraad en de buren werken we aan een {s}. Zo dragen we bij aan een klimaatneutraal Leuven: minder uitstoot, meer groen en " +
                    $"veilige wegen voor wie te voet of met de fiets komt. We volgen de vooruitgang elk kwartaal op en delen de cijfers.";
                for (var a = random.Next(4); a > 0; a--)
                    actions.Add($"{Pick(random, NlVerbs)} {Pick(random, NlSubjects)}");
                break;
            case "fr":
                var f = Pick(random, FrSubjects);
                title = $"{Pick(random, FrVerbs)} des {f} {Pick(random, FrPlaces)}";
                description = $"Avec les parents et les voisins, nous travaillons à {f}. Ainsi nous contribuons à un Leuven neutre pour le climat : moins d'émissions, " +
                    "plus de verdure et des rues sûres pour qui vient à pied ou à vélo. Nous suivons les progrès chaque trimestre.";
                break;
            default:
                var e = Pick(random, EnSubjects);
                title = $"More {e} for our street";
                description = $"Together with our neighbours we add {e}, for a climate-neutral Leuven with less traffic and more green.";
                break;
        }
        var owner = Pick(random, Names) + (random.Next(3) == 0 ? $" {random.Next(1000)}" : "");
        return new SearchDocument(SearchTypes.Commitment, $"c-{i}", $"/commitments/c-{i}", language,
            new Dictionary<string, string> { [language] = title }, new Dictionary<string, string> { [language] = description }, [.. actions, owner],
            Neighbourhood: Pick(random, _neighbourhoods), Kind: Pick(random, Kinds), Level: Pick(random, Levels), Status: Pick(random, Statuses),
            GoalIds: [$"g-{random.Next(1000)}"], OwnerId: $"p-{random.Next(100_000)}", OwnerName: owner);
    }

    /// <summary>A query as people type them: one or two words, a third without accents or with a typo, half with filters.</summary>
    public SearchRequest Query(Random random)
    {
        var word = Pick(random, QueryWords);
        if (random.NextDouble() < 0.2)
            word += " " + Pick(random, QueryWords);
        if (random.NextDouble() < 0.2 && word.Length > 5)
        {
            var at = 1 + random.Next(word.Length - 2);
            word = word[..at] + word[(at + 1)..]; // a letter left out
        }
        var language = word.Any(c => c > 127) || random.NextDouble() < 0.2 ? "fr" : "nl";
        var filters = new SearchFilters(
            Type: random.NextDouble() < 0.2 ? SearchTypes.Commitment : null,
            Neighbourhood: random.NextDouble() < 0.3 ? Pick(random, _neighbourhoods) : null,
            Kind: random.NextDouble() < 0.2 ? Pick(random, Kinds) : null,
            Level: random.NextDouble() < 0.2 ? Pick(random, Levels) : null,
            Status: random.NextDouble() < 0.1 ? Pick(random, Statuses) : null,
            Goal: random.NextDouble() < 0.05 ? $"g-{random.Next(1000)}" : null);
        return new SearchRequest(word, language, filters, Page: random.NextDouble() < 0.2 ? 2 + random.Next(3) : 1);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
