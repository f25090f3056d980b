namespace CivicContracting.Following;

[GenerateSerializer, Alias("cc.FeedState.v1")]
public sealed class FeedState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public List<FeedEntry> Items { get; set; } = [];
    [Id(1)] public long LastSequence { get; set; }
    [Id(2)] public long ReadUpTo { get; set; }
    /// <summary>Oldest first; see <c>FeedGrain.RememberedEventIds</c>.</summary>
    [Id(3)] public List<string> RecentEventIds { get; set; } = [];
    /// <summary>Keys of the topics the account follows.</summary>
    [Id(4)] public HashSet<string> Topics { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public bool EmailEnabled { get; set; }
    [Id(6)] public string? EmailAddress { get; set; }
    /// <summary>The account's language (nl, fr, en) for the feed's e-mails; null (never told, stored before): Dutch.</summary>
    [Id(7)] public string? Language { get; set; }
}
