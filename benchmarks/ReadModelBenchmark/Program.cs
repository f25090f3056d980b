using System.Diagnostics;
using System.Globalization;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.ReadModel;

// The web host's read model of commitments (src/Web/ReadModel/ContributionIndex) on its own, without Orleans: the memory it
// adds on top of the contributions (which the co-hosted shards hold anyway and the index shares), how fast it takes in a
// city and then changes, and what a page read costs. Not a test: it prints figures.
// Usage: dotnet run -c Release --project benchmarks/ReadModelBenchmark -- [--commitments 100000[,1000000]] [--goals 1000]
//            [--changes 200000] [--reads 20000]
var sizes = Option("--commitments", "100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var goals = int.Parse(Option("--goals", "1000"), CultureInfo.InvariantCulture);
var changes = int.Parse(Option("--changes", "200000"), CultureInfo.InvariantCulture);
var reads = int.Parse(Option("--reads", "20000"), CultureInfo.InvariantCulture);
Console.WriteLine($"Read model benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC; {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}; load average {LoadAverage()}");
foreach (var size in sizes)
    Run(size, Math.Max(1, size / 10), goals, changes, reads);
return;

static void Run(int size, int participants, int goals, int changes, int reads)
{
    Console.WriteLine();
    Console.WriteLine($"{size:N0} commitments, {participants:N0} participants, {goals:N0} goals (one in ten an ambition; three city-wide goals take 30 % of the commitments)");
    var city = new City(size, participants, goals);
    var contributions = city.Contributions();
    var scopesPerCommitment = contributions.Average(c => c.Scopes.Count);
    var before = Settle();

    var clock = Stopwatch.StartNew();
    var cpu = Cpu();
    var index = new ContributionIndex();
    // As a web host takes the 16 shards in at start: all of them, newest change first (ContributionSync), in batches.
    foreach (var batch in ContributionSync.InLoadOrder(contributions.GroupBy(c => AggregateScope.ShardFor(c.ParticipantId)).Select(g => g.ToList())).Chunk(4_096))
        index.Apply(batch, City.Start.AddYears(1));
    var load = clock.Elapsed;
    var loadCpu = Cpu() - cpu;
    var after = Settle();
    var added = after - before;
    Console.WriteLine($"  load:   {load.TotalSeconds:N2} s, {loadCpu.TotalSeconds:N2} s of CPU ({size / loadCpu.TotalSeconds:N0} contributions per CPU second into the index)");
    Console.WriteLine($"  memory: the contributions {before / (double)size:N0} B each (shared with the shards); the index adds {added / 1_048_576.0:N1} MiB = " +
        $"{added / (double)size:N0} B per commitment = {added / (size * scopesPerCommitment):N0} B per (commitment, scope) entry ({scopesPerCommitment:N1} scopes each)");

    // Changes: reports on random commitments, some confirmations, withdrawals and help requests; each a newer version.
    var random = new Random(7);
    var updates = Enumerable.Range(0, changes).Select(i => city.Change(contributions[random.Next(contributions.Count)], i, random)).ToList();
    var beforeChanges = Settle();
    clock.Restart();
    cpu = Cpu();
    foreach (var batch in updates.Chunk(64))
        index.Apply(batch, City.Start.AddYears(1));
    var churn = clock.Elapsed;
    var churnCpu = Cpu() - cpu;
    var afterChanges = Settle();
    Console.WriteLine($"  change: {churn.TotalMilliseconds * 1000 / changes:N2} µs per changed contribution, {churnCpu.TotalMilliseconds * 1000 / changes:N2} µs of CPU ({changes:N0} changes in batches of 64); " +
        $"the index's own memory grew by {(afterChanges - beforeChanges) / 1_048_576.0:N1} MiB with them (lists re-sorted, chunks split and merged)");

    var cityScope = AggregateScope.Place(PlaceCatalog.CityCode);
    Measure("the city's first page (20)", reads, () => index.Page(cityScope, publicOnly: true, 0, 20));
    Measure("a hot goal's page 10 (20)", reads, () => index.Page("goal:g-0001", publicOnly: true, 180, 20));
    Measure("the API's city list, last page (100)", reads, () => index.Page(cityScope, publicOnly: false, index.Count - 100, 100));
    Measure("the home page's newest (6) and latest (12)", reads, () =>
    {
        index.NewestConfirmed(6);
        index.RecentlyChangedConfirmed(12);
    });
    Measure("the coach's sections (100 rows each)", reads / 10, () =>
    {
        index.ClaimsToVerify(null, 100);
        index.DraftsAskingHelp(null, 100);
        index.ConditionsBefore(City.Start.AddDays(14), null, 100);
        index.Uncoached(new HashSet<string>(), null, 100);
    });
    Measure("the city's replay (24 neighbourhoods × 60 steps)", Math.Max(10, reads / 100), () => index.Replay(null));
    Measure("a goal page's engagement over time", reads, () => index.EngagementOverTime("goal:g-0001"));
    Measure("a hot goal filtered by kind (a scan of the goal)", Math.Max(10, reads / 1000), () =>
        index.PageWhere("goal:g-0001", publicOnly: true, c => c.ParticipantKind == ParticipantKind.School, 0, 20));
    GC.KeepAlive(contributions);
    GC.KeepAlive(index);
}

static void Measure(string what, int times, Action read)
{
    read();
    var clock = Stopwatch.StartNew();
    var cpu = Cpu();
    for (var i = 0; i < times; i++)
        read();
    Console.WriteLine($"  read:   {what}: {clock.Elapsed.TotalMilliseconds * 1000 / times:N1} µs ({(Cpu() - cpu).TotalMilliseconds * 1000 / times:N1} µs of CPU)");
}

// The process's CPU time, garbage collection included (the machine is shared, so wall time says little).
static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

static long Settle()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return GC.GetTotalMemory(forceFullCollection: true);
}

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "?";
    }
}

