using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Web.Tests.ReadModel;

/// <summary>
/// Random contributions for the read model's tests: several versions per commitment (any status, level, tier, condition,
/// help request; in force or not; with or without a neighbourhood; one or two goals, an objective also counting in its
/// ambition), times drawn from a few dozen hours so that ties are common, a fixed kind per participant.
/// </summary>
internal sealed class RandomCity(int seed)
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The index is taken at this moment; some confirmations lie after it.</summary>
    public static readonly DateTimeOffset TakenAt = Start.AddHours(60);

    public static readonly string[] Neighbourhoods = [.. PlaceCatalog.Leuven.Neighbourhoods.Select(n => n.Code).Where((_, i) => i % 6 == 0)];
    public static readonly string[] Goals = ["ambition", "objective-a", "objective-b", "standalone"];
    private static readonly ParticipantKind[] Kinds = Enum.GetValues<ParticipantKind>();
    private static readonly CommitmentStatus[] Statuses = Enum.GetValues<CommitmentStatus>();
    private static readonly CommitmentLevel[] Levels = Enum.GetValues<CommitmentLevel>();
    private static readonly double[] Weights = [1, 0.5, 2];

    private readonly Random _random = new(seed);

    public static string ParticipantId(int i) => $"p-{i}";

    public static ParticipantKind KindOf(string participantId) => Kinds[int.Parse(participantId[2..], System.Globalization.CultureInfo.InvariantCulture) % Kinds.Length];

    /// <summary>Every version of <paramref name="commitments"/> commitments of <paramref name="participants"/> participants, in creation order.</summary>
    public List<Contribution> Versions(int commitments, int participants)
    {
        var versions = new List<Contribution>();
        for (var i = 0; i < commitments; i++)
        {
            var participant = ParticipantId(_random.Next(participants));
            var count = 1 + _random.Next(4);
            for (var v = 1; v <= count; v++)
                versions.Add(Version($"c-{i:D4}", v, participant));
        }
        return versions;
    }

    public Contribution Version(string id, long version, string participant)
    {
        var status = _random.Next(5) == 0 ? CommitmentStatus.Draft : Statuses[_random.Next(Statuses.Length)];
        var notInForce = _random.Next(10) == 0;
        var confirmedAt = status != CommitmentStatus.Draft && !notInForce && _random.Next(10) != 0 ? Start.AddHours(_random.Next(72)) : (DateTimeOffset?)null;
        var scopes = new List<ScopeWeight>();
        if (_random.Next(7) != 0)
        {
            var place = PlaceCatalog.Leuven.Get(Neighbourhoods[_random.Next(Neighbourhoods.Length)]);
            scopes.AddRange(place.SelfAndAncestors.Select(code => new ScopeWeight(AggregateScope.Place(code), 1)));
        }
        foreach (var goal in Goals.Where(_ => _random.Next(3) == 0).DefaultIfEmpty(Goals[_random.Next(Goals.Length)]))
        {
            var weight = Weights[_random.Next(Weights.Length)];
            scopes.Add(new ScopeWeight(AggregateScope.Goal(goal), weight));
            if (goal.StartsWith("objective", StringComparison.Ordinal) && !scopes.Any(s => s.Scope == AggregateScope.Goal("ambition")))
                scopes.Add(new ScopeWeight(AggregateScope.Goal("ambition"), weight));
        }
        VerificationTier?[] tiers = [null, VerificationTier.SelfDeclared, VerificationTier.PeerConfirmed, VerificationTier.Verified];
        return new Contribution(
            id, version, participant, KindOf(participant), Levels[_random.Next(Levels.Length)], status,
            _random.Next(3) == 0 ? null : _random.NextDouble(), _random.Next(2) == 0, confirmedAt, scopes,
            Start.AddHours(_random.Next(40)),
            NotInForce: notInForce,
            VerifiedProgress: null,
            ClaimTier: tiers[_random.Next(tiers.Length)],
            HelpRequestedAt: status == CommitmentStatus.Draft && _random.Next(2) == 0 ? Start.AddHours(_random.Next(40)) : null,
            ConditionDeadline: _random.Next(5) == 0 ? Start.AddDays(_random.Next(40)) : null);
    }

    /// <summary><paramref name="versions"/> shuffled, some twice: deliveries crossed and repeated.</summary>
    public List<Contribution> Deliveries(IReadOnlyList<Contribution> versions)
    {
        var deliveries = versions.Concat(versions.Where(_ => _random.Next(10) == 0)).ToList();
        for (var i = deliveries.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (deliveries[i], deliveries[j]) = (deliveries[j], deliveries[i]);
        }
        return deliveries;
    }

    public int Next(int max) => _random.Next(max);
}
