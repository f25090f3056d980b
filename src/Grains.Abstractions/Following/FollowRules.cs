using CivicContracting.Accounts;
using CivicContracting.Validation;

namespace CivicContracting.Following;

/// <summary>Input rules and bounds of following, feeds and notifications; field names as in <see cref="InputRules"/>.</summary>
public static class FollowRules
{
    /// <summary>Topics one account may follow: far above real use, it bounds the account's state and its follow fan-in.</summary>
    public const int MaxFollowsPerAccount = 500;

    /// <summary>Items a feed keeps; older ones fall off the end.</summary>
    public const int FeedCapacity = 500;

    public const int MaxPageSize = 100;

    /// <summary>
    /// Buckets per topic. Fixed forever: an account's bucket is a hash of its id modulo this number, so changing it
    /// would lose followers. 64 keeps a bucket of a 10,000-follower goal at about 160 ids.
    /// </summary>
    public const int BucketCount = 64;

    /// <summary>Followers one bucket holds, so one topic holds about 260,000: more than the city has residents.</summary>
    public const int MaxFollowersPerBucket = 4_096;

    /// <summary>Event ids carry a commitment id and a version, so they may be longer than other ids and contain ':'.</summary>
    public const int MaxEventIdLength = 128;

    public const int MaxSummaryLength = 500;

    public static InputRules.Errors Topic(FollowTopic? topic, string field = "topic")
    {
        var errors = new InputRules.Errors();
        AddTopicErrors(errors, field, topic);
        return errors;
    }

    public static InputRules.Errors AccountId(string? accountId, string field = "accountId")
    {
        var errors = new InputRules.Errors();
        errors.Id(field, accountId);
        return errors;
    }

    public static InputRules.Errors Event(FeedEvent? e)
    {
        var errors = new InputRules.Errors();
        if (e is null)
            return errors.Add("", RuleText.EventRequired);
        if (string.IsNullOrEmpty(e.EventId) || e.EventId.Length > MaxEventIdLength
            || !e.EventId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            errors.Add("eventId", RuleText.EventIdFormat(MaxEventIdLength));
        AddTopicErrors(errors, "topic", e.Topic);
        errors.Enum("kind", e.Kind);
        errors.Id("commitmentId", e.CommitmentId);
        errors.Text("title", e.Title, InputRules.MaxTitleLength);
        errors.Text("summary", e.Summary, MaxSummaryLength, allowEmpty: true);
        if (e.OccurredAt == default)
            errors.Add("occurredAt", RuleText.OccurredAtRequired);
        return errors;
    }

    public static InputRules.Errors Page(long? before, int limit)
    {
        var errors = new InputRules.Errors();
        if (before is < 1)
            errors.Add("before", RuleText.CursorMin);
        if (limit is < 1 or > MaxPageSize)
            errors.Add("limit", RuleText.PageLimit(MaxPageSize));
        return errors;
    }

    public static InputRules.Errors ReadMark(long upTo)
    {
        var errors = new InputRules.Errors();
        if (upTo < 0)
            errors.Add("upTo", RuleText.ReadMarkMin);
        return errors;
    }

    public static InputRules.Errors EmailNotifications(bool enabled, string? address)
    {
        var errors = new InputRules.Errors();
        if (address is null)
        {
            if (enabled)
                errors.Add("address", RuleText.EmailRequiredForNotifications);
        }
        else if (!IsEmail(address))
        {
            errors.Add("address", RuleText.EmailAddressPlain);
        }
        return errors;
    }

    /// <summary>A plain address: one '@' with text on both sides, no spaces, quotes, brackets or control characters.</summary>
    public static bool IsEmail(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return address.Length <= AccountRules.MaxEmailLength
            && at > 0 && at == address.LastIndexOf('@') && at < address.Length - 1
            && !address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or ',' or ';' or '(' or ')' or '\\');
    }

    private static void AddTopicErrors(InputRules.Errors errors, string field, FollowTopic? topic)
    {
        if (topic is null)
        {
            errors.Add(field, RuleText.TopicRequired);
            return;
        }
        // An empty field names the topic's own fields, as a request that is nothing but the topic sends them.
        var prefix = field.Length == 0 ? "" : field + ".";
        errors.Enum($"{prefix}kind", topic.Kind);
        if (topic.Kind == FollowTopicKind.Neighbourhood)
            errors.Neighbourhood($"{prefix}id", topic.Id);
        else
            errors.Id($"{prefix}id", topic.Id);
    }
}
