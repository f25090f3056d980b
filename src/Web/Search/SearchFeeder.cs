using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Places;
using CivicContracting.Sessions;
using CivicContracting.Texts;
using CivicContracting.Web.Json;
using CivicContracting.Web.ReadModel;

namespace CivicContracting.Web.Search;

/// <summary>
/// Keeps this host's <see cref="SiteSearch"/> index following the city, at O(what changed).
/// <para>
/// <b>Commitments.</b> Every contribution this host's read model keeps (<see cref="ContributionIndex.Applied"/>: the
/// shards' pushes, so every web host — co-hosted or a client of a silo cluster — is fed by the same deltas) names a
/// commitment and its version; the feeder reads that commitment's view once (a newer version than the one indexed only),
/// redacts it as the public reads it (<see cref="PublicView"/>) and replaces its document. A draft is never indexed (and
/// removed if it was); a commitment whose text moderators hid is indexed without its text. Its owner's public name is
/// indexed with it, and the owner as a participant of their own.
/// </para>
/// <para>
/// <b>Goals</b> follow <see cref="SiteData.GoalsReplaced"/> (by version); <b>sessions</b> the session directory, looked at
/// every <see cref="SessionCheck"/>; <b>places</b> are reference data, indexed once.
/// </para>
/// <para>
/// <b>Start.</b> The index lives in memory and is built anew at every start, in the background, from the read model
/// (every commitment once the lists are loaded). Until then searches answer what is indexed so far, marked as partial
/// (<see cref="SiteSearch.IsComplete"/>).
/// </para>
/// </summary>
public sealed partial class SearchFeeder : BackgroundService
{
    /// <summary>Commitment views read at once: enough to keep up with a busy city, few enough not to crowd the silo.</summary>
    private const int ReadParallelism = 8;

    private const int Batch = 512;

    public static readonly TimeSpan SessionCheck = TimeSpan.FromSeconds(2);

    private readonly IClusterClient _orleans;
    private readonly SiteData _data;
    private readonly SiteSearch _search;
    private readonly CommitmentViews _views;
    private readonly ILogger<SearchFeeder> _logger;
    private readonly Channel<(string Id, long Version)> _commitments = Channel.CreateUnbounded<(string, long)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, long> _indexedCommitments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _indexedGoals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _indexedParticipants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _indexedSessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _goalGate = new(1, 1);
    private long _queued;
    private long _done;

    public SearchFeeder(IClusterClient orleans, SiteData data, SiteSearch search, CommitmentViews views, ILogger<SearchFeeder> logger)
    {
        _orleans = orleans;
        _data = data;
        _search = search;
        _views = views;
        _logger = logger;
        data.Contributions.Applied += OnApplied;
        data.GoalsReplaced += OnGoalsReplaced;
        search.StaleParticipant += id => _ = RefreshParticipantAsync(id);
    }

    /// <summary>Commitments waiting to be (re)indexed.</summary>
    public long Pending => Interlocked.Read(ref _queued) - Interlocked.Read(ref _done);

    private void OnApplied(IReadOnlyList<Contribution> contributions)
    {
        foreach (var c in contributions)
            Enqueue(c.CommitmentId, c.Version);
    }

    private void Enqueue(string id, long version)
    {
        if (_indexedCommitments.TryGetValue(id, out var held) && held >= version)
            return;
        Interlocked.Increment(ref _queued);
        _commitments.Writer.TryWrite((id, version));
    }

