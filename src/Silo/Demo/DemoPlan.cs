using System.Globalization;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Silo.Demo;

public sealed record PlannedGoal(string Id, GoalDefinition Definition);

public sealed record PlannedParticipant(string Id, ParticipantRegistration Registration);

/// <summary>
/// One commitment and the story it goes through: created as <see cref="Draft"/>; unless <see cref="Outcome"/> is
/// Draft it is confirmed, then upgraded to <see cref="UpgradeTo"/> (if any), then gets its <see cref="Reports"/>,
/// then is closed (Achieved, Missed) or withdrawn.
/// </summary>
public sealed record PlannedCommitment(
    string Id,
    CommitmentDraft Draft,
    CommitmentTerms? UpgradeTo,
    CommitmentStatus Outcome,
    IReadOnlyList<ProgressReport> Reports,
    string? WithdrawalReason = null)
{
    /// <summary>The terms the commitment ends up with.</summary>
    public CommitmentTerms FinalTerms => UpgradeTo ?? Draft.Terms;
}

/// <summary>The whole demo seed: goals (parents first), participants, commitments.</summary>
public sealed record DemoPlan(
    IReadOnlyList<PlannedGoal> Goals,
    IReadOnlyList<PlannedParticipant> Participants,
    IReadOnlyList<PlannedCommitment> Commitments);

/// <summary>
/// Builds the Leuven demo seed from a random seed. Ids, participants, goals and commitment terms depend on the
/// random seed alone; dates are relative to <c>today</c> (reports spread over the past months, deadlines ahead),
/// so the demo looks current whenever it is first seeded. The seeder checks what exists before acting, so a
/// later run on another day changes nothing that is already there.
/// </summary>
public static class LeuvenDemoPlan
{
    public const int CommitmentCount = 300;

    public const string SchoolResultCommitmentId = "c-0001";

    public static string CommitmentId(int number) => $"c-{number:D4}";

    public static DemoPlan Build(int randomSeed, DateTimeOffset now)
    {
        var goals = LeuvenContent.CityGoals.Concat(LeuvenContent.KesselLoGoals)
            .Select(g => new PlannedGoal(g.Id, g.Definition))
            .ToList();
        var participants = Participants(randomSeed);
        var commitments = Commitments(randomSeed, now, participants);
        return new DemoPlan(goals, participants, commitments);
    }

    /// <summary>The seeded participants: the named ones, then <see cref="LeuvenPeople.ResidentCount"/> residents living mostly in Kessel-Lo.</summary>
    public static IReadOnlyList<PlannedParticipant> Participants(int randomSeed)
    {
        var list = LeuvenPeople.Named
            .Select(n => new PlannedParticipant(n.Id, new ParticipantRegistration(n.Kind, n.Name, n.Neighbourhood, ShowNamePublicly: true)))
            .ToList();
        for (var i = 1; i <= LeuvenPeople.ResidentCount; i++)
        {
            var random = DemoRandom.For(randomSeed, "resident", i);
            var home = OilStain.PickNeighbourhood(random, reachKm: 1.2);
            list.Add(new PlannedParticipant(LeuvenPeople.ResidentId(i), LeuvenPeople.Resident(random, home.Code, i - 1)));
        }
        return list;
    }

    private static List<PlannedCommitment> Commitments(int randomSeed, DateTimeOffset now, IReadOnlyList<PlannedParticipant> participants)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var list = new List<PlannedCommitment>(CommitmentCount);
        list.AddRange(PilotCommitments(now));

