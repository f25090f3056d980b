using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Silo.Demo;

public sealed record PlannedGoal(string Id, GoalDefinition Definition);

public sealed record PlannedParticipant(string Id, ParticipantRegistration Registration);

/// <summary>
/// One commitment and the story it goes through: created as <see cref="Draft"/>; unless <see cref="Outcome"/> is
/// Draft it is confirmed — as signed at <see cref="SignedAt"/> (null: at the moment of confirming) — then upgraded to
/// <see cref="UpgradeTo"/> (if any), then gets its <see cref="Reports"/> (all after the signing), then is closed
/// (Achieved, Missed) or withdrawn.
/// </summary>
public sealed record PlannedCommitment(
    string Id,
    CommitmentDraft Draft,
    CommitmentTerms? UpgradeTo,
    CommitmentStatus Outcome,
    IReadOnlyList<ProgressReport> Reports,
    string? WithdrawalReason = null,
    DateTimeOffset? SignedAt = null)
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
/// Builds the Leuven demo seed from a random seed. Ids, participants, goals and which commitment is made by whom,
/// where, depend on the random seed alone; dates are relative to <c>now</c> — signing dates spread over the past
/// eighteen months from Kessel-Lo outward (<see cref="SigningTimeline"/>), reports after the signing, deadlines
/// ahead — so the demo looks current whenever it is first seeded. The seeder checks what exists before acting, so
/// a later run on another day changes nothing that is already there.
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
            var signedAt = SigningTimeline.SignedAt(randomSeed, number, neighbourhood, kind, now);
            list.Add(CommitmentFactory.Historic(random, CommitmentId(number), owner, neighbourhood, now, today, signedAt));
        }
        return list;
    }

    /// <summary>
    /// The commitments the Kessel-Lo pilot describes, the first ones signed: the school's result commitment, the
    /// school street and the local shop at the pilot's co-creation session, the city's own three weeks later.
    /// </summary>
    private static IEnumerable<PlannedCommitment> PilotCommitments(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var session = SigningTimeline.PilotSession(now);
        // The end of the school year at least six months ahead: 30 June 2027 when seeded in late 2026.
        var deadline = new DateOnly(today.Year, 6, 30);
        while (deadline < today.AddMonths(6))
            deadline = deadline.AddYears(1);
        var date = DutchFormat.Date(deadline);

        var schoolTarget = new QuantitativeTarget("Aandeel verplaatsingen van en naar school te voet of met de fiets", "%", 55, 80, deadline);
        var schoolTerms = new CommitmentTerms(
            CommitmentLevel.Result,
            $"Tegen {date} gebeurt 80 % van de verplaatsingen van en naar onze school te voet of met de fiets",
            $"Basisschool De ARK in Kessel-Lo gaat een resultaatsverbintenis aan: tegen {date} gebeurt 80 % van de verplaatsingen " +
            "van en naar onze school te voet of met de fiets. Bij de nulmeting was dat 55 %. Twee keer per schooljaar tellen de " +
            "leerlingen hoe ze naar school komen, en we werken aan een schoolstraat, een voetpool en fietslessen om er te geraken.",
            Target: schoolTarget);
        double[] schoolValues = [58, 62, 65, 67];
        int[] schoolDaysAgo = [400, 260, 120, 14];
        string[] schoolNotes =
        [
            "Eerste telling met de leerlingen, na de fietslessen.",
            "Tweede telling: de voetpool vanuit Blauwput is gestart.",
            "Derde telling: de proef met de schoolstraat heeft geholpen.",
            "Telling bij het begin van het nieuwe schooljaar.",
        ];
        yield return new PlannedCommitment(
            SchoolResultCommitmentId,
            new CommitmentDraft(LeuvenPeople.SchoolDeArk,
                [new GoalWeight(LeuvenContent.KesselLoObjectiveId(1)), new GoalWeight(LeuvenContent.CityMobility, 0.5)],
                "24062W13", schoolTerms),
            null,
            CommitmentStatus.Active,
            schoolValues.Select((v, i) => new ProgressReport($"r{i + 1:D2}", At(now, schoolDaysAgo[i], 10), v, Note: schoolNotes[i])).ToList(),
            SignedAt: session);

        var street = new CommitmentTerms(
            CommitmentLevel.Action,
            "Een schoolstraat aan De ARK",
            "Geen auto's aan de schoolpoort bij het begin en het einde van de schooldag, zodat kinderen veilig kunnen stappen en fietsen.",
            [
                new Milestone("a1", "Bij de stad een schoolstraat aanvragen", today.AddDays(-400)),
                new Milestone("a2", "De schoolstraat een maand lang uittesten", today.AddDays(-200)),
                new Milestone("a3", "De schoolstraat definitief maken", today.AddDays(120)),
            ]);
        yield return new PlannedCommitment(
            CommitmentId(2),
            new CommitmentDraft(LeuvenPeople.SchoolDeArk, [new GoalWeight(LeuvenContent.KesselLoObjectiveId(1))], "24062W13",
                new CommitmentTerms(CommitmentLevel.Pledge, "Een schoolstraat aan De ARK",
                    "We willen een autovrije schoolpoort en zetten ons daarvoor in, samen met de ouders en de stad.")),
            street,
            CommitmentStatus.Active,
            [
                new ProgressReport("r01", At(now, 395, 9), CompletedMilestoneId: "a1", Note: "De stad gaat akkoord met een proef."),
                new ProgressReport("r02", At(now, 190, 9), CompletedMilestoneId: "a2", Note: "Een maand zonder auto's aan de poort: de ouders willen het zo houden."),
            ],
            SignedAt: session.AddMinutes(10));

        var shop = new CommitmentTerms(
            CommitmentLevel.Action,
            "Bakfietsen om uit te proberen voor gezinnen in Kessel-Lo",
            "Onze fietsenwinkel leent gezinnen een week lang een bakfiets uit, zodat ze kunnen proberen om de auto thuis te laten.",
            [
                new Milestone("a1", "Twee bakfietsen kopen om uit te lenen", today.AddDays(-450)),
                new Milestone("a2", "Ze uitlenen aan twintig gezinnen", today.AddDays(-180)),
                new Milestone("a3", "Ze uitlenen aan vijftig gezinnen", today.AddDays(150)),
            ]);
        yield return new PlannedCommitment(
            CommitmentId(3),
            new CommitmentDraft(LeuvenPeople.ShopVeloLo,
                [new GoalWeight(LeuvenContent.KesselLoObjectiveId(5)), new GoalWeight(LeuvenContent.CityMobility, 0.5)], "24062W13", shop),
            null,
            CommitmentStatus.Active,
            [
                new ProgressReport("r01", At(now, 445, 16), CompletedMilestoneId: "a1", Note: "Twee elektrische bakfietsen staan klaar om uit te lenen."),
                new ProgressReport("r02", At(now, 175, 16), CompletedMilestoneId: "a2", Note: "Drieëntwintig gezinnen hebben een bakfiets uitgeprobeerd."),
            ],
            SignedAt: session.AddMinutes(25));

        var city = new CommitmentTerms(
            CommitmentLevel.Action,
            "De stad ondersteunt het burgercontract van Kessel-Lo",
            "Een burgercontract werkt in twee richtingen: de stad coacht iedereen die zich in Kessel-Lo engageert, en rapporteert over haar eigen engagementen.",
            [
                new Milestone("a1", "Een coach voor Kessel-Lo aanstellen", today.AddDays(-480)),
                new Milestone("a2", "Cocreatiemomenten houden over de 28 doelstellingen", today.AddDays(-300)),
                new Milestone("a3", "Elk halfjaar rapporteren over de eigen engagementen van de stad", today.AddDays(140)),
            ]);
        yield return new PlannedCommitment(
            CommitmentId(4),
            new CommitmentDraft(LeuvenPeople.CityOfLeuven,
                [new GoalWeight(LeuvenContent.KesselLoAmbitionId), new GoalWeight(LeuvenContent.CityTogether, 0.5)], "24062W13", city),
            null,
            CommitmentStatus.Active,
            [
                new ProgressReport("r01", At(now, 485, 11), CompletedMilestoneId: "a1", Note: "De coach is aan de slag."),
                new ProgressReport("r02", At(now, 305, 11), CompletedMilestoneId: "a2", Note: "Drie cocreatiemomenten, 140 deelnemers."),
            ],
            SignedAt: LeuvenDemoPlan.At(now, SigningTimeline.SpanDays - SigningTimeline.CityAnswersAfterDays, 14));
    }

    internal static DateTimeOffset At(DateTimeOffset now, int daysAgo, int hour) =>
        new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-daysAgo).AddHours(hour);
}

