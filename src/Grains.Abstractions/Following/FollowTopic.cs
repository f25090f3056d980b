using System.Diagnostics.CodeAnalysis;
using Orleans.Concurrency;

namespace CivicContracting.Following;

/// <summary>The kinds of thing a signed-in person can follow.</summary>
public enum FollowTopicKind
{
    Goal = 0,
    Commitment = 1,
    Participant = 2,
    Neighbourhood = 3,
}

/// <summary>
/// A followable thing: a goal, commitment or participant by its id, or a neighbourhood by its code (24062W01 …).
/// <see cref="Key"/> ("goal:g-1", "neighbourhood:24062W13") is the key of its <see cref="IFollowTopicGrain"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.FollowTopic.v1")]
public sealed record FollowTopic(
    [property: Id(0)] FollowTopicKind Kind,
    [property: Id(1)] string Id)
{
    /// <summary>"{kind}:{id}" with the kind in lower case; stable, because grain keys and stored follows use it.</summary>
    public string Key => $"{Kind.ToString().ToLowerInvariant()}:{Id}";

    public override string ToString() => Key;

    /// <summary>The topic a <see cref="Key"/> names, or false for anything that is not a key of a known kind.</summary>
    public static bool TryParseKey(string? key, [NotNullWhen(true)] out FollowTopic? topic)
    {
        topic = null;
        var colon = key?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0)
            return false;
        var kind = key![..colon];
        foreach (var k in Enum.GetValues<FollowTopicKind>())
        {
            if (string.Equals(k.ToString(), kind, StringComparison.OrdinalIgnoreCase))
            {
                topic = new FollowTopic(k, key[(colon + 1)..]);
                return true;
            }
        }
        return false;
    }
}
