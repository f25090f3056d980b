namespace CivicContracting.Web.ReadModel;

/// <summary>
/// A sorted list kept in chunks of at most <see cref="MaxChunk"/> items (a flat B-tree): adding or removing an item costs a
/// binary search over the chunks and one inside a chunk plus a move of at most a chunk, O(log n + chunk), never O(n) items;
/// a page at offset k is found by stepping over whole chunks by their counts (1/<see cref="MaxChunk"/>-th of a step per item
/// skipped, from whichever end is nearer) and then reads only the page's items. Not thread-safe:
/// <see cref="ContributionIndex"/> guards it.
/// <para>
/// Each item is held with a 64-bit sort key beside it (e.g. a time in ticks), so a search compares numbers in two arrays
/// instead of following a reference per probe; the full comparer is asked only when keys are equal. That costs 8 bytes per
/// item on top of its reference: about 21 bytes per item with chunks three quarters full on average.
/// </para>
/// </summary>
/// <remarks>
/// Order: by key, then by the comparer, which must agree with the key order and be total on the items held (ties broken
/// by a unique id), except for plain values whose key is the value itself (ticks), where equal items are interchangeable.
/// <para>
/// Optionally the list counts, per chunk, the items <c>marked</c> admits (e.g. the public ones among all of a scope's
/// commitments), so the same list also pages through those alone (<see cref="CopyMarkedTo"/>) without a list of its own.
/// </para>
/// </remarks>
public sealed class SortedChunkList<T>(Func<T, long> key, IComparer<T> comparer, Func<T, bool>? marked = null)
{
    public const int MaxChunk = 128;
    private const int MinChunk = MaxChunk / 4;

    private readonly List<Chunk> _chunks = [];

    public int Count { get; private set; }

    /// <summary>How many items the list's <c>marked</c> predicate admits (all of them without one).</summary>
    public int MarkedCount => marked is null ? Count : _marked;

    private int _marked;

