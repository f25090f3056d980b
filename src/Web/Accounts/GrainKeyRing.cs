using System.Xml.Linq;
using CivicContracting.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Data Protection's key ring in the cluster (<see cref="IKeyRingGrain"/>), so that every web host reads every other's
/// session cookies and antiforgery tokens, and the keys outlive restarts (they are grain state: SQLite by default,
/// PostgreSQL in production). Like the framework's file-system repository on Linux, keys are stored unencrypted;
/// protect the database accordingly.
/// </summary>
public sealed class GrainKeyRing(IClusterClient orleans) : IXmlRepository
{
    // IXmlRepository is synchronous. The framework reads the ring once at first use and then about once a day, and
    // writes a key about every 90 days, so waiting on the grain here costs one thread for a few milliseconds rarely.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. orleans.GetGrain<IKeyRingGrain>(0).GetAll().GetAwaiter().GetResult().Select(e => XElement.Parse(e.Xml))];

    public void StoreElement(XElement element, string friendlyName) =>
        orleans.GetGrain<IKeyRingGrain>(0).Add(new KeyRingEntry(friendlyName, element.ToString(SaveOptions.DisableFormatting))).GetAwaiter().GetResult();
}
