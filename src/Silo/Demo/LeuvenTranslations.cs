using CivicContracting.Goals;
using CivicContracting.Texts;

namespace CivicContracting.Silo.Demo;

/// <summary>
/// The demo's goals in French and English beside their Dutch original (<see cref="LeuvenContent"/>): the Leuven 2030
/// ambition and its objectives, the Kessel-Lo vision and its 28 objectives. Applied when the goals are built, so the
/// Dutch texts (and with them the check for another edition of the demo) stay as they were.
/// </summary>
internal static class LeuvenTranslations
{
    private const string IllustrativeFr = "Données de démonstration : les chiffres et les formulations sont illustratifs, inventés pour cette démonstration.";
    private const string IllustrativeEn = "Demo data: the figures and wording are illustrative, made up for this demonstration.";

    /// <summary>French and English title and description of the city's goals, by id (descriptions without the demo note).</summary>
    private static readonly Dictionary<string, (string FrTitle, string FrDescription, string EnTitle, string EnDescription)> CityTexts = new(StringComparer.Ordinal)
    {
        [LeuvenContent.CityAmbitionId] = (
            "Louvain neutre pour le climat en 2030",
            "Louvain veut devenir neutre pour le climat, et ensemble : habitants, écoles, commerces et entreprises, associations, la ville et ses institutions du savoir y prennent chacun leur part. Cette ambition additionne les progrès de ses objectifs.",
            "Leuven climate neutral 2030",
            "Leuven wants to become climate neutral, and to do it together: residents, schools, shops and businesses, organisations, the city and its knowledge institutions each play their part. This ambition adds up the progress of its objectives."),
        [LeuvenContent.CityMobility] = (
            "Report modal : d'abord à pied, à vélo et en transports en commun",
            "Moins de déplacements en voiture, plus à pied, à vélo, en bus et en train, et des voitures partagées pour le reste.",
            "Modal shift: walking, cycling and public transport first",
            "Fewer trips by car, more on foot, by bike, bus and train, and shared cars for the rest."),
        [LeuvenContent.CityBuildings] = (
            "Des logements et des bâtiments rénovés et économes en énergie",
            "Isoler, ventiler et chauffer sans combustibles fossiles : logements, écoles, commerces et bureaux.",
            "Renovated, energy-efficient homes and buildings",
            "Insulating, ventilating and heating without fossil fuels: homes, schools, shops and offices."),
        [LeuvenContent.CityEnergy] = (
            "Une énergie renouvelable, produite à Louvain",
            "Des panneaux solaires sur chaque toit adapté, des communautés d'énergie et des coopératives.",
            "Renewable energy, made in Leuven",
            "Solar panels on every suitable roof, energy communities and cooperatives."),
        [LeuvenContent.CityGreening] = (
            "Une ville verte et résiliente face au climat",
            "Moins de béton, plus d'arbres et de verdure, retenir l'eau de pluie là où elle tombe, des lieux frais pendant les étés chauds.",
            "A green, climate-resilient city",
            "Less concrete, more trees and greenery, keeping rainwater where it falls, cool places in hot summers."),
        [LeuvenContent.CityCircular] = (
            "Une économie circulaire",
            "Réparer, réutiliser et partager ; acheter moins, gaspiller moins.",
            "A circular economy",
            "Repairing, reusing and sharing; buying less, wasting less."),
        [LeuvenContent.CityTogether] = (
            "Des quartiers qui passent à l'action ensemble",
            "Des lieux de rencontre, des réseaux de voisins et des moments de cocréation, pour que personne ne doive s'y mettre seul.",
            "Neighbourhoods taking action together",
            "Meeting places, neighbour networks and co-creation sessions, so that nobody has to do it alone."),
        [LeuvenContent.KesselLoAmbitionId] = (
            "Mobilité durable et plus de verdure, de qualité de vie et de confort à Kessel-Lo",
            "La vision partagée pour Kessel-Lo : une mobilité durable, plus de verdure, des lieux de rencontre et une commune résiliente face au climat. Dans le projet pilote, un panel citoyen tiré au sort a traduit cette vision en 28 objectifs ; les 28 objectifs présentés ici en sont une version ILLUSTRATIVE pour cette démo, pas le texte du panel lui-même.",
            "Sustainable mobility and more greenery, liveability and comfort in Kessel-Lo",
            "The shared vision for Kessel-Lo: sustainable mobility, more greenery, meeting places and a climate-resilient district. In the pilot project a citizen panel drawn by lot set out that vision in 28 objectives; the 28 objectives here are an ILLUSTRATIVE rendering for this demo, not the panel's own text."),
    };

