using System.Text.Json.Nodes;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Json;
using CivicContracting.Web.OpenData;
using CivicContracting.Web.Progress;
using CivicContracting.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CivicContracting.Web;

/// <summary>
/// The OpenAPI document at <see cref="DocumentPath"/> and the interactive reference at <see cref="ReferencePath"/>.
/// Part of composing the app (beside Program.cs), as it reads the metadata of every folder's endpoints.
/// <para>
/// The rules here apply to every endpoint, so that a new endpoint is documented without code of its own here:
/// <list type="bullet">
/// <item>security: an endpoint that requires authorization (<c>RequireSignedIn()</c>, <c>RequireAdministrator()</c>,
/// <c>AcceptsWriteJson&lt;T&gt;()</c>) gets the bearer token or the session cookie (with <c>X-CSRF-TOKEN</c> on writes),
/// 401 and 403; every other one <c>security: []</c> (public);</item>
/// <item>writes under /api (the global write limiter of <see cref="RateLimits"/>) and endpoints with a rate-limiting
/// policy get 429 with <c>Retry-After</c>; authenticated writes 400 (a session's write without the antiforgery header);</item>
/// <item>every 4xx/5xx response is <c>application/problem+json</c>; a summary that is more than one sentence becomes the
/// description, its first sentence the summary; an operation without a summary gets one from its operationId;</item>
/// <item>a JSON request body gets its example from <see cref="RequestExamples"/> (one per body type);</item>
/// <item>XML doc comments (Web.csproj generates the documentation file; Microsoft.AspNetCore.OpenApi's source generator
/// reads it) describe schemas, their properties and handlers' parameters; an endpoint's <c>WithSummary</c> wins over its
/// handler's comment.</item>
/// </list>
/// What an endpoint author still writes: <c>.WithName("UniqueOperationId")</c>, <c>.WithTags(…)</c> (a new tag also a line
/// in <see cref="TagDescriptions"/>), <c>.WithSummary(…)</c>, the problems it answers (<c>.ProducesProblem(404)</c>), and
/// for a JSON body <c>AcceptsJson&lt;T&gt;()</c> with an example of <c>T</c> in <see cref="RequestExamples"/>.
/// tests/Web.Tests/ApiLint/OpenApiLintTests lints the document with Redocly's recommended rules.
/// </para>
/// </summary>
public static class OpenApiSetup
{
    /// <summary>Where the OpenAPI document is served (ASP.NET Core's default for the document "v1").</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>The interactive API reference (Scalar), served from this app with no outside requests.</summary>
    public const string ReferencePath = SecurityHeaders.ApiReferencePath;

    /// <summary>The licence of the platform's source code (the LICENSE file at the repository's root).</summary>
    public const string CodeLicence = "EUPL-1.2";

    private const string BearerScheme = "Bearer";
    private const string SessionScheme = "Session";
    private const string CsrfScheme = "Csrf";

    /// <summary>The description of each tag; a new tag of an endpoint gets its line here.</summary>
    public static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>
    {
        ["Meta"] = "Where to start: links to the API's resources, this document and the health probes.",
        ["Accounts"] = "Signing up and in (a session cookie or a sign-in link), one's own account, access tokens, organisations' members and platform roles.",
        ["Following"] = "What a signed-in person follows (goals, places, participants, commitments), their feed of changes and e-mail notifications.",
        ["Goals"] = "The city's climate goals (ambitions and their objectives), each with its live engagement aggregate, history and versions.",
        ["Places"] = "Leuven and its neighbourhoods, with the commitments that count there and their live aggregates.",
        ["Participants"] = "Residents, organisations, schools and companies that commit, their public profiles and verification.",
        ["Commitments"] = "Commitments towards a goal: drafted, signed (confirmed), reported on, upgraded, co-signed, closed or withdrawn.",
        ["Progress"] = "Progress reports of a commitment: values, metrics, CSV imports, and peer confirmation or verification of claims.",
        ["Evidence"] = "Files that back a progress report (photos, documents), uploaded by the commitment's owner and served sandboxed.",
        ["Co-creation sessions"] = "Co-creation sessions where residents draft commitments together, with the commitments they produced.",
        ["Coaching"] = "Coaches of the city: their queue of participants to help, nudges and private notes.",
        ["Support"] = "Asking for help with a commitment and marking that help was given.",
        ["Moderation"] = "Flagging content and moderating it: hidden text is never shown to the public.",
        ["Map"] = "The map of commitments by neighbourhood, the districts' shapes and the replay of engagement over time.",
        ["Live"] = "Live updates of aggregates as server-sent events, and the live channel's status.",
        ["Operations"] = "Bulk imports of a city's data, for operators and administrators.",
    };

