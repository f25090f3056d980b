using System.Text.Json.Nodes;
using CivicContracting.Web.Api;
using CivicContracting.Web.Json;
using CivicContracting.Web.Progress;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CivicContracting.Web;

/// <summary>
/// The OpenAPI document at /openapi/v1.json: enums as their camelCase names, writes marked as needing the bearer token.
/// Part of composing the app (beside Program.cs), as it reads the metadata of every folder's endpoints.
/// </summary>
public static class OpenApiSetup
{
    private const string BearerScheme = "Bearer";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Civic Contracting API";
            document.Info.Description = "Goals, commitments, participants and places of Leuven's civic contracting, with live engagement aggregates. "
                + "Reads are public. Writes need a signed-in caller acting within its rights: a personal access token ('Authorization: Bearer ccp.…', "
                + "created at POST /api/me/tokens, limited to its scopes), a browser session with the X-CSRF-TOKEN header, or the operator token (Api:OperatorToken) "
                + "to bootstrap. A refused write gets 401 or 403. Errors are application/problem+json (RFC 9457) "
                + "with an 'errors' object keyed by the JSON path of each field.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A personal access token (ccp.<id>.<secret>) or, to bootstrap, the operator token configured at Api:OperatorToken (printed at start when generated for a local run).",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
            }
            if (metadata.OfType<IdempotencyKeyHeader>().FirstOrDefault() is { } idempotency)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyKeyHeader.Name,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = idempotency.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Progress.IdempotencyKeys.MaxLength },
                });
            }
            if (metadata.OfType<RawRequestBody>().FirstOrDefault() is { } raw)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = raw.Description,
                    Content = raw.ContentTypes.ToDictionary(t => t, t => new OpenApiMediaType { Schema = RawSchema(t) }),
                };
            }
            if (metadata.OfType<JsonRequestBody>().LastOrDefault() is { } body) // the last one added wins, as with other endpoint metadata
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = !body.Optional,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken) },
                    },
                };
            }
        });

        // Enums and numbers are written by the API's own converters, which the schema generator does not know.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var nullable = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is not null;
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type.IsEnum)
            {
                schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
                schema.Enum = [.. Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(ApiJson.CamelCase(n)))];
            }
            else if (type == typeof(double))
            {
                schema.Type = nullable ? JsonSchemaType.Number | JsonSchemaType.Null : JsonSchemaType.Number;
                schema.Format = "double";
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>A file field for multipart/form-data; a binary string otherwise; text for text/csv.</summary>
    private static OpenApiSchema RawSchema(string contentType)
    {
        if (contentType == "multipart/form-data")
        {
            return new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                Required = new HashSet<string> { "file" },
            };
        }
        return contentType.StartsWith("text/", StringComparison.Ordinal)
            ? new OpenApiSchema { Type = JsonSchemaType.String }
            : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
    }
}