    private void OnGoalsReplaced(ImmutableArray<GoalInfo> goals) => _ = IndexGoalsAsync(goals);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IndexPlaces();
        var consumer = ConsumeAsync(stoppingToken);
        var sessions = WatchSessionsAsync(stoppingToken);
        try
        {
            await _data.WhenLoaded(stoppingToken);
            await IndexGoalsAsync(_data.Goals);
            await _data.WhenListsLoaded(stoppingToken);
            // Whatever the pushes did not bring while this service started: every commitment held (already indexed ones are skipped by version).
            foreach (var c in _data.Contributions.Snapshot())
                Enqueue(c.CommitmentId, c.Version);
            while (Pending > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
            _search.MarkComplete();
            LogBuilt(_logger, _indexedCommitments.Count, _search.Index.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await consumer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await sessions.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var reader = _commitments.Reader;
        var batch = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var taken = 0;
                while (batch.Count < Batch && reader.TryRead(out var item))
                {
                    taken++;
                    batch[item.Id] = Math.Max(item.Version, batch.GetValueOrDefault(item.Id));
                }
                await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = stoppingToken },
                    async (item, _) => await IndexCommitmentAsync(item.Key, item.Value));
                Interlocked.Add(ref _done, taken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task IndexCommitmentAsync(string id, long version, bool force = false)
    {
        if (!force && _indexedCommitments.TryGetValue(id, out var held) && held >= version)
            return;
        try
        {
            // Straight from the grain: a city's worth of views would only churn the pages' bounded cache. GetOnce lets go of
            // an activation this read started, so the rebuild at start does not keep every commitment in the silo's memory.
            var view = await _orleans.GetGrain<ICommitmentGrain>(id).GetOnce();
            if (view is null || view.Status == CommitmentStatus.Draft)
            {
                _search.Index.Remove(SearchTypes.Commitment, id);
                _indexedCommitments[id] = Math.Max(version, view?.Version ?? 0);
                return;
            }
            var profile = await _views.ProfileAsync(view.ParticipantId);
            var owner = profile?.DisplayName;
            _search.Index.Put(Commitment(PublicView.Redact(view), owner, profile?.Kind));
            _indexedCommitments.AddOrUpdate(id, view.Version, (_, old) => Math.Max(old, view.Version));
            if (profile is not null && (!_indexedParticipants.TryGetValue(profile.Id, out var name) || name != profile.DisplayName))
            {
                _search.Index.Put(Participant(profile.Id, profile.DisplayName, profile.Kind, profile.NeighbourhoodCode));
                _indexedParticipants[profile.Id] = profile.DisplayName;
            }
        }
        catch (Exception ex)
        {
            LogIndexFailed(_logger, ex, id);
        }
    }

    /// <summary>A hit showed a participant's name that is no longer theirs (renamed, or the account deleted): index them and their commitments again.</summary>
    private async Task RefreshParticipantAsync(string participantId)
    {
        try
        {
            var profile = await _orleans.GetGrain<CivicContracting.Participants.IParticipantGrain>(participantId).GetProfile();
            if (profile is null)
            {
                _search.Index.Remove(SearchTypes.Participant, participantId);
                _indexedParticipants.TryRemove(participantId, out _);
                return;
            }
            _search.Index.Put(Participant(profile.Id, profile.DisplayName, profile.Kind, profile.NeighbourhoodCode));
            _indexedParticipants[profile.Id] = profile.DisplayName;
            foreach (var id in profile.CommitmentIds.Take(1_000))
                await IndexCommitmentAsync(id, 0, force: true);
        }
        catch (Exception ex)
        {
            LogIndexFailed(_logger, ex, participantId);
        }
    }

    private async Task IndexGoalsAsync(IReadOnlyList<GoalInfo> goals)
    {
        await _goalGate.WaitAsync();
        try
        {
            foreach (var goal in goals)
            {
                if (_indexedGoals.TryGetValue(goal.Id, out var held) && held >= goal.Version)
                    continue;
                _search.Index.Put(Goal(goal));
                _indexedGoals[goal.Id] = goal.Version;
            }
        }
        catch (Exception ex)
        {
            LogIndexFailed(_logger, ex, "goals");
        }
        finally
        {
            _goalGate.Release();
        }
    }

    private void IndexPlaces()
    {
        foreach (var place in PlaceCatalog.Leuven.All)
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal) { [ContentLanguage.Dutch] = place.Name };
            _search.Index.Put(new SearchDocument(SearchTypes.Place, place.Code, "/places/" + Uri.EscapeDataString(place.Code), ContentLanguage.Dutch,
                names, new Dictionary<string, string>(), [],
                Neighbourhood: place.Level == PlaceLevel.Neighbourhood ? place.Code : null));
        }
    }