    /// <summary>The 28 Kessel-Lo objectives in French and English (title, description), numbered 1 to 28 as in <see cref="LeuvenContent"/>.</summary>
    private static readonly (string FrTitle, string FrDescription, string EnTitle, string EnDescription)[] Objectives =
    [
        ("À pied et à vélo en toute sécurité vers chaque école", "Des rues scolaires et des itinéraires sûrs, pour que les enfants aillent à l'école à pied et à vélo.", "Walking and cycling safely to every school", "School streets and safe routes, so that children walk and cycle to school."),
        ("Un réseau cyclable continu à travers Kessel-Lo", "Des rues cyclables et les chaînons manquants entre les quartiers, la gare et le centre.", "A continuous cycling network through Kessel-Lo", "Cycle streets and the missing links between the neighbourhoods, the station and the centre."),
        ("Moins de trafic de transit dans les rues résidentielles", "Un plan de circulation qui garde le trafic de transit sur les grands axes.", "Less through traffic in residential streets", "A circulation plan that keeps through traffic on the main roads."),
        ("La mobilité partagée à cinq minutes à pied", "Des voitures et des vélos partagés près de chaque logement.", "Shared mobility within a five-minute walk", "Shared cars and bikes close to every home."),
        ("Des vélos cargos pour les familles et les commerces", "Emprunter, partager ou acheter un vélo cargo : pour le trajet vers l'école, les courses et les livraisons.", "Cargo bikes for families and shops", "Borrow, share or buy a cargo bike: for the school run, the shopping and deliveries."),
        ("De meilleures liaisons en bus et en train", "La gare de Kessel-Lo et les lignes de bus comme une vraie alternative à la voiture.", "Better bus and train connections", "Kessel-Lo station and the bus lines as a real alternative to the car."),
        ("Zone 30 dans chaque rue résidentielle", "Des rues lentes et sûres où les enfants peuvent jouer.", "A 30 km/h zone in every residential street", "Slow, safe streets where children can play."),
        ("Traverser les grands axes en toute sécurité", "Des traversées sûres sur la Diestsesteenweg, la Tiensesteenweg et le ring.", "Crossing the main roads safely", "Safe crossings on the Diestsesteenweg, the Tiensesteenweg and the ring road."),
        ("Désimperméabiliser : de la verdure au lieu de l'asphalte et des dalles", "Retirer le revêtement dans les rues, sur les places et dans les jardins.", "Depaving: greenery instead of asphalt and tiles", "Removing paving from streets, squares and gardens."),
        ("Un arbre pour chaque rue", "Planter des arbres dans chaque rue, avec des habitants comme parrains ou marraines.", "A tree for every street", "Planting trees in every street, with residents as their godparents."),
        ("Jardins de façade et toitures vertes", "Verdir les façades et les toits des logements, des commerces et des écoles.", "Front-wall gardens and green roofs", "Greening the walls and roofs of homes, shops and schools."),
        ("Des cours de récréation vertes", "Des cours de récréation avec des arbres, de l'herbe et des jeux d'eau au lieu de l'asphalte.", "Green playgrounds", "Playgrounds with trees, grass and water play instead of asphalt."),
        ("Des liaisons vertes à travers la commune", "Relier le domaine provincial, les Kesselse Bergen et les vallées par des promenades vertes.", "Green links through the district", "Linking the provincial park, the Kesselse Bergen and the valleys with green walking routes."),
        ("Plus de biodiversité dans les jardins et les parcs", "Des jardins favorables aux abeilles, des haies au lieu de clôtures, moins de tonte.", "More biodiversity in gardens and parks", "Bee-friendly gardens, hedges instead of fences, less mowing."),
        ("Des jardins partagés dans le quartier", "Des parcelles pour cultiver des légumes ensemble, près de chez soi.", "Community gardens in the neighbourhood", "Plots to grow vegetables together, close to home."),
        ("Une place accueillante dans chaque quartier", "Un lieu au cœur de chaque quartier où l'on aime se retrouver.", "An inviting square in every neighbourhood", "A place at the heart of every neighbourhood where people like to get together."),
        ("Des bancs et de l'ombre le long des promenades", "Tous les 200 mètres, un endroit pour s'asseoir, à l'ombre.", "Benches and shade along walking routes", "Every 200 metres, a place to sit, in the shade."),
        ("Rues réservées au jeu et dimanches sans voiture", "Des rues qui, le temps d'une journée, appartiennent aux enfants et aux voisins.", "Play streets and car-free Sundays", "Streets that belong to the children and the neighbours for a day."),
        ("Une maison de quartier ouverte à tous", "Un lieu de rencontre couvert pour les associations, les voisins et les moments de cocréation.", "A community centre open to everyone", "An indoor meeting place for associations, neighbours and co-creation sessions."),
        ("Fêtes de quartier et réseaux de voisins", "Des voisins qui se connaissent s'entraident.", "Street parties and neighbour networks", "Neighbours who know each other help each other."),
        ("Des commerces et des services à distance de marche", "Une rue commerçante animée dans le quartier, plutôt que de rouler jusqu'à la périphérie.", "Shops and services within walking distance", "A lively shopping street nearby, instead of driving to the edge of town."),
        ("Récupérer l'eau de pluie et la laisser s'infiltrer", "Des citernes, des noues et des descentes de gouttière déconnectées contre les inondations et la sécheresse.", "Collecting rainwater and letting it soak in", "Rainwater tanks, swales and disconnected downpipes against flooding and drought."),
        ("Des lieux frais pendant les canicules", "De l'ombre, de l'eau et des espaces frais, et un œil attentif sur les voisins vulnérables.", "Cool places during heatwaves", "Shade, water and cool rooms, and an eye on vulnerable neighbours."),
        ("Rénover les logements : isolation et pompes à chaleur", "Des logements bien isolés, chauffés sans gaz naturel ni mazout.", "Renovating homes: insulation and heat pumps", "Well-insulated homes, heated without natural gas or heating oil."),
        ("Des panneaux solaires sur chaque toit adapté", "Les toits des logements, des écoles et des commerces produisent de l'électricité.", "Solar panels on every suitable roof", "The roofs of homes, schools and shops generate electricity."),
        ("Économiser l'énergie et la partager dans des communautés d'énergie", "Consommer moins, et partager ce que le quartier produit.", "Saving energy and sharing it in energy communities", "Using less, and sharing what the neighbourhood generates."),
        ("Réparer, réutiliser et partager", "Des repair cafés, une outilthèque, et la seconde main avant le neuf.", "Repairing, reusing and sharing", "Repair cafés, a tool library, and second-hand before new."),
        ("Moins de déchets résiduels", "Trier, composter et éviter les emballages.", "Less residual waste", "Sorting, composting and avoiding packaging."),
    ];

