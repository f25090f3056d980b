using System.Text.Json.Nodes;

namespace CivicContracting.Web.Tests.Progress;

[Collection(WebAppCollection.Name)]
public sealed class ProgressOpenApiTests(WebAppFixture app)
{
    [Fact]
    public async Task The_OpenAPI_document_describes_uploads_imports_feeds_and_the_Idempotency_Key_header()
    {
        var paths = (await app.Public.GetAsync<JsonObject>("/openapi/v1.json"))["paths"]!.AsObject();

        var upload = paths["/api/commitments/{id}/evidence"]!["post"]!;
        Assert.Equal("UploadEvidence", (string)upload["operationId"]!);
        Assert.NotNull(upload["security"]);
        Assert.Equal("binary", (string)upload["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["properties"]!["file"]!["format"]!);
        Assert.NotNull(upload["requestBody"]!["content"]!["image/png"]);
        foreach (var status in new[] { "201", "413", "415" })
            Assert.NotNull(upload["responses"]![status]);

        var download = paths["/api/evidence/{evidenceId}"]!["get"]!;
        Assert.NotNull(download["responses"]!["200"]!["content"]!["application/pdf"]);
        // Public: an explicit empty security requirement.
        Assert.Empty(Assert.IsType<JsonArray>(download["security"]));

        Assert.NotNull(paths["/api/participants/{participantId}/progress.csv"]!["post"]!["requestBody"]!["content"]!["text/csv"]);
        Assert.NotNull(paths["/api/commitments/{id}/metrics"]!["post"]!["requestBody"]!["content"]!["application/json"]);
        foreach (var path in new[] { "/api/commitments/{id}/progress", "/api/commitments/{id}/metrics", "/api/participants/{participantId}/progress.csv" })
        {
            var parameters = paths[path]!["post"]!["parameters"]!.AsArray();
            Assert.Contains(parameters, p => (string)p!["name"]! == "Idempotency-Key" && (string)p["in"]! == "header");
            Assert.Contains("Idempotency-Key", (string)paths[path]!["post"]!["description"]!, StringComparison.Ordinal);
        }
    }
}
