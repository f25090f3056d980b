using System.Text.Json;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Silo.Demo;
using CivicContracting.Validation;

namespace CivicContracting.Silo.Tests.Demo;

/// <summary>The content of the Leuven seed, checked without a cluster.</summary>
public sealed class DemoPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private static readonly DemoPlan Plan = LeuvenDemoPlan.Build(2030, Now);

    [Fact]
    public void The_same_random_seed_gives_the_same_plan_and_another_seed_another()
    {
        var again = JsonSerializer.Serialize(LeuvenDemoPlan.Build(2030, Now));
        var other = JsonSerializer.Serialize(LeuvenDemoPlan.Build(7, Now));

        Assert.Equal(JsonSerializer.Serialize(Plan), again);
        Assert.NotEqual(JsonSerializer.Serialize(Plan), other);
    }

    [Fact]
    public void Everything_in_the_plan_passes_the_input_rules_the_grains_enforce()
    {
        var problems = new List<string>();
        foreach (var goal in Plan.Goals)
            Collect(problems, goal.Id, InputRules.Goal(goal.Definition));
        foreach (var participant in Plan.Participants)
            Collect(problems, participant.Id, InputRules.Registration(participant.Registration));
        foreach (var commitment in Plan.Commitments)
        {
            Collect(problems, commitment.Id, CommitmentRules.Draft(commitment.Draft));
            if (commitment.UpgradeTo is { } upgrade)
                Collect(problems, commitment.Id + " upgrade", CommitmentRules.Terms(upgrade));
            foreach (var report in commitment.Reports)
                Collect(problems, $"{commitment.Id} {report.ReportId}", CommitmentRules.Report(report, commitment.FinalTerms));
        }

        Assert.Empty(problems);
        Assert.All(Plan.Goals.Select(g => g.Id).Concat(Plan.Participants.Select(p => p.Id)).Concat(Plan.Commitments.Select(c => c.Id)),
            id => Assert.True(id.Length <= InputRules.MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'), id));
    }

    [Fact]
    public void Ids_are_unique_and_every_reference_points_into_the_plan()
    {
        var goalIds = Plan.Goals.Select(g => g.Id).ToHashSet();
        var participantIds = Plan.Participants.Select(p => p.Id).ToHashSet();

        Assert.Equal(Plan.Goals.Count, goalIds.Count);
        Assert.Equal(Plan.Participants.Count, participantIds.Count);
        Assert.Equal(Plan.Commitments.Count, Plan.Commitments.Select(c => c.Id).Distinct().Count());
        Assert.All(Plan.Goals.Where(g => g.Definition.ParentGoalId is not null), g => Assert.Contains(g.Definition.ParentGoalId!, goalIds));
        // Parents come before their objectives, so the seeder can define them in order.
        Assert.All(Plan.Goals.Select((g, i) => (g, i)).Where(x => x.g.Definition.ParentGoalId is not null),
            x => Assert.True(Plan.Goals.ToList().FindIndex(p => p.Id == x.g.Definition.ParentGoalId) < x.i));
        Assert.All(Plan.Commitments, c =>
        {
            Assert.Contains(c.Draft.ParticipantId, participantIds);
            Assert.All(c.Draft.Goals, g => Assert.Contains(g.GoalId, goalIds));
        });
    }

    [Fact]
    public void Kessel_Lo_has_an_illustrative_ambition_with_28_objectives_in_four_themes()
    {
        var ambition = Assert.Single(Plan.Goals, g => g.Id == LeuvenContent.KesselLoAmbitionId);
        var objectives = Plan.Goals.Where(g => g.Definition.ParentGoalId == LeuvenContent.KesselLoAmbitionId).ToList();

        Assert.Equal("Duurzame mobiliteit en meer groen, leefbaarheid en comfort in Kessel-Lo", ambition.Definition.Title);
        Assert.Equal(RollUpRule.MeanOfObjectives, ambition.Definition.RollUp);
        Assert.Equal(new GoalScope(PlaceLevel.District, ["24062C"]).Level, ambition.Definition.Scope.Level);
        Assert.Equal(["24062C"], ambition.Definition.Scope.PlaceCodes);
        Assert.Equal(28, objectives.Count);
        Assert.All(objectives.Append(ambition), g =>
        {
            Assert.True(g.Definition.Illustrative);
            Assert.Contains("illustratie", g.Definition.Description, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(LeuvenContent.IllustrativeNote, g.Definition.Description, StringComparison.Ordinal);
        });
        Assert.All(objectives, g => Assert.Equal(RollUpRule.WeightedMeanOfCommitments, g.Definition.RollUp));
        Assert.Equal(
            ["climate", "greening", "meeting", "mobility"],
            objectives.Select(g => g.Id.Split('-')[2]).Distinct().Order());
    }

    [Fact]
    public void Leuven_2030_is_a_city_wide_ambition_with_objectives_and_targets()
    {
        var city = Plan.Goals.Where(g => g.Definition.Scope.Level == PlaceLevel.City).ToList();
        var ambition = Assert.Single(city, g => g.Id == LeuvenContent.CityAmbitionId);

        Assert.Equal("Leuven klimaatneutraal 2030", ambition.Definition.Title);
        Assert.True(city.Count(g => g.Definition.ParentGoalId == LeuvenContent.CityAmbitionId) >= 5);
        Assert.Contains(city, g => g.Definition.Target is { Direction: Direction.Decrease });
        Assert.Contains(city, g => g.Definition.Target is { Direction: Direction.Increase });
    }

    [Fact]
    public void Participants_of_all_six_kinds_with_residents_living_mostly_in_Kessel_Lo_under_pseudonyms()
    {
        var kinds = Plan.Participants.Select(p => p.Registration.Kind).Distinct().Order();
        var residents = Plan.Participants.Where(p => p.Registration.Kind == ParticipantKind.Resident).ToList();

        Assert.Equal(Enum.GetValues<ParticipantKind>(), kinds);
        Assert.Equal(LeuvenPeople.ResidentCount, residents.Count);
        Assert.All(residents, r =>
        {
            Assert.False(r.Registration.ShowNamePublicly);
            Assert.False(string.IsNullOrWhiteSpace(r.Registration.Pseudonym));
            Assert.DoesNotContain(r.Registration.Name.Split(' ')[0], r.Registration.Pseudonym!, StringComparison.Ordinal);
        });
        Assert.Equal(residents.Count, residents.Select(r => r.Registration.Pseudonym).Distinct().Count());
        Assert.InRange(residents.Count(r => OilStain.IsInKesselLo(r.Registration.NeighbourhoodCode)), 50, 100);
        Assert.Contains(residents, r => !OilStain.IsInKesselLo(r.Registration.NeighbourhoodCode));
        Assert.Contains(Plan.Participants, p => p.Id == LeuvenPeople.SchoolDeArk && p.Registration.Kind == ParticipantKind.School);
    }

    [Fact]
    public void A_few_hundred_commitments_across_the_spectrum_and_the_lifecycle_concentrated_in_Kessel_Lo()
    {
        var commitments = Plan.Commitments;
        var byOutcome = commitments.GroupBy(c => c.Outcome).ToDictionary(g => g.Key, g => g.Count());
        var results = commitments.Where(c => c.FinalTerms.Level == CommitmentLevel.Result).ToList();
        var inKesselLo = commitments.Count(c => OilStain.IsInKesselLo(c.Draft.NeighbourhoodCode));

        Assert.Equal(LeuvenDemoPlan.CommitmentCount, commitments.Count);
        Assert.All(Enum.GetValues<CommitmentLevel>(), level => Assert.True(commitments.Count(c => c.FinalTerms.Level == level) >= 40, $"{level}"));
        Assert.True(byOutcome[CommitmentStatus.Active] > commitments.Count / 2);
        Assert.InRange(byOutcome[CommitmentStatus.Draft], 5, 60);
        Assert.InRange(byOutcome[CommitmentStatus.Withdrawn], 3, 30);
        Assert.InRange(byOutcome[CommitmentStatus.Achieved], 5, 60);
        Assert.True(byOutcome.GetValueOrDefault(CommitmentStatus.Missed) >= 1);
        Assert.Contains(results, c => c.FinalTerms.Target!.Direction == Direction.Decrease);
        Assert.Contains(results, c => c.FinalTerms.Target!.Direction == Direction.Increase);
        Assert.True(commitments.Count(c => c.UpgradeTo is not null) >= 5);
        Assert.True(commitments.Count(c => c.Reports.Count > 0) > commitments.Count / 2);
        Assert.InRange(inKesselLo, commitments.Count / 2, commitments.Count - 30);
        // Kessel-Lo objectives are only served from Kessel-Lo; elsewhere commitments serve the city's objectives.
        Assert.All(commitments.Where(c => !OilStain.IsInKesselLo(c.Draft.NeighbourhoodCode)),
            c => Assert.All(c.Draft.Goals, g => Assert.StartsWith("goal-leuven2030", g.GoalId, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_school_result_commitment_of_De_ARK_is_80_percent_on_foot_or_by_bike_by_30_June()
    {
        var school = Assert.Single(Plan.Commitments, c => c.Id == LeuvenDemoPlan.SchoolResultCommitmentId);
        var target = school.FinalTerms.Target!;

        Assert.Equal(LeuvenPeople.SchoolDeArk, school.Draft.ParticipantId);
        Assert.Equal(CommitmentLevel.Result, school.FinalTerms.Level);
        Assert.True(OilStain.IsInKesselLo(school.Draft.NeighbourhoodCode));
        Assert.Equal((55.0, 80.0, "%"), (target.Baseline, target.Target, target.Unit));
        Assert.Equal(new DateOnly(2027, 6, 30), target.Deadline);
        Assert.Contains("te voet of met de fiets", school.FinalTerms.Title, StringComparison.Ordinal);
        Assert.Contains("30 juni 2027", school.FinalTerms.Title, StringComparison.Ordinal);
        Assert.Equal(CommitmentStatus.Active, school.Outcome);
        Assert.True(school.Reports.Count >= 3);
        Assert.Equal(school.Reports.Select(r => r.Value!.Value).Order(), school.Reports.Select(r => r.Value!.Value));
    }

    [Fact]
    public void Reports_lie_after_the_signing_and_in_the_past_in_order_with_unique_ids()
    {
        Assert.All(Plan.Commitments.Where(c => c.Reports.Count > 0), c =>
        {
            Assert.NotNull(c.SignedAt);
            Assert.Equal(c.Reports.Count, c.Reports.Select(r => r.ReportId).Distinct().Count());
            Assert.All(c.Reports, r => Assert.True(r.ReportedAt < Now, $"{c.Id} {r.ReportId} {r.ReportedAt}"));
            Assert.All(c.Reports, r => Assert.True(r.ReportedAt > c.SignedAt, $"{c.Id} {r.ReportId} {r.ReportedAt} is not after the signing {c.SignedAt}"));
            Assert.True(c.Reports.Zip(c.Reports.Skip(1)).All(p => p.First.ReportedAt < p.Second.ReportedAt), c.Id);
        });
        // A missed result was measured before its deadline passed.
        Assert.All(Plan.Commitments.Where(c => c.Outcome == CommitmentStatus.Missed && c.FinalTerms.Level == CommitmentLevel.Result), c =>
            Assert.All(c.Reports, r => Assert.True(DateOnly.FromDateTime(r.ReportedAt.UtcDateTime) <= c.FinalTerms.Target!.Deadline, c.Id)));
    }

    [Fact]
    public void Every_confirmed_commitment_was_signed_in_the_past_eighteen_months_and_drafts_were_not_signed()
    {
        Assert.All(Plan.Commitments, c =>
        {
            if (c.Outcome == CommitmentStatus.Draft)
            {
                Assert.Null(c.SignedAt);
                return;
            }
            Assert.NotNull(c.SignedAt);
            Assert.InRange(c.SignedAt.Value, Now.AddDays(-SigningTimeline.SpanDays - 1), Now.AddDays(-1));
            Assert.Equal(TimeSpan.Zero, c.SignedAt.Value.Offset);
            // What the grain would refuse, the plan never asks for.
            Assert.True(InputRules.SignedAt(c.SignedAt, Now).IsValid, c.Id);
        });
        var signed = Plan.Commitments.Where(c => c.SignedAt is not null).Select(c => c.SignedAt!.Value).ToList();
        Assert.True(signed.Max() - signed.Min() > TimeSpan.FromDays(500), "the signing dates should span about eighteen months");
        // Not everything at once: every quarter of the span sees new commitments.
        for (var quarter = 0; quarter < 4; quarter++)
        {
            var from = signed.Min() + ((signed.Max() - signed.Min()) * quarter / 4);
            var to = signed.Min() + ((signed.Max() - signed.Min()) * (quarter + 1) / 4);
            Assert.True(signed.Count(s => s > from && s <= to) >= 20, $"quarter {quarter + 1} of the span has too few signings");
        }
    }

    [Fact]
    public void The_pilot_signs_first_in_Kessel_Lo_and_the_stain_spreads_outward_over_time()
    {
        var kinds = Plan.Participants.ToDictionary(p => p.Id, p => p.Registration.Kind);
        var signed = Plan.Commitments.Where(c => c.SignedAt is not null).OrderBy(c => c.SignedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();

        // The pilot's co-creation session: De ARK's result commitment first, its school street and the bike shop the same evening.
        Assert.Equal([LeuvenDemoPlan.SchoolResultCommitmentId, LeuvenDemoPlan.CommitmentId(2), LeuvenDemoPlan.CommitmentId(3)], signed.Take(3).Select(c => c.Id));
        Assert.Equal(SigningTimeline.PilotSession(Now), signed[0].SignedAt);
        Assert.Equal(LeuvenPeople.ShopVeloLo, signed[2].Draft.ParticipantId);
        // The first months are Kessel-Lo only, and only the pilot's kinds of participant start it: a school, residents, shops.
        var firstMonths = signed.Where(c => c.SignedAt < signed[0].SignedAt!.Value.AddDays(60)).ToList();
        Assert.True(firstMonths.Count >= 10, $"only {firstMonths.Count} signings in the first two months");
        Assert.All(firstMonths, c => Assert.True(OilStain.IsInKesselLo(c.Draft.NeighbourhoodCode), $"{c.Id} in {c.Draft.NeighbourhoodCode} at {c.SignedAt}"));
        Assert.Contains(firstMonths, c => kinds[c.Draft.ParticipantId] == ParticipantKind.Resident);
        Assert.All(signed.TakeWhile(c => c.Id != LeuvenDemoPlan.CommitmentId(4)),
            c => Assert.Contains(kinds[c.Draft.ParticipantId], new[] { ParticipantKind.School, ParticipantKind.Resident, ParticipantKind.Business }));
        // Closer neighbourhoods join earlier: the first signing of each neighbourhood comes later the further it lies.
        var firstByNeighbourhood = signed.GroupBy(c => c.Draft.NeighbourhoodCode)
            .Select(g => (Distance: OilStain.DistanceFromKesselLoKm(g.Key), First: g.Min(c => c.SignedAt!.Value)))
            .ToList();
        Assert.True(firstByNeighbourhood.Count >= 20, $"only {firstByNeighbourhood.Count} neighbourhoods");
        Assert.All(firstByNeighbourhood.Where(n => n.Distance > 0),
            n => Assert.True(n.First > firstByNeighbourhood.Where(k => k.Distance == 0).Max(k => k.First), $"a neighbourhood at {n.Distance:0.0} km joined before Kessel-Lo was complete"));
        Assert.True(Correlation(firstByNeighbourhood.Select(n => n.Distance), firstByNeighbourhood.Select(n => (n.First - Now).TotalDays)) > 0.7,
            "the first signing in a neighbourhood should come later the further it lies from Kessel-Lo");
        // And the stain grows: the mean distance of a third of the signings increases from third to third.
        var thirds = signed.Chunk((signed.Count + 2) / 3).Select(t => t.Average(c => OilStain.DistanceFromKesselLoKm(c.Draft.NeighbourhoodCode))).ToList();
        Assert.True(thirds[0] < thirds[1] && thirds[1] < thirds[2], $"mean distances by third: {string.Join(", ", thirds.Select(d => d.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Nothing_is_achieved_or_missed_soon_after_its_signing_and_a_missed_result_was_signed_before_its_deadline()
    {
        Assert.All(Plan.Commitments.Where(c => c.Outcome is CommitmentStatus.Achieved or CommitmentStatus.Missed), c =>
            Assert.True(c.SignedAt <= Now.AddDays(-CommitmentFactory.MinDaysBeforeClosing), $"{c.Id} signed {c.SignedAt}"));
        Assert.All(Plan.Commitments.Where(c => c.Outcome == CommitmentStatus.Missed && c.FinalTerms.Level == CommitmentLevel.Result), c =>
            Assert.True(DateOnly.FromDateTime(c.SignedAt!.Value.UtcDateTime) < c.FinalTerms.Target!.Deadline, c.Id));
    }

    [Fact]
    public void The_texts_are_Dutch()
    {
        var texts = Plan.Goals.SelectMany(g => new[] { g.Definition.Title, g.Definition.Description, g.Definition.Target?.Metric })
            .Concat(Plan.Commitments.SelectMany(c => new[] { c.Draft.Terms, c.FinalTerms }).SelectMany(t =>
                new[] { t.Title, t.Description, t.Target?.Metric, t.Target?.Unit }.Concat((t.Milestones ?? []).Select(m => m.Title))))
            .Concat(Plan.Commitments.SelectMany(c => c.Reports.Select(r => r.Note)))
            .Concat(Plan.Commitments.Select(c => c.WithdrawalReason))
            .Concat(Plan.Participants.Select(p => p.Registration.Name))
            .OfType<string>()
            .Distinct()
            .ToList();

        // Words that only an English text would use.
        string[] english = [" the ", " and ", " our ", " with ", " by ", "Measured", "Done:", "Declaration of intent", "illustrative"];
        Assert.All(texts, text => Assert.DoesNotContain(english, word => text.Contains(word, StringComparison.OrdinalIgnoreCase)));
        Assert.Contains(Plan.Goals, g => g.Definition.Title == "Veilig te voet en met de fiets naar elke school");
        Assert.Contains(Plan.Commitments, c => c.FinalTerms.Title == "Meer leerlingen te voet en met de fiets naar school");
        Assert.Contains(Plan.Commitments, c => c.FinalTerms.Title == "We houden het regenwater op ons perceel");
        Assert.Contains(Plan.Commitments, c => c.Reports.Any(r => r.Note!.StartsWith("Gemeten: ", StringComparison.Ordinal)));
        Assert.Contains(Plan.Commitments, c => c.Reports.Any(r => r.Note!.StartsWith("Afgerond: ", StringComparison.Ordinal)));
        Assert.DoesNotContain(Plan.Commitments, c => c.Reports.Any(r => r.Note!.StartsWith("Gemeten: 1 ", StringComparison.Ordinal) && r.Note.EndsWith("en.", StringComparison.Ordinal)));
        Assert.Equal("Demogegevens: de cijfers en formuleringen zijn illustratief, verzonnen voor deze demonstratie.", LeuvenContent.IllustrativeNote);
    }

    [Theory]
    [InlineData(2.5, "2,5")]
    [InlineData(10_000, "10.000")]
    [InlineData(1_234.56, "1.234,56")]
    [InlineData(-0.5, "-0,5")]
    [InlineData(80, "80")]
    public void Numbers_are_written_the_Belgian_way(double value, string expected) =>
        Assert.Equal(expected, DutchFormat.Number(value));

    [Fact]
    public void Dates_are_written_in_Dutch() =>
        Assert.Equal(["30 juni 2027", "1 maart 2026", "31 december 2030"],
            new[] { new DateOnly(2027, 6, 30), new DateOnly(2026, 3, 1), new DateOnly(2030, 12, 31) }.Select(DutchFormat.Date));

    private static double Correlation(IEnumerable<double> xs, IEnumerable<double> ys)
    {
        var x = xs.ToArray();
        var y = ys.ToArray();
        var (mx, my) = (x.Average(), y.Average());
        var cov = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return cov / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }

    private static void Collect(List<string> problems, string what, InputRules.Errors errors)
    {
        if (!errors.IsValid)
            problems.Add($"{what}: {string.Join("; ", errors.ByField.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
    }
}
