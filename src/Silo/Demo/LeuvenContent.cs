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
/// The words of the Leuven demo: goals, ideas for commitments and fictitious people. All figures are illustrative,
/// and the 28 Kessel-Lo objectives are an illustrative rendering of the citizen panel's vision, not its text.
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
        "Demo data: the figures and wording are illustrative, made up for this demonstration.";

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
        [
            (CityAmbitionId, new GoalDefinition(
                "Leuven klimaatneutraal 2030",
                "Leuven wants to become climate neutral, together: residents, schools, shops and companies, organisations, " +
                "the city and its knowledge institutions each take their share. This ambition rolls up the progress of its objectives. " +
                IllustrativeNote,
                city, null, null, RollUpRule.MeanOfObjectives, Illustrative: true)),
            (CityMobility, Objective(
                "Modal shift: walking, cycling and public transport first",
                "Fewer trips by car, more on foot, by bike, by bus and train, and shared cars for the rest.",
                new QuantitativeTarget("Share of trips made by car", "%", 45, 30, Horizon))),
            (CityBuildings, Objective(
                "Renovated, energy-efficient homes and buildings",
                "Insulate, ventilate and heat without fossil fuels: homes, schools, shops and offices.",
                new QuantitativeTarget("Greenhouse gas emissions of buildings", "kt CO2e", 380, 190, Horizon))),
            (CityEnergy, Objective(
                "Renewable energy made in Leuven",
                "Solar panels on every suitable roof, energy communities and cooperatives.",
                new QuantitativeTarget("Share of electricity produced locally from renewable sources", "%", 8, 30, Horizon))),
            (CityGreening, Objective(
                "A green and climate-robust city",
                "Less concrete, more trees and green, rainwater kept where it falls, cool places in hot summers.",
                new QuantitativeTarget("Area unpaved (de-sealed) since 2024", "m²", 0, 100_000, Horizon))),
            (CityCircular, Objective(
                "A circular economy",
                "Repair, reuse and share; buy less, waste less.",
                new QuantitativeTarget("Residual waste per resident per year", "kg", 130, 100, Horizon))),
            (CityTogether, Objective(
                "Neighbourhoods that act together",
                "Meeting places, neighbour networks and co-creation sessions, so that nobody has to do it alone.",
                null)),
        ];
    }

    private static IReadOnlyList<(string Id, GoalDefinition Definition)> BuildKesselLoGoals()
    {
        var district = new GoalScope(PlaceLevel.District, [OilStain.KesselLoDistrictCode]);
        var goals = new List<(string, GoalDefinition)>
        {
            (KesselLoAmbitionId, new GoalDefinition(
                "Duurzame mobiliteit en meer groen, leefbaarheid en comfort in Kessel-Lo",
                "The shared vision for Kessel-Lo: sustainable mobility, more green, meeting places and a climate-robust district. " +
                "In the pilot a randomly drawn citizen panel wrote the vision as 28 objectives; the 28 objectives here are an " +
                "ILLUSTRATIVE rendering for this demo, not the panel's own text. " + IllustrativeNote,
                district, null, null, RollUpRule.MeanOfObjectives, Illustrative: true)),
        };
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
                DemoTheme.Mobility => "sustainable mobility",
                DemoTheme.Greening => "greening",
                DemoTheme.MeetingPlaces => "meeting places",
                _ => "climate robustness",
            };
            goals.Add(($"goal-kessello-{slug}-{number:D2}", new GoalDefinition(
                title,
                $"Kessel-Lo objective {number} of 28 (theme: {themeName}). {description} Illustrative objective for this demo. {IllustrativeNote}",
                district, KesselLoAmbitionId, target, RollUpRule.WeightedMeanOfCommitments, Illustrative: true)));
        }
        return goals;
    }

    private static QuantitativeTarget T(string metric, string unit, double baseline, double target) =>
        new(metric, unit, baseline, target, Horizon);

    /// <summary>The 28 illustrative objectives, numbered 1 to 28 in this order.</summary>
    private static readonly (DemoTheme Theme, string Title, string Description, QuantitativeTarget? Target)[] Objectives =
    [
        // Sustainable mobility (1–8)
        (DemoTheme.Mobility, "Safe walking and cycling to every school", "School streets and safe routes, so that children walk and cycle to school.", T("Share of pupils walking or cycling to school", "%", 50, 75)),
        (DemoTheme.Mobility, "A continuous cycle network through Kessel-Lo", "Cycle streets and the missing links between the neighbourhoods, the station and the centre.", T("Length of cycle streets", "km", 3, 12)),
        (DemoTheme.Mobility, "Less through traffic in residential streets", "A circulation plan that keeps through traffic on the main roads.", T("Cars per day in residential streets (median of counting points)", "vehicles/day", 1_500, 800)),
        (DemoTheme.Mobility, "Shared mobility within five minutes' walk", "Shared cars and bikes near every home.", T("Shared-car pick-up points", "points", 6, 20)),
        (DemoTheme.Mobility, "Cargo bikes for families and shops", "Borrow, share or buy a cargo bike: for the school run, shopping and deliveries.", null),
        (DemoTheme.Mobility, "Better connections by bus and train", "Station Kessel-Lo and the bus lines as a real alternative to the car.", null),
        (DemoTheme.Mobility, "30 km/h in every neighbourhood street", "Slow, safe streets where children can play.", null),
        (DemoTheme.Mobility, "Safe crossings on the main roads", "Safe places to cross the Diestsesteenweg, the Tiensesteenweg and the ring.", T("Crossings redesigned", "crossings", 0, 12)),
        // Greening (9–15)
        (DemoTheme.Greening, "Unpave: green instead of asphalt and tiles", "Remove paving in streets, squares and gardens.", T("Area unpaved", "m²", 0, 20_000)),
        (DemoTheme.Greening, "A tree for every street", "Plant trees in every street, with residents as their godparents.", T("Trees planted", "trees", 0, 1_000)),
        (DemoTheme.Greening, "Facade gardens and green roofs", "Green up fronts and roofs of homes, shops and schools.", T("Facade gardens", "gardens", 50, 500)),
        (DemoTheme.Greening, "Green schoolyards", "Schoolyards with trees, grass and water play instead of asphalt.", null),
        (DemoTheme.Greening, "Green corridors through the district", "Connect the Provinciaal Domein, the Kesselse Bergen and the valleys with green walking routes.", null),
        (DemoTheme.Greening, "More biodiversity in gardens and parks", "Bee-friendly gardens, hedges instead of fences, mowing less.", null),
        (DemoTheme.Greening, "Community vegetable gardens", "Plots to grow food together, close to home.", T("Community garden plots", "plots", 40, 120)),
        // Meeting places (16–21)
        (DemoTheme.MeetingPlaces, "A welcoming square in every neighbourhood", "A place at the heart of every neighbourhood where people like to meet.", null),
        (DemoTheme.MeetingPlaces, "Benches and shade on walking routes", "Somewhere to sit every 200 metres, in the shade.", T("Benches placed", "benches", 0, 150)),
        (DemoTheme.MeetingPlaces, "Play streets and car-free Sundays", "Streets that belong to children and neighbours for a day.", T("Play-street days per year", "days", 10, 60)),
        (DemoTheme.MeetingPlaces, "A neighbourhood house open to all", "Indoor meeting places for clubs, neighbours and co-creation sessions.", null),
        (DemoTheme.MeetingPlaces, "Street parties and neighbour networks", "Neighbours who know each other help each other.", null),
        (DemoTheme.MeetingPlaces, "Shops and services within walking distance", "A lively local high street instead of driving to the edge of town.", null),
        // Climate robustness (22–28)
        (DemoTheme.ClimateRobustness, "Collect and infiltrate rainwater", "Rainwater tanks, wadis and disconnected downpipes against flooding and drought.", T("Rainwater storage capacity added", "m³", 0, 5_000)),
        (DemoTheme.ClimateRobustness, "Cool places during heatwaves", "Shade, water and cool rooms, and an eye on vulnerable neighbours.", null),
        (DemoTheme.ClimateRobustness, "Renovate homes: insulation and heat pumps", "Well-insulated homes heated without gas or oil.", T("Homes deeply renovated", "homes", 0, 2_000)),
        (DemoTheme.ClimateRobustness, "Solar panels on every suitable roof", "Roofs of homes, schools and shops produce electricity.", T("Installed solar power", "kWp", 2_000, 7_000)),
        (DemoTheme.ClimateRobustness, "Save energy and share it in energy communities", "Use less, and share what the neighbourhood produces.", null),
        (DemoTheme.ClimateRobustness, "Repair, reuse and share", "Repair cafés, a tool library and second-hand before new.", null),
        (DemoTheme.ClimateRobustness, "Less residual waste", "Sort, compost and avoid packaging.", T("Residual waste per resident per year", "kg", 120, 90)),
    ];

    private static string[] M(params string[] titles) => titles;

    /// <summary>Ideas for commitments, by theme and level, each tied to one Kessel-Lo objective and one city objective.</summary>
    public static IReadOnlyList<CommitmentIdea> Ideas { get; } =
    [
        // ---- Sustainable mobility
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Pledge, Who.Anyone,
            "We carry sustainable mobility in {place}",
            "An open promise: we walk, cycle or take the bus whenever we can, and we encourage others to do the same."),
        new(DemoTheme.Mobility, 3, CityMobility, CommitmentLevel.Pledge, Who.Resident,
            "Short trips on foot or by bike",
            "Trips under 3 km we make on foot or by bike, not by car."),
        new(DemoTheme.Mobility, 5, CityMobility, CommitmentLevel.Action, Who.Resident,
            "Our family switches to a cargo bike",
            "We try a cargo bike and then leave the second car behind.",
            M("Borrow a cargo bike for a month", "Buy or lease a cargo bike", "Sell our second car")),
        new(DemoTheme.Mobility, 1, CityMobility, CommitmentLevel.Action, Who.Resident,
            "A walking bus to school in {place}",
            "Together with the neighbours we take the children to school on foot.",
            M("Map a safe route to school with the children", "Start a walking bus with three families", "Keep it going through the winter")),
        new(DemoTheme.Mobility, 4, CityMobility, CommitmentLevel.Action, Who.Resident,
            "We share our car with the neighbours",
            "One car fewer in the street.",
            M("Register with a car-sharing platform", "Share our car with two neighbours", "Give up our second car")),
        new(DemoTheme.Mobility, 3, CityMobility, CommitmentLevel.Result, Who.Resident,
            "Fewer kilometres by car",
            "We halve the kilometres we drive: bike, train and shared cars instead.",
            Target: new("Car kilometres per month", "km", 450, 900, -0.5, -0.2, Relative: true)),
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Result, Who.Resident,
            "More kilometres by bike",
            "We cycle to work, to the shops and to the sports club.",
            Target: new("Kilometres cycled per week", "km", 10, 40, 0.5, 1.5, Relative: true)),
        new(DemoTheme.Mobility, 1, CityMobility, CommitmentLevel.Result, Who.School,
            "More pupils walk and cycle to school",
            "We measure how our pupils come to school twice a year and make walking and cycling the normal way.",
            Target: new("Share of trips to and from school on foot or by bike", "%", 35, 60, 10, 25)),
        new(DemoTheme.Mobility, 1, CityMobility, CommitmentLevel.Action, Who.School,
            "A school street in front of our gate",
            "No cars in front of the school gate at the start and end of the school day.",
            M("Ask the city for a school street", "Trial the school street for a month", "Make the school street permanent")),
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Result, Who.Business | Who.Organisation,
            "Our staff come to work on foot, by bike or by bus",
            "Bike allowance, showers and a covered bike shed.",
            Target: new("Share of staff commuting on foot, by bike or by public transport", "%", 20, 45, 10, 25)),
        new(DemoTheme.Mobility, 5, CityMobility, CommitmentLevel.Action, Who.Business,
            "Deliveries by cargo bike",
            "Orders in the neighbourhood go out by cargo bike.",
            M("Buy an electric cargo bike", "Deliver all orders within 3 km by cargo bike", "Lend the cargo bike to customers on Sundays")),
        new(DemoTheme.Mobility, 5, CityMobility, CommitmentLevel.Result, Who.Business,
            "Most deliveries by cargo bike",
            "We replace the delivery van by cargo bikes for local deliveries.",
            Target: new("Share of deliveries by cargo bike", "%", 0, 10, 30, 60)),
        new(DemoTheme.Mobility, 2, CityMobility, CommitmentLevel.Action, Who.Organisation,
            "Bike repair days in {place}",
            "Volunteers help neighbours fix their bikes, so that nobody leaves the bike in the shed.",
            M("Organise a first bike repair day", "Train five volunteer bike mechanics", "Hold a bike repair day every month")),
        new(DemoTheme.Mobility, 8, CityMobility, CommitmentLevel.Action, Who.City,
            "Safe crossings near {place}",
            "The city redesigns dangerous crossings together with the residents who use them.",
            M("Walk the crossings with residents and pupils", "Redesign the crossing on the Diestsesteenweg", "Evaluate the new layout with residents")),
        new(DemoTheme.Mobility, 4, CityMobility, CommitmentLevel.Result, Who.City,
            "More shared cars in the neighbourhoods",
            "The city provides parking places and permits for shared cars.",
            Target: new("Shared-car pick-up points", "points", 4, 8, 6, 12)),
        new(DemoTheme.Mobility, 7, CityMobility, CommitmentLevel.Action, Who.City,
            "30 km/h in every residential street",
            "The city makes every residential street a 30 km/h zone.",
            M("Consult the residents", "Place zone signs and street markings", "Measure speeds and publish them")),
        new(DemoTheme.Mobility, 6, CityMobility, CommitmentLevel.Result, Who.Knowledge,
            "Staff and students travel sustainably",
            "Bike parking, public transport passes and fewer car parks.",
            Target: new("Share of commutes on foot, by bike or by public transport", "%", 60, 75, 5, 15)),
        new(DemoTheme.Mobility, 3, CityMobility, CommitmentLevel.Action, Who.Knowledge,
            "Count cyclists and pedestrians as open data",
            "We measure the modal shift so that everyone can follow it.",
            M("Install counting points", "Publish the counts as open data", "Report on the modal shift every year")),

        // ---- Greening
        new(DemoTheme.Greening, 11, CityGreening, CommitmentLevel.Action, Who.Resident,
            "A facade garden in front of our house",
            "Tiles out, plants in.",
            M("Apply for a facade garden", "Lift the tiles", "Plant climbers and perennials")),
        new(DemoTheme.Greening, 9, CityGreening, CommitmentLevel.Result, Who.Resident,
            "Unpave our garden",
            "We replace terrace tiles and gravel by grass, shrubs and a pond.",
            Target: new("Unpaved area in our garden", "m²", 0, 0, 5, 30)),
        new(DemoTheme.Greening, 14, CityGreening, CommitmentLevel.Pledge, Who.Resident | Who.Business,
            "A bee-friendly garden",
            "Native plants, no pesticides, a corner left wild."),
        new(DemoTheme.Greening, 10, CityGreening, CommitmentLevel.Result, Who.Resident | Who.Organisation,
            "Trees for our street",
            "We plant trees with the neighbours and look after them.",
            Target: new("Trees planted in our street", "trees", 0, 0, 2, 8)),
        new(DemoTheme.Greening, 12, CityGreening, CommitmentLevel.Action, Who.School,
            "A green schoolyard",
            "Less asphalt, more trees, grass and a vegetable patch.",
            M("Design the schoolyard with the pupils", "Break out the asphalt", "Plant trees and a vegetable patch")),
        new(DemoTheme.Greening, 12, CityGreening, CommitmentLevel.Result, Who.School,
            "A greener schoolyard",
            "We unpave the schoolyard step by step.",
            Target: new("Unpaved share of the schoolyard", "%", 5, 20, 20, 40)),
        new(DemoTheme.Greening, 15, CityGreening, CommitmentLevel.Action, Who.Organisation,
            "A community vegetable garden in {place}",
            "Neighbours grow vegetables together.",
            M("Find a plot", "Build raised beds", "Open the plots to neighbours")),
        new(DemoTheme.Greening, 15, CityGreening, CommitmentLevel.Result, Who.Organisation,
            "More garden plots for neighbours",
            "Every neighbour who wants to grow food gets a plot.",
            Target: new("Garden plots", "plots", 0, 10, 10, 30)),
        new(DemoTheme.Greening, 9, CityGreening, CommitmentLevel.Result, Who.City,
            "Unpave streets and squares in {place}",
            "The city removes asphalt where it is not needed.",
            Target: new("Public space unpaved", "m²", 0, 500, 2_000, 8_000)),
        new(DemoTheme.Greening, 13, CityGreening, CommitmentLevel.Action, Who.City,
            "A green corridor through {place}",
            "Connect parks and valleys with green walking routes.",
            M("Plant a hedge along the railway", "Connect the park paths", "Place signs for the walking route")),
        new(DemoTheme.Greening, 11, CityGreening, CommitmentLevel.Action, Who.Business,
            "A green roof on our shop",
            "Our flat roof becomes green and holds the rain.",
            M("Check the roof's load capacity", "Install a sedum roof", "Add a rainwater tank")),
        new(DemoTheme.Greening, 14, CityGreening, CommitmentLevel.Action, Who.Knowledge,
            "Count bees and butterflies with residents",
            "A citizen-science project that measures biodiversity in gardens.",
            M("Set up the bee count", "Train volunteer counters", "Publish the results")),

        // ---- Meeting places
        new(DemoTheme.MeetingPlaces, 20, CityTogether, CommitmentLevel.Action, Who.Resident,
            "A street party in our street",
            "Get to know the neighbours and plan what we can do together.",
            M("Ask the city for a permit", "Hold the street party", "Start a street chat group")),
        new(DemoTheme.MeetingPlaces, 20, CityTogether, CommitmentLevel.Pledge, Who.Resident,
            "I lend my neighbours a hand",
            "Tools, time and a cup of coffee: I share what I have."),
        new(DemoTheme.MeetingPlaces, 17, CityTogether, CommitmentLevel.Action, Who.Resident,
            "A bench in front of our house",
            "Somewhere to rest and chat for passers-by.",
            M("Place a bench", "Add a planter for shade", "Invite the neighbours for a first coffee")),
        new(DemoTheme.MeetingPlaces, 18, CityTogether, CommitmentLevel.Action, Who.Organisation | Who.Resident,
            "Play streets every summer in {place}",
            "The street belongs to the children for a day.",
            M("Apply for play streets", "Hold four play-street days", "Evaluate with the parents")),
        new(DemoTheme.MeetingPlaces, 19, CityTogether, CommitmentLevel.Result, Who.Organisation,
            "Neighbours meet in our neighbourhood house",
            "An open house with activities for every age.",
            Target: new("Visitors per month", "visitors", 50, 150, 50, 200)),
        new(DemoTheme.MeetingPlaces, 21, CityTogether, CommitmentLevel.Pledge, Who.Business,
            "Our shop is a meeting point for the neighbourhood",
            "A chair, a chat, a notice board for neighbours."),
        new(DemoTheme.MeetingPlaces, 21, CityTogether, CommitmentLevel.Action, Who.Business,
            "A local market in {place}",
            "Local traders and farmers on the square once a month.",
            M("Gather ten local traders", "Hold a first market", "Hold the market every month")),
        new(DemoTheme.MeetingPlaces, 16, CityTogether, CommitmentLevel.Action, Who.City,
            "A square where people meet in {place}",
            "The city redesigns the square together with the residents.",
            M("Hold a co-creation session with residents", "Try a temporary layout", "Build the permanent design")),
        new(DemoTheme.MeetingPlaces, 17, CityTogether, CommitmentLevel.Result, Who.City,
            "Benches on walking routes",
            "A bench every 200 metres on the main walking routes.",
            Target: new("Benches placed", "benches", 10, 30, 20, 60)),
        new(DemoTheme.MeetingPlaces, 19, CityTogether, CommitmentLevel.Action, Who.School,
            "Our playground is open after school",
            "The playground becomes a playground for the whole neighbourhood.",
            M("Agree with the parents' council", "Open on Wednesday afternoons", "Open at weekends")),

        // ---- Climate robustness
        new(DemoTheme.ClimateRobustness, 24, CityBuildings, CommitmentLevel.Result, Who.Resident,
            "We halve our gas use",
            "Insulation, a lower thermostat and, in the end, a heat pump.",
            Target: new("Gas use per year", "m³", 1_000, 1_800, -0.5, -0.25, Relative: true)),
        new(DemoTheme.ClimateRobustness, 24, CityBuildings, CommitmentLevel.Action, Who.Resident,
            "We renovate our home",
            "Step by step to a home without gas.",
            M("Get an energy scan", "Insulate the roof", "Replace the gas boiler by a heat pump")),
        new(DemoTheme.ClimateRobustness, 25, CityEnergy, CommitmentLevel.Result, Who.Resident,
            "Solar panels on our roof",
            "We produce our own electricity.",
            Target: new("Installed solar power", "kWp", 0, 0, 3, 6, Decimals: 1)),
        new(DemoTheme.ClimateRobustness, 22, CityGreening, CommitmentLevel.Action, Who.Resident,
            "A rainwater tank",
            "Rain for the toilet, the washing machine and the garden, not for the sewer.",
            M("Buy a rainwater tank", "Connect the toilet and the washing machine", "Disconnect the downpipe from the sewer")),
        new(DemoTheme.ClimateRobustness, 22, CityGreening, CommitmentLevel.Result, Who.Resident | Who.Business,
            "We keep the rain on our plot",
            "Rainwater tank and infiltration in the garden.",
            Target: new("Rainwater storage capacity", "litres", 0, 0, 2_000, 10_000)),
        new(DemoTheme.ClimateRobustness, 28, CityCircular, CommitmentLevel.Result, Who.Resident,
            "Less residual waste",
            "Composting, refill shopping and repairing.",
            Target: new("Residual waste per person per year", "kg", 120, 180, -0.4, -0.2, Relative: true)),
        new(DemoTheme.ClimateRobustness, 27, CityCircular, CommitmentLevel.Pledge, Who.Resident | Who.Organisation,
            "Repair before we replace",
            "We repair, borrow or buy second-hand before we buy new."),
        new(DemoTheme.ClimateRobustness, 26, CityBuildings, CommitmentLevel.Result, Who.Business,
            "Lower energy use in our shop",
            "LED lighting, closed fridges and a heat pump.",
            Target: new("Electricity use per year", "kWh", 15_000, 40_000, -0.3, -0.1, Relative: true)),
        new(DemoTheme.ClimateRobustness, 27, CityCircular, CommitmentLevel.Action, Who.Business,
            "Repair and take back",
            "We repair what we sell and take packaging back.",
            M("Offer a repair service", "Sell second-hand alongside new", "Take back packaging")),
        new(DemoTheme.ClimateRobustness, 27, CityCircular, CommitmentLevel.Action, Who.Organisation,
            "A repair café in {place}",
            "Volunteers repair what neighbours bring along.",
            M("Find a location", "Recruit volunteer repairers", "Hold a repair café every month")),
        new(DemoTheme.ClimateRobustness, 23, CityGreening, CommitmentLevel.Action, Who.Organisation,
            "Cool spots during heatwaves",
            "We open our hall as a cool spot and look after older neighbours.",
            M("Map the shaded places in the neighbourhood", "Open our hall as a cool spot", "Call on older neighbours during heatwaves")),
        new(DemoTheme.ClimateRobustness, 26, CityEnergy, CommitmentLevel.Result, Who.Organisation,
            "More members for our energy cooperative",
            "Neighbours invest together in solar panels and share the electricity.",
            Target: new("Cooperative members", "members", 50, 200, 100, 300)),
        new(DemoTheme.ClimateRobustness, 24, CityBuildings, CommitmentLevel.Result, Who.City,
            "Homes renovated with support from the city",
            "An energy desk, renovation coaches and grants.",
            Target: new("Homes renovated with city support", "homes", 0, 100, 300, 800)),
        new(DemoTheme.ClimateRobustness, 22, CityGreening, CommitmentLevel.Action, Who.City,
            "Infiltration instead of sewers in {place}",
            "Rainwater soaks into the ground where it falls.",
            M("Disconnect the street drains", "Build wadis in the green strips", "Subsidise rainwater tanks")),
        new(DemoTheme.ClimateRobustness, 25, CityEnergy, CommitmentLevel.Result, Who.School,
            "Solar power on the school roof",
            "The school roof produces the school's electricity.",
            Target: new("Installed solar power", "kWp", 0, 0, 20, 60)),
        new(DemoTheme.ClimateRobustness, 23, CityGreening, CommitmentLevel.Action, Who.Knowledge,
            "Measure heat in the streets",
            "Sensors show where the district is hottest, so that the city knows where shade is needed.",
            M("Place temperature sensors", "Publish a heat map", "Advise the city on cool places")),
        new(DemoTheme.ClimateRobustness, 26, CityBuildings, CommitmentLevel.Result, Who.Knowledge,
            "Lower energy use of our buildings",
            "Renovation of our campus buildings.",
            Target: new("Energy use of our buildings per year", "MWh", 20_000, 30_000, -0.2, -0.08, Relative: true)),
    ];
}
