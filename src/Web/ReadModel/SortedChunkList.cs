namespace CivicContracting.Web.ReadModel;

/// <summary>
/// A sorted list kept in chunks of at most <see cref="MaxChunk"/> items (a flat B-tree): adding or removing an item costs a
/// binary search over the chunks and one inside a chunk plus a move of at most a chunk, O(log n + chunk), never O(n) items;
/// a page at offset k is found by stepping over whole chunks by their counts (1/<see cref="MaxChunk"/>-th of a step per item
/// skipped, from whichever end is nearer) and then reads only the page's items. About 11 bytes per item (a reference in a
/// chunk three quarters full on average). Not thread-safe: <see cref="ContributionIndex"/> guards it.
/// </summary>
/// <remarks>
/// The comparer must be a total order on the items held (ties broken by a unique key, e.g. the commitment id), except for
/// plain values (ticks), where equal items are interchangeable.
/// </remarks>
public sealed class SortedChunkList<T>(IComparer<T> comparer)
{
    public const int MaxChunk = 128;
    private const int MinChunk = MaxChunk / 4;

    private readonly List<List<T>> _chunks = [];

    public int Count { get; private set; }

    /// <summary>Items read and chunks stepped over by reads since the start: the work of answering, for tests.</summary>
    public long Visits { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>The first item in order; only when not <see cref="IsEmpty"/>.</summary>
    public T First => _chunks[0][0];

    public void Add(T item)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add([item]);
            Count++;
            return;
        }
        var c = ChunkFor(item);
        var chunk = _chunks[c];
        var i = chunk.BinarySearch(item, comparer);
        if (i < 0)
            i = ~i;
        if (chunk.Count >= MaxChunk)
        {
            // Items added at either end of the whole list (the newest change first, the newest tick last) start a new
            // chunk instead of splitting a full one in halves, so lists that grow at an end stay densely packed.
            if (i == chunk.Count && c == _chunks.Count - 1)
            {
                _chunks.Add([item]);
                Count++;
                return;
            }
            if (i == 0 && c == 0)
            {
                _chunks.Insert(0, [item]);
                Count++;
                return;
            }
            var right = chunk.GetRange(MaxChunk / 2, chunk.Count - (MaxChunk / 2));
            chunk.RemoveRange(MaxChunk / 2, chunk.Count - (MaxChunk / 2));
            _chunks.Insert(c + 1, right);
            if (i > chunk.Count)
            {
                i -= chunk.Count;
                chunk = right;
            }
        }
        chunk.Insert(i, item);
        Count++;
    }

    /// <summary>Removes the item that compares equal to <paramref name="item"/>; false when there is none.</summary>
    public bool Remove(T item)
    {
        if (!TryFind(item, out var c, out var i))
            return false;
        RemoveAt(c, i);
        return true;
    }

    /// <summary>
    /// Puts <paramref name="replacement"/> where <paramref name="item"/> was: in its slot when both sort alike (a newer version
    /// with the same sort key), else removed and added.
    /// </summary>
    public void Replace(T item, T replacement)
    {
        if (comparer.Compare(item, replacement) == 0 && TryFind(item, out var c, out var i))
        {
            _chunks[c][i] = replacement;
            return;
        }
        Remove(item);
        Add(replacement);
    }

    /// <summary>Copies up to <paramref name="take"/> items from position <paramref name="skip"/> on.</summary>
    public void CopyTo(List<T> into, int skip, int take)
    {
        if (take <= 0 || skip >= Count)
            return;
        var (c, i) = Locate(Math.Max(0, skip));
        for (; c < _chunks.Count && take > 0; c++, i = 0)
        {
            var chunk = _chunks[c];
            for (; i < chunk.Count && take > 0; i++, take--)
            {
                Visits++;
                into.Add(chunk[i]);
            }
        }
    }

    /// <summary>Visits the items in order until <paramref name="visit"/> returns false.</summary>
    public void ForEach(Func<T, bool> visit)
    {
        foreach (var chunk in _chunks)
        {
            foreach (var item in chunk)
            {
                Visits++;
                if (!visit(item))
                    return;
            }
        }
    }

    /// <summary>
    /// For ascending <paramref name="bounds"/>, how many items are at or before each (in the list's order): one sweep over the
    /// chunks' counts and a binary search per bound, O(n / chunk + bounds × log chunk).
    /// </summary>
    public void CountUpTo(ReadOnlySpan<T> bounds, Span<int> counts)
    {
        var c = 0;
        var before = 0;
        for (var b = 0; b < bounds.Length; b++)
        {
            var bound = bounds[b];
            while (c < _chunks.Count && comparer.Compare(_chunks[c][^1], bound) <= 0)
            {
                Visits++;
                before += _chunks[c].Count;
                c++;
            }
            counts[b] = before + (c < _chunks.Count ? UpperBound(_chunks[c], bound) : 0);
        }
    }

    /// <summary>How many items are at or before <paramref name="bound"/>: O(those / chunk + log chunk).</summary>
    public int CountUpTo(T bound)
    {
        Span<int> count = stackalloc int[1];
        CountUpTo([bound], count);
        return count[0];
    }

    /// <summary>The position of the first item after <paramref name="bound"/> in <paramref name="chunk"/>.</summary>
    private int UpperBound(List<T> chunk, T bound)
    {
        int lo = 0, hi = chunk.Count;
        while (lo < hi)
        {
            Visits++;
            var mid = (lo + hi) >>> 1;
            if (comparer.Compare(chunk[mid], bound) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    /// <summary>The chunk and index of position <paramref name="position"/> (&lt; Count), stepping from the nearer end.</summary>
    private (int Chunk, int Index) Locate(int position)
    {
        if (position <= Count / 2)
        {
            var c = 0;
            while (position >= _chunks[c].Count)
            {
                Visits++;
                position -= _chunks[c].Count;
                c++;
            }
            return (c, position);
        }
        var fromEnd = Count - position; // 1 = the last item
        var last = _chunks.Count - 1;
        while (fromEnd > _chunks[last].Count)
        {
            Visits++;
            fromEnd -= _chunks[last].Count;
            last--;
        }
        return (last, _chunks[last].Count - fromEnd);
    }

    /// <summary>The first chunk whose last item is not before <paramref name="item"/> (the last chunk when all are).</summary>
    private int ChunkFor(T item)
    {
        int lo = 0, hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (comparer.Compare(_chunks[mid][^1], item) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    private bool TryFind(T item, out int chunk, out int index)
    {
        chunk = 0;
        index = -1;
        if (_chunks.Count == 0)
            return false;
        chunk = ChunkFor(item);
        index = _chunks[chunk].BinarySearch(item, comparer);
        return index >= 0;
    }

    private void RemoveAt(int c, int i)
    {
        var chunk = _chunks[c];
        chunk.RemoveAt(i);
        Count--;
        if (chunk.Count == 0)
        {
            _chunks.RemoveAt(c);
            return;
        }
        if (chunk.Count >= MinChunk)
            return;
        // A chunk that ran low joins a neighbour with room, so that memory per item stays bounded under churn.
        if (c > 0 && _chunks[c - 1].Count + chunk.Count <= MaxChunk * 3 / 4)
        {
            _chunks[c - 1].AddRange(chunk);
            _chunks.RemoveAt(c);
        }
        else if (c < _chunks.Count - 1 && _chunks[c + 1].Count + chunk.Count <= MaxChunk * 3 / 4)
        {
            chunk.AddRange(_chunks[c + 1]);
            _chunks.RemoveAt(c + 1);
        }
    }
}
