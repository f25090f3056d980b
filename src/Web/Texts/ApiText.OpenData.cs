namespace CivicContracting.Web.Texts;

/// <summary>The messages of the open-data downloads, in the request's UI culture.</summary>
public static partial class ApiText
{
    /// <summary>Give a date (2026-05-01) or an instant with its offset (2026-05-01T12:00:00Z); got '{0}'.</summary>
    public static string OpenDataAsOfFormat(string value) => Format(nameof(OpenDataAsOfFormat), value);

    /// <summary>The date {0} lies in the future: the data as of a date can only be read for the past or now.</summary>
    public static string OpenDataAsOfFuture(string value) => Format(nameof(OpenDataAsOfFuture), value);

    /// <summary>There is no dataset '{0}' in format '{1}'. The downloads are {2}, each as .csv or .jsonl.</summary>
    public static string OpenDataNoSuchFile(string dataset, string format, string datasets) => Format(nameof(OpenDataNoSuchFile), dataset, format, datasets);

    /// <summary>At most {0} bulk downloads at once per client (and {1} in all); wait until one has finished.</summary>
    public static string OpenDataTooManyDownloads(int perClient, int total) => Format(nameof(OpenDataTooManyDownloads), perClient, total);
}
