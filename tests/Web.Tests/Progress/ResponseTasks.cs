using System.Net;
using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Progress;

/// <summary><see cref="Api"/>'s assertions on a response still to come, so that a request and its check read as one line.</summary>
public static class ResponseTasks
{
    public static async Task<T> ReadAsync<T>(this Task<HttpResponseMessage> response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var received = await response;
        return await received.ReadAsync<T>(expected);
    }

    public static async Task<JsonObject> ProblemAsync(this Task<HttpResponseMessage> response, HttpStatusCode expected)
    {
        using var received = await response;
        return await received.ProblemAsync(expected);
    }

    public static async Task<JsonObject> ProblemNamingAsync(this Task<HttpResponseMessage> response, string field)
    {
        using var received = await response;
        return await received.ProblemNamingAsync(field);
    }
}