        var byKind = participants.GroupBy(p => p.Registration.Kind).ToDictionary(g => g.Key, g => g.ToList());
        var kindWeights = new (ParticipantKind Kind, double Weight)[]
        {
            (ParticipantKind.Resident, 0.62), (ParticipantKind.School, 0.07), (ParticipantKind.Business, 0.12),
            (ParticipantKind.Organisation, 0.10), (ParticipantKind.City, 0.05), (ParticipantKind.KnowledgeInstitution, 0.04),
        };
        for (var number = list.Count + 1; number <= CommitmentCount; number++)
        {
            var random = DemoRandom.For(randomSeed, "commitment", number);
            var kind = DemoRandom.Weighted(random, kindWeights);
            var owner = byKind[kind][random.Next(byKind[kind].Count)];
            // The city and knowledge institutions act anywhere, mostly where the engagement is; others act at home.
            var neighbourhood = kind is ParticipantKind.City or ParticipantKind.KnowledgeInstitution
                ? OilStain.PickNeighbourhood(random, reachKm: 1.2).Code
                : owner.Registration.NeighbourhoodCode;
            list.Add(CommitmentFactory.Historic(random, CommitmentId(number), owner, neighbourhood, now, today));
        }
        return list;
    }

    /// <summary>The commitments the Kessel-Lo pilot describes: the school's result commitment, the school street, the local shop, the city's own.</summary>
    private static IEnumerable<PlannedCommitment> PilotCommitments(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // The end of the school year at least six months ahead: 30 June 2027 when seeded in late 2026.
        var deadline = new DateOnly(today.Year, 6, 30);
        while (deadline < today.AddMonths(6))
            deadline = deadline.AddYears(1);
        var date = deadline.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

        var schoolTarget = new QuantitativeTarget("Share of trips to and from school on foot or by bike", "%", 55, 80, deadline);
        var schoolTerms = new CommitmentTerms(
            CommitmentLevel.Result,
            $"By {date}, 80 % of the trips to and from our school are made on foot or by bike",
            $"Basisschool De ARK in Kessel-Lo commits to a result: by {date}, 80 % of the trips to and from our school are " +
            "made on foot or by bike. At the baseline count 55 % were. Pupils count how they travel twice a school year, and " +
            "we work on a school street, a walking bus and bike lessons to get there.",
            Target: schoolTarget);
        double[] schoolValues = [58, 62, 65, 67];
        int[] schoolDaysAgo = [190, 120, 60, 14];
        string[] schoolNotes =
        [
            "First count with the pupils after the bike lessons.",
            "Spring count: the walking bus from Blauwput started.",
            "End of the school year: the trial school street helped.",
            "Autumn count, new school year.",
        ];
        yield return new PlannedCommitment(
            SchoolResultCommitmentId,
            new CommitmentDraft(LeuvenPeople.SchoolDeArk,
                [new GoalWeight(LeuvenContent.KesselLoObjectiveId(1)), new GoalWeight(LeuvenContent.CityMobility, 0.5)],
                "24062W13", schoolTerms),
            null,
            CommitmentStatus.Active,
            schoolValues.Select((v, i) => new ProgressReport($"r{i + 1:D2}", At(now, schoolDaysAgo[i], 10), v, Note: schoolNotes[i])).ToList());

        var street = new CommitmentTerms(
            CommitmentLevel.Action,
            "A school street in front of De ARK",
            "No cars in front of the school gate at the start and end of the school day, so that children can walk and cycle safely.",
            [
                new Milestone("a1", "Ask the city for a school street", today.AddDays(-200)),
                new Milestone("a2", "Trial the school street for a month", today.AddDays(-100)),
                new Milestone("a3", "Make the school street permanent", today.AddDays(120)),
            ]);
        yield return new PlannedCommitment(
            CommitmentId(2),
            new CommitmentDraft(LeuvenPeople.SchoolDeArk, [new GoalWeight(LeuvenContent.KesselLoObjectiveId(1))], "24062W13",
                new CommitmentTerms(CommitmentLevel.Pledge, "A school street in front of De ARK",
                    "We want a car-free school gate and will work for it with the parents and the city.")),
            street,
            CommitmentStatus.Active,
            [
                new ProgressReport("r01", At(now, 190, 9), CompletedMilestoneId: "a1", Note: "The city agreed to a trial."),
                new ProgressReport("r02", At(now, 95, 9), CompletedMilestoneId: "a2", Note: "A month without cars at the gate: parents want to keep it."),
            ]);

        var shop = new CommitmentTerms(
            CommitmentLevel.Action,
            "Cargo bikes to try for families in Kessel-Lo",
            "Our bike shop lends cargo bikes to families for a week, so that they can try leaving the car at home.",
            [
                new Milestone("a1", "Buy two cargo bikes for lending", today.AddDays(-150)),
                new Milestone("a2", "Lend them to twenty families", today.AddDays(-30)),
                new Milestone("a3", "Lend them to fifty families", today.AddDays(150)),
            ]);
        yield return new PlannedCommitment(
            CommitmentId(3),
            new CommitmentDraft(LeuvenPeople.ShopVeloLo,
                [new GoalWeight(LeuvenContent.KesselLoObjectiveId(5)), new GoalWeight(LeuvenContent.CityMobility, 0.5)], "24062W13", shop),
            null,
            CommitmentStatus.Active,
            [
                new ProgressReport("r01", At(now, 140, 16), CompletedMilestoneId: "a1", Note: "Two electric cargo bikes ready to lend."),
                new ProgressReport("r02", At(now, 25, 16), CompletedMilestoneId: "a2", Note: "Twenty-three families tried a cargo bike."),
            ]);

        var city = new CommitmentTerms(
            CommitmentLevel.Action,
            "The city supports the Kessel-Lo civic contract",
            "A civic contract runs both ways: the city coaches everyone who commits in Kessel-Lo and reports on its own commitments.",
            [
                new Milestone("a1", "Appoint a civic-contracting coach for Kessel-Lo", today.AddDays(-160)),
                new Milestone("a2", "Hold co-creation sessions on the 28 objectives", today.AddDays(-45)),
                new Milestone("a3", "Report on the city's own commitments every six months", today.AddDays(140)),
            ]);
        yield return new PlannedCommitment(
            CommitmentId(4),
            new CommitmentDraft(LeuvenPeople.CityOfLeuven,
                [new GoalWeight(LeuvenContent.KesselLoAmbitionId), new GoalWeight(LeuvenContent.CityTogether, 0.5)], "24062W13", city),
            null,
            CommitmentStatus.Active,
            [
                new ProgressReport("r01", At(now, 165, 11), CompletedMilestoneId: "a1", Note: "The coach started."),
                new ProgressReport("r02", At(now, 40, 11), CompletedMilestoneId: "a2", Note: "Three co-creation sessions, 140 participants."),
            ]);
    }

    internal static DateTimeOffset At(DateTimeOffset now, int daysAgo, int hour) =>
        new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-daysAgo).AddHours(hour);
}