    /// <summary>The session directory, every <see cref="SessionCheck"/>: sessions are few (a handful a month), their lines small.</summary>
    private async Task WatchSessionsAsync(CancellationToken stoppingToken)
    {
        const int take = 100;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var directory = _orleans.GetGrain<ICoCreationSessionDirectoryGrain>(0);
                    for (var skip = 0; skip < 100_000; skip += take)
                    {
                        var page = await directory.List(skip, take);
                        foreach (var listing in page.Items)
                        {
                            var signature = Signature(listing);
                            if (_indexedSessions.TryGetValue(listing.Id, out var held) && held == signature)
                                continue;
                            _search.Index.Put(Session(listing));
                            _indexedSessions[listing.Id] = signature;
                        }
                        if (page.Items.Count < take)
                            break;
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogIndexFailed(_logger, ex, "sessions");
                }
                await Task.Delay(SessionCheck, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static string Signature(CoCreationSessionListing l) =>
        string.Join('\u001f', l.Title, l.NeighbourhoodCode, l.Kind, l.Language, l.TitleTranslations?.Nl, l.TitleTranslations?.Fr, l.TitleTranslations?.En,
            string.Join(',', l.GoalIds ?? []));

    internal static SearchDocument Commitment(CommitmentView view, string? ownerName, CivicContracting.Participants.ParticipantKind? kind)
    {
        var language = ContentLanguage.OriginalOf(view.Language);
        IReadOnlyDictionary<string, string> titles;
        IReadOnlyDictionary<string, string> descriptions;
        List<string> extra = [];
        if (view.TextHidden)
        {
            // Hidden: the public reads a placeholder; none of the text is indexed, not even in the description's place.
            titles = new Dictionary<string, string>(StringComparer.Ordinal) { [language] = ModerationRules.HiddenTitle };
            descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        }
        else
        {
            titles = ContentTranslations.ToMap(view.Terms.Title, view.Language, view.TitleTranslations);
            descriptions = ContentTranslations.ToMap(view.Terms.Description, view.Language, view.DescriptionTranslations);
            extra.AddRange((view.Terms.Milestones ?? []).Select(m => m.Title));
        }
        if (!string.IsNullOrWhiteSpace(ownerName))
            extra.Add(ownerName);
        return new SearchDocument(SearchTypes.Commitment, view.Id, "/commitments/" + Uri.EscapeDataString(view.Id), language, titles, descriptions, extra,
            Neighbourhood: view.NeighbourhoodCode,
            Kind: kind is { } k ? ApiJson.CamelCase(k.ToString()) : null,
            Level: ApiJson.CamelCase(view.Terms.Level.ToString()),
            Status: ApiJson.CamelCase(view.Status.ToString()),
            GoalIds: [.. view.Goals.Select(g => g.GoalId)],
            OwnerId: view.ParticipantId,
            OwnerName: ownerName);
    }

    internal static SearchDocument Participant(string id, string name, CivicContracting.Participants.ParticipantKind kind, string neighbourhood) =>
        new(SearchTypes.Participant, id, "/participants/" + Uri.EscapeDataString(id), ContentLanguage.Dutch,
            new Dictionary<string, string>(StringComparer.Ordinal) { [ContentLanguage.Dutch] = name }, new Dictionary<string, string>(), [],
            Neighbourhood: neighbourhood, Kind: ApiJson.CamelCase(kind.ToString()), OwnerId: id, OwnerName: name);

    internal static SearchDocument Goal(GoalInfo goal)
    {
        var d = goal.Definition;
        return new SearchDocument(SearchTypes.Goal, goal.Id, "/goals/" + Uri.EscapeDataString(goal.Id), ContentLanguage.OriginalOf(d.Language),
            ContentTranslations.ToMap(d.Title, d.Language, d.TitleTranslations),
            ContentTranslations.ToMap(d.Description, d.Language, d.DescriptionTranslations), [],
            Neighbourhood: d.Scope.Level == PlaceLevel.Neighbourhood && d.Scope.PlaceCodes.Count == 1 ? d.Scope.PlaceCodes[0] : null,
            GoalIds: [goal.Id, .. goal.Lineage]);
    }

    internal static SearchDocument Session(CoCreationSessionListing l) =>
        new(SearchTypes.Session, l.Id, "/sessions/" + Uri.EscapeDataString(l.Id), ContentLanguage.OriginalOf(l.Language),
            ContentTranslations.ToMap(l.Title, l.Language, l.TitleTranslations), new Dictionary<string, string>(),
            PlaceCatalog.Leuven.TryGet(l.NeighbourhoodCode, out var place) ? [place.Name] : [],
            Neighbourhood: l.NeighbourhoodCode, GoalIds: l.GoalIds ?? []);

    public override void Dispose()
    {
        _data.Contributions.Applied -= OnApplied;
        _data.GoalsReplaced -= OnGoalsReplaced;
        _goalGate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index built: {Commitments} commitments read, {Documents} documents")]
    private static partial void LogBuilt(ILogger logger, int commitments, int documents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not index {What}; it is indexed again at its next change")]
    private static partial void LogIndexFailed(ILogger logger, Exception ex, string what);
}
