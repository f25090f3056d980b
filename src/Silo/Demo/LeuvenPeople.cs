using CivicContracting.Participants;

namespace CivicContracting.Silo.Demo;

/// <summary>
/// The participants of the demo. Every person is fictitious: resident names are made up, kept private and shown
/// under a pseudonym; schools, shops and organisations are invented except the city of Leuven, KU Leuven and
/// the primary school De ARK, which the pilot in Kessel-Lo names.
/// </summary>
public static class LeuvenPeople
{
    public const string SchoolDeArk = "p-school-de-ark";
    public const string ShopVeloLo = "p-business-velo-lo";
    public const string CityOfLeuven = "p-city-leuven";
    public const string KuLeuven = "p-knowledge-ku-leuven";

    public const int ResidentCount = 120;

    private static readonly string[] FirstNames =
    [
        "Lotte", "Wout", "Emma", "Jonas", "Fien", "Arne", "Lien", "Pieter", "Saar", "Bram", "Nele", "Tom", "Ine", "Stijn",
        "Hanne", "Koen", "Marie", "Jens", "Elke", "Ruben", "Sofie", "Dries", "Katrien", "Thomas", "Amira", "Youssef",
        "Ana", "Mehmet", "Julie", "Lucas", "Roos", "Wannes", "Femke", "Seppe", "Griet", "Kobe",
    ];

    private static readonly string[] LastNames =
    [
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
        "Dubois", "Vermeulen", "Van den Broeck", "Hermans", "Van Damme", "Michiels", "Aerts", "Segers", "Vandenberghe",
        "Coppens", "El Amrani", "Nowak", "Yilmaz", "Verbeke", "Lenaerts", "Smets", "Van Hove", "Stevens",
    ];

    private static readonly string[] Adjectives =
    [
        "Groene", "Blije", "Snelle", "Stille", "Zonnige", "Wijze", "Vrolijke", "Dappere", "Nieuwsgierige", "Zachte",
        "Kleurrijke", "Trage",
    ];

    private static readonly string[] Animals =
    [
        "Merel", "Egel", "Vos", "Uil", "Bij", "Mus", "Specht", "Kikker", "Das", "Eekhoorn", "Reiger", "Libel",
    ];

    /// <summary>The schools, shops, organisations, the city and the knowledge institutions, with their home neighbourhood.</summary>
    public static IReadOnlyList<(string Id, ParticipantKind Kind, string Name, string Neighbourhood)> Named { get; } =
    [
        (SchoolDeArk, ParticipantKind.School, "Basisschool De ARK", "24062W13"),
        ("p-school-de-regenboog", ParticipantKind.School, "Basisschool De Regenboog", "24062W10"),
        ("p-school-het-klimop", ParticipantKind.School, "Basisschool Het Klimop", "24062W11"),
        ("p-school-campus-lo", ParticipantKind.School, "Secundaire school Campus Lo", "24062W12"),
        ("p-school-de-vlinder", ParticipantKind.School, "Basisschool De Vlinder", "24062W06"),
        ("p-school-de-linde", ParticipantKind.School, "Basisschool De Linde", "24062W23"),

        (ShopVeloLo, ParticipantKind.Business, "Fietsenwinkel Velo-Lo", "24062W13"),
        ("p-business-de-korenaar", ParticipantKind.Business, "Bakkerij De Korenaar", "24062W01"),
        ("p-business-buurtsuper-boven-lo", ParticipantKind.Business, "Buurtsuper Boven-Lo", "24062W02"),
        ("p-business-koffiebar-de-kop", ParticipantKind.Business, "Koffiebar De Kop", "24062W13"),
        ("p-business-bloemen-vlierbeek", ParticipantKind.Business, "Bloemen Vlierbeek", "24062W11"),
        ("p-business-apotheek-kesseldal", ParticipantKind.Business, "Apotheek Kesseldal", "24062W10"),
        ("p-business-frituur-michotte", ParticipantKind.Business, "Frituur Michotte", "24062W12"),
        ("p-business-zonnedak-lo", ParticipantKind.Business, "Zonnedak Lo (zonnepanelen)", "24062W12"),
        ("p-business-het-leesteken", ParticipantKind.Business, "Boekhandel Het Leesteken", "24062W15"),
        ("p-business-tweede-leven", ParticipantKind.Business, "Tweedehandswinkel Tweede Leven", "24062W03"),
        ("p-business-cafe-vaartkom", ParticipantKind.Business, "Café aan de Vaart", "24062W20"),
        ("p-business-het-veld", ParticipantKind.Business, "Groentewinkel Het Veld", "24062W19"),
        ("p-business-dakwerken-peeters", ParticipantKind.Business, "Dakwerken Peeters", "24062W14"),
        ("p-business-slagerij-wilsele", ParticipantKind.Business, "Slagerij Wilsele", "24062W23"),
        ("p-business-garage-wijgmaal", ParticipantKind.Business, "Garage Wijgmaal", "24062W22"),
        ("p-business-hotel-de-dijle", ParticipantKind.Business, "Hotel aan de Dijle", "24062W04"),

        ("p-org-buurtcomite-blauwput", ParticipantKind.Organisation, "Buurtcomité Blauwput", "24062W01"),
        ("p-org-buurtcomite-boven-lo", ParticipantKind.Organisation, "Buurtcomité Boven-Lo", "24062W02"),
        ("p-org-repair-cafe-kessel-lo", ParticipantKind.Organisation, "Repair Café Kessel-Lo", "24062W13"),
        ("p-org-volkstuinen-vlierbeek", ParticipantKind.Organisation, "Volkstuinen Vlierbeek vzw", "24062W11"),
        ("p-org-jeugdbeweging-lo", ParticipantKind.Organisation, "Jeugdbeweging Lo", "24062W10"),
        ("p-org-atletiekclub-lo", ParticipantKind.Organisation, "Atletiekclub Lo", "24062W12"),
        ("p-org-lo-stroom", ParticipantKind.Organisation, "Energiecoöperatie Lo-Stroom", "24062W13"),
        ("p-org-senioren-michotte", ParticipantKind.Organisation, "Seniorenvereniging Michotte", "24062W12"),
        ("p-org-buurthuis-sint-maartensdal", ParticipantKind.Organisation, "Buurthuis Sint-Maartensdal", "24062W18"),
        ("p-org-natuurwerkgroep-heverlee", ParticipantKind.Organisation, "Natuurwerkgroep Heverlee", "24062W06"),

        (CityOfLeuven, ParticipantKind.City, "Stad Leuven", "24062W03"),
        ("p-city-leuven-groendienst", ParticipantKind.City, "Stad Leuven – Groendienst", "24062W03"),

        (KuLeuven, ParticipantKind.KnowledgeInstitution, "KU Leuven", "24062W04"),
        ("p-knowledge-stedelijk-klimaat", ParticipantKind.KnowledgeInstitution, "Onderzoeksgroep Stedelijk Klimaat", "24062W05"),
        ("p-knowledge-duurzame-wijken", ParticipantKind.KnowledgeInstitution, "Kenniscentrum Duurzame Wijken", "24062W21"),
    ];