/// <summary>Turns ideas into commitments: for the seed (with a history) and for the simulator (fresh).</summary>
public static class CommitmentFactory
{
    private static readonly string[] WithdrawalReasons =
    [
        "We moved out of the neighbourhood.",
        "Not feasible this year; we will try again later.",
        "The board chose another project.",
        "Merged into a joint commitment of our street.",
    ];

    private static readonly string[] PledgeNotes =
    [
        "We talked about it at the street party: three neighbours joined.",
        "Shared our promise in the school newsletter.",
        "First month done, it works better than we thought.",
        "Joined the co-creation session in the neighbourhood house.",
    ];

    /// <summary>A seeded commitment with a past: most are confirmed with progress, some drafts, a few withdrawn, some achieved or missed.</summary>
    public static PlannedCommitment Historic(Random random, string id, PlannedParticipant owner, string neighbourhood, DateTimeOffset now, DateOnly today)
    {
        var idea = PickIdea(random, owner.Registration.Kind);
        var draw = random.NextDouble();
        var outcome = draw switch
        {
            < 0.08 => CommitmentStatus.Draft,
            < 0.12 => CommitmentStatus.Withdrawn,
            < 0.21 when idea.Level != CommitmentLevel.Pledge => CommitmentStatus.Achieved,
            < 0.24 when idea.Level != CommitmentLevel.Pledge => CommitmentStatus.Missed,
            _ => CommitmentStatus.Active,
        };
        var startDaysAgo = random.Next(40, 260);
        var terms = Terms(random, idea, neighbourhood, today, startDaysAgo, missed: outcome == CommitmentStatus.Missed);
        var goals = Goals(random, idea, neighbourhood);

        // Some commitments started as a pledge and were upgraded along the spectrum.
        CommitmentTerms? upgrade = null;
        var initial = terms;
        if (idea.Level != CommitmentLevel.Pledge && outcome != CommitmentStatus.Draft && random.NextDouble() < 0.12)
        {
            upgrade = terms;
            initial = new CommitmentTerms(CommitmentLevel.Pledge, terms.Title, "Declaration of intent. " + terms.Description);
        }

        // Drafts have no progress; a withdrawn commitment sometimes reported before it was given up.
        var reports = outcome switch
        {
            CommitmentStatus.Draft => [],
            CommitmentStatus.Withdrawn when random.NextDouble() < 0.8 => [],
            _ => Reports(random, terms, outcome, now, startDaysAgo),
        };
        var reason = outcome == CommitmentStatus.Withdrawn ? WithdrawalReasons[random.Next(WithdrawalReasons.Length)] : null;
        return new PlannedCommitment(id, new CommitmentDraft(owner.Id, goals, neighbourhood, initial), upgrade, outcome, reports, reason);
    }

