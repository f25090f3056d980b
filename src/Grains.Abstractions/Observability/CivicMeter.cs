namespace CivicContracting.Observability;

/// <summary>
/// The platform's meter, shared by the grains' metrics (<c>CivicMetrics</c>) and the web host's own instruments: every
/// host exports this one meter name, so each side creates its instruments on a <see cref="System.Diagnostics.Metrics.Meter"/>
/// of this name. It lives in Grains.Abstractions so the web host need not know the grain implementations.
/// </summary>
public static class CivicMeter
{
    public const string Name = "CivicContracting";

    public const string Version = "1.0";
}
