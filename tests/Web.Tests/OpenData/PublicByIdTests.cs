using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Tests.OpenData;

/// <summary>
/// The downloads' cursor over the public commitments (<see cref="ContributionIndex.PublicAfter"/>): every public commitment
/// exactly once, in ordinal id order, drafts never, also when commitments come, change and become public between pages.
/// </summary>
public sealed class PublicByIdTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 3_000, 7)]
    [InlineData(2, 3_000, 512)]
    [InlineData(3, 500, 1)]
    public void Paging_after_the_last_id_gives_every_public_commitment_once_in_id_order_while_they_change(int seed, int count, int pageSize)
    {
        var random = new Random(seed);
        // Ids with shared prefixes longer than the packed key, different lengths, non-ASCII, high characters and a prefix of another.
        string NewId(int i) => random.Next(5) switch
        {
            4 => $"\uFF21-{i}", // a first character above U+7FFF: the packed key's sign

            0 => $"c-bench-{i:D7}",
            1 => $"c-{i}",
            2 => $"é-{i}-{random.Next(1000)}",
            _ => $"c-bench-{i:D7}-x",
        };
        var contributions = Enumerable.Range(0, count).Select(i => Make(NewId(i), 1, random.Next(3) == 0 ? CommitmentStatus.Draft : CommitmentStatus.Confirmed, i))
            .DistinctBy(c => c.CommitmentId).ToList();
        using var index = new ContributionIndex(contributions, Start);
        var current = contributions.ToDictionary(c => c.CommitmentId, StringComparer.Ordinal);

        var seen = new List<string>();
        string? after = null;
        var step = 0;
        while (true)
        {
            var page = index.PublicAfter(after, pageSize);
            Assert.All(page, c => Assert.NotEqual(CommitmentStatus.Draft, c.Status));
            seen.AddRange(page.Select(c => c.CommitmentId));
            if (page.Count < pageSize)
                break;
            after = page[^1].CommitmentId;
            // Between pages: a draft is confirmed, a public one gets a newer version, a new one comes, somewhere in the order.
            var draft = current.Values.FirstOrDefault(c => c.Status == CommitmentStatus.Draft && string.CompareOrdinal(c.CommitmentId, after) > 0);
            if (draft is not null)
                index.Apply(current[draft.CommitmentId] = Make(draft.CommitmentId, 2, CommitmentStatus.Confirmed, step));
            var some = current.Values.ElementAt(random.Next(current.Count));
            if (some.Status != CommitmentStatus.Draft)
                index.Apply(current[some.CommitmentId] = Make(some.CommitmentId, some.Version + 1, CommitmentStatus.Active, step));
            var added = Make($"n-{step++}", 1, CommitmentStatus.Confirmed, step);
            current[added.CommitmentId] = added;
            index.Apply(added);
        }

        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal([.. seen.Order(StringComparer.Ordinal)], seen);
        // Every commitment that was public from the start and stayed so is there (those that came during may or may not be).
        var publicFromTheStart = contributions.Where(c => c.Status != CommitmentStatus.Draft).Select(c => c.CommitmentId);
        Assert.Empty(publicFromTheStart.Except(seen, StringComparer.Ordinal));
        Assert.Equal(current.Values.Count(c => c.Status != CommitmentStatus.Draft), index.PublicSummary().PublicCount);
    }

    private static Contribution Make(string id, long version, CommitmentStatus status, int minutes) =>
        new(id, version, "p-" + id, ParticipantKind.Resident, CommitmentLevel.Pledge, status, null, false,
            status == CommitmentStatus.Draft ? null : Start, [new ScopeWeight("place:24062", 1)], Start.AddMinutes(minutes));
}
