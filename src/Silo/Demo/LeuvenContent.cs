using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Silo.Demo;

/// <summary>The four themes of the Kessel-Lo vision.</summary>
public enum DemoTheme
{
    Mobility = 0,
    Greening = 1,
    MeetingPlaces = 2,
    ClimateRobustness = 3,
}

/// <summary>Which kinds of participant an idea fits.</summary>
[Flags]
public enum Who
{
    None = 0,
    Resident = 1,
    School = 2,
    Business = 4,
    Organisation = 8,
    City = 16,
    Knowledge = 32,
    Anyone = Resident | School | Business | Organisation | City | Knowledge,
}

/// <summary>A target to draw: a baseline in [min, max], then a change (absolute, or relative to the baseline when <see cref="Relative"/>).</summary>
public sealed record TargetIdea(
    string Metric,
    string Unit,
    double BaselineMin,
    double BaselineMax,
    double ChangeMin,
    double ChangeMax,
    int Decimals = 0,
    bool Relative = false);

/// <summary>A kind of commitment a participant might make; "{place}" in a title or description is the neighbourhood's name.</summary>
public sealed record CommitmentIdea(
    DemoTheme Theme,
    int Objective,
    string CityGoalId,
    CommitmentLevel Level,
    Who Kinds,
    string Title,
    string Description,
    IReadOnlyList<string>? Milestones = null,
    TargetIdea? Target = null);

/// <summary>
/// The words of the Leuven demo, in Dutch like the public site: goals and ideas for commitments. All figures are
/// illustrative, and the 28 Kessel-Lo objectives are an illustrative rendering of the citizen panel's vision, not its text.
/// </summary>
public static class LeuvenContent
{
    public const string CityAmbitionId = "goal-leuven2030";
    public const string CityMobility = "goal-leuven2030-mobility";
    public const string CityBuildings = "goal-leuven2030-buildings";
    public const string CityEnergy = "goal-leuven2030-energy";
    public const string CityGreening = "goal-leuven2030-greening";
    public const string CityCircular = "goal-leuven2030-circular";
    public const string CityTogether = "goal-leuven2030-together";

    public const string KesselLoAmbitionId = "goal-kessello-vision";

    public const string IllustrativeNote =
        "Demogegevens: de cijfers en formuleringen zijn illustratief, verzonnen voor deze demonstratie.";

    private static readonly DateOnly Horizon = new(2030, 12, 31);

    // Built on first use, after every static field below has been initialised.
    private static readonly Lazy<IReadOnlyList<(string Id, GoalDefinition Definition)>> CityGoalList = new(BuildCityGoals);
    private static readonly Lazy<IReadOnlyList<(string Id, GoalDefinition Definition)>> KesselLoGoalList = new(BuildKesselLoGoals);

    /// <summary>Leuven 2030 (city scope): the ambition first, then its objectives.</summary>
    public static IReadOnlyList<(string Id, GoalDefinition Definition)> CityGoals => CityGoalList.Value;

    /// <summary>The Kessel-Lo ambition first, then its 28 objectives (ids goal-kessello-{theme}-{nn}).</summary>
    public static IReadOnlyList<(string Id, GoalDefinition Definition)> KesselLoGoals => KesselLoGoalList.Value;

    /// <summary>The objective id for objective number 1 to 28.</summary>
    public static string KesselLoObjectiveId(int number) => KesselLoGoals[number].Id;

