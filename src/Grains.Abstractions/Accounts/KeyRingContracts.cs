using CivicContracting.Validation;

namespace CivicContracting.Accounts;

/// <summary>One key of ASP.NET Core Data Protection's key ring, as the XML element the framework writes.</summary>
[GenerateSerializer, Immutable, Alias("cc.KeyRingEntry.v1")]
public sealed record KeyRingEntry(
    [property: Id(0)] string Name,
    [property: Id(1)] string Xml);

/// <summary>
/// The web tier's Data Protection key ring (key 0), shared by every web host of the cluster: a session cookie or an
/// antiforgery token issued by one host must be readable by all. Keys are only ever added (the framework revokes by
/// adding a revocation element); the ring is small (a new key about every 90 days).
/// </summary>
public interface IKeyRingGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<KeyRingEntry>> GetAll();

    /// <summary>Adds an element; adding the same name and XML again is a no-op, another XML under a known name is a conflict.</summary>
    Task Add(KeyRingEntry entry);
}

public static class KeyRingRules
{
    public const int MaxEntries = 1_000;
    public const int MaxXmlLength = 64 * 1024;

    public static InputRules.Errors Entry(KeyRingEntry? entry)
    {
        var errors = new InputRules.Errors();
        if (entry is null)
            return errors.Add("", RuleText.KeyRingEntryRequired);
        if (string.IsNullOrWhiteSpace(entry.Name) || entry.Name.Length > 200)
            errors.Add("name", RuleText.KeyRingNameLength(200));
        if (string.IsNullOrWhiteSpace(entry.Xml) || entry.Xml.Length > MaxXmlLength)
            errors.Add("xml", RuleText.KeyRingXmlLength(MaxXmlLength));
        return errors;
    }
}
