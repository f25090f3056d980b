using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Map;

/// <summary>The texts the map (js/map/) shows (legend, replay controls, tooltips), handed over as JSON in the map's data-i18n attribute.</summary>
public static class MapTexts
{
    /// <summary>The keys the map reads (DEFAULT_TEXTS in js/map/texts.js); each is "MapJs.{key}" in Texts/SiteText.resx.</summary>
    public static readonly string[] Keys =
    [
        "mapLabel", "loading", "loadError", "legendIntensity", "legendIntensityPer1000", "legendKinds",
        "legendSize", "legendFilter", "legendSources", "classUpTo", "classAbove", "commitmentOne",
        "commitmentOther", "participantOne", "participantOther", "resident", "residentOne", "residentOther",
        "school", "schoolOne", "schoolOther", "business", "businessOne", "businessOther",
        "organisation", "organisationOne", "organisationOther", "city", "cityOne", "cityOther",
        "knowledgeInstitution", "knowledgeInstitutionOne", "knowledgeInstitutionOther", "summary", "summaryNone", "summaryAt", "summaryVerified",
        "layerNeighbourhoods", "layerGlyphs", "layerDistricts", "layerTiles", "layers", "zoomIn",
        "zoomOut", "attributionShort", "replayHeading", "replayPlay", "replayPause", "replayTime",
        "replayNow", "replayLive", "replayLoading", "replayError",
    ];

    public static string Json(IStringLocalizer t) =>
        JsonSerializer.Serialize(Keys.ToDictionary(key => key, key => t["MapJs." + key].Value));
}