    private static IReadOnlyList<(string Id, GoalDefinition Definition)> BuildCityGoals()
    {
        var city = new GoalScope(PlaceLevel.City, [PlaceCatalog.CityCode]);
        GoalDefinition Objective(string title, string description, QuantitativeTarget? target) =>
            new(title, description + " " + IllustrativeNote, city, CityAmbitionId, target, RollUpRule.WeightedMeanOfCommitments, Illustrative: true);

        return
        [.. new (string Id, GoalDefinition Definition)[]
        {
            (CityAmbitionId, new GoalDefinition(
                "Leuven klimaatneutraal 2030",
                "Leuven wil klimaatneutraal worden, en dat samen: bewoners, scholen, winkels en bedrijven, organisaties, " +
                "de stad en haar kennisinstellingen nemen elk hun deel op. Deze ambitie telt de voortgang van haar doelstellingen samen. " +
                IllustrativeNote,
                city, null, null, RollUpRule.MeanOfObjectives, Illustrative: true)),
            (CityMobility, Objective(
                "Modal shift: eerst te voet, met de fiets en met het openbaar vervoer",
                "Minder verplaatsingen met de auto, meer te voet, met de fiets, de bus en de trein, en deelauto's voor de rest.",
                new QuantitativeTarget("Aandeel verplaatsingen met de auto", "%", 45, 30, Horizon))),
            (CityBuildings, Objective(
                "Gerenoveerde, energiezuinige woningen en gebouwen",
                "Isoleren, ventileren en verwarmen zonder fossiele brandstoffen: woningen, scholen, winkels en kantoren.",
                new QuantitativeTarget("Uitstoot van broeikasgassen door gebouwen", "kt CO2-eq", 380, 190, Horizon))),
            (CityEnergy, Objective(
                "Hernieuwbare energie, gemaakt in Leuven",
                "Zonnepanelen op elk geschikt dak, energiegemeenschappen en coöperaties.",
                new QuantitativeTarget("Aandeel elektriciteit dat lokaal en hernieuwbaar wordt opgewekt", "%", 8, 30, Horizon))),
            (CityGreening, Objective(
                "Een groene en klimaatrobuuste stad",
                "Minder beton, meer bomen en groen, regenwater vasthouden waar het valt, koele plekken in hete zomers.",
                new QuantitativeTarget("Onthard oppervlak sinds 2024", "m²", 0, 100_000, Horizon))),
            (CityCircular, Objective(
                "Een circulaire economie",
                "Herstellen, hergebruiken en delen; minder kopen, minder verspillen.",
                new QuantitativeTarget("Restafval per inwoner per jaar", "kg", 130, 100, Horizon))),
            (CityTogether, Objective(
                "Buurten die samen in actie komen",
                "Ontmoetingsplekken, burennetwerken en cocreatiemomenten, zodat niemand het alleen hoeft te doen.",
                null)),
        }.Select(g => (g.Id, LeuvenTranslations.City(g.Id, g.Definition)))];
    }

    private static IReadOnlyList<(string Id, GoalDefinition Definition)> BuildKesselLoGoals()
    {
        var district = new GoalScope(PlaceLevel.District, [OilStain.KesselLoDistrictCode]);
        var goals = new List<(string, GoalDefinition)>
        {
            (KesselLoAmbitionId, new GoalDefinition(
                "Duurzame mobiliteit en meer groen, leefbaarheid en comfort in Kessel-Lo",
                "De gedeelde visie voor Kessel-Lo: duurzame mobiliteit, meer groen, ontmoetingsplekken en een klimaatrobuuste deelgemeente. " +
                "In het pilotproject schreef een geloot burgerpanel die visie uit in 28 doelstellingen; de 28 doelstellingen hier zijn een " +
                "ILLUSTRATIEVE weergave voor deze demo, niet de tekst van het panel zelf. " + IllustrativeNote,
                district, null, null, RollUpRule.MeanOfObjectives, Illustrative: true)),
        };
        goals[0] = (KesselLoAmbitionId, LeuvenTranslations.City(KesselLoAmbitionId, goals[0].Item2));
        var number = 0;
        foreach (var (theme, title, description, target) in Objectives)
        {
            number++;
            var slug = theme switch
            {
                DemoTheme.Mobility => "mobility",
                DemoTheme.Greening => "greening",
                DemoTheme.MeetingPlaces => "meeting",
                _ => "climate",
            };
            var themeName = theme switch
            {
                DemoTheme.Mobility => "duurzame mobiliteit",
                DemoTheme.Greening => "vergroening",
                DemoTheme.MeetingPlaces => "ontmoetingsplekken",
                _ => "klimaatrobuustheid",
            };
            goals.Add(($"goal-kessello-{slug}-{number:D2}", LeuvenTranslations.Objective(number, theme, new GoalDefinition(
                title,
                $"Doelstelling {number} van 28 voor Kessel-Lo (thema: {themeName}). {description} Illustratieve doelstelling voor deze demo. {IllustrativeNote}",
                district, KesselLoAmbitionId, target, RollUpRule.WeightedMeanOfCommitments, Illustrative: true))));
        }
        return goals;
    }

    private static QuantitativeTarget T(string metric, string unit, double baseline, double target) =>
        new(metric, unit, baseline, target, Horizon);

