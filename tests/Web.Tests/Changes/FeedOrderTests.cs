using CivicContracting.Commitments;
using CivicContracting.Web.Changes;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Tests.ReadModel;

namespace CivicContracting.Web.Tests.Changes;

/// <summary>
/// The feed's order is the same on every web host: it depends only on each commitment's newest contribution, not on the
/// order contributions arrived in (crossed, repeated, stale), and a page after a cursor costs O(log n + page).
/// </summary>
public sealed class FeedOrderTests
{
    private static readonly DateTimeOffset Until = DateTimeOffset.MaxValue;

    [Fact]
    public void Two_hosts_that_received_the_same_contributions_in_different_orders_page_through_them_alike()
    {
        var city = new RandomCity(20261207);
        var versions = city.Versions(3_000, 400);
        using var inOrder = new ContributionIndex(versions, RandomCity.TakenAt);
        using var crossed = new ContributionIndex();
        foreach (var batch in city.Deliveries(versions).Chunk(37))
            crossed.Apply(batch, null);

        var expected = versions.GroupBy(v => v.CommitmentId).Select(g => g.MaxBy(v => v.Version)!)
            .OrderBy(c => c.UpdatedAt.UtcTicks).ThenBy(c => c.CommitmentId, StringComparer.Ordinal)
            .Select(c => (c.CommitmentId, c.Version)).ToList();
        Assert.Equal(expected, PageThrough(inOrder, 7));
        Assert.Equal(expected, PageThrough(crossed, 7));
        Assert.Equal(expected, PageThrough(crossed, 1_000));
    }

    [Fact]
    public void A_commitment_that_changes_after_a_reader_passed_it_shows_again_further_on_and_only_there()
    {
        var city = new RandomCity(7);
        var versions = city.Versions(500, 80);
        using var index = new ContributionIndex(versions, RandomCity.TakenAt);
        var firstHalf = index.ChangedAfter(null, "", Until, 250);
        var cursor = firstHalf[^1];
        var passed = firstHalf[10];
        index.Apply(passed with { Version = passed.Version + 1, UpdatedAt = RandomCity.TakenAt.AddHours(1), Status = CommitmentStatus.Withdrawn });

        var rest = index.ChangedAfter(cursor.UpdatedAt, cursor.CommitmentId, Until, 10_000);
        Assert.Equal(passed.CommitmentId, rest[^1].CommitmentId);
        Assert.Equal(CommitmentStatus.Withdrawn, rest[^1].Status);
        Assert.Single(rest, c => c.CommitmentId == passed.CommitmentId);
        Assert.Equal(500, firstHalf.Count - 1 + rest.Count);

        // Nothing changed later than the settled moment is served.
        Assert.DoesNotContain(index.ChangedAfter(cursor.UpdatedAt, cursor.CommitmentId, RandomCity.TakenAt, 10_000), c => c.CommitmentId == passed.CommitmentId);
    }

    [Fact]
    public void A_page_after_a_cursor_costs_the_same_in_a_city_a_hundred_times_larger()
    {
        long WorkOfAPage(int commitments)
        {
            var city = new RandomCity(commitments);
            using var index = new ContributionIndex(city.Versions(commitments, commitments / 10), RandomCity.TakenAt);
            var middle = index.ChangedAfter(null, "", Until, commitments / 2)[^1];
            var before = index.Visits;
            var page = index.ChangedAfter(middle.UpdatedAt, middle.CommitmentId, Until, 100);
            Assert.Equal(100, page.Count);
            return index.Visits - before;
        }

        var small = WorkOfAPage(500);
        var large = WorkOfAPage(50_000);
        Assert.True(large <= small + 40, $"A page cost {small} visits among 500 commitments and {large} among 50,000.");
        Assert.True(large < 200, $"A page of 100 cost {large} visits.");
    }

    [Fact]
    public void A_cursor_reads_back_what_it_was_written_from_and_nothing_else_reads_as_one()
    {
        var cursor = FeedCursor.Of(new DateTimeOffset(2026, 12, 7, 22, 0, 0, TimeSpan.Zero), FeedEntity.Commitment, "c-test.1_x");
        var text = cursor.ToString();
        Assert.Matches("^[A-Za-z0-9_-]+$", text);
        Assert.True(FeedCursor.TryParse(text, out var read));
        Assert.Equal(cursor, read);

        string[] refused = ["", "!!", Base64("1.1.2"), text + "A", text[..^2], Convert.ToBase64String("2.1.2.c"u8.ToArray()).TrimEnd('='),
            Base64("1.-5.2.c"), Base64("1.5.3.c"), Base64("1.5.2."), Base64("1.5.2.c d"), Base64("1.99999999999999999999.2.c"), new string('A', 300)];
        foreach (var bad in refused)
            Assert.False(FeedCursor.TryParse(bad, out _), bad);
        Assert.True(FeedCursor.TryParse(Base64("1.5.2.c"), out _));
    }

    private static string Base64(string text) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(text));

    private static List<(string, long)> PageThrough(ContributionIndex index, int take)
    {
        var all = new List<(string, long)>();
        Contribution? last = null;
        while (true)
        {
            var page = index.ChangedAfter(last?.UpdatedAt, last?.CommitmentId ?? "", Until, take);
            all.AddRange(page.Select(c => (c.CommitmentId, c.Version)));
            if (page.Count < take)
                return all;
            last = page[^1];
        }
    }
}
