using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CivicContracting.Web.Api;

namespace CivicContracting.Web.Changes;

/// <summary>The kinds of entity the open feed carries, in the order they sort among entries changed at the same moment.</summary>
public enum FeedEntity
{
    /// <summary>The places of the city: reference data, one entry.</summary>
    Places = 0,

    Goal = 1,

    /// <summary>A commitment: its public entry, or a withheld one (a draft) that only counts.</summary>
    Commitment = 2,
}

/// <summary>
/// A position in the open feed: the key of the last entry a reader received, (changed at, entity, id). Every web host
/// orders entries by this key alone, so a cursor from one host resumes on any other. Written as opaque, URL-safe text
/// (base64url of <c>1.{ticks}.{entity}.{id}</c>); readers must not build or take cursors apart.
/// </summary>
public readonly record struct FeedCursor(long Ticks, FeedEntity Entity, string Id) : IComparable<FeedCursor>
{
    /// <summary>The longest text a valid cursor has; longer input is refused before it is decoded.</summary>
    public const int MaxLength = 200;

    private const string Format = "1";

    public DateTimeOffset At => new(Ticks, TimeSpan.Zero);

    public static FeedCursor Of(DateTimeOffset at, FeedEntity entity, string id) => new(at.UtcTicks, entity, id);

    public int CompareTo(FeedCursor other)
    {
        var byTime = Ticks.CompareTo(other.Ticks);
        if (byTime != 0)
            return byTime;
        var byEntity = ((int)Entity).CompareTo((int)other.Entity);
        return byEntity != 0 ? byEntity : string.CompareOrdinal(Id, other.Id);
    }

    public static bool operator <(FeedCursor a, FeedCursor b) => a.CompareTo(b) < 0;

    public static bool operator >(FeedCursor a, FeedCursor b) => a.CompareTo(b) > 0;

    public static bool operator <=(FeedCursor a, FeedCursor b) => a.CompareTo(b) <= 0;

    public static bool operator >=(FeedCursor a, FeedCursor b) => a.CompareTo(b) >= 0;

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Format}.{Ticks}.{(int)Entity}.{Id}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads a cursor this feed wrote; false for anything else (then nothing is read).</summary>
    public static bool TryParse(string? text, out FeedCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || !Base64Url.IsValid(text))
            return false;
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            return false;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        var parts = decoded.Split('.', 4);
        if (parts.Length != 4 || parts[0] != Format
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var entity)
            || !Enum.IsDefined((FeedEntity)entity) || !ApiIds.IsWellFormed(parts[3]))
            return false;
        cursor = new FeedCursor(ticks, (FeedEntity)entity, parts[3]);
        return true;
    }
}
