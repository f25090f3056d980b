using CivicContracting.Participants;

namespace CivicContracting.Silo.Demo;

/// <summary>
/// When the seeded commitments were signed: the demo's past, about eighteen months up to the seeding, so that the
/// map's replay shows the oil stain grow. The pilot signs first, at a co-creation session in Kessel-Lo (De ARK, the
/// local bike shop); the city follows three weeks later. Every other commitment is signed at a moment drawn between
/// its <see cref="Arrival"/> — zero in Kessel-Lo, later the further its neighbourhood lies from Kessel-Lo
/// (<see cref="OilStain.DistanceFromKesselLoKm"/>), a little later for organisations, the city and knowledge
/// institutions — and the seeding. Moments are pure functions of the random seed, the commitment's number and the
/// seeding time; the seeder confirms a commitment only while it is a draft, so a later run never moves a date.
/// </summary>
public static class SigningTimeline
{
    /// <summary>Days from the pilot's co-creation session to the seeding: about eighteen months.</summary>
    public const int SpanDays = 540;

    /// <summary>The most recent signing lies this many days before the seeding, so every commitment has had a day to report.</summary>
    public const int LatestDaysAgo = 2;

    /// <summary>Days after the pilot session at which the city signs its own commitment to the Kessel-Lo contract.</summary>
    public const int CityAnswersAfterDays = 21;

    /// <summary>Share of the span after which the furthest neighbourhood joins.</summary>
    private const double FurthestArrival = 0.8;

    /// <summary>Share of the span after which the nearest neighbourhood outside Kessel-Lo joins.</summary>
    private const double NearestArrival = 0.08;

    private static readonly Lazy<double> FurthestKm = new(() => OilStain.NeighbourhoodsByDistance[^1].DistanceKm);

    /// <summary>The pilot's co-creation session in Kessel-Lo: an evening <see cref="SpanDays"/> days before the seeding.</summary>
    public static DateTimeOffset PilotSession(DateTimeOffset now) => LeuvenDemoPlan.At(now, SpanDays, 18).AddMinutes(30);

    /// <summary>
    /// The share of the span (0 = the pilot session, 1 = the seeding) before which nobody of this kind signs in this
    /// neighbourhood: 0 for residents, schools and shops in Kessel-Lo, rising with the distance from Kessel-Lo.
    /// </summary>
    public static double Arrival(string neighbourhoodCode, ParticipantKind kind)
    {
        var distance = OilStain.DistanceFromKesselLoKm(neighbourhoodCode);
        var place = distance <= 0 ? 0.0 : NearestArrival + ((FurthestArrival - NearestArrival) * distance / FurthestKm.Value);
        // The pilot's kinds start; the city answers after three weeks, organisations and knowledge institutions follow.
        var joinsLater = kind switch
        {
            ParticipantKind.City => 0.045,
            ParticipantKind.Organisation => 0.06,
            ParticipantKind.KnowledgeInstitution => 0.12,
            _ => 0.0,
        };
        return Math.Min(0.9, place + joinsLater);
    }

    /// <summary>When seeded commitment <paramref name="number"/> was signed: after the pilot session, at least <see cref="LatestDaysAgo"/> days before <paramref name="now"/>.</summary>
    public static DateTimeOffset SignedAt(int randomSeed, int number, string neighbourhoodCode, ParticipantKind kind, DateTimeOffset now)
    {
        var random = DemoRandom.For(randomSeed, "signed", number);
        var arrival = Arrival(neighbourhoodCode, kind);
        var share = arrival + ((1 - arrival) * random.NextDouble());
        var daysAgo = LatestDaysAgo + (int)Math.Round((SpanDays - 1 - LatestDaysAgo) * (1 - share));
        // Most commitments are signed on paper at an evening co-creation session; the rest during the day.
        var minutes = random.NextDouble() < 0.6 ? random.Next(17 * 12, (20 * 12) + 6) * 5 : random.Next(8 * 12, 16 * 12) * 5;
        return LeuvenDemoPlan.At(now, daysAgo, 0).AddMinutes(minutes);
    }

    /// <summary>Whole days from the signing to the seeding (by UTC date).</summary>
    public static int DaysAgo(DateTimeOffset signedAt, DateTimeOffset now) =>
        (int)(now.UtcDateTime.Date - signedAt.UtcDateTime.Date).TotalDays;
}
