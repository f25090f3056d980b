using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Sharing;
using CivicContracting.Web.Tests.ReadModel;

namespace CivicContracting.Web.Tests.Sharing;

/// <summary>
/// The sitemap's paged reads of the web host's index (<see cref="ContributionIndex.ConfirmedOldestFirst"/>,
/// <see cref="ContributionIndex.Participants"/>): pages of at most 50,000, oldest confirmation first, that together hold
/// every confirmed commitment once, and cost O(page) whatever the city's size.
/// </summary>
public sealed class SitemapReadTests
{
    private static readonly Lazy<ContributionIndex> Large = new(() => WorkPerPageTests.City(120_000));
    private static readonly Lazy<ContributionIndex> Small = new(() => WorkPerPageTests.City(1_000));

    [Fact]
    public void The_pages_hold_every_confirmed_commitment_once_oldest_confirmation_first()
    {
        var index = Large.Value;
        var confirmed = 120_000 - (120_000 / 10); // every tenth is a draft (WorkPerPageTests.City)
        var (first, total) = index.ConfirmedOldestFirst(0, SharingEndpoints.MaxUrlsPerSitemap);
        Assert.Equal(confirmed, total);
        Assert.Equal(3, SharingEndpoints.Files(total));
        var pages = Enumerable.Range(0, SharingEndpoints.Files(total))
            .Select(n => index.ConfirmedOldestFirst(n * SharingEndpoints.MaxUrlsPerSitemap, SharingEndpoints.MaxUrlsPerSitemap).Items)
            .ToList();
        Assert.Equal([50_000, 50_000, 8_000], pages.Select(p => p.Count));
        Assert.Equal(first.Select(c => c.CommitmentId), pages[0].Select(c => c.CommitmentId));
        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(confirmed, all.Select(c => c.CommitmentId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, c => Assert.NotNull(c.ConfirmedAt));
        for (var i = 1; i < all.Count; i++)
            Assert.True(all[i - 1].ConfirmedAt <= all[i].ConfirmedAt, $"{all[i - 1].CommitmentId} before {all[i].CommitmentId}");
        Assert.Equal("c-000000", all[0].CommitmentId);
        Assert.Empty(index.ConfirmedOldestFirst(3 * SharingEndpoints.MaxUrlsPerSitemap, SharingEndpoints.MaxUrlsPerSitemap).Items);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50_000)]
    public void A_page_costs_the_same_at_120000_commitments_as_at_1000(int skipAtLarge)
    {
        // The same small page at the start of the order (oldest first) and, in the larger city, 50,000 further on.
        var small = Visits(Small.Value, i => i.ConfirmedOldestFirst(0, 100));
        var large = Visits(Large.Value, i => i.ConfirmedOldestFirst(skipAtLarge, 100));
        Assert.True(small >= 100, $"{small} visited");
        // Stepping over 50,000 entries costs a step per chunk of 128 skipped, from the nearer end.
        Assert.True(large <= small + 4 + (skipAtLarge / 128), $"{large} entries visited at 120,000 commitments, {small} at 1,000");
        var participants = Visits(Large.Value, i => i.Participants(0, 100));
        Assert.True(participants <= 102, $"{participants} visited for 100 participants");
    }

    [Fact]
    public void Drafts_withdrawn_and_hidden_commitments_are_not_listed()
    {
        var c = Large.Value.ConfirmedOldestFirst(0, 1).Items.Single();
        Assert.True(SharingEndpoints.IsListed(c));
        Assert.False(SharingEndpoints.IsListed(c with { TextHidden = true }));
        Assert.False(SharingEndpoints.IsListed(c with { Status = CivicContracting.Commitments.CommitmentStatus.Withdrawn }));
        Assert.False(SharingEndpoints.IsListed(c with { Status = CivicContracting.Commitments.CommitmentStatus.Draft, ConfirmedAt = null }));
    }

    private static long Visits(ContributionIndex index, Action<ContributionIndex> read)
    {
        var before = index.Visits;
        read(index);
        return index.Visits - before;
    }
}
