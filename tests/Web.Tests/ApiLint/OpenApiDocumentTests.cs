using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Web.Json;
using CivicContracting.Web.OpenData;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace CivicContracting.Web.Tests.ApiLint;

/// <summary>
/// The OpenAPI document the running app serves: Redocly's recommended rules find no error in it, and the rules of
/// <c>OpenApiSetup</c> hold for every operation (security, problems, 429 on writes, examples, licences, no dashboard).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class OpenApiDocumentTests(WebAppFixture app, ITestOutputHelper output)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    private async Task<string> DocumentAsync()
    {
        var response = await app.Public.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Redocly_recommended_rules_find_no_error()
    {
        var problems = await Redocly.LintAsync(await DocumentAsync());
        var errors = problems.Where(p => p.Severity == "error").ToList();
        var warnings = problems.Where(p => p.Severity != "error").ToList();
        output.WriteLine($"redocly lint (recommended): {errors.Count} errors, {warnings.Count} warnings");
        foreach (var warning in warnings)
            output.WriteLine(warning.ToString());
        Assert.True(errors.Count == 0, $"redocly lint found {errors.Count} errors in /openapi/v1.json:\n" + string.Join('\n', errors));
    }

    [Fact]
    public async Task Every_operation_says_who_may_call_it_and_what_it_answers()
    {
        var document = JsonNode.Parse(await DocumentAsync())!.AsObject();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", (string?)schemes["Bearer"]!["scheme"]);
        Assert.Equal("cookie", (string?)schemes["Session"]!["in"]);
        Assert.Equal("X-CSRF-TOKEN", (string?)schemes["Csrf"]!["name"]);
        Assert.Equal("header", (string?)schemes["Csrf"]!["in"]);

        var paths = document["paths"]!.AsObject();
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/dashboard", StringComparison.Ordinal));
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var (path, item) in paths)
        {
            foreach (var (method, node) in item!.AsObject().Where(m => Methods.Contains(m.Key)))
            {
                var operation = node!.AsObject();
                var where = $"{method.ToUpperInvariant()} {path}";
                var write = method is not ("get" or "head" or "options");
                if (!operationIds.Add((string?)operation["operationId"] ?? ""))
                    failures.Add($"{where}: operationId missing or not unique");
                if (string.IsNullOrWhiteSpace((string?)operation["summary"]) || string.IsNullOrWhiteSpace((string?)operation["description"]))
                    failures.Add($"{where}: no summary or description");
                if (operation["security"] is not JsonArray security)
                {
                    failures.Add($"{where}: no security");
                    continue;
                }
                var responses = operation["responses"]!.AsObject();
                if (security.Count > 0)
                {
                    var alternatives = security.Select(s => string.Join('+', s!.AsObject().Select(k => k.Key).Order())).ToList();
                    var expected = write ? new[] { "Bearer", "Csrf+Session" } : ["Bearer", "Session"];
                    if (!alternatives.Order().SequenceEqual(expected))
                        failures.Add($"{where}: security {string.Join(" | ", alternatives)}, expected {string.Join(" | ", expected)}");
                    if (!responses.ContainsKey("401") || !responses.ContainsKey("403"))
                        failures.Add($"{where}: authenticated without 401 and 403");
                }
                if (write && path.StartsWith("/api/", StringComparison.Ordinal)
                    && responses["429"]?["headers"]?["Retry-After"] is null)
                    failures.Add($"{where}: a write without 429 and Retry-After");
                foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                {
                    if (response!["content"]?["application/problem+json"] is null)
                        failures.Add($"{where}: {status} is not problem+json");
                }
                if (operation["requestBody"]?["content"] is JsonObject content)
                {
                    foreach (var (type, media) in content.Where(c => c.Key is "application/json" or "text/csv"))
                    {
                        if (media!["example"] is null && media["examples"] is null)
                            failures.Add($"{where}: no example of its {type} body");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // Public reads are public.
        Assert.Empty(paths["/api/goals"]!["get"]!["security"]!.AsArray());
        Assert.Empty(paths["/api/goals/{id}/commitments"]!["get"]!["security"]!.AsArray());
        Assert.NotEmpty(paths["/api/goals"]!["post"]!["security"]!.AsArray());
        Assert.NotEmpty(paths["/api/me"]!["get"]!["security"]!.AsArray());
    }

    [Fact]
    public async Task The_document_states_the_data_licence_and_the_code_licence()
    {
        var document = JsonNode.Parse(await DocumentAsync())!.AsObject();
        var openData = app.Services.GetRequiredService<IOptions<OpenDataOptions>>().Value;
        var info = document["info"]!;
        Assert.Equal(openData.LicenceName, (string?)info["license"]!["name"]);
        Assert.Equal(openData.LicenceUrl, (string?)info["license"]!["url"]);
        Assert.Equal("EUPL-1.2", (string?)info["x-code-licence"]!["identifier"]);
        Assert.Contains("EUPL-1.2", (string?)info["description"], StringComparison.Ordinal);
        Assert.Contains(openData.LicenceId, (string?)info["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_goal_commitment_filters_are_documented_with_their_values()
    {
        var document = JsonNode.Parse(await DocumentAsync())!.AsObject();
        var parameters = document["paths"]!["/api/goals/{id}/commitments"]!["get"]!["parameters"]!.AsArray()
            .ToDictionary(p => (string)p!["name"]!, p => p!.AsObject());
        foreach (var name in new[] { "level", "kind", "status", "neighbourhood" })
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)parameters[name]["description"]), name);
            Assert.NotEmpty(parameters[name]["schema"]!["enum"]!.AsArray());
        }
        Assert.Contains("pledge", parameters["level"]["schema"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Contains("400", document["paths"]!["/api/goals/{id}/commitments"]!["get"]!["responses"]!.AsObject().Select(r => r.Key));
    }

    [Fact]
    public void Every_JSON_request_body_example_reads_back_as_its_type()
    {
        var types = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.OfType<JsonRequestBody>())
            .Select(b => b.Type)
            .Distinct()
            .ToList();
        Assert.NotEmpty(types);
        var failures = new List<string>();
        foreach (var type in types)
        {
            var example = RequestExamples.For(type);
            try
            {
                if (example is null || example.Deserialize(type, ApiJson.Options) is null)
                    failures.Add($"{type.Name}: no example");
            }
            catch (JsonException e)
            {
                failures.Add($"{type.Name}: {example?.ToJsonString()} does not read back: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