    /// <summary>The 28 illustrative objectives, numbered 1 to 28 in this order.</summary>
    private static readonly (DemoTheme Theme, string Title, string Description, QuantitativeTarget? Target)[] Objectives =
    [
        // Duurzame mobiliteit (1–8)
        (DemoTheme.Mobility, "Veilig te voet en met de fiets naar elke school", "Schoolstraten en veilige routes, zodat kinderen te voet en met de fiets naar school gaan.", T("Aandeel leerlingen dat te voet of met de fiets naar school komt", "%", 50, 75)),
        (DemoTheme.Mobility, "Een doorlopend fietsnetwerk door Kessel-Lo", "Fietsstraten en de ontbrekende schakels tussen de wijken, het station en het centrum.", T("Lengte aan fietsstraten", "km", 3, 12)),
        (DemoTheme.Mobility, "Minder doorgaand verkeer in woonstraten", "Een circulatieplan dat het doorgaand verkeer op de hoofdwegen houdt.", T("Auto's per dag in woonstraten (mediaan van de telpunten)", "voertuigen/dag", 1_500, 800)),
        (DemoTheme.Mobility, "Deelmobiliteit op vijf minuten wandelen", "Deelauto's en deelfietsen dicht bij elke woning.", T("Standplaatsen voor deelauto's", "standplaatsen", 6, 20)),
        (DemoTheme.Mobility, "Bakfietsen voor gezinnen en winkels", "Een bakfiets lenen, delen of kopen: voor de schoolrit, de boodschappen en de leveringen.", null),
        (DemoTheme.Mobility, "Betere verbindingen met bus en trein", "Het station van Kessel-Lo en de buslijnen als een echt alternatief voor de auto.", null),
        (DemoTheme.Mobility, "Zone 30 in elke woonstraat", "Trage, veilige straten waar kinderen kunnen spelen.", null),
        (DemoTheme.Mobility, "Veilig oversteken op de grote wegen", "Veilige oversteekplaatsen op de Diestsesteenweg, de Tiensesteenweg en de ring.", T("Heraangelegde oversteekplaatsen", "oversteekplaatsen", 0, 12)),
        // Vergroening (9–15)
        (DemoTheme.Greening, "Ontharden: groen in plaats van asfalt en tegels", "Verharding weghalen in straten, op pleinen en in tuinen.", T("Onthard oppervlak", "m²", 0, 20_000)),
        (DemoTheme.Greening, "Een boom voor elke straat", "Bomen planten in elke straat, met bewoners als peter of meter.", T("Geplante bomen", "bomen", 0, 1_000)),
        (DemoTheme.Greening, "Geveltuinen en groendaken", "Gevels en daken van woningen, winkels en scholen vergroenen.", T("Geveltuinen", "geveltuinen", 50, 500)),
        (DemoTheme.Greening, "Groene speelplaatsen", "Speelplaatsen met bomen, gras en waterspel in plaats van asfalt.", null),
        (DemoTheme.Greening, "Groene verbindingen door de deelgemeente", "Het Provinciaal Domein, de Kesselse Bergen en de valleien verbinden met groene wandelroutes.", null),
        (DemoTheme.Greening, "Meer biodiversiteit in tuinen en parken", "Bijvriendelijke tuinen, hagen in plaats van omheiningen, minder maaien.", null),
        (DemoTheme.Greening, "Samentuinen in de buurt", "Percelen om samen groenten te kweken, dicht bij huis.", T("Percelen in samentuinen", "percelen", 40, 120)),
        // Ontmoetingsplekken (16–21)
        (DemoTheme.MeetingPlaces, "Een uitnodigend plein in elke wijk", "Een plek in het hart van elke wijk waar mensen graag samenkomen.", null),
        (DemoTheme.MeetingPlaces, "Zitbanken en schaduw langs wandelroutes", "Om de 200 meter een plek om te zitten, in de schaduw.", T("Geplaatste zitbanken", "zitbanken", 0, 150)),
        (DemoTheme.MeetingPlaces, "Speelstraten en autovrije zondagen", "Straten die een dag lang van de kinderen en de buren zijn.", T("Speelstraatdagen per jaar", "dagen", 10, 60)),
        (DemoTheme.MeetingPlaces, "Een buurthuis dat openstaat voor iedereen", "Ontmoetingsruimte binnen voor verenigingen, buren en cocreatiemomenten.", null),
        (DemoTheme.MeetingPlaces, "Buurtfeesten en burennetwerken", "Buren die elkaar kennen, helpen elkaar.", null),
        (DemoTheme.MeetingPlaces, "Winkels en diensten op wandelafstand", "Een levendige winkelstraat in de buurt, in plaats van naar de rand van de stad te rijden.", null),
        // Klimaatrobuustheid (22–28)
        (DemoTheme.ClimateRobustness, "Regenwater opvangen en laten infiltreren", "Regenwaterputten, wadi's en afgekoppelde regenpijpen tegen wateroverlast en droogte.", T("Bijkomende opvangcapaciteit voor regenwater", "m³", 0, 5_000)),
        (DemoTheme.ClimateRobustness, "Koele plekken tijdens hittegolven", "Schaduw, water en koele ruimtes, en een oogje in het zeil bij kwetsbare buren.", null),
        (DemoTheme.ClimateRobustness, "Woningen renoveren: isolatie en warmtepompen", "Goed geïsoleerde woningen, verwarmd zonder aardgas of stookolie.", T("Grondig gerenoveerde woningen", "woningen", 0, 2_000)),
        (DemoTheme.ClimateRobustness, "Zonnepanelen op elk geschikt dak", "Daken van woningen, scholen en winkels wekken elektriciteit op.", T("Geïnstalleerd vermogen aan zonnepanelen", "kWp", 2_000, 7_000)),
        (DemoTheme.ClimateRobustness, "Energie besparen en delen in energiegemeenschappen", "Minder verbruiken, en delen wat de buurt opwekt.", null),
        (DemoTheme.ClimateRobustness, "Herstellen, hergebruiken en delen", "Repaircafés, een gereedschapsbib, en tweedehands vóór nieuw.", null),
        (DemoTheme.ClimateRobustness, "Minder restafval", "Sorteren, composteren en verpakkingen vermijden.", T("Restafval per inwoner per jaar", "kg", 120, 90)),
    ];

