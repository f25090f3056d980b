using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Site;

/// <summary>The texts js/map.js shows (legend, replay controls, tooltips), handed over as JSON in the map's data-i18n attribute.</summary>
public static class MapTexts
{
    /// <summary>The keys map.js reads; each is "MapJs.{key}" in Resources/SiteText.resx.</summary>
    public static readonly string[] Keys = [];

    public static string Json(IStringLocalizer t) =>
        JsonSerializer.Serialize(Keys.ToDictionary(key => key, key => t["MapJs." + key].Value));
}