    /// <summary>A new commitment for the simulator: no history yet; confirmed unless it stays a draft.</summary>
    public static PlannedCommitment Fresh(Random random, string id, PlannedParticipant owner, string neighbourhood, DateOnly today)
    {
        var idea = PickIdea(random, owner.Registration.Kind);
        var terms = Terms(random, idea, neighbourhood, today, startDaysAgo: 0, missed: false);
        var outcome = random.NextDouble() < 0.12 ? CommitmentStatus.Draft : CommitmentStatus.Confirmed;
        return new PlannedCommitment(id, new CommitmentDraft(owner.Id, Goals(random, idea, neighbourhood), neighbourhood, terms), null, outcome, []);
    }

    private static CommitmentIdea PickIdea(Random random, ParticipantKind kind)
    {
        var who = kind switch
        {
            ParticipantKind.Resident => Who.Resident,
            ParticipantKind.School => Who.School,
            ParticipantKind.Business => Who.Business,
            ParticipantKind.Organisation => Who.Organisation,
            ParticipantKind.City => Who.City,
            _ => Who.Knowledge,
        };
        var fitting = LeuvenContent.Ideas.Where(i => (i.Kinds & who) != 0).ToList();
        return fitting[random.Next(fitting.Count)];
    }

    /// <summary>In Kessel-Lo a commitment serves a Kessel-Lo objective (and often the city objective too); elsewhere the city objective.</summary>
    private static IReadOnlyList<GoalWeight> Goals(Random random, CommitmentIdea idea, string neighbourhood)
    {
        if (!OilStain.IsInKesselLo(neighbourhood))
            return [new GoalWeight(idea.CityGoalId)];
        var objective = new GoalWeight(LeuvenContent.KesselLoObjectiveId(idea.Objective));
        return random.NextDouble() < 0.5 ? [objective, new GoalWeight(idea.CityGoalId, 0.5)] : [objective];
    }

    private static CommitmentTerms Terms(Random random, CommitmentIdea idea, string neighbourhood, DateOnly today, int startDaysAgo, bool missed)
    {
        var placeName = PlaceCatalog.Leuven.Get(neighbourhood).Name;
        var title = idea.Title.Replace("{place}", placeName, StringComparison.Ordinal);
        var description = idea.Description.Replace("{place}", placeName, StringComparison.Ordinal);
        switch (idea.Level)
        {
            case CommitmentLevel.Action:
                var due = today.AddDays(-startDaysAgo);
                var milestones = new List<Milestone>();
                for (var i = 0; i < idea.Milestones!.Count; i++)
                {
                    due = due.AddDays(random.Next(30, 110));
                    milestones.Add(new Milestone($"a{i + 1}", idea.Milestones[i], due));
                }
                return new CommitmentTerms(CommitmentLevel.Action, title, description, milestones);
            case CommitmentLevel.Result:
                var spec = idea.Target!;
                var baseline = Math.Round(spec.BaselineMin + (random.NextDouble() * (spec.BaselineMax - spec.BaselineMin)), spec.Decimals);
                var change = spec.ChangeMin + (random.NextDouble() * (spec.ChangeMax - spec.ChangeMin));
                var target = Math.Round(spec.Relative ? baseline * (1 + change) : baseline + change, spec.Decimals);
                if (target == baseline)
                    target = baseline + (change >= 0 ? 1 : -1);
                if (spec.Unit == "%")
                    target = Math.Clamp(target, 0, 100);
                var deadline = missed ? today.AddDays(-random.Next(5, 45)) : today.AddDays(random.Next(150, 1_100));
                var metric = spec.Metric;
                return new CommitmentTerms(
                    CommitmentLevel.Result,
                    title,
                    $"{description} From {Format(baseline)} to {Format(target)} {spec.Unit} by {deadline:d MMMM yyyy}.",
                    Target: new QuantitativeTarget(metric, spec.Unit, baseline, target, deadline));
            default:
                return new CommitmentTerms(CommitmentLevel.Pledge, title, description);
        }
    }

