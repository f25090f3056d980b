using CivicContracting.Commitments;
using CivicContracting.Participants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Demo;

/// <summary>What one simulator step did.</summary>
public sealed record SimulationStep(
    IReadOnlyList<string> AddedCommitmentIds,
    IReadOnlyList<string> AddedParticipantIds,
    int ProgressReports,
    int Failures,
    double ReachKm);

/// <summary>
/// Keeps the demo alive: every step reports progress on a few open action and result commitments and adds one or
/// two new commitments (often by new participants), in neighbourhoods drawn by <see cref="OilStain"/>: first
/// Kessel-Lo, then further and further out as the reach grows with every commitment added. New commitments get
/// deterministic ids (c-sim-00001, …) whose content depends only on the random seed and the number, so a restart
/// resumes where it stopped and a retried step cannot create anything twice. Grain errors are logged; the
/// simulation goes on.
/// </summary>
public sealed class DemoSimulator : IDisposable
{
    public const string CommitmentPrefix = "c-sim-";
    public const string ParticipantPrefix = "p-sim-";
    private const int ProgressPerStep = 3;
    private const int MaxAttemptsPerCommitment = 3;

    private readonly IGrainFactory _grains;
    private readonly DemoOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DemoSimulator> _logger;
    private readonly Random _random;
    private readonly IReadOnlyList<PlannedParticipant> _seedParticipants;
    private readonly IReadOnlyList<string> _seedProgressCandidates;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _initialised;
    private int _failedAttempts;
    private long _steps;

    public DemoSimulator(IGrainFactory grains, IOptions<DemoOptions> options, TimeProvider time, ILogger<DemoSimulator> logger)
    {
        _grains = grains;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _random = new Random(_options.RandomSeed ^ 0x5EED);
        var plan = LeuvenDemoPlan.Build(_options.RandomSeed, time.GetUtcNow());
        _seedParticipants = plan.Participants;
        _seedProgressCandidates = plan.Commitments
            .Where(c => c.Outcome == CommitmentStatus.Active && c.FinalTerms.Level != CommitmentLevel.Pledge)
            .Select(c => c.Id)
            .ToList();
    }

    /// <summary>The number the next simulated commitment gets (1 before the first).</summary>
    public int NextNumber { get; private set; } = 1;

    public int SimulatedCommitments => NextNumber - 1;

    public void Dispose() => _gate.Dispose();

    public static string CommitmentId(int number) => $"{CommitmentPrefix}{number:D5}";

    public static string ParticipantId(int number) => $"{ParticipantPrefix}{number:D5}";

