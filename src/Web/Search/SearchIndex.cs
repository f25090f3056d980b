using System.Diagnostics;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Nl;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace CivicContracting.Web.Search;

/// <summary>
/// The full-text index of one web host (Lucene.NET 4.8): goals and objectives, public commitments, public participant
/// names, co-creation sessions and places, in Dutch, French and English.
/// <para>
/// <b>Fields.</b> Each text is indexed once per analyser — <c>title_nl</c>/<c>desc_nl</c> (Dutch: Snowball stemmer and
/// stop words), <c>_fr</c> (French: elision, light stemmer), <c>_en</c> (English: Porter) — plus lower-cased, ASCII-folded
/// fields (<c>title_f</c>, <c>all_f</c>) so that "velo" finds "vélo", and <c>sfx</c>: every suffix of at least four letters of
/// the folded words of titles and names, so that a prefix query finds a word inside a Dutch compound ("fiets" finds
/// "fietsenstalling" and "schoolfietsen"). Filters (type, neighbourhood, participant kind, level, status, goal) are
/// untokenised terms.
/// </para>
/// <para>
/// <b>Queries</b> are built here, never parsed from the user's syntax: the text is cut to <see cref="MaxQueryLength"/>
/// characters and <see cref="MaxQueryWords"/> words; each word must match, through any of: the stem in each language's
/// fields (the reader's language boosted), the folded word, a prefix of a suffix (compounds) and, for words of four letters
/// or more, a fuzzy match (one edit, two from eight letters) when the words as typed find less than a page. Exact and stemmed
/// matches rank above compound and fuzzy ones.
/// </para>
/// <para>
/// <b>Changes</b> go to one <see cref="IndexWriter"/> (thread-safe; <see cref="Put"/> replaces a document by its key,
/// <see cref="Remove"/> deletes it); readers use a near-real-time <see cref="SearcherManager"/> refreshed every
/// <see cref="RefreshInterval"/> when something changed, so a change is searchable within that.
/// </para>
/// </summary>
public sealed class SearchIndex : IDisposable
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>Longest query text read; longer queries are refused at the boundary (and cut here, for other callers).</summary>
    public const int MaxQueryLength = 200;

    /// <summary>Words of a query used; the rest is ignored.</summary>
    public const int MaxQueryWords = 8;

    /// <summary>Deepest page: a query never collects more than this many hits.</summary>
    public const int MaxPage = 50;

    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private const int SnippetLength = 180;
    private const int MinSuffix = 4;

    private static readonly string[] Languages = ["nl", "fr", "en"];

    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Analyzer _fold;
    private readonly Analyzer _plain;
    private readonly Dictionary<string, Analyzer> _languageAnalysers;
    private readonly Analyzer _indexAnalyser;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refresher;
    private long _changes;
    private long _refreshedAt;

    /// <summary>An index in memory (<see cref="RAMDirectory"/>), or in <paramref name="path"/> on disk (memory-mapped).</summary>
    public SearchIndex(string? path = null)
    {
        _directory = string.IsNullOrEmpty(path) ? new RAMDirectory() : FSDirectory.Open(path);
        _fold = Analyzer.NewAnonymous((_, reader) =>
        {
            var source = new StandardTokenizer(Version, reader);
            TokenStream stream = new LowerCaseFilter(Version, source);
            stream = new ASCIIFoldingFilter(stream);
            return new TokenStreamComponents(source, stream);
        });
        _plain = Analyzer.NewAnonymous((_, reader) =>
        {
            var source = new StandardTokenizer(Version, reader);
            return new TokenStreamComponents(source, new LowerCaseFilter(Version, source));
        });
        _languageAnalysers = new Dictionary<string, Analyzer>(StringComparer.Ordinal)
        {
            ["nl"] = new DutchAnalyzer(Version),
            ["fr"] = new FrenchAnalyzer(Version),
            ["en"] = new EnglishAnalyzer(Version),
        };
        var perField = new Dictionary<string, Analyzer>(StringComparer.Ordinal)
        {
            [Fields.TitleFolded] = _fold,
            [Fields.AllFolded] = _fold,
            [Fields.Suffixes] = new WhitespaceAnalyzer(Version),
        };
        foreach (var language in Languages)
        {
            perField[Fields.Title(language)] = _languageAnalysers[language];
            perField[Fields.Description(language)] = _languageAnalysers[language];
        }
        _indexAnalyser = new PerFieldAnalyzerWrapper(_fold, perField);
        var config = new IndexWriterConfig(Version, _indexAnalyser) { OpenMode = OpenMode.CREATE, RAMBufferSizeMB = 48 };
        _writer = new IndexWriter(_directory, config);
        _searchers = new SearcherManager(_writer, true, null);
        _refresher = RefreshAsync(_stop.Token);
    }

    /// <summary>Documents searchable now (after the last refresh).</summary>
    public int Count
    {
        get
        {
            var searcher = _searchers.Acquire();
            try
            {
                return searcher.IndexReader.NumDocs;
            }
            finally
            {
                _searchers.Release(searcher);
            }
        }
    }

    /// <summary>Adds <paramref name="document"/>, or replaces the one with its type and id.</summary>
    public void Put(SearchDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _writer.UpdateDocument(new Term(Fields.Key, document.Key), ToLucene(document));
        Interlocked.Increment(ref _changes);
    }

    /// <summary>Removes the document of <paramref name="type"/> and <paramref name="id"/>, if there is one.</summary>
    public void Remove(string type, string id)
    {
        _writer.DeleteDocuments(new Term(Fields.Key, SearchDocument.KeyOf(type, id)));
        Interlocked.Increment(ref _changes);
    }

    /// <summary>Makes every change so far searchable now (tests, the benchmark; the host relies on the periodic refresh).</summary>
    public void Refresh()
    {
        Interlocked.Exchange(ref _refreshedAt, Interlocked.Read(ref _changes));
        _searchers.MaybeRefreshBlocking();
    }

    private async Task RefreshAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var changes = Interlocked.Read(ref _changes);
                if (changes == Interlocked.Read(ref _refreshedAt))
                    continue;
                Interlocked.Exchange(ref _refreshedAt, changes);
                _searchers.MaybeRefreshBlocking();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The page of hits for <paramref name="request"/>, best first, with highlighted titles and snippets.</summary>
    public SearchResults Search(SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var words = Words(request.Text);
        var language = Languages.Contains(request.Language) ? request.Language : "nl";
        var query = BuildQuery(words, language, fuzzy: false);
        if (query is null)
            return new SearchResults(0, [], Stopwatch.GetElapsedTime(started), TimeSpan.Zero);
        var filter = BuildFilter(request.Filters);
        var page = Math.Clamp(request.Page, 1, MaxPage);
        var size = Math.Clamp(request.PageSize, 1, 50);
        var searcher = _searchers.Acquire();
        try
        {
            var top = searcher.Search(query, filter, page * size);
            // Typos second: a fuzzy term expands over the whole vocabulary, so it is only asked when the words as typed find
            // less than a page (a typo rarely finds much; a common word never needs it).
            var fuzzy = false;
            if (top.TotalHits < size && BuildQuery(words, language, fuzzy: true) is { } tolerant)
            {
                top = searcher.Search(tolerant, filter, page * size);
                fuzzy = true;
            }
            var searched = Stopwatch.GetElapsedTime(started);
            var hits = new List<SearchHit>(size);
            var marks = new Marks(this, words, fuzzy);
            for (var i = (page - 1) * size; i < top.ScoreDocs.Length; i++)
            {
                var doc = searcher.Doc(top.ScoreDocs[i].Doc);
                hits.Add(ToHit(doc, marks, language, top.ScoreDocs[i].Score));
            }
            var took = Stopwatch.GetElapsedTime(started);
            return new SearchResults(top.TotalHits, hits, took, took - searched);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>The words of a query: lower-cased tokens of its first <see cref="MaxQueryLength"/> characters, at most <see cref="MaxQueryWords"/>, distinct.</summary>
    internal List<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        if (text.Length > MaxQueryLength)
            text = text[..MaxQueryLength];
        return [.. Tokens(_plain, "q", text).Distinct(StringComparer.Ordinal).Take(MaxQueryWords)];
    }

    private Query? BuildQuery(IReadOnlyList<string> words, string language, bool fuzzy)
    {
        var all = new BooleanQuery();
        foreach (var word in words)
        {
            // A stop word of the reader's language ("de", "le", "the") asks for nothing.
            var stems = Languages.ToDictionary(l => l, l => Tokens(_languageAnalysers[l], "q", word).ToList(), StringComparer.Ordinal);
            if (stems[language].Count == 0)
                continue;
            var folded = Tokens(_fold, "q", word).FirstOrDefault();
            if (folded is null)
                continue;
            var clause = new BooleanQuery();
            foreach (var l in Languages)
            {
                var boost = l == language ? 2f : 1f;
                foreach (var stem in stems[l])
                {
                    clause.Add(Boosted(new TermQuery(new Term(Fields.Title(l), stem)), 4f * boost), Occur.SHOULD);
                    clause.Add(Boosted(new TermQuery(new Term(Fields.Description(l), stem)), 1.5f * boost), Occur.SHOULD);
                }
            }
            clause.Add(Boosted(new TermQuery(new Term(Fields.TitleFolded, folded)), 3f), Occur.SHOULD);
            clause.Add(Boosted(new TermQuery(new Term(Fields.AllFolded, folded)), 1.5f), Occur.SHOULD);
            if (folded.Length >= MinSuffix)
                clause.Add(Boosted(new ConstantScoreQuery(new PrefixQuery(new Term(Fields.Suffixes, folded))), 0.6f), Occur.SHOULD);
            if (fuzzy && folded.Length >= 4)
            {
                var edits = folded.Length >= 8 ? 2 : 1;
                clause.Add(Boosted(new FuzzyQuery(new Term(Fields.AllFolded, folded), edits, 1, 50, true), 0.4f), Occur.SHOULD);
            }
            all.Add(clause, Occur.MUST);
        }
        return all.Clauses.Count == 0 ? null : all;
    }

    private static Query Boosted(Query query, float boost)
    {
        query.Boost = boost;
        return query;
    }

    private static Filter? BuildFilter(SearchFilters? filters)
    {
        if (filters is null)
            return null;
        var must = new BooleanQuery();
        void Add(string field, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                must.Add(new TermQuery(new Term(field, value)), Occur.MUST);
        }
        Add(Fields.Type, filters.Type);
        Add(Fields.Neighbourhood, filters.Neighbourhood);
        Add(Fields.Kind, filters.Kind);
        Add(Fields.Level, filters.Level);
        Add(Fields.Status, filters.Status);
        Add(Fields.Goal, filters.Goal);
        return must.Clauses.Count == 0 ? null : new QueryWrapperFilter(must);
    }

    /// <summary>
    /// What the highlighter marks in the shown text, over its folded words: each query word itself, a word that holds one of
    /// its stems in any language (a plural, a compound: "schoolfietsen" for "fiets"), and, when the typo-tolerant query was
    /// asked, a word within its edit distance. Worked out here per text, so that the highlighter gets plain terms and needs no
    /// in-memory index to expand wildcards and fuzzy terms (that cost a millisecond a hit).
    /// </summary>
    private sealed class Marks
    {
        private readonly List<(string Word, string[] Stems)> _words;
        private readonly bool _fuzzy;

        public Marks(SearchIndex index, IReadOnlyList<string> words, bool fuzzy)
        {
            _fuzzy = fuzzy;
            _words = [];
            foreach (var word in words)
            {
                if (Tokens(index._fold, "q", word).FirstOrDefault() is not { } folded)
                    continue;
                var stems = Languages.SelectMany(l => Tokens(index._languageAnalysers[l], "q", word))
                    .SelectMany(stem => Tokens(index._fold, "q", stem)).Where(stem => stem.Length >= 3).Distinct(StringComparer.Ordinal).ToArray();
                _words.Add((folded, stems));
            }
        }

        public bool Match(string token)
        {
            foreach (var (word, stems) in _words)
            {
                if (token == word)
                    return true;
                foreach (var stem in stems)
                {
                    if (token.Contains(stem, StringComparison.Ordinal))
                        return true;
                }
                if (_fuzzy && word.Length >= 4 && WithinEdits(token, word, word.Length >= 8 ? 2 : 1))
                    return true;
            }
            return false;
        }

        /// <summary>Whether <paramref name="a"/> is at most <paramref name="max"/> insertions, deletions, substitutions or swaps of neighbours from <paramref name="b"/>.</summary>
        private static bool WithinEdits(string a, string b, int max)
        {
            if (Math.Abs(a.Length - b.Length) > max)
                return false;
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
                d[i, 0] = i;
            for (var j = 0; j <= b.Length; j++)
                d[0, j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
            return d[a.Length, b.Length] <= max;
        }
    }

    private SearchHit ToHit(Document doc, Marks marks, string language, float score)
    {
        var original = doc.Get(Fields.OriginalLanguage) ?? "nl";
        var (title, titleLanguage) = Resolve(doc, "t.", language, original);
        var (description, _) = Resolve(doc, "d.", language, original);
        var titleHtml = Mark(marks, title, new NullFragmenter()) ?? HtmlText.Escape(title);
        string? snippet = null;
        if (!string.IsNullOrEmpty(description))
            snippet = Mark(marks, description, new SimpleFragmenter(SnippetLength)) ?? HtmlText.Escape(Shorten(description));
        return new SearchHit(
            doc.Get(Fields.Type), doc.Get(Fields.Id), doc.Get(Fields.Url), title, titleLanguage, titleHtml, snippet, score,
            doc.Get(Fields.OwnerId), doc.Get(Fields.OwnerName));
    }

    private static readonly SimpleHTMLFormatter Formatter = new("<mark>", "</mark>");

    /// <summary>The text as HTML with the words <paramref name="marks"/> matches in &lt;mark&gt; (its best fragment), or null when none matches.</summary>
    private string? Mark(Marks marks, string text, IFragmenter fragmenter)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        var query = new BooleanQuery();
        foreach (var token in Tokens(_fold, Fields.Highlight, text).Distinct(StringComparer.Ordinal))
        {
            if (marks.Match(token))
                query.Add(new TermQuery(new Term(Fields.Highlight, token)), Occur.SHOULD);
        }
        if (query.Clauses.Count == 0)
            return null;
        var scorer = new QueryScorer(query, Fields.Highlight) { ExpandMultiTermQuery = false };
        var highlighter = new Highlighter(Formatter, HtmlText.Instance, scorer) { TextFragmenter = fragmenter };
        var marked = highlighter.GetBestFragment(_fold.GetTokenStream(Fields.Highlight, text), text);
        return string.IsNullOrEmpty(marked) ? null : marked;
    }

    private static string Shorten(string text) => text.Length <= SnippetLength ? text : text[..SnippetLength].TrimEnd() + "…";

    private static (string Text, string Language) Resolve(Document doc, string prefix, string language, string original)
    {
        if (doc.Get(prefix + language) is { Length: > 0 } text)
            return (text, language);
        return (doc.Get(prefix + original) ?? "", original);
    }

    private static IEnumerable<string> Tokens(Analyzer analyser, string field, string text)
    {
        using var stream = analyser.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        var tokens = new List<string>();
        while (stream.IncrementToken())
            tokens.Add(term.ToString());
        stream.End();
        return tokens;
    }

    private Document ToLucene(SearchDocument d)
    {
        var doc = new Document
        {
            new StringField(Fields.Key, d.Key, Field.Store.NO),
            new StringField(Fields.Type, d.Type, Field.Store.YES),
            new StoredField(Fields.Id, d.Id),
            new StoredField(Fields.Url, d.Url),
            new StoredField(Fields.OriginalLanguage, d.OriginalLanguage),
        };
        foreach (var (language, text) in d.Titles)
            doc.Add(new StoredField("t." + language, text));
        foreach (var (language, text) in d.Descriptions)
            doc.Add(new StoredField("d." + language, text));
        if (d.OwnerId is { } ownerId)
            doc.Add(new StoredField(Fields.OwnerId, ownerId));
        if (d.OwnerName is { } ownerName)
            doc.Add(new StoredField(Fields.OwnerName, ownerName));

        var titles = d.Titles.Values.Distinct(StringComparer.Ordinal).ToList();
        var descriptions = d.Descriptions.Values.Distinct(StringComparer.Ordinal).ToList();
        foreach (var language in Languages)
        {
            foreach (var title in titles)
                doc.Add(new Field(Fields.Title(language), title, Analysed));
            foreach (var description in descriptions.Concat(d.Extra))
                doc.Add(new Field(Fields.Description(language), description, Analysed));
        }
        foreach (var title in titles)
            doc.Add(new Field(Fields.TitleFolded, title, Analysed));
        foreach (var text in titles.Concat(descriptions).Concat(d.Extra))
            doc.Add(new Field(Fields.AllFolded, text, Analysed));
        var suffixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in titles.Concat(d.Extra))
        {
            foreach (var word in Tokens(_fold, Fields.AllFolded, text))
            {
                for (var start = 0; word.Length - start >= MinSuffix; start++)
                    suffixes.Add(word[start..]);
            }
        }
        if (suffixes.Count > 0)
            doc.Add(new Field(Fields.Suffixes, string.Join(' ', suffixes), Keywords));

        Filter(doc, Fields.Neighbourhood, d.Neighbourhood);
        Filter(doc, Fields.Kind, d.Kind);
        Filter(doc, Fields.Level, d.Level);
        Filter(doc, Fields.Status, d.Status);
        foreach (var goal in d.Goals)
            Filter(doc, Fields.Goal, goal);
        return doc;
    }

    private static void Filter(Document doc, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            doc.Add(new StringField(field, value, Field.Store.NO));
    }

    /// <summary>Analysed text without positions (no phrase queries are asked): smaller and faster.</summary>
    private static readonly FieldType Analysed = Frozen(new FieldType { IsIndexed = true, IsTokenized = true, IndexOptions = IndexOptions.DOCS_AND_FREQS });

    /// <summary>Suffixes: only whether a document has them.</summary>
    private static readonly FieldType Keywords = Frozen(new FieldType { IsIndexed = true, IsTokenized = true, OmitNorms = true, IndexOptions = IndexOptions.DOCS_ONLY });

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stop.Cancel();
        try
        {
            _refresher.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        _indexAnalyser.Dispose();
        _plain.Dispose();
        _stop.Dispose();
    }

    private static class Fields
    {
        public const string Key = "key";
        public const string Type = "type";
        public const string Id = "id";
        public const string Url = "url";
        public const string OriginalLanguage = "lang";
        public const string OwnerId = "owner";
        public const string OwnerName = "ownerName";
        public const string TitleFolded = "title_f";
        public const string AllFolded = "all_f";
        public const string Suffixes = "sfx";
        public const string Highlight = "hl";
        public const string Neighbourhood = "neighbourhood";
        public const string Kind = "kind";
        public const string Level = "level";
        public const string Status = "status";
        public const string Goal = "goal";

        public static string Title(string language) => "title_" + language;

        public static string Description(string language) => "desc_" + language;
    }

    /// <summary>Escapes text for HTML (only what must be: &amp;, &lt;, &gt;, quotes), so accents stay readable in JSON.</summary>
    private sealed class HtmlText : IEncoder
    {
        public static readonly HtmlText Instance = new();

        public string EncodeText(string originalText) => Escape(originalText);

        public static string Escape(string text)
        {
            var html = new StringBuilder(text.Length + 16);
            foreach (var c in text)
            {
                html.Append(c switch
                {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#39;",
                    _ => c.ToString(),
                });
            }
            return html.ToString();
        }
    }
}

