using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Tests.ReadModel;

/// <summary>The chunked sorted list against a plain sorted list, through many random adds, removals and replacements.</summary>
public sealed class SortedChunkListTests
{
    [Theory]
    [InlineData(1, 20_000, 1_000)]
    [InlineData(2, 20_000, 50)]
    [InlineData(3, 5_000, 100_000)]
    public void Random_adds_removals_and_reads_agree_with_a_plain_sorted_list(int seed, int operations, int values)
    {
        var random = new Random(seed);
        // Counting the multiples of three per chunk, to page through them alone.
        var list = new SortedChunkList<long>(static v => v, Comparer<long>.Default, static v => v % 3 == 0);
        var plain = new List<long>();
        for (var op = 0; op < operations; op++)
        {
            var value = (long)random.Next(values);
            switch (random.Next(10))
            {
                case < 5:
                    list.Add(value);
                    plain.Insert(UpperBound(plain, value), value);
                    break;
                case < 8:
                    Assert.Equal(plain.Remove(value), list.Remove(value));
                    break;
                case 8:
                    // Growing at the ends, as lists of changes do (newest first) and confirmations (newest last).
                    var end = plain.Count == 0 ? 0 : random.Next(2) == 0 ? plain[0] - 1 : plain[^1] + 1;
                    list.Add(end);
                    plain.Insert(UpperBound(plain, end), end);
                    break;
                default:
                    if (plain.Count > 0)
                    {
                        var old = plain[random.Next(plain.Count)];
                        var replacement = (long)random.Next(values);
                        list.Replace(old, replacement);
                        plain.Remove(old);
                        plain.Insert(UpperBound(plain, replacement), replacement);
                    }
                    break;
            }
            Assert.Equal(plain.Count, list.Count);
            if (op % 997 == 0 || op == operations - 1)
                AssertReads(list, plain, random);
        }
    }

    private static void AssertReads(SortedChunkList<long> list, List<long> plain, Random random)
    {
        var all = new List<long>();
        list.ForEach(v =>
        {
            all.Add(v);
            return true;
        });
        Assert.Equal(plain, all);
        for (var i = 0; i < 20; i++)
        {
            var skip = random.Next(plain.Count + 10);
            var take = random.Next(1, 150);
            var page = new List<long>();
            list.CopyTo(page, skip, take);
            Assert.Equal(plain.Skip(skip).Take(take), page);
            var marked = plain.Where(v => v % 3 == 0).ToList();
            Assert.Equal(marked.Count, list.MarkedCount);
            var markedOffset = random.Next(marked.Count + 10);
            page.Clear();
            list.CopyMarkedTo(page, markedOffset, take);
            Assert.Equal(marked.Skip(markedOffset).Take(take), page);
        }
        if (plain.Count > 0)
            Assert.Equal(plain[0], list.First);
        long[] bounds = [.. Enumerable.Range(0, 30).Select(_ => (long)random.Next(-5, (int)(plain.Count > 0 ? plain[^1] + 5 : 10))).Order()];
        var counts = new int[bounds.Length];
        list.CountUpTo(bounds, counts);
        Assert.Equal(bounds.Select(b => plain.Count(v => v <= b)), counts);
    }

    [Fact]
    public void Items_with_equal_keys_are_ordered_by_the_comparer_and_found_again()
    {
        // A coarse key (tens) and a full order (the value): most comparisons stop at the key, ties go to the comparer.
        var random = new Random(4);
        var list = new SortedChunkList<int>(static v => v / 10, Comparer<int>.Default);
        var plain = new List<int>();
        for (var op = 0; op < 20_000; op++)
        {
            var value = random.Next(3_000);
            if (random.Next(3) > 0 && !plain.Contains(value))
            {
                list.Add(value);
                plain.Insert(~plain.BinarySearch(value), value);
            }
            else
            {
                Assert.Equal(plain.Remove(value), list.Remove(value));
            }
        }
        var page = new List<int>();
        list.CopyTo(page, 0, list.Count);
        Assert.Equal(plain, page);
        var counts = new int[3];
        list.CountUpTo([5, 1_500, 2_999], counts);
        Assert.Equal([plain.Count(v => v <= 5), plain.Count(v => v <= 1_500), plain.Count], counts);
    }

    private static int UpperBound(List<long> plain, long value)
    {
        var i = plain.BinarySearch(value);
        if (i < 0)
            return ~i;
        while (i < plain.Count && plain[i] == value)
            i++;
        return i;
    }
}