    private static string[] M(params string[] titles) => titles;

    /// <summary>Ideas for commitments, by theme and level, each tied to one Kessel-Lo objective and one city objective.</summary>
    public static IReadOnlyList<CommitmentIdea> Ideas { get; } =
    [
        // ---- Duurzame mobiliteit
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Pledge, Who.Anyone,
            "We zetten ons in voor duurzame mobiliteit in {place}",
            "Een open belofte: we stappen, fietsen of nemen de bus wanneer het kan, en we moedigen anderen aan om hetzelfde te doen."),
        new(DemoTheme.Mobility, 3, CityMobility, CommitmentLevel.Pledge, Who.Resident,
            "Korte verplaatsingen te voet of met de fiets",
            "Verplaatsingen korter dan 3 km doen we te voet of met de fiets, niet met de auto."),
        new(DemoTheme.Mobility, 5, CityMobility, CommitmentLevel.Action, Who.Resident,
            "Ons gezin stapt over op een bakfiets",
            "We proberen een bakfiets uit en laten daarna de tweede auto staan.",
            M("Een maand lang een bakfiets lenen", "Een bakfiets kopen of leasen", "Onze tweede auto verkopen")),
        new(DemoTheme.Mobility, 1, CityMobility, CommitmentLevel.Action, Who.Resident,
            "Een voetpool naar school in {place}",
            "Samen met de buren brengen we de kinderen te voet naar school.",
            M("Met de kinderen een veilige schoolroute uitstippelen", "Een voetpool starten met drie gezinnen", "De voetpool de hele winter volhouden")),
        new(DemoTheme.Mobility, 4, CityMobility, CommitmentLevel.Action, Who.Resident,
            "We delen onze auto met de buren",
            "Eén auto minder in de straat.",
            M("Ons aanmelden bij een autodeelplatform", "Onze auto delen met twee buren", "Onze tweede auto wegdoen")),
        new(DemoTheme.Mobility, 3, CityMobility, CommitmentLevel.Result, Who.Resident,
            "Minder kilometers met de auto",
            "We halveren het aantal kilometers dat we rijden: de fiets, de trein en deelauto's nemen het over.",
            Target: new("Autokilometers per maand", "km", 450, 900, -0.5, -0.2, Relative: true)),
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Result, Who.Resident,
            "Meer kilometers met de fiets",
            "We fietsen naar het werk, naar de winkel en naar de sportclub.",
            Target: new("Gefietste kilometers per week", "km", 10, 40, 0.5, 1.5, Relative: true)),
        new(DemoTheme.Mobility, 1, CityMobility, CommitmentLevel.Result, Who.School,
            "Meer leerlingen te voet en met de fiets naar school",
            "Twee keer per jaar tellen we hoe onze leerlingen naar school komen, en we maken van stappen en trappen de gewoonte.",
            Target: new("Aandeel verplaatsingen van en naar school te voet of met de fiets", "%", 35, 60, 10, 25)),
        new(DemoTheme.Mobility, 1, CityMobility, CommitmentLevel.Action, Who.School,
            "Een schoolstraat aan onze schoolpoort",
            "Geen auto's aan de schoolpoort bij het begin en het einde van de schooldag.",
            M("Bij de stad een schoolstraat aanvragen", "De schoolstraat een maand lang uittesten", "De schoolstraat definitief maken")),
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Result, Who.Business | Who.Organisation,
            "Ons personeel komt te voet, met de fiets of met de bus naar het werk",
            "Een fietsvergoeding, douches en een overdekte fietsenstalling.",
            Target: new("Aandeel personeel dat te voet, met de fiets of met het openbaar vervoer pendelt", "%", 20, 45, 10, 25)),
        new(DemoTheme.Mobility, 5, CityMobility, CommitmentLevel.Action, Who.Business,
            "Leveren met de bakfiets",
            "Bestellingen in de buurt gaan met de bakfiets de deur uit.",
            M("Een elektrische bakfiets kopen", "Alle bestellingen binnen 3 km met de bakfiets leveren", "De bakfiets op zondag uitlenen aan klanten")),
        new(DemoTheme.Mobility, 5, CityMobility, CommitmentLevel.Result, Who.Business,
            "De meeste leveringen met de bakfiets",
            "Voor leveringen in de buurt vervangen we de bestelwagen door bakfietsen.",
            Target: new("Aandeel leveringen met de bakfiets", "%", 0, 10, 30, 60)),
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Action, Who.Organisation,
            "Fietsherstellingsdagen in {place}",
            "Vrijwilligers helpen buren hun fiets te herstellen, zodat geen enkele fiets in het fietsenkot blijft staan.",
            M("Een eerste fietsherstellingsdag organiseren", "Vijf vrijwillige fietsherstellers opleiden", "Elke maand een fietsherstellingsdag houden")),
        new(DemoTheme.Mobility, 8, CityMobility, CommitmentLevel.Action, Who.City,
            "Veilige oversteekplaatsen in {place}",
            "De stad richt gevaarlijke oversteekplaatsen opnieuw in, samen met de bewoners die ze gebruiken.",
            M("De oversteekplaatsen verkennen met bewoners en leerlingen", "De oversteekplaats op de Diestsesteenweg heraanleggen", "De nieuwe inrichting evalueren met de bewoners")),
        new(DemoTheme.Mobility, 4, CityMobility, CommitmentLevel.Result, Who.City,
            "Meer deelauto's in de wijken",
            "De stad voorziet parkeerplaatsen en vergunningen voor deelauto's.",
            Target: new("Standplaatsen voor deelauto's", "standplaatsen", 4, 8, 6, 12)),
        new(DemoTheme.Mobility, 7, CityMobility, CommitmentLevel.Action, Who.City,
            "Zone 30 in elke woonstraat",
            "De stad maakt van elke woonstraat een zone 30.",
            M("De bewoners raadplegen", "Zoneborden en wegmarkeringen plaatsen", "Snelheden meten en publiceren")),
        new(DemoTheme.Mobility, 6, CityMobility, CommitmentLevel.Result, Who.Knowledge,
            "Personeel en studenten verplaatsen zich duurzaam",
            "Fietsenstallingen, abonnementen op het openbaar vervoer en minder parkeerplaatsen.",
            Target: new("Aandeel pendelverplaatsingen te voet, met de fiets of met het openbaar vervoer", "%", 60, 75, 5, 15)),
        new(DemoTheme.Mobility, 3, CityMobility, CommitmentLevel.Action, Who.Knowledge,
            "Fietsers en voetgangers tellen, als open data",
            "We meten de modal shift, zodat iedereen hem kan volgen.",
            M("Telpunten plaatsen", "De tellingen publiceren als open data", "Elk jaar rapporteren over de modal shift")),

        // ---- Vergroening
        new(DemoTheme.Greening, 11, CityGreening, CommitmentLevel.Action, Who.Resident,
            "Een geveltuin voor ons huis",
            "Tegels eruit, planten erin.",
            M("Een geveltuin aanvragen", "De tegels uitbreken", "Klimplanten en vaste planten zetten")),
        new(DemoTheme.Greening, 9, CityGreening, CommitmentLevel.Result, Who.Resident,
            "We ontharden onze tuin",
            "We vervangen terrastegels en grind door gras, struiken en een vijver.",
            Target: new("Onthard oppervlak in onze tuin", "m²", 0, 0, 5, 30)),
        new(DemoTheme.Greening, 14, CityGreening, CommitmentLevel.Pledge, Who.Resident | Who.Business,
            "Een bijvriendelijke tuin",
            "Inheemse planten, geen pesticiden, en een hoekje dat wild mag blijven."),
        new(DemoTheme.Greening, 10, CityGreening, CommitmentLevel.Result, Who.Resident | Who.Organisation,
            "Bomen voor onze straat",
            "Samen met de buren planten we bomen, en we zorgen ervoor.",
            Target: new("Geplante bomen in onze straat", "bomen", 0, 0, 2, 8)),
        new(DemoTheme.Greening, 12, CityGreening, CommitmentLevel.Action, Who.School,
            "Een groene speelplaats",
            "Minder asfalt, meer bomen, gras en een moestuin.",
            M("De speelplaats samen met de leerlingen ontwerpen", "Het asfalt uitbreken", "Bomen en een moestuin planten")),
        new(DemoTheme.Greening, 12, CityGreening, CommitmentLevel.Result, Who.School,
            "Een groenere speelplaats",
            "We ontharden de speelplaats stap voor stap.",
            Target: new("Onthard aandeel van de speelplaats", "%", 5, 20, 20, 40)),
        new(DemoTheme.Greening, 15, CityGreening, CommitmentLevel.Action, Who.Organisation,
            "Een samentuin in {place}",
            "Buren kweken samen groenten.",
            M("Een stuk grond vinden", "Moestuinbakken bouwen", "De percelen openstellen voor de buren")),
        new(DemoTheme.Greening, 15, CityGreening, CommitmentLevel.Result, Who.Organisation,
            "Meer tuinpercelen voor buren",
            "Elke buur die groenten wil kweken, krijgt een perceel.",
            Target: new("Tuinpercelen", "percelen", 0, 10, 10, 30)),
        new(DemoTheme.Greening, 9, CityGreening, CommitmentLevel.Result, Who.City,
            "Straten en pleinen ontharden in {place}",
            "De stad haalt asfalt weg waar het niet nodig is.",
            Target: new("Onthard openbaar domein", "m²", 0, 500, 2_000, 8_000)),
        new(DemoTheme.Greening, 13, CityGreening, CommitmentLevel.Action, Who.City,
            "Een groene verbinding door {place}",
            "Parken en valleien verbinden met groene wandelroutes.",
            M("Een haag planten langs de spoorweg", "De paden van het park met elkaar verbinden", "Bewegwijzering voor de wandelroute plaatsen")),
        new(DemoTheme.Greening, 11, CityGreening, CommitmentLevel.Action, Who.Business,
            "Een groendak op onze winkel",
            "Ons platte dak wordt groen en houdt het regenwater vast.",
            M("Het draagvermogen van het dak laten nakijken", "Een sedumdak leggen", "Een regenwaterput bijplaatsen")),
        new(DemoTheme.Greening, 14, CityGreening, CommitmentLevel.Action, Who.Knowledge,
            "Bijen en vlinders tellen met bewoners",
            "Een burgerwetenschapsproject dat de biodiversiteit in tuinen meet.",
            M("De bijentelling opzetten", "Vrijwillige tellers opleiden", "De resultaten publiceren")),

        // ---- Ontmoetingsplekken
        new(DemoTheme.MeetingPlaces, 20, CityTogether, CommitmentLevel.Action, Who.Resident,
            "Een buurtfeest in onze straat",
            "De buren leren kennen en plannen wat we samen kunnen doen.",
            M("Een vergunning aanvragen bij de stad", "Het buurtfeest houden", "Een chatgroep voor de straat starten")),
        new(DemoTheme.MeetingPlaces, 20, CityTogether, CommitmentLevel.Pledge, Who.Resident,
            "Ik steek mijn buren een handje toe",
            "Gereedschap, tijd en een tas koffie: ik deel wat ik heb."),
        new(DemoTheme.MeetingPlaces, 17, CityTogether, CommitmentLevel.Action, Who.Resident,
            "Een bank voor ons huis",
            "Een plek voor voorbijgangers om even uit te rusten en een babbeltje te slaan.",
            M("Een bank plaatsen", "Een plantenbak voor schaduw zetten", "De buren uitnodigen voor een eerste koffie")),
        new(DemoTheme.MeetingPlaces, 18, CityTogether, CommitmentLevel.Action, Who.Organisation | Who.Resident,
            "Elke zomer speelstraten in {place}",
            "De straat is een dag lang van de kinderen.",
            M("Speelstraten aanvragen", "Vier speelstraatdagen houden", "Evalueren met de ouders")),
        new(DemoTheme.MeetingPlaces, 19, CityTogether, CommitmentLevel.Result, Who.Organisation,
            "Buren ontmoeten elkaar in ons buurthuis",
            "Een open huis met activiteiten voor elke leeftijd.",
            Target: new("Bezoekers per maand", "bezoekers", 50, 150, 50, 200)),
        new(DemoTheme.MeetingPlaces, 21, CityTogether, CommitmentLevel.Pledge, Who.Business,
            "Onze winkel is een ontmoetingsplek voor de buurt",
            "Een stoel, een babbel en een prikbord voor de buren."),
        new(DemoTheme.MeetingPlaces, 21, CityTogether, CommitmentLevel.Action, Who.Business,
            "Een buurtmarkt in {place}",
            "Eén keer per maand staan lokale handelaars en boeren op het plein.",
            M("Tien lokale handelaars samenbrengen", "Een eerste markt houden", "Elke maand markt houden")),
        new(DemoTheme.MeetingPlaces, 16, CityTogether, CommitmentLevel.Action, Who.City,
            "Een plein om elkaar te ontmoeten in {place}",
            "De stad richt het plein opnieuw in, samen met de bewoners.",
            M("Een cocreatiemoment met bewoners houden", "Een tijdelijke inrichting uittesten", "De definitieve inrichting aanleggen")),
        new(DemoTheme.MeetingPlaces, 17, CityTogether, CommitmentLevel.Result, Who.City,
            "Zitbanken langs wandelroutes",
            "Om de 200 meter een zitbank langs de belangrijkste wandelroutes.",
            Target: new("Geplaatste zitbanken", "zitbanken", 10, 30, 20, 60)),
        new(DemoTheme.MeetingPlaces, 19, CityTogether, CommitmentLevel.Action, Who.School,
            "Onze speelplaats is open na school",
            "De speelplaats wordt een speelplek voor de hele buurt.",
            M("Afspraken maken met de ouderraad", "De speelplaats op woensdagnamiddag openstellen", "De speelplaats in het weekend openstellen")),

        // ---- Klimaatrobuustheid
        new(DemoTheme.ClimateRobustness, 24, CityBuildings, CommitmentLevel.Result, Who.Resident,
            "We halveren ons gasverbruik",
            "Isolatie, de thermostaat een graadje lager en uiteindelijk een warmtepomp.",
            Target: new("Gasverbruik per jaar", "m³", 1_000, 1_800, -0.5, -0.25, Relative: true)),
        new(DemoTheme.ClimateRobustness, 24, CityBuildings, CommitmentLevel.Action, Who.Resident,
            "We renoveren onze woning",
            "Stap voor stap naar een woning zonder aardgas.",
            M("Een energiescan laten doen", "Het dak isoleren", "De gasketel vervangen door een warmtepomp")),
        new(DemoTheme.ClimateRobustness, 25, CityEnergy, CommitmentLevel.Result, Who.Resident,
            "Zonnepanelen op ons dak",
            "We wekken onze eigen elektriciteit op.",
            Target: new("Geïnstalleerd vermogen aan zonnepanelen", "kWp", 0, 0, 3, 6, Decimals: 1)),
        new(DemoTheme.ClimateRobustness, 22, CityGreening, CommitmentLevel.Action, Who.Resident,
            "Een regenwaterput",
            "Regenwater voor het toilet, de wasmachine en de tuin, niet voor de riolering.",
            M("Een regenwaterput kopen", "Het toilet en de wasmachine aansluiten", "De regenpijp afkoppelen van de riolering")),
        new(DemoTheme.ClimateRobustness, 22, CityGreening, CommitmentLevel.Result, Who.Resident | Who.Business,
            "We houden het regenwater op ons perceel",
            "Een regenwaterput en infiltratie in de tuin.",
            Target: new("Opvangcapaciteit voor regenwater", "liter", 0, 0, 2_000, 10_000)),
        new(DemoTheme.ClimateRobustness, 28, CityCircular, CommitmentLevel.Result, Who.Resident,
            "Minder restafval",
            "Composteren, boodschappen doen met herbruikbare verpakkingen, en herstellen.",
            Target: new("Restafval per persoon per jaar", "kg", 120, 180, -0.4, -0.2, Relative: true)),
        new(DemoTheme.ClimateRobustness, 27, CityCircular, CommitmentLevel.Pledge, Who.Resident | Who.Organisation,
            "Eerst herstellen, dan pas vervangen",
            "We herstellen, lenen of kopen tweedehands voor we iets nieuws kopen."),
        new(DemoTheme.ClimateRobustness, 26, CityBuildings, CommitmentLevel.Result, Who.Business,
            "Minder energieverbruik in onze winkel",
            "Ledverlichting, gesloten koelkasten en een warmtepomp.",
            Target: new("Elektriciteitsverbruik per jaar", "kWh", 15_000, 40_000, -0.3, -0.1, Relative: true)),
        new(DemoTheme.ClimateRobustness, 27, CityCircular, CommitmentLevel.Action, Who.Business,
            "Herstellen en terugnemen",
            "We herstellen wat we verkopen en nemen verpakkingen terug.",
            M("Een hersteldienst aanbieden", "Tweedehands naast nieuw verkopen", "Verpakkingen terugnemen")),
        new(DemoTheme.ClimateRobustness, 27, CityCircular, CommitmentLevel.Action, Who.Organisation,
            "Een repaircafé in {place}",
            "Vrijwilligers herstellen wat de buren meebrengen.",
            M("Een locatie vinden", "Vrijwillige herstellers zoeken", "Elke maand een repaircafé houden")),
        new(DemoTheme.ClimateRobustness, 23, CityGreening, CommitmentLevel.Action, Who.Organisation,
            "Koele plekken tijdens hittegolven",
            "We stellen onze zaal open als koele plek en kijken om naar oudere buren.",
            M("De schaduwrijke plekken in de buurt in kaart brengen", "Onze zaal openstellen als koele plek", "Oudere buren opbellen tijdens hittegolven")),
        new(DemoTheme.ClimateRobustness, 26, CityEnergy, CommitmentLevel.Result, Who.Organisation,
            "Meer leden voor onze energiecoöperatie",
            "Buren investeren samen in zonnepanelen en delen de elektriciteit.",
            Target: new("Leden van de coöperatie", "leden", 50, 200, 100, 300)),
        new(DemoTheme.ClimateRobustness, 24, CityBuildings, CommitmentLevel.Result, Who.City,
            "Woningen gerenoveerd met steun van de stad",
            "Een energieloket, renovatiecoaches en premies.",
            Target: new("Woningen gerenoveerd met steun van de stad", "woningen", 0, 100, 300, 800)),
        new(DemoTheme.ClimateRobustness, 22, CityGreening, CommitmentLevel.Action, Who.City,
            "Infiltratie in plaats van riolering in {place}",
            "Regenwater zakt in de grond waar het valt.",
            M("De straatkolken afkoppelen", "Wadi's aanleggen in de groenstroken", "Regenwaterputten subsidiëren")),
        new(DemoTheme.ClimateRobustness, 25, CityEnergy, CommitmentLevel.Result, Who.School,
            "Zonnestroom van het schooldak",
            "Het schooldak wekt de elektriciteit van de school op.",
            Target: new("Geïnstalleerd vermogen aan zonnepanelen", "kWp", 0, 0, 20, 60)),
        new(DemoTheme.ClimateRobustness, 23, CityGreening, CommitmentLevel.Action, Who.Knowledge,
            "Hitte meten in de straten",
            "Sensoren tonen waar het in de buurt het warmst wordt, zodat de stad weet waar schaduw nodig is.",
            M("Temperatuursensoren plaatsen", "Een hittekaart publiceren", "De stad adviseren over koele plekken")),
        new(DemoTheme.ClimateRobustness, 26, CityBuildings, CommitmentLevel.Result, Who.Knowledge,
            "Lager energieverbruik van onze gebouwen",
            "We renoveren onze campusgebouwen.",
            Target: new("Energieverbruik van onze gebouwen per jaar", "MWh", 20_000, 30_000, -0.2, -0.08, Relative: true)),
    ];
}