/// <summary>
/// One searchable thing: its <see cref="Type"/> (goal, commitment, participant, session, place), id, page, texts by
/// language (title and description, the original's language named), further words it is found by (<see cref="Extra"/>:
/// actions' titles, the owner's public name, a place's name) and its filter values.
/// </summary>
public sealed record SearchDocument(
    string Type,
    string Id,
    string Url,
    string OriginalLanguage,
    IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Descriptions,
    IReadOnlyList<string> Extra,
    string? Neighbourhood = null,
    string? Kind = null,
    string? Level = null,
    string? Status = null,
    IReadOnlyList<string>? GoalIds = null,
    string? OwnerId = null,
    string? OwnerName = null)
{
    public string Key => KeyOf(Type, Id);

    public IReadOnlyList<string> Goals => GoalIds ?? [];

    public static string KeyOf(string type, string id) => type + ":" + id;
}

/// <summary>The types of documents, as the API names them.</summary>
public static class SearchTypes
{
    public const string Goal = "goal";
    public const string Commitment = "commitment";
    public const string Participant = "participant";
    public const string Session = "session";
    public const string Place = "place";

    public static IReadOnlyList<string> All { get; } = [Goal, Commitment, Participant, Session, Place];
}

/// <summary>Filter values, each null for "any" (API names: neighbourhood code, participant kind, level, status, goal id, type).</summary>
public sealed record SearchFilters(string? Type = null, string? Neighbourhood = null, string? Kind = null, string? Level = null, string? Status = null, string? Goal = null);

public sealed record SearchRequest(string Text, string Language, SearchFilters? Filters = null, int Page = 1, int PageSize = 20);

/// <summary>
/// One hit: what it is, its page, the title in the reader's language (or the original, with the language it is in), the
/// title and a snippet of its description as HTML (escaped text, matches in <c>&lt;mark&gt;</c>).
/// </summary>
public sealed record SearchHit(
    string Type, string Id, string Url, string Title, string Language, string TitleHtml, string? SnippetHtml, float Score,
    string? OwnerId, string? OwnerName);

/// <summary>The hits of a page, their total, how long the search took, and how much of that went to reading and highlighting the page's hits.</summary>
public sealed record SearchResults(int Total, IReadOnlyList<SearchHit> Hits, TimeSpan Took, TimeSpan Highlighting);