/// <summary>
/// A synthetic city as the co-hosted shards hold it: participant ids and scope lists interned (one instance per
/// participant and per combination of neighbourhood and goal), commitments spread over Leuven's 24 neighbourhoods, nine in
/// ten of a participant's in its own.
/// </summary>
internal sealed class City(int size, int participants, int goals)
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Neighbourhoods = [.. PlaceCatalog.Leuven.Neighbourhoods.Select(n => n.Code)];
    private readonly Dictionary<(int, int), IReadOnlyList<ScopeWeight>> _scopes = [];
    private readonly string[] _participants = [.. Enumerable.Range(0, participants).Select(i => $"p-{i:D7}")];

    public List<Contribution> Contributions()
    {
        var random = new Random(1);
        var list = new List<Contribution>(size);
        for (var i = 0; i < size; i++)
        {
            // Three city-wide goals take 30 %, the rest spread evenly over the objectives.
            var goal = random.Next(10) < 3 ? 1 + random.Next(3) : 1 + random.Next(goals - 1);
            var p = random.Next(_participants.Length);
            var participant = _participants[p];
            // Most commitments are made where the participant lives or works; some elsewhere.
            var n = random.Next(10) == 0 ? random.Next(Neighbourhoods.Length) : p % Neighbourhoods.Length;
            var draft = random.Next(10) == 0;
            var at = Start.AddSeconds(i);
            list.Add(new Contribution($"c-{i:D8}", 1, participant, (ParticipantKind)((participant.GetHashCode() & 0x7fffffff) % 6), (CommitmentLevel)random.Next(3),
                draft ? CommitmentStatus.Draft : CommitmentStatus.Active, draft ? null : random.NextDouble(), true,
                draft ? null : at, ScopesOf(n, goal), at,
                ClaimTier: random.Next(20) == 0 ? VerificationTier.SelfDeclared : null,
                HelpRequestedAt: draft && random.Next(5) == 0 ? at : null));
        }
        return list;
    }

    public Contribution Change(Contribution c, int i, Random random) => c with
    {
        Version = c.Version + 1 + i,
        UpdatedAt = Start.AddYears(1).AddSeconds(i),
        Status = random.Next(50) == 0 ? CommitmentStatus.Withdrawn : c.Status == CommitmentStatus.Draft && random.Next(2) == 0 ? CommitmentStatus.Confirmed : c.Status,
        ConfirmedAt = c.ConfirmedAt ?? Start.AddYears(1).AddSeconds(i),
        Progress = random.NextDouble(),
    };

    /// <summary>Its neighbourhood, district and the city; its objective and that objective's ambition (every tenth goal is an ambition).</summary>
    private IReadOnlyList<ScopeWeight> ScopesOf(int neighbourhood, int goal)
    {
        if (_scopes.TryGetValue((neighbourhood, goal), out var scopes))
            return scopes;
        var places = PlaceCatalog.Leuven.Get(Neighbourhoods[neighbourhood]).SelfAndAncestors.Select(code => new ScopeWeight(AggregateScope.Place(code), 1));
        var ambition = goal / 10 * 10;
        var goalScopes = goal % 10 == 0 || goal <= 3
            ? [new ScopeWeight($"goal:g-{goal:D4}", 1)]
            : new[] { new ScopeWeight($"goal:g-{goal:D4}", 1), new ScopeWeight($"goal:g-{ambition:D4}", 1) };
        return _scopes[(neighbourhood, goal)] = [.. places, .. goalScopes];
    }
}