    /// <summary>The city's goals (and the Kessel-Lo vision) with their translations.</summary>
    public static GoalDefinition City(string id, GoalDefinition dutch) =>
        CityTexts.TryGetValue(id, out var t)
            ? With(dutch, t.FrTitle, $"{t.FrDescription} {IllustrativeFr}", t.EnTitle, $"{t.EnDescription} {IllustrativeEn}")
            : dutch;

    /// <summary>Kessel-Lo objective <paramref name="number"/> (1 to 28) with its translations, its description framed as the Dutch one.</summary>
    public static GoalDefinition Objective(int number, DemoTheme theme, GoalDefinition dutch)
    {
        var t = Objectives[number - 1];
        var (themeFr, themeEn) = theme switch
        {
            DemoTheme.Mobility => ("mobilité durable", "sustainable mobility"),
            DemoTheme.Greening => ("verdurisation", "greening"),
            DemoTheme.MeetingPlaces => ("lieux de rencontre", "meeting places"),
            _ => ("résilience climatique", "climate resilience"),
        };
        return With(dutch,
            t.FrTitle, $"Objectif {number} sur 28 pour Kessel-Lo (thème : {themeFr}). {t.FrDescription} Objectif illustratif pour cette démo. {IllustrativeFr}",
            t.EnTitle, $"Objective {number} of 28 for Kessel-Lo (theme: {themeEn}). {t.EnDescription} Illustrative objective for this demo. {IllustrativeEn}");
    }

    private static GoalDefinition With(GoalDefinition dutch, string frTitle, string frDescription, string enTitle, string enDescription) => dutch with
    {
        TitleTranslations = new ContentTranslations(Fr: frTitle, En: enTitle),
        DescriptionTranslations = new ContentTranslations(Fr: frDescription, En: enDescription),
    };
}