    /// <summary>Descriptions of parameters that mean the same wherever they occur; an endpoint's own description wins.</summary>
    private static readonly IReadOnlyDictionary<string, string> ParameterDescriptions = new Dictionary<string, string>
    {
        ["page"] = $"The page to return, from 1 (default 1).",
        ["pageSize"] = $"How many items a page holds: 1 to {Paging.PageRequest.MaxPageSize} (default {Paging.PageRequest.DefaultPageSize}).",
        ["id"] = "The id of the resource, as the API returned it.",
        ["code"] = "A place's code: 'leuven' for the city, or a neighbourhood's code as listed by GET /api/places.",
        ["participantId"] = "The id of a participant.",
        ["organisationId"] = "The participant id of an organisation.",
        ["accountId"] = "The id of an account.",
        ["reportId"] = "The id of a progress report of the commitment.",
        ["tokenId"] = "The id of one of your access tokens (GET /api/me/tokens).",
        ["evidenceId"] = "The id of an evidence file, as the upload returned it.",
        ["lang"] = "The language to answer in: nl, fr or en.",
    };

    /// <summary>
    /// Descriptions of parameters whose meaning depends on the operation, keyed "operationId.parameter". An endpoint may
    /// instead describe them in its handler's XML comment (<c>&lt;param name="…"&gt;</c>), which the source generator reads.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> OperationParameterDescriptions = new Dictionary<string, string>
    {
        ["ListGoals.parent"] = "Only the objectives of this goal (its id).",
        ["ListGoals.root"] = "true: only the goals without a parent (the ambitions); false: only the objectives.",
        ["ListPlaces.level"] = "Only places at this level: city, district or neighbourhood.",
        ["ListPlaces.parent"] = "Only the places within this place (its code).",
        ["GetMapReplay.goal"] = "Only the engagement with this goal and its objectives (the goal's id).",
        ["GetMapReplay.kind"] = "Only participants of this kind.",
        ["GetLive.scope"] = "Only this aggregate's changes, e.g. place:24062C or goal:{id}; without it every aggregate's.",
        ["RevokeRole.role"] = "The platform role to take away.",
        ["Unfollow.kind"] = "What is followed: goal, commitment, participant or neighbourhood.",
        ["GetMyFeed.before"] = "Only entries before this sequence number (the last one of the previous page).",
        ["GetMyFeed.limit"] = "How many entries at most: 1 to 100.",
        ["GetMyFeed.unread"] = "true: only the unread entries (the in-app notifications).",
        ["GetCommitmentText.language"] = "nl, fr or en: the exact text to confirm in that language; without it the confirmed text in its own language "
            + "(a draft's in the request's); legacy: the English text of confirmations recorded before languages.",
        ["GetCoachQueue.neighbourhood"] = "Only commitments in this neighbourhood (its code).",
        ["GetCoachQueue.reason"] = "Only commitments in the queue for this reason.",
        ["UnassignParticipantCoach.note"] = "Why the coach is unassigned, kept with the change.",
        ["ImportCity.again"] = "true: check every row of a file imported before against the store once more.",
    };