    /// <summary>Items read and chunks stepped over by reads since the start: the work of answering, for tests.</summary>
    public long Visits { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>The first item in order; only when not <see cref="IsEmpty"/>.</summary>
    public T First => _chunks[0].Items[0];

    public void Add(T item) => Add(key(item), item);

    private void Add(long k, T item)
    {
        var mark = IsMarked(item);
        Count++;
        _marked += mark;
        if (_chunks.Count == 0)
        {
            _chunks.Add(Chunk.Of(k, item, mark));
            return;
        }
        var c = ChunkFor(k, item);
        var chunk = _chunks[c];
        var i = chunk.Search(k, item, comparer);
        if (i < 0)
            i = ~i;
        if (chunk.Count >= MaxChunk)
        {
            // Items added at either end of the whole list (the newest change first, the newest tick last) start a new
            // chunk instead of splitting a full one in halves, so lists that grow at an end stay densely packed.
            if (i == chunk.Count && c == _chunks.Count - 1)
            {
                _chunks.Add(Chunk.Of(k, item, mark));
                return;
            }
            if (i == 0 && c == 0)
            {
                _chunks.Insert(0, Chunk.Of(k, item, mark));
                return;
            }
            var right = chunk.SplitOff(MaxChunk / 2, marked);
            _chunks.Insert(c + 1, right);
            if (i > chunk.Count)
            {
                i -= chunk.Count;
                chunk = right;
            }
        }
        chunk.Insert(i, k, item, mark);
    }

    private int IsMarked(T item) => marked is not null && marked(item) ? 1 : 0;

    /// <summary>Removes the item that compares equal to <paramref name="item"/>; false when there is none.</summary>
    public bool Remove(T item)
    {
        if (!TryFind(key(item), item, out var c, out var i))
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
        var k = key(item);
        var replacementKey = key(replacement);
        if (k == replacementKey && comparer.Compare(item, replacement) == 0 && TryFind(k, item, out var c, out var i))
        {
            var change = IsMarked(replacement) - IsMarked(_chunks[c].Items[i]);
            _chunks[c].Items[i] = replacement;
            _chunks[c].Marked += change;
            _marked += change;
            return;
        }
        if (TryFind(k, item, out c, out i))
            RemoveAt(c, i);
        Add(replacementKey, replacement);
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
                into.Add(chunk.Items[i]);
            }
        }
    }

    /// <summary>
    /// Copies up to <paramref name="take"/> of the marked items from the <paramref name="skip"/>-th marked one on: whole
    /// chunks are stepped over by their marked counts, so only the chunks the page touches are read.
    /// </summary>
    public void CopyMarkedTo(List<T> into, int skip, int take)
    {
        if (marked is null)
        {
            CopyTo(into, skip, take);
            return;
        }
        if (take <= 0 || skip >= _marked)
            return;
        var c = 0;
        if (skip <= _marked / 2)
        {
            while (skip >= _chunks[c].Marked)
            {
                Visits++;
                skip -= _chunks[c].Marked;
                c++;
            }
        }
        else
        {
            var fromEnd = _marked - skip; // 1 = the last marked item
            c = _chunks.Count - 1;
            while (fromEnd > _chunks[c].Marked)
            {
                Visits++;
                fromEnd -= _chunks[c].Marked;
                c--;
            }
            skip = _chunks[c].Marked - fromEnd;
        }
        for (; c < _chunks.Count && take > 0; c++)
        {
            var chunk = _chunks[c];
            if (chunk.Marked == 0)
            {
                Visits++;
                continue;
            }
            for (var i = 0; i < chunk.Count && take > 0; i++)
            {
                Visits++;
                if (!marked(chunk.Items[i]))
                    continue;
                if (skip > 0)
                {
                    skip--;
                    continue;
                }
                into.Add(chunk.Items[i]);
                take--;
            }
        }
    }

    /// <summary>Visits the items in order until <paramref name="visit"/> returns false.</summary>
    public void ForEach(Func<T, bool> visit)
    {
        foreach (var chunk in _chunks)
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                Visits++;
                if (!visit(chunk.Items[i]))
                    return;
            }
        }
    }

    /// <summary>
    /// Copies up to <paramref name="take"/> items that come after <paramref name="bound"/> (in the list's order; the bound
    /// need not be held) while <paramref name="until"/> lets them through: a binary search over the chunks and one inside a
    /// chunk, then the page's items, O(log n + take). The open feed resumes its cursor this way, the bulk downloads their pages.
    /// </summary>
    public void CopyAfter(T bound, List<T> into, int take, Func<T, bool>? until = null)
    {
        if (_chunks.Count == 0 || take <= 0)
            return;
        var boundKey = key(bound);
        int lo = 0, hi = _chunks.Count;
        while (lo < hi)
        {
            Visits++;
            var mid = (lo + hi) >>> 1;
            if (Compare(_chunks[mid].LastKey, _chunks[mid].Last, boundKey, bound) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        var taken = 0;
        for (var c = lo; c < _chunks.Count; c++)
        {
            var chunk = _chunks[c];
            for (var i = c == lo ? UpperBound(chunk, boundKey, bound) : 0; i < chunk.Count; i++)
            {
                Visits++;
                if (taken >= take || (until is not null && !until(chunk.Items[i])))
                    return;
                into.Add(chunk.Items[i]);
                taken++;
            }
        }
    }

    /// <summary>How many items are at or before <paramref name="bound"/>: O(those / chunk + log chunk).</summary>
    public int CountUpTo(T bound)
    {
        Span<int> count = stackalloc int[1];
        CountUpTo([bound], count);
        return count[0];
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
            var boundKey = key(bound);
            while (c < _chunks.Count && Compare(_chunks[c].LastKey, _chunks[c].Last, boundKey, bound) <= 0)
            {
                Visits++;
                before += _chunks[c].Count;
                c++;
            }
            counts[b] = before + (c < _chunks.Count ? UpperBound(_chunks[c], boundKey, bound) : 0);
        }
    }

    private int Compare(long keyA, T a, long keyB, T b) => keyA != keyB ? keyA.CompareTo(keyB) : comparer.Compare(a, b);

    /// <summary>The position of the first item after <paramref name="bound"/> in <paramref name="chunk"/>.</summary>
    private int UpperBound(Chunk chunk, long boundKey, T bound)
    {
        int lo = 0, hi = chunk.Count;
        while (lo < hi)
        {
            Visits++;
            var mid = (lo + hi) >>> 1;
            if (Compare(chunk.Keys[mid], chunk.Items[mid], boundKey, bound) <= 0)
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

    /// <summary>The first chunk whose last item is not before the item (the last chunk when all are).</summary>
    private int ChunkFor(long k, T item)
    {
        int lo = 0, hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var chunk = _chunks[mid];
            if (Compare(chunk.LastKey, chunk.Last, k, item) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    private bool TryFind(long k, T item, out int chunk, out int index)
    {
        chunk = 0;
        index = -1;
        if (_chunks.Count == 0)
            return false;
        chunk = ChunkFor(k, item);
        index = _chunks[chunk].Search(k, item, comparer);
        return index >= 0;
    }

    private void RemoveAt(int c, int i)
    {
        var chunk = _chunks[c];
        var mark = IsMarked(chunk.Items[i]);
        chunk.RemoveAt(i, mark);
        Count--;
        _marked -= mark;
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
            _chunks[c - 1].Append(chunk);
            _chunks.RemoveAt(c);
        }
        else if (c < _chunks.Count - 1 && _chunks[c + 1].Count + chunk.Count <= MaxChunk * 3 / 4)
        {
            chunk.Append(_chunks[c + 1]);
            _chunks.RemoveAt(c + 1);
        }
    }

    /// <summary>Up to <see cref="MaxChunk"/> items in order, with their keys in a parallel array; both grow by doubling.</summary>
    private sealed class Chunk(long[] keys, T[] items, int count, int marked)
    {
        public long[] Keys = keys;
        public T[] Items = items;
        public int Count = count;

        /// <summary>How many of the items the list's predicate admits.</summary>
        public int Marked = marked;

        public long LastKey => Keys[Count - 1];

        public T Last => Items[Count - 1];

        public static Chunk Of(long key, T item, int mark) => new([key, 0, 0, 0], [item, default!, default!, default!], 1, mark);

        /// <summary>The index of the item, or the bitwise complement of where it would go.</summary>
        public int Search(long key, T item, IComparer<T> comparer)
        {
            int lo = 0, hi = Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var order = Keys[mid] != key ? Keys[mid].CompareTo(key) : comparer.Compare(Items[mid], item);
                if (order == 0)
                    return mid;
                if (order < 0)
                    lo = mid + 1;
                else
                    hi = mid - 1;
            }
            return ~lo;
        }

        public void Insert(int index, long key, T item, int mark)
        {
            Marked += mark;
            if (Count == Keys.Length)
                Grow(Count + 1);
            Array.Copy(Keys, index, Keys, index + 1, Count - index);
            Array.Copy(Items, index, Items, index + 1, Count - index);
            Keys[index] = key;
            Items[index] = item;
            Count++;
        }

        public void RemoveAt(int index, int mark)
        {
            Marked -= mark;
            Count--;
            Array.Copy(Keys, index + 1, Keys, index, Count - index);
            Array.Copy(Items, index + 1, Items, index, Count - index);
            Items[Count] = default!; // no reference kept to what left
        }

        /// <summary>Moves the items from <paramref name="from"/> on into a new chunk.</summary>
        public Chunk SplitOff(int from, Func<T, bool>? marked)
        {
            var moved = Count - from;
            var right = new Chunk(new long[moved], new T[moved], moved, 0);
            Array.Copy(Keys, from, right.Keys, 0, moved);
            Array.Copy(Items, from, right.Items, 0, moved);
            if (marked is not null)
            {
                foreach (var item in right.Items)
                    right.Marked += marked(item) ? 1 : 0;
            }
            Marked -= right.Marked;
            Array.Clear(Items, from, moved);
            Count = from;
            return right;
        }

        public void Append(Chunk other)
        {
            if (Count + other.Count > Keys.Length)
                Grow(Count + other.Count);
            Array.Copy(other.Keys, 0, Keys, Count, other.Count);
            Array.Copy(other.Items, 0, Items, Count, other.Count);
            Count += other.Count;
            Marked += other.Marked;
        }

        private void Grow(int needed)
        {
            var capacity = Math.Min(MaxChunk, Math.Max(needed, Keys.Length * 2));
            Array.Resize(ref Keys, capacity);
            Array.Resize(ref Items, capacity);
        }
    }
}

/// <summary>Lists of plain 64-bit values (times in ticks), each its own key.</summary>
public static class SortedChunkList
{
    public static SortedChunkList<long> OfTicks() => new(static v => v, Comparer<long>.Default);
}
