using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CivicContracting.Following;

/// <summary>Which bucket of a topic an account belongs to, and the buckets' grain keys.</summary>
internal static class FollowerBuckets
{
    /// <summary>
    /// FNV-1a over the id's characters: stable across processes and versions (string.GetHashCode is randomised per
    /// process), because stored bucket memberships depend on it.
    /// </summary>
    public static int Of(string accountId)
    {
        var hash = 2166136261u;
        foreach (var c in accountId)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return (int)(hash % FollowRules.BucketCount);
    }

    public static string Key(FollowTopic topic, int bucket) => $"{topic.Key}#{bucket.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string key, [NotNullWhen(true)] out FollowTopic? topic, out int bucket)
    {
        topic = null;
        bucket = -1;
        var hash = key.LastIndexOf('#');
        return hash > 0
            && int.TryParse(key.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out bucket)
            && bucket is >= 0 and < FollowRules.BucketCount
            && FollowTopic.TryParseKey(key[..hash], out topic);
    }
}
