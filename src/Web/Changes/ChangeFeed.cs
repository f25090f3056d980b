using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Places;
using CivicContracting.Texts;
using CivicContracting.Web.Content;
using CivicContracting.Web.OpenData;
using CivicContracting.Web.ReadModel;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Changes;

/// <summary>Settings of the open feed (configuration section "Feed").</summary>
public sealed class FeedOptions
{
    public const string SectionName = "Feed";

    /// <summary>
    /// How old a change must be before the feed serves it: a change reaches each web host a moment after it is made (the
    /// shards' deltas, the goal directory's poll every 10 s), so a reader that passed a moment must not see a change
    /// dated before it appear later. Seconds, 0 to 3600.
    /// </summary>
    [Range(0, 3600)]
    public int SettleSeconds { get; set; } = 15;

    /// <summary>Commitments read from their grains at once for one page (their texts, for commitments that changed since this host last read them).</summary>
    [Range(1, 64)]
    public int ReadParallelism { get; set; } = 8;

    /// <summary>Pages built at once by this host; a request beyond that is refused with 429 and Retry-After.</summary>
    [Range(1, 256)]
    public int ConcurrentPages { get; set; } = 8;
}

/// <summary>
/// The open commitment feed (docs/open-civic-commitments.md): every public entity once, at its newest change, in the order
/// (changed at, entity, id), which every web host computes alike from what it holds. Served from this host's memory: the
/// places are one entry, the goals a sorted array (rebuilt when the goals change; there are tens), the commitments
/// <see cref="ContributionIndex.ChangedAfter"/> (O(log n + page)); only a page's commitments are read for their text,
/// through <see cref="CommitmentViews"/> (which reads a commitment again only when its version changed), a few at a time.
/// </summary>
public sealed class ChangeFeed(SiteData data, CommitmentViews views, IOptions<FeedOptions> options, IOptions<OpenDataOptions> openData, TimeProvider clock) : IDisposable
{
    public const string SpecificationName = "Open Civic Commitments";
    public const string SpecificationVersion = "1.0";
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    /// <summary>When the places entry changed: the catalog's release (a new catalog moves this date on).</summary>
    public static readonly DateTimeOffset PlacesChangedAt = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SemaphoreSlim _pages = new(options.Value.ConcurrentPages, options.Value.ConcurrentPages);
    private volatile GoalOrder? _goalOrder;

    /// <summary>Takes a slot to build a page; false when this host is building as many as it allows.</summary>
    public bool TryEnter() => _pages.Wait(0);

    public void Exit() => _pages.Release();

    public void Dispose() => _pages.Dispose();

    public FeedLicence Licence
    {
        get
        {
            var o = openData.Value;
            return new FeedLicence(o.LicenceId, o.LicenceName, o.LicenceUrl, o.Publisher, o.PublisherUrl);
        }
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="since"/> (from the start when null).</summary>
    public async Task<FeedPage> PageAsync(FeedCursor? since, int limit, CancellationToken cancellationToken)
    {
        await data.WhenListsLoaded(cancellationToken);
        var settledUntil = clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.SettleSeconds);
        // One more than asked from each source: whether anything is left up to the settled moment.
        var take = limit + 1;
        var keys = new List<(FeedCursor Key, object Source)>(take * 2);

        var places = FeedCursor.Of(PlacesChangedAt, FeedEntity.Places, PlaceCatalog.CityCode);
        if ((since is null || places > since.Value) && PlacesChangedAt <= settledUntil)
            keys.Add((places, PlaceCatalog.Leuven));

        var goals = GoalsInOrder();
        var first = since is { } s ? goals.FirstAfter(s) : 0;
        for (var i = first; i < goals.Keys.Length && i < first + take && goals.Keys[i].At <= settledUntil; i++)
            keys.Add((goals.Keys[i], goals.Goals[i]));

        var (at, afterId) = since switch
        {
            null => ((DateTimeOffset?)null, ""),
            { Entity: FeedEntity.Commitment } c => (c.At, c.Id),
            // Before the commitments changed at that moment: an id sorts after the empty one.
            { } c => (c.At, ""),
        };
        foreach (var c in data.Contributions.ChangedAfter(at, afterId, settledUntil, take))
            keys.Add((FeedCursor.Of(c.UpdatedAt, FeedEntity.Commitment, c.CommitmentId), c));

        keys.Sort((a, b) => a.Key.CompareTo(b.Key));
        var complete = keys.Count <= limit;
        var chosen = keys.Take(limit).ToList();
        var entries = new object?[chosen.Count];
        for (var i = 0; i < chosen.Count; i++)
        {
            entries[i] = chosen[i].Source switch
            {
                PlaceCatalog catalog => PlacesEntry(catalog),
                GoalInfo goal => GoalEntry(goal),
                Contribution { Status: CommitmentStatus.Draft } draft => Withheld(draft),
                _ => null,
            };
        }
        var toRead = chosen.Select((k, i) => (k.Source, i)).Where(x => entries[x.i] is null).ToList();
        await Parallel.ForEachAsync(toRead, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ReadParallelism, CancellationToken = cancellationToken },
            async (x, _) => entries[x.i] = await CommitmentEntryAsync((Contribution)x.Source));