    public static void Configure(OpenApiOptions options)
    {
        // The Orleans Dashboard (operators' tool at /dashboard) is no part of the API.
        var include = options.ShouldInclude;
        options.ShouldInclude = description => !IsDashboard(description) && include(description);

        options.AddDocumentTransformer((document, context, _) =>
        {
            var openData = context.ApplicationServices.GetRequiredService<IOptions<OpenDataOptions>>().Value;
            document.Info.Title = "Civic Contracting API";
            document.Info.Version = "1.0.0";
            document.Info.Description = "Goals, commitments, participants and places of Leuven's civic contracting, with live engagement aggregates.\n\n"
                + "**Reads are public** (`security: []`): no sign-in, no key. **Writes** need a signed-in caller acting within its rights: a personal "
                + "access token (`Authorization: Bearer ccp.…`, created at `POST /api/me/tokens`, limited to its scopes), a browser session "
                + $"(the `{Authentication.SessionCookieName}` cookie of `POST /api/session`) with the `{ApiAntiforgery.HeaderName}` header from "
                + "`GET /api/session/antiforgery`, or the operator token (`Api:OperatorToken`) to bootstrap. A refused write gets 401 or 403; "
                + "writes are rate-limited (429 with `Retry-After`).\n\n"
                + "Errors are `application/problem+json` (RFC 9457) with an `errors` object keyed by the JSON path of each field. "
                + "Lists are paged with `page` and `pageSize`.\n\n"
                + $"The data is published under {openData.LicenceName} ({openData.LicenceId}, {openData.LicenceUrl}) by {openData.Publisher}; "
                + $"the platform's source code under the European Union Public Licence {CodeLicence}.\n\n"
                + $"An interactive reference of this document is served at [{ReferencePath}]({ReferencePath}).";
            document.Info.License = new OpenApiLicense { Name = openData.LicenceName, Url = new Uri(openData.LicenceUrl) };
            document.Info.Contact = ContactOf(openData);
            document.Info.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            document.Info.Extensions["x-code-licence"] = new JsonNodeExtension(new JsonObject
            {
                ["name"] = "European Union Public Licence 1.2",
                ["identifier"] = CodeLicence,
                ["url"] = "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
            });
            // The host that serves the document, whatever its address (behind the ingress, a test's port): not the absolute
            // address of the request that first asked for the document, which ASP.NET Core would put here.
            document.Servers = [new OpenApiServer { Url = "/", Description = "This host: the API is served beside this document." }];

            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A personal access token (`ccp.<id>.<secret>`, created at POST /api/me/tokens, limited to its scopes) or, to bootstrap, "
                    + "the operator token configured at Api:OperatorToken (printed at start when generated for a local run). A request with an "
                    + "Authorization header is judged by it alone; the cookie is then ignored.",
            };
            document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = Authentication.SessionCookieName,
                Description = "A browser session: the HttpOnly cookie set by POST /api/session (or the site's sign-in), valid 14 days, sliding. "
                    + $"Writes with it must also send {ApiAntiforgery.HeaderName} (scheme {CsrfScheme}).",
            };
            document.Components.SecuritySchemes[CsrfScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiAntiforgery.HeaderName,
                Description = "The antiforgery token from GET /api/session/antiforgery, sent with every write made with the session cookie "
                    + "(a cookie goes with any request a browser makes, this header only with ours). Without it such a write gets 400. "
                    + "Not needed with a bearer token.",
            };

            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                if (tag.Name is { } name && string.IsNullOrEmpty(tag.Description) && TagDescriptions.TryGetValue(name, out var description))
                    tag.Description = description;
            }
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var description = context.Description;
            var metadata = description.ActionDescriptor.EndpointMetadata;
            var method = description.HttpMethod ?? "GET";
            var isWrite = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);
            var path = "/" + (description.RelativePath ?? "").TrimStart('/');

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
                    Content = raw.ContentTypes.ToDictionary(t => t, t => new OpenApiMediaType { Schema = RawSchema(t), Example = RawExample(t) }),
                };
            }
            if (metadata.OfType<JsonRequestBody>().LastOrDefault() is { } body) // the last one added wins, as with other endpoint metadata
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = !body.Optional,
                    Description = body.Optional ? "Optional: the request may also have no body." : null,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken),
                            Example = RequestExamples.For(body.Type),
                        },
                    },
                };
            }

            // What the endpoint says of itself (WithSummary, WithDescription) wins over the handler's XML comment, which
            // was written for readers of the code; the comment documents endpoints that say nothing.
            if (metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault() is { } summary)
            {
                operation.Summary = summary.Summary;
                operation.Description = metadata.OfType<IEndpointDescriptionMetadata>().LastOrDefault()?.Description;
            }
            Describe(operation, method, path);
            await SecureAsync(operation, context, metadata, isWrite, cancellationToken);
            if (isWrite && path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || metadata.OfType<EnableRateLimitingAttribute>().Any())
                await AddResponseAsync(operation, context, StatusCodes.Status429TooManyRequests,
                    "Too many requests: the caller's rate limit is spent (writes per token or session, sign-in and sign-up attempts per address). "
                    + "Nothing was done; retry after the seconds in Retry-After.", cancellationToken, retryAfter: true);
            await ProblemContentAsync(operation, context, cancellationToken);
        });

        // Enums and numbers are written by the API's own converters, which the schema generator does not know.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var nullable = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is not null;
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type.IsEnum)
            {
                // The enum's schema is one shared component: a nullable use of it says null beside its reference
                // (oneOf: [null, $ref]), so the component itself is never nullable.
                schema.Type = JsonSchemaType.String;
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

    /// <summary>Serves the interactive reference at <see cref="ReferencePath"/>: Scalar's bundle from this app, no fonts, telemetry or AI from elsewhere.</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference(ReferencePath, o => o
            .WithTitle("Civic Contracting API")
            .WithOpenApiRoutePattern(DocumentPath)
            // A fresh nonce per request on the page's scripts, which the page's CSP allows (Security/SecurityHeaders.ApiReferencePolicy).
            .WithNonce()
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDarkModeToggle()
            .ForceLightMode())
            .ExcludeFromDescription();
        return app;
    }

    private static bool IsDashboard(ApiDescription description) =>
        ("/" + (description.RelativePath ?? "")).StartsWith(SecurityHeaders.DashboardPath, StringComparison.OrdinalIgnoreCase);

    private static OpenApiContact ContactOf(OpenDataOptions openData)
    {
        var contact = new OpenApiContact { Name = openData.Publisher, Url = new Uri(openData.PublisherUrl) };
        if (openData.Contact.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            contact.Email = openData.Contact["mailto:".Length..];
        return contact;
    }

    /// <summary>
    /// A summary of more than one sentence becomes the description, its first sentence the summary; a missing summary
    /// comes from the operationId (or the method and path, which then also make the operationId).
    /// </summary>
    private static void Describe(OpenApiOperation operation, string method, string path)
    {
        if (string.IsNullOrWhiteSpace(operation.OperationId))
            operation.OperationId = OperationIdOf(method, path);
        var summary = operation.Summary?.Trim();
        if (string.IsNullOrEmpty(summary))
            summary = Words(operation.OperationId) + ".";
        if (string.IsNullOrWhiteSpace(operation.Description))
            operation.Description = summary;
        operation.Summary = FirstSentence(summary);

        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (string.IsNullOrWhiteSpace(parameter.Description) && parameter.Name is { } name)
                parameter.Description = OperationParameterDescriptions.GetValueOrDefault($"{operation.OperationId}.{name}") ?? ParameterDescriptions.GetValueOrDefault(name);
        }
    }

    /// <summary>The first sentence, without its full stop; cut at a word near 100 characters when longer.</summary>
    internal static string FirstSentence(string text)
    {
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        var first = (end < 0 ? text : text[..end]).TrimEnd('.', ' ');
        if (first.Length <= 100)
            return first;
        var cut = first.LastIndexOf(' ', 100);
        return first[..(cut > 40 ? cut : 100)].TrimEnd(',', ';', ':', ' ') + "…";
    }

    /// <summary>"ListGoalCommitments" → "List goal commitments".</summary>
    internal static string Words(string identifier)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in identifier)
        {
            if (c is '_' or '-' or '.')
            {
                builder.Append(' ');
                continue;
            }
            if (char.IsUpper(c) && builder.Length > 0 && builder[^1] != ' ')
                builder.Append(' ');
            builder.Append(builder.Length == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }
        return builder.ToString().Trim();
    }

    private static string OperationIdOf(string method, string path)
    {
        var words = path.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim('{', '}'))
            .Select(s => new string([.. s.Where(char.IsLetterOrDigit)]))
            .Where(s => s.Length > 0)
            .Select(s => char.ToUpperInvariant(s[0]) + s[1..]);
        return char.ToUpperInvariant(method[0]) + method[1..].ToLowerInvariant() + string.Concat(words);
    }

    /// <summary>
    /// <c>security: []</c> for public endpoints; for endpoints that require authorization the bearer token or the session
    /// cookie (with the antiforgery header on writes), and their 401, 403 and (writes) 400.
    /// </summary>
    private static async Task SecureAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, IList<object> metadata, bool isWrite, CancellationToken cancellationToken)
    {
        var requiresAuthorization = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        operation.Security = [];
        if (!requiresAuthorization)
            return;
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
        var session = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionScheme, context.Document)] = [] };
        if (isWrite)
            session[new OpenApiSecuritySchemeReference(CsrfScheme, context.Document)] = [];
        operation.Security.Add(session);
        await AddResponseAsync(operation, context, StatusCodes.Status401Unauthorized,
            "Not signed in: no valid bearer token or session cookie.", cancellationToken);
        await AddResponseAsync(operation, context, StatusCodes.Status403Forbidden,
            "Signed in, but this caller may not do this (its role, its rights on the participant, or its token's scopes).", cancellationToken);
        if (isWrite)
            await AddResponseAsync(operation, context, StatusCodes.Status400BadRequest,
                $"The request is invalid: the body or a parameter (the errors name each field), or a session's write without {ApiAntiforgery.HeaderName}.",
                cancellationToken, validation: true);
    }

    /// <summary>Adds a problem response for <paramref name="status"/> unless the endpoint declared one.</summary>
    private static async Task AddResponseAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description,
        CancellationToken cancellationToken, bool retryAfter = false, bool validation = false)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.TryGetValue(key, out var declared))
        {
            if (retryAfter && declared is OpenApiResponse declaredResponse)
            {
                declaredResponse.Headers ??= new Dictionary<string, IOpenApiHeader>();
                declaredResponse.Headers.TryAdd("Retry-After", RetryAfter());
            }
            return;
        }
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new()
                {
                    Schema = await context.GetOrCreateSchemaAsync(validation ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails), null, cancellationToken),
                },
            },
        };
        if (retryAfter)
            response.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = RetryAfter() };
        operation.Responses[key] = response;
    }

    private static OpenApiHeader RetryAfter() => new()
    {
        Description = "Seconds to wait before retrying.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
    };

    /// <summary>Every 4xx and 5xx response is problem+json (RFC 9457): one declared without a body gets that body.</summary>
    private static async Task ProblemContentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in operation.Responses ?? [])
        {
            if (key.Length != 3 || key[0] is not ('4' or '5') || value is not OpenApiResponse response)
                continue;
            if (response.Content is null || response.Content.Count == 0)
            {
                response.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken) },
                };
            }
        }
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

    private static JsonNode? RawExample(string contentType) => RequestExamples.ForContentType(contentType);
}