/// <summary>Turns ideas into commitments: for the seed (with a history) and for the simulator (fresh).</summary>
public static class CommitmentFactory
{
    /// <summary>A seeded action or result commitment closes as achieved or missed only when it was signed at least this long ago.</summary>
    public const int MinDaysBeforeClosing = 120;

    private static readonly string[] WithdrawalReasons =
    [
        "We zijn uit de buurt verhuisd.",
        "Dit jaar niet haalbaar; we proberen het later opnieuw.",
        "Het bestuur heeft voor een ander project gekozen.",
        "Opgegaan in een gezamenlijk engagement van onze straat.",
    ];

    private static readonly string[] PledgeNotes =
    [
        "We hebben het erover gehad op het buurtfeest: drie buren doen mee.",
        "Onze belofte staat in de nieuwsbrief van de school.",
        "De eerste maand zit erop, en het gaat beter dan we dachten.",
        "We waren erbij op het cocreatiemoment in het buurthuis.",
    ];

    /// <summary>
    /// A seeded commitment with a past, signed at <paramref name="signedAt"/>: most are confirmed with progress
    /// reported since, some drafts (never signed), a few withdrawn, some achieved or missed (when signed long enough ago).
    /// </summary>
    public static PlannedCommitment Historic(Random random, string id, PlannedParticipant owner, string neighbourhood, DateTimeOffset now, DateOnly today, DateTimeOffset signedAt)
    {
        var idea = PickIdea(random, owner.Registration.Kind);
        var startDaysAgo = SigningTimeline.DaysAgo(signedAt, now);
        var draw = random.NextDouble();
        var outcome = draw switch
        {
            < 0.08 => CommitmentStatus.Draft,
            < 0.12 => CommitmentStatus.Withdrawn,
            < 0.21 when idea.Level != CommitmentLevel.Pledge => CommitmentStatus.Achieved,
            < 0.24 when idea.Level != CommitmentLevel.Pledge => CommitmentStatus.Missed,
            _ => CommitmentStatus.Active,
        };
        // Nothing is achieved or missed a few weeks after it was signed.
        if (outcome is CommitmentStatus.Achieved or CommitmentStatus.Missed && startDaysAgo < MinDaysBeforeClosing)
            outcome = CommitmentStatus.Active;
        var terms = Terms(random, idea, neighbourhood, today, startDaysAgo, missed: outcome == CommitmentStatus.Missed);
        var goals = Goals(random, idea, neighbourhood);

        // Some commitments started as a pledge and were upgraded along the spectrum.
        CommitmentTerms? upgrade = null;
        var initial = terms;
        if (idea.Level != CommitmentLevel.Pledge && outcome != CommitmentStatus.Draft && random.NextDouble() < 0.12)
        {
            upgrade = terms;
            initial = new CommitmentTerms(CommitmentLevel.Pledge, terms.Title, "Engagementsverklaring: " + terms.Description);
        }

        // Drafts have no progress; a withdrawn commitment sometimes reported before it was given up.
        var reports = outcome switch
        {
            CommitmentStatus.Draft => [],
            CommitmentStatus.Withdrawn when random.NextDouble() < 0.8 => [],
            _ => Reports(random, terms, outcome, now, startDaysAgo),
        };
        var reason = outcome == CommitmentStatus.Withdrawn ? WithdrawalReasons[random.Next(WithdrawalReasons.Length)] : null;
        return new PlannedCommitment(id, new CommitmentDraft(owner.Id, goals, neighbourhood, initial), upgrade, outcome, reports, reason,
            outcome == CommitmentStatus.Draft ? null : signedAt);
    }

