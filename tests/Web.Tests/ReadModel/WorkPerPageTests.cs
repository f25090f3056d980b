using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Tests.ReadModel;

/// <summary>
/// Issue 12's promise for pages, counted rather than timed: answering a page of a list visits as many entries (items read
/// plus chunks stepped over) when the city holds 100,000 commitments as when it holds 1,000.
/// </summary>
public sealed class WorkPerPageTests
{
    private static readonly string[] Neighbourhoods = [.. PlaceCatalog.Leuven.Neighbourhoods.Select(n => n.Code)];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string HotGoal = "goal:g-0";

    public static TheoryData<string> Reads => [.. Queries.Keys];

    private static readonly Dictionary<string, Action<ContributionIndex, int>> Queries = new()
    {
        ["the city's first page"] = (index, _) => index.Page(AggregateScope.Place(PlaceCatalog.CityCode), publicOnly: true, 0, 20),
        ["a hot goal's third page"] = (index, _) => index.Page(HotGoal, publicOnly: true, 40, 20),
        ["the API's city list, page 5 of 100"] = (index, _) => index.Page(AggregateScope.Place(PlaceCatalog.CityCode), publicOnly: false, 400, 100),
        ["a neighbourhood's last page"] = (index, size) => index.Page(AggregateScope.Place(Neighbourhoods[3]), publicOnly: false, Math.Max(0, (size / Neighbourhoods.Length) - 10), 20),
        ["the home page's newest"] = (index, _) => index.NewestConfirmed(6),
        ["the home page's latest reports"] = (index, _) => index.RecentlyChangedConfirmed(12),
        // The coach's sections, ten rows each (the smaller city has a few dozen in each).
        ["claims to verify"] = (index, _) => index.ClaimsToVerify(null, 10),
        ["drafts asking for help"] = (index, _) => index.DraftsAskingHelp(null, 10),
        ["conditions closing"] = (index, _) => index.ConditionsBefore(Start.AddDays(14), null, 10),
        ["participants without a coach"] = (index, _) => index.Uncoached(new HashSet<string>(StringComparer.Ordinal) { "p-1", "p-2" }, null, 10),
        ["participants without a coach in a neighbourhood"] = (index, _) => index.Uncoached(new HashSet<string>(StringComparer.Ordinal), Neighbourhoods[5], 10),
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public void A_page_visits_as_many_entries_at_100000_commitments_as_at_1000(string read)
    {
        var small = Visits(Small.Value, 1_000, Queries[read]);
        var large = Visits(Large.Value, 100_000, Queries[read]);
        Assert.True(small > 0, $"{read}: nothing visited");
        // Chunks fill a little differently at both sizes, so a page may step over one chunk more or less.
        Assert.True(large <= small + 2, $"{read}: {large} entries visited at 100,000 commitments, {small} at 1,000");
        Assert.True(large <= 120, $"{read}: {large} entries visited for one page");
    }

    [Fact]
    public void A_change_is_taken_in_and_shows_on_the_first_page_at_once()
    {
        var index = City(1_000);
        var changed = index.Get("c-000009")! with { Version = 2, UpdatedAt = Start.AddYears(1) };
        Assert.True(index.Apply(changed));
        Assert.Same(changed, index.Page(HotGoal, publicOnly: false, 0, 1).Items.Single());
    }

    private static readonly Lazy<ContributionIndex> Small = new(() => City(1_000));
    private static readonly Lazy<ContributionIndex> Large = new(() => City(100_000));

    private static long Visits(ContributionIndex index, int size, Action<ContributionIndex, int> read)
    {
        var before = index.Visits;
        read(index, size);
        return index.Visits - before;
    }

    /// <summary>A city of <paramref name="size"/> commitments: shared scope lists and participant ids, as the shards hand them over.</summary>
    internal static ContributionIndex City(int size)
    {
        var scopeLists = new Dictionary<(int, int), IReadOnlyList<ScopeWeight>>();
        var participants = Enumerable.Range(0, Math.Max(1, size / 5)).Select(i => $"p-{i}").ToArray();
        var contributions = new List<Contribution>(size);
        for (var i = 0; i < size; i++)
        {
            var n = i % Neighbourhoods.Length;
            var g = i % 3 == 0 ? 0 : i % 50;
            if (!scopeLists.TryGetValue((n, g), out var scopes))
            {
                scopeLists[(n, g)] = scopes = [.. PlaceCatalog.Leuven.Get(Neighbourhoods[n]).SelfAndAncestors
                    .Select(code => new ScopeWeight(AggregateScope.Place(code), 1))
                    .Append(new ScopeWeight($"goal:g-{g}", 1))];
            }
            var draft = i % 10 == 9;
            var participant = participants[i % participants.Length];
            contributions.Add(new Contribution(
                $"c-{i:D6}", 1, participant, (ParticipantKind)(i % 6), (CommitmentLevel)(i % 3),
                draft ? CommitmentStatus.Draft : CommitmentStatus.Active, draft ? null : 0.5, true,
                draft ? null : Start.AddMinutes(i), scopes, Start.AddMinutes(i),
                ClaimTier: i % 7 == 0 ? VerificationTier.SelfDeclared : null,
                HelpRequestedAt: draft && i % 20 == 19 ? Start.AddMinutes(i) : null,
                // As many conditions close within the coach's window at both sizes; the others later.
                ConditionDeadline: i % 11 == 0 ? Start.AddDays(i < 1_000 ? i % 20 : 30 + (i % 400)) : null));
        }
        return new ContributionIndex(contributions, Start.AddYears(1));
    }
}