    private static List<ProgressReport> Reports(Random random, CommitmentTerms terms, CommitmentStatus outcome, DateTimeOffset now, int startDaysAgo)
    {
        var reports = new List<ProgressReport>();
        switch (terms.Level)
        {
            case CommitmentLevel.Result:
                {
                    var target = terms.Target!;
                    var count = outcome switch
                    {
                        CommitmentStatus.Achieved => random.Next(3, 6),
                        CommitmentStatus.Missed => random.Next(2, 5),
                        _ => random.NextDouble() < 0.15 ? 0 : random.Next(1, 6),
                    };
                    var final = outcome switch
                    {
                        CommitmentStatus.Achieved => 1.0,
                        CommitmentStatus.Missed => 0.3 + (random.NextDouble() * 0.4),
                        _ => 0.05 + (random.NextDouble() * 0.85),
                    };
                    var daysAgo = ReportDays(random, count, startDaysAgo, outcome == CommitmentStatus.Missed ? now.UtcDateTime.Date - target.Deadline.ToDateTime(TimeOnly.MinValue) : TimeSpan.Zero);
                    var decimals = target.Unit == "kWp" ? 1 : 0;
                    var fractions = Enumerable.Range(0, count).Select(_ => random.NextDouble() * final).Order().ToList();
                    if (count > 0)
                        fractions[^1] = final;
                    for (var i = 0; i < count; i++)
                    {
                        var value = Math.Round(target.Baseline + (fractions[i] * (target.Target - target.Baseline)), decimals);
                        if (i == count - 1 && outcome == CommitmentStatus.Achieved)
                            value = target.Target;
                        reports.Add(new ProgressReport($"r{i + 1:D2}", LeuvenDemoPlan.At(now, daysAgo[i], 8 + random.Next(12)), value,
                            Note: $"Measured: {Format(value)} {target.Unit}."));
                    }
                    break;
                }
            case CommitmentLevel.Action:
                {
                    var milestones = terms.Milestones!;
                    var done = outcome switch
                    {
                        CommitmentStatus.Achieved => milestones.Count,
                        CommitmentStatus.Missed => random.Next(1, milestones.Count),
                        _ => random.Next(0, milestones.Count),
                    };
                    var daysAgo = ReportDays(random, done, startDaysAgo, TimeSpan.Zero);
                    for (var i = 0; i < done; i++)
                    {
                        reports.Add(new ProgressReport($"r{i + 1:D2}", LeuvenDemoPlan.At(now, daysAgo[i], 8 + random.Next(12)),
                            CompletedMilestoneId: milestones[i].Id, Note: $"Done: {milestones[i].Title.ToLowerInvariant()}."));
                    }
                    break;
                }
            default:
                if (outcome == CommitmentStatus.Active && random.NextDouble() < 0.3)
                    reports.Add(new ProgressReport("r01", LeuvenDemoPlan.At(now, random.Next(1, Math.Max(2, startDaysAgo)), 19), Note: PledgeNotes[random.Next(PledgeNotes.Length)]));
                break;
        }
        return reports;
    }

    /// <summary>Strictly decreasing "days ago" values between the start and yesterday (or the deadline, for a missed result).</summary>
    private static int[] ReportDays(Random random, int count, int startDaysAgo, TimeSpan pastDeadline)
    {
        var latest = Math.Max(1, (int)Math.Ceiling(pastDeadline.TotalDays) + 1);
        var earliest = Math.Max(latest + count, startDaysAgo);
        var days = new SortedSet<int>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        while (days.Count < count)
            days.Add(random.Next(latest, earliest + 1));
        return days.ToArray();
    }

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>Deterministic pseudo-random generators: one per entity, so that adding an entity does not reshuffle the others.</summary>
public static class DemoRandom
{
    public static Random For(int seed, string salt, int index)
    {
        uint hash = 2166136261;
        void Mix(int value)
        {
            for (var shift = 0; shift < 32; shift += 8)
            {
                hash ^= (uint)(value >> shift) & 0xFF;
                hash *= 16777619;
            }
        }
        Mix(seed);
        foreach (var c in salt)
            Mix(c);
        Mix(index);
        return new Random((int)(hash & 0x7FFFFFFF));
    }

    public static T Weighted<T>(Random random, IReadOnlyList<(T Item, double Weight)> options)
    {
        var draw = random.NextDouble() * options.Sum(o => o.Weight);
        foreach (var (item, weight) in options)
        {
            draw -= weight;
            if (draw < 0)
                return item;
        }
        return options[^1].Item;
    }
}
