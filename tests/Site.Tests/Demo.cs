using System.Text.Json.Nodes;

namespace CivicContracting.Site.Tests;

/// <summary>Where the Leuven demo data is, found through the public API the way an integrator would find it.</summary>
public static class Demo
{
    /// <summary>De ARK's result commitment, the pilot's example.</summary>
    public const string SchoolResultCommitment = "c-0001";

    public static async Task<JsonObject> KesselLoAmbitionAsync(HttpClient api)
    {
        var roots = await SiteAppFixture.GetJsonAsync(api, "/api/goals?root=true&pageSize=100");
        return roots["items"]!.AsArray().Select(g => g!.AsObject())
            .Single(g => g["title"]!.GetValue<string>().Contains("Kessel-Lo", StringComparison.Ordinal));
    }

    public static async Task<IReadOnlyList<JsonObject>> PlacesAsync(HttpClient api, string level)
    {
        var places = await SiteAppFixture.GetJsonAsync(api, $"/api/places?level={level}&pageSize=100");
        return [.. places["items"]!.AsArray().Select(p => p!.AsObject())];
    }

    public static async Task<JsonObject> KesselLoDistrictAsync(HttpClient api) =>
        (await PlacesAsync(api, "district")).Single(p => p["name"]!.GetValue<string>() == "Kessel-Lo");

    /// <summary>Demo residents (ids p-resident-001…) with a commitment: their public profile and their private details.</summary>
    public static async Task<IReadOnlyList<(JsonObject Profile, JsonObject Private)>> ResidentsAsync(HttpClient operatorApi, int count)
    {
        var residents = new List<(JsonObject, JsonObject)>();
        for (var i = 1; i <= 120 && residents.Count < count; i++)
        {
            var id = $"p-resident-{i:D3}";
            var profile = (await SiteAppFixture.GetJsonAsync(operatorApi, $"/api/participants/{id}")).AsObject();
            if (profile["commitmentIds"]!.AsArray().Count == 0)
                continue;
            var details = (await SiteAppFixture.GetJsonAsync(operatorApi, $"/api/participants/{id}/private")).AsObject();
            residents.Add((profile, details));
        }
        return residents;
    }
}