    /// <summary>A new commitment for the simulator: no history yet; confirmed (now) unless it stays a draft.</summary>
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
                // Actions are planned from the signing on; the longer ago, the more time each one got.
                var due = today.AddDays(-startDaysAgo);
                var milestones = new List<Milestone>();
                for (var i = 0; i < idea.Milestones!.Count; i++)
                {
                    due = due.AddDays(random.Next(30, 110) + (startDaysAgo / 6));
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
                    $"{description} Van {DutchFormat.Number(baseline)} naar {DutchFormat.Number(target)} {spec.Unit} tegen {DutchFormat.Date(deadline)}.",
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
                    count = daysAgo.Length;
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
                            Note: MeasuredNote(value, target.Unit)));
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
                    for (var i = 0; i < daysAgo.Length; i++)
                    {
                        reports.Add(new ProgressReport($"r{i + 1:D2}", LeuvenDemoPlan.At(now, daysAgo[i], 8 + random.Next(12)),
                            CompletedMilestoneId: milestones[i].Id, Note: DoneNote(milestones[i].Title)));
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

    /// <summary>
    /// Strictly decreasing "days ago" values from the day after the signing (<paramref name="startDaysAgo"/>) to
    /// yesterday (or to the deadline, for a missed result): <paramref name="count"/> of them, or as many as fit.
    /// </summary>
    private static int[] ReportDays(Random random, int count, int startDaysAgo, TimeSpan pastDeadline)
    {
        var latest = Math.Max(1, (int)Math.Ceiling(pastDeadline.TotalDays) + 1);
        var earliest = startDaysAgo - 1;
        count = Math.Clamp(count, 0, Math.Max(0, earliest - latest + 1));
        var days = new SortedSet<int>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        while (days.Count < count)
            days.Add(random.Next(latest, earliest + 1));
        return days.ToArray();
    }

    /// <summary>The note of a measurement: "Gemeten: 2,5 kWp.", "Gemeten: 1 boom."</summary>
    public static string MeasuredNote(double value, string unit) =>
        $"Gemeten: {DutchFormat.Number(value)} {(value == 1 ? DutchFormat.Singular(unit) : unit)}.";

    /// <summary>The note of a completed action: "Afgerond: de tegels uitbreken."</summary>
    public static string DoneNote(string milestoneTitle) =>
        $"Afgerond: {(milestoneTitle.Length > 0 ? char.ToLowerInvariant(milestoneTitle[0]) + milestoneTitle[1..] : milestoneTitle)}.";
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
