namespace CivicContracting.Web.Texts;

/// <summary>The messages of <c>GET /api/search</c>, in the request's UI culture.</summary>
public static partial class ApiText
{
    /// <summary>Say what to search for: q is required.</summary>
    public static string SearchQueryRequired => Get(nameof(SearchQueryRequired));

    /// <summary>A search is at most {0} characters long.</summary>
    public static string SearchQueryTooLong(int max) => Format(nameof(SearchQueryTooLong), max);

    /// <summary>A page from 1 to {0}.</summary>
    public static string SearchPageRange(int max) => Format(nameof(SearchPageRange), max);

    /// <summary>'{0}' is not a neighbourhood of the city.</summary>
    public static string SearchNoSuchNeighbourhood(string code) => Format(nameof(SearchNoSuchNeighbourhood), code);
}