    /// <summary>Runs a step every <see cref="DemoOptions.SimulationInterval"/> until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitialiseAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Every step initialises again until it succeeds.
            _logger.LogWarning(ex, "Demo simulator could not initialise yet; it retries at the next step.");
        }
        var simulated = SimulatedCommitments;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation(
                "Demo simulator running every {Interval}: {Count} simulated commitments so far, reach {Reach:0.0} km from Kessel-Lo.",
                _options.SimulationInterval, simulated, OilStain.ReachKm(simulated));
        }
        using var timer = new PeriodicTimer(_options.SimulationInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                var step = await StepAsync(cancellationToken);
                var steps = Interlocked.Increment(ref _steps);
                if ((steps % 30 == 0 || step.Failures > 0) && _logger.IsEnabled(LogLevel.Information))
                {
                    _logger.LogInformation(
                        "Demo simulator: {Count} simulated commitments, reach {Reach:0.0} km; last step added {Added}, reported {Reports}, {Failures} failures.",
                        SimulatedCommitments, step.ReachKm, step.AddedCommitmentIds.Count, step.ProgressReports, step.Failures);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Demo simulator step failed; trying again at the next step.");
            }
        }
    }

    /// <summary>
    /// Makes sure the goals and the seed participants the simulator builds on exist (idempotent), and finds where
    /// an earlier run stopped: the simulated ids are dense, so a doubling search plus a binary search finds the last.
    /// </summary>
    public async Task InitialiseAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_initialised)
                return;
            var counters = new DemoSeeder.Counters();
            var goals = LeuvenDemoPlan.Build(_options.RandomSeed, _time.GetUtcNow()).Goals;
            // On data of another edition of the demo the goals exist with other texts: build on them as they are.
            if (!await DemoSeeder.IsAnotherEditionAsync(_grains, goals))
                await DemoSeeder.EnsureGoalsAsync(_grains, goals, counters, _logger, cancellationToken);
            await DemoSeeder.EnsureParticipantsAsync(_grains, _seedParticipants, counters, _logger, cancellationToken);
            NextNumber = await FindNextNumberAsync();
            _initialised = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One step: progress on a few open commitments, then one or two new commitments (until the maximum).</summary>
    public async Task<SimulationStep> StepAsync(CancellationToken cancellationToken = default)
    {
        await InitialiseAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var failures = 0;
            var reports = 0;
            for (var i = 0; i < ProgressPerStep; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = PickProgressCandidate();
                if (id is null)
                    break;
                try
                {
                    if (await ReportProgressAsync(id))
                        reports++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures++;
                    _logger.LogWarning(ex, "Demo simulator: progress on {CommitmentId} failed.", id);
                }
            }

            var added = new List<string>();
            var newParticipants = new List<string>();
            var toAdd = _random.Next(1, 3);
            for (var i = 0; i < toAdd && SimulatedCommitments < _options.SimulationMaxCommitments; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var number = NextNumber;
                try
                {
                    var newParticipant = await AddCommitmentAsync(number, cancellationToken);
                    if (newParticipant is not null)
                        newParticipants.Add(newParticipant);
                    added.Add(CommitmentId(number));
                    NextNumber = number + 1;
                    _failedAttempts = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures++;
                    _failedAttempts++;
                    _logger.LogWarning(ex, "Demo simulator: adding {CommitmentId} failed (attempt {Attempt}).", CommitmentId(number), _failedAttempts);
                    if (_failedAttempts >= MaxAttemptsPerCommitment)
                    {
                        _logger.LogWarning("Demo simulator: giving up on {CommitmentId}.", CommitmentId(number));
                        NextNumber = number + 1;
                        _failedAttempts = 0;
                    }
                    break;
                }
            }
            return new SimulationStep(added, newParticipants, reports, failures, OilStain.ReachKm(SimulatedCommitments));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// What simulated commitment <paramref name="number"/> is: its owner (an existing participant of the chosen
    /// neighbourhood, or a new one) and its terms. A pure function of the random seed and the number.
    /// </summary>
    public (PlannedParticipant Owner, bool NewParticipant, PlannedCommitment Commitment) Describe(int number)
    {
        var random = DemoRandom.For(_options.RandomSeed, "simulated", number);
        var neighbourhood = OilStain.PickNeighbourhood(random, OilStain.ReachKm(number - 1));
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

        PlannedParticipant owner;
        var isNew = false;
        var locals = _seedParticipants
            .Where(p => p.Registration.Kind != ParticipantKind.City && p.Registration.NeighbourhoodCode == neighbourhood.Code)
            .ToList();
        var draw = random.NextDouble();
        if (draw < 0.04)
        {
            owner = _seedParticipants.First(p => p.Id == LeuvenPeople.CityOfLeuven);
        }
        else if (draw < 0.45 && locals.Count > 0)
        {
            owner = locals[random.Next(locals.Count)];
        }
        else
        {
            var kind = DemoRandom.Weighted(random, new (ParticipantKind, double)[]
            {
                (ParticipantKind.Resident, 0.72), (ParticipantKind.Business, 0.1), (ParticipantKind.Organisation, 0.1),
                (ParticipantKind.School, 0.05), (ParticipantKind.KnowledgeInstitution, 0.03),
            });
            var registration = kind == ParticipantKind.Resident
                ? LeuvenPeople.Resident(random, neighbourhood.Code, LeuvenPeople.ResidentCount + number)
                : new ParticipantRegistration(kind, LeuvenPeople.InventedName(random, kind, neighbourhood.Name), neighbourhood.Code, ShowNamePublicly: true);
            owner = new PlannedParticipant(ParticipantId(number), registration);
            isNew = true;
        }
        var commitment = CommitmentFactory.Fresh(random, CommitmentId(number), owner, neighbourhood.Code, today);
        return (owner, isNew, commitment);
    }

    private async Task<string?> AddCommitmentAsync(int number, CancellationToken cancellationToken)
    {
        var (owner, isNew, commitment) = Describe(number);
        if (isNew)
        {
            var participant = _grains.GetGrain<IParticipantGrain>(owner.Id);
            if (await participant.GetProfile() is null)
                await participant.Register(owner.Registration);
        }
        await DemoSeeder.ApplyCommitmentAsync(_grains, commitment, new DemoSeeder.Counters(), cancellationToken);
        return isNew ? owner.Id : null;
    }

    private string? PickProgressCandidate()
    {
        var total = _seedProgressCandidates.Count + SimulatedCommitments;
        if (total == 0)
            return null;
        var index = _random.Next(total);
        return index < _seedProgressCandidates.Count ? _seedProgressCandidates[index] : CommitmentId(index - _seedProgressCandidates.Count + 1);
    }

    /// <summary>Moves an open action or result commitment one step forward; closes it as achieved when it gets there.</summary>
    private async Task<bool> ReportProgressAsync(string commitmentId)
    {
        var grain = _grains.GetGrain<ICommitmentGrain>(commitmentId);
        var view = await grain.Get();
        if (view is null || !DemoSeeder.IsOpen(view.Status))
            return false;

        var now = _time.GetUtcNow();
        // The view's newest reports hold the latest date of the whole history.
        var last = view.Reports.Count > 0 ? view.Reports.Max(r => r.ReportedAt) : DateTimeOffset.MinValue;
        var reportedAt = now > last ? now : last.AddSeconds(1);
        var reportId = $"sim-{view.ReportCount + 1:D4}";
        bool done;
        ProgressReport report;
        switch (view.Terms.Level)
        {
            case CommitmentLevel.Result when view.Terms.Target is { } target:
                {
                    var current = view.CurrentValue ?? target.Baseline;
                    var span = target.Target - target.Baseline;
                    var decimals = Math.Abs(span) < 20 ? 1 : 0;
                    var step = _random.NextDouble() < 0.1
                        ? -span * (0.02 + (_random.NextDouble() * 0.04))           // a setback now and then
                        : (target.Target - current) * (0.08 + (_random.NextDouble() * 0.3));
                    var next = Math.Round(current + step, decimals);
                    if (next == current)
                        next = current + (Math.Sign(span) * Math.Pow(10, -decimals));
                    var low = Math.Min(target.Baseline, target.Target);
                    var high = Math.Max(target.Baseline, target.Target);
                    next = Math.Clamp(next, low, high);
                    done = next == target.Target;
                    report = new ProgressReport(reportId, reportedAt, next, Note: CommitmentFactory.MeasuredNote(next, target.Unit));
                    break;
                }
            case CommitmentLevel.Action when view.Terms.Milestones is { Count: > 0 } milestones:
                {
                    var open = milestones.FirstOrDefault(m => !view.CompletedMilestoneIds.Contains(m.Id));
                    if (open is null)
                        return false;
                    done = view.CompletedMilestoneIds.Count + 1 >= milestones.Count;
                    report = new ProgressReport(reportId, reportedAt, CompletedMilestoneId: open.Id, Note: CommitmentFactory.DoneNote(open.Title));
                    break;
                }
            default:
                return false;
        }
        view = await grain.ReportProgress(report);
        if (done && DemoSeeder.IsOpen(view.Status))
            await grain.Close(CommitmentOutcome.Achieved);
        return true;
    }

    private async Task<int> FindNextNumberAsync()
    {
        async Task<bool> Exists(int number) => await _grains.GetGrain<ICommitmentGrain>(CommitmentId(number)).Get() is not null;

        if (!await Exists(1))
            return 1;
        var low = 1;   // exists
        var high = 2;  // probe
        while (await Exists(high))
        {
            low = high;
            high *= 2;
        }
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (await Exists(middle))
                low = middle;
            else
                high = middle;
        }
        return low + 1;
    }
}