        var next = chosen.Count > 0 ? chosen[^1].Key.ToString() : since?.ToString();
        return new FeedPage(SpecificationName, SpecificationVersion, Licence, [.. entries.OfType<object>()], next, complete, settledUntil);
    }

    public static FeedPlacesEntry PlacesEntry(PlaceCatalog catalog) => new(FeedEntryTypes.Places, PlaceCatalog.CityCode, 1, PlacesChangedAt,
        [.. catalog.All.Select(p => new FeedPlace(p.Code, p.Name, p.Level, p.ParentCode, p.SelfAndAncestors, [p.LabelLongitude, p.LabelLatitude]))]);

    public static FeedGoalEntry GoalEntry(GoalInfo goal)
    {
        var d = goal.Definition;
        return new FeedGoalEntry(FeedEntryTypes.Goal, goal.Id, Math.Max(1, goal.Version), ChangedAt(goal), d.ParentGoalId, goal.Lineage,
            d.Scope.Level, d.Scope.PlaceCodes, d.Title, d.Description, ContentLanguage.OriginalOf(d.Language),
            new TranslationsView(ContentText.Map(d.Title, d.Language, d.TitleTranslations), ContentText.Map(d.Description, d.Language, d.DescriptionTranslations)),
            Target(d.Target), d.RollUp, d.Illustrative,
            d.CitizenPanelWording is { } w ? new FeedPanelWording(w.Text, w.Source, w.SourceUrl) : null,
            goal.CreatedAt, goal.RevisedAt, goal.RevisedBy);
    }

    public static FeedWithheldEntry Withheld(Contribution c) => new(FeedEntryTypes.Withheld, c.CommitmentId, c.Version, c.UpdatedAt,
        FeedEntryTypes.Commitment, "draft", c.Status, c.ConfirmedAt, Scopes(c));

    private async Task<FeedCommitmentEntry> CommitmentEntryAsync(Contribution c)
    {
        // The public view (what moderators hid is redacted), at least as new as the contribution.
        var viewTask = views.GetAsync(c.CommitmentId);
        var profile = await views.ProfileAsync(c.ParticipantId);
        var view = await viewTask;
        var terms = view?.Terms;
        var verifications = view?.Verifications ?? [];
        return new FeedCommitmentEntry(
            FeedEntryTypes.Commitment, c.CommitmentId, c.Version, c.UpdatedAt,
            c.Status, c.Level, !c.NotInForce, c.ConfirmedAt, c.Progress, c.VerifiedProgress, c.OnTrack, c.ClaimTier, Scopes(c),
            new FeedOwner(c.ParticipantId, c.ParticipantKind, profile?.DisplayName),
            [.. (view?.Goals ?? []).Select(g => new FeedGoalWeight(g.GoalId, g.Weight))],
            view?.NeighbourhoodCode,
            terms is null ? null : new FeedTerms(terms.Level, terms.Title, terms.Description,
                [.. (terms.Milestones ?? []).Select(m => new FeedMilestone(m.Id, m.Title, m.DueDate))], Target(terms.Target)),
            view?.TermsVersion ?? 0,
            view is null ? null : ContentLanguage.OriginalOf(view.Language),
            view is null || terms is null ? null : new TranslationsView(
                ContentText.Map(terms.Title, view.Language, view.TitleTranslations), ContentText.Map(terms.Description, view.Language, view.DescriptionTranslations)),
            view?.Confirmation is { } confirmation ? new FeedConfirmation(confirmation.ConfirmedAt, confirmation.TextHash, confirmation.TermsVersion, confirmation.Language) : null,
            view?.TextHidden == true || view?.TextHiddenBy() is not null,
            view?.WithdrawalReason,
            view?.IsTemplate ?? false,
            view?.TemplateId,
            view?.SessionId,
            view?.CurrentValue,
            view?.CompletedMilestoneIds ?? [],
            view?.ReportCount ?? 0,
            [.. (view?.Reports ?? []).Select(r => new FeedReport(r.ReportId, r.ReportedAt, r.Value, r.CompletedMilestoneId, r.Note, r.EvidenceUrl,
                verifications.LastOrDefault(v => v.ReportId == r.ReportId)?.Tier))],
            view?.CreatedAt);
    }

    private static IReadOnlyList<FeedScope> Scopes(Contribution c) => [.. c.Scopes.Select(s => new FeedScope(s.Scope, s.Weight))];

    private static FeedTarget? Target(QuantitativeTarget? t) => t is null ? null : new FeedTarget(t.Metric, t.Unit, t.Baseline, t.Target, t.Deadline);

    public static DateTimeOffset ChangedAt(GoalInfo goal) => goal.RevisedAt ?? goal.CreatedAt;

    private GoalOrder GoalsInOrder()
    {
        var goals = data.Goals;
        var held = _goalOrder;
        if (held is not null && held.Source == goals)
            return held;
        var ordered = goals.Select(g => (Key: FeedCursor.Of(ChangedAt(g), FeedEntity.Goal, g.Id), Goal: g))
            .DistinctBy(g => g.Goal.Id, StringComparer.Ordinal).OrderBy(g => g.Key).ToArray();
        var order = new GoalOrder(goals, [.. ordered.Select(g => g.Key)], [.. ordered.Select(g => g.Goal)]);
        _goalOrder = order;
        return order;
    }

    /// <summary>The goals in feed order, for one version of <see cref="SiteData.Goals"/>.</summary>
    private sealed record GoalOrder(ImmutableArray<GoalInfo> Source, FeedCursor[] Keys, GoalInfo[] Goals)
    {
        /// <summary>The index of the first goal after <paramref name="cursor"/>: a binary search.</summary>
        public int FirstAfter(FeedCursor cursor)
        {
            int lo = 0, hi = Keys.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (Keys[mid] <= cursor)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            return lo;
        }
    }
}