    public static string ResidentId(int number) => $"p-resident-{number:D3}";

    /// <summary>A made-up resident: a private name and contact address, and a public pseudonym.</summary>
    public static ParticipantRegistration Resident(Random random, string neighbourhood, int pseudonymIndex)
    {
        var first = FirstNames[random.Next(FirstNames.Length)];
        var last = LastNames[random.Next(LastNames.Length)];
        var pseudonym = $"{Adjectives[pseudonymIndex % Adjectives.Length]} {Animals[(pseudonymIndex / Adjectives.Length) % Animals.Length]}";
        if (pseudonymIndex >= Adjectives.Length * Animals.Length)
            pseudonym += $" {(pseudonymIndex / (Adjectives.Length * Animals.Length)) + 1}";
        var email = random.NextDouble() < 0.6 ? $"{Ascii(first)}.{Ascii(last)}@example.org" : null;
        return new ParticipantRegistration(ParticipantKind.Resident, $"{first} {last}", neighbourhood, pseudonym, ShowNamePublicly: false, ContactEmail: email);
    }

    /// <summary>A made-up organisation-like participant for the simulator.</summary>
    public static string InventedName(Random random, ParticipantKind kind, string placeName) => kind switch
    {
        ParticipantKind.School => $"{Pick(random, "Basisschool", "Kleuterschool", "Secundaire school")} {Pick(random, "De Boomgaard", "Het Zonnetje", "De Wegwijzer", "De Kastanje", "Het Anker")} ({placeName})",
        ParticipantKind.Business => $"{Pick(random, "Bakkerij", "Fietsatelier", "Buurtwinkel", "Koffiehuis", "Bloemenzaak", "Schrijnwerkerij", "Kapsalon")} {Pick(random, "De Hoek", "Om de Hoek", "Het Pleintje", "De Molen", "Zonneveld", "De Linde")} ({placeName})",
        ParticipantKind.Organisation => $"{Pick(random, "Buurtcomité", "Straatcomité", "Buurtnetwerk", "Natuurgroep", "Sportclub", "Jeugdhuis")} {placeName}",
        ParticipantKind.KnowledgeInstitution => $"{Pick(random, "Living lab", "Onderzoeksproject", "Studentenproject")} {placeName}",
        ParticipantKind.City => "Stad Leuven",
        _ => placeName,
    };

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    private static string Ascii(string name)
    {
        var normalised = name.Normalize(System.Text.NormalizationForm.FormD);
        return new string(normalised.Where(char.IsAsciiLetter).ToArray()).ToLowerInvariant();
    }
}
