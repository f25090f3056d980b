using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicContracting.Participants;
using CivicContracting.Web.Tests.Accounts;
using CivicContracting.Web.Tests.ReadModel;

namespace CivicContracting.Web.Tests.Fuzz;

/// <summary>
/// Issue 14, "tests that stay": bad requests generated from the app's own <c>/openapi/v1.json</c> for every mutating
/// endpoint (bad JSON, wrong types, NaN and ∞, huge and control-character strings, unknown ids and enum values, unknown
/// fields, wrong content types, truncated multipart), sent with the operator token and with an owner's session so they
/// get past authentication. No answer may be a 5xx; every 400 is problem+json naming a field; and the public state
/// (goals, places, the map, commitment lists) is byte for byte what it was. An app of its own, so that no other test
/// changes that state meanwhile. Deterministic: a fixed seed and a bounded number of requests, not a time budget.
/// Alone (<see cref="OpenApiFuzzCollection"/>): its few thousand requests would otherwise slow the tests that wait for the
/// shared app's lists to catch up.
/// </summary>
[Collection(OpenApiFuzzCollection.Name)]
public sealed class OpenApiFuzzTests : IAsyncLifetime
{
    /// <summary>The most requests one run sends (about a minute on a CI machine); the cases are sampled down to it with the fixed seed.</summary>
    public const int MaxRequests = 4_000;

    private const int Seed = 14;

    /// <summary>Endpoints without any input to spoil: sending them would only sign the owner out or delete their account.</summary>
    private static readonly HashSet<string> Unfuzzable = new(StringComparer.Ordinal) { "DELETE /api/me", "DELETE /api/session" };

    private TestApp _app = null!;
    private HttpClient _operator = null!;
    private Person _owner = null!;
    private Known _known = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync("fuzz");
        _operator = TestHosts.Client(_app.BaseAddress, WebAppFixture.OperatorToken);
        _owner = await People.SignUpAsync(_app.BaseAddress, TestApi.Neighbourhood(5));
        var organisation = await (await _owner.Client.PostAsync("/api/me/organisations", new
        {
            kind = ParticipantKind.Organisation,
            name = "Fuzz club",
            neighbourhoodCode = TestApi.Neighbourhood(5),
            contactEmail = "fuzz@example.org",
        })).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var participant = (string)organisation["id"]!;
        var goal = await _operator.DefineGoalAsync(id: "g-fuzz");
        var confirmed = await _operator.CommitAsync(participant, TestApi.Neighbourhood(5), TestApi.ResultTerms(), (goal, 1));
        await _operator.ConfirmAsync(confirmed.Id);
        await (await _operator.PostAsync($"/api/commitments/{confirmed.Id}/progress", new { reportId = "r-fuzz-1", value = 30 })).ReadAsync<JsonObject>();
        var draft = await _operator.CommitAsync(participant, TestApi.Neighbourhood(5), TestApi.PledgeTerms(), (goal, 1));
        _known = new Known(goal, participant, confirmed.Id, draft.Id, "r-fuzz-1", _owner.AccountId);
    }

    public async Task DisposeAsync()
    {
        _operator?.Dispose();
        _owner?.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
    }

    [Fact]
    public async Task Bad_requests_to_every_mutating_endpoint_get_4xx_problems_naming_a_field_and_change_no_public_state()
    {
        var document = JsonNode.Parse(await _operator.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var cases = new CaseGenerator(document, _known).Generate();
        Assert.True(cases.Select(c => c.Endpoint).Distinct().Count() >= 40, $"Expected the app's mutating endpoints, found {cases.Select(c => c.Endpoint).Distinct().Count()}.");
        var random = new Random(Seed);
        var chosen = cases.Count <= MaxRequests / 2 ? cases : [.. cases.OrderBy(_ => random.Next()).Take(MaxRequests / 2).OrderBy(c => c.Endpoint, StringComparer.Ordinal)];

        var before = await StablePublicStateAsync();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var accepted = new List<string>(); // e.g. unfollowing what is not followed: a no-op, shown when the state check fails
        foreach (var @case in chosen)
        {
            foreach (var (who, client) in new[] { ("operator", _operator), ("owner", _owner.Client) })
            {
                using var request = @case.ToRequest();
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var problem = await CheckAsync(response, @case);
                if (status is >= 200 and < 300)
                    accepted.Add($"{who}: {@case} → {status}");
                if (problem is not null)
                    failures.Add($"{who}: {@case} → {status}: {problem}");
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {chosen.Count * 2} requests ({string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}) broke the rules:\n"
            + string.Join("\n", failures.Take(40)));
        await _app.Services.ListsCaughtUpAsync();
        var after = await PublicStateAsync();
        foreach (var (path, text) in before)
        {
            var from = Math.Max(0, text.Zip(after[path]).TakeWhile(p => p.First == p.Second).Count() - 100);
            Assert.True(text == after[path], $"GET {path} changed:\nbefore: …{Shorten(text[from..])}\nafter:  …{Shorten(after[path][from..])}\naccepted: {string.Join("\n", accepted)}");
        }
    }

    /// <summary>What is wrong with the answer, or null: no 5xx; a 400 is problem+json with an errors object naming at least one field.</summary>
    private static async Task<string?> CheckAsync(HttpResponseMessage response, Case @case)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (status >= 500)
            return Shorten(body);
        if (status != 400)
            return null;
        // Kestrel itself refuses a NUL in the path, before the app sees the request: a bare 400, nothing stored.
        if (@case.Path.Contains("%00", StringComparison.Ordinal) && body.Length == 0)
            return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"not problem+json ({response.Content.Headers.ContentType}): {Shorten(body)}";
        try
        {
            var problem = JsonNode.Parse(body)?.AsObject();
            if (problem?["errors"] is not JsonObject errors || errors.Count == 0 || errors.Any(e => string.IsNullOrEmpty(e.Key)))
                return $"names no field: {Shorten(body)}";
            if (string.IsNullOrWhiteSpace((string?)problem["detail"]))
                return $"no detail: {Shorten(body)}";
        }
        catch (JsonException)
        {
            return $"not JSON: {Shorten(body)}";
        }
        return null;
    }

    /// <summary>The public state, read twice in a row the same, once the lists hold every write of the setup.</summary>
    private async Task<Dictionary<string, string>> StablePublicStateAsync()
    {
        await _app.Services.ListsCaughtUpAsync();
        var pair = await Eventually.Value(async () => (First: await PublicStateAsync(), Second: await PublicStateAsync()),
            pair => pair.First.All(p => pair.Second[p.Key] == p.Value), TimeSpan.FromSeconds(30), "the public state stopped changing after the setup");
        return pair.First;
    }

    private async Task<Dictionary<string, string>> PublicStateAsync()
    {
        string[] paths =
        [
            "/api/goals", $"/api/goals/{_known.Goal}", $"/api/goals/{_known.Goal}/commitments",
            "/api/places", $"/api/places/{TestApi.Neighbourhood(5)}", $"/api/places/{TestApi.Neighbourhood(5)}/commitments",
            "/api/map", "/api/map/districts",
            $"/api/commitments/{_known.Commitment}", $"/api/commitments/{_known.Commitment}/reports", $"/api/commitments/{_known.Draft}",
            $"/api/participants/{_known.Participant}",
        ];
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            using var response = await _operator.GetAsync(path);
            state[path] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        return state;
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";

    /// <summary>Ids that exist in the app, so that requests reach the checks behind the 404s.</summary>
    private sealed record Known(string Goal, string Participant, string Commitment, string Draft, string ReportId, string AccountId);

    /// <summary>One bad request: method, path, body and its content type.</summary>
    private sealed record Case(string Endpoint, string Method, string Path, string Description, byte[]? Body, string? ContentType)
    {
        public HttpRequestMessage ToRequest()
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path);
            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                if (ContentType is not null)
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            }
            return request;
        }

        public override string ToString() => $"{Method} {Path} [{Description}]";
    }

    /// <summary>The cases, from the document: for each mutating operation, its path filled with known and bad ids, and bad bodies.</summary>
    private sealed class CaseGenerator(JsonObject document, Known known)
    {
        private const string Json = "application/json";
        private static readonly string Huge = new('x', 300_000);
        private static readonly string[] UncleanStrings = ["nul\0", "bell\a", "\u001b[2J\u001b[31mred", "c1\u0085", "\u202Eevil"];
        private static readonly string[] BadIds = ["%20", "fuzz-missing-0001", "a%00b", "..%2F..%2Fetc", new string('z', 200), "%E2%80%AE"];
        private static readonly string TruncatedMultipart = "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\u0089PNG";

        private readonly JsonObject _schemas = document["components"]?["schemas"]?.AsObject() ?? [];

        public List<Case> Generate()
        {
            var cases = new List<Case>();
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    var verb = method.ToUpperInvariant();
                    if (verb is not ("POST" or "PUT" or "PATCH" or "DELETE"))
                        continue;
                    var endpoint = $"{verb} {path}";
                    if (Unfuzzable.Contains(endpoint))
                        continue;
                    cases.AddRange(ForOperation(endpoint, verb, path, operation!.AsObject()));
                }
            }
            return cases;
        }

        private IEnumerable<Case> ForOperation(string endpoint, string verb, string template, JsonObject operation)
        {
            var hasParameters = template.Contains('{', StringComparison.Ordinal);
            var knownPath = Fill(template, _ => null);
            var content = operation["requestBody"]?["content"]?.AsObject();
            var jsonSchema = content?[Json]?["schema"] ?? content?.FirstOrDefault(c => c.Key.EndsWith("+json", StringComparison.Ordinal)).Value?["schema"];
            var valid = jsonSchema is null ? null : Example(jsonSchema, 0);

            // Unknown and malformed ids, with the best body there is: the ids alone must make it a 4xx.
            if (hasParameters)
            {
                foreach (var bad in BadIds)
                {
                    foreach (var name in Parameters(template))
                    {
                        var path = Fill(template, n => n == name ? bad : null);
                        yield return new Case(endpoint, verb, path, $"{name}={bad}", valid is null ? null : Encoding.UTF8.GetBytes(valid.ToJsonString()), valid is null ? null : Json);
                    }
                }
            }

            // Without a body to spoil, a request to ids that exist could be a valid one (a closure, a removal): ids only.
            if (content is null)
                yield break;

            // Bodies that are no request at all, to a path that exists.
            // An optional body may be left out (e.g. a nudge without a message): an empty one is then a valid request.
            var bodyRequired = operation["requestBody"]?["required"]?.GetValue<bool>() == true;
            foreach (var (what, body, type) in BrokenBodies().Where(b => bodyRequired || b.Body.Length > 0))
                yield return new Case(endpoint, verb, knownPath, what, body, type);

            if (valid is not JsonObject validObject || jsonSchema is null)
                yield break;

            // A valid JSON body as something else, and the fields one by one spoiled.
            yield return new Case(endpoint, verb, knownPath, "json as text/plain", Encoding.UTF8.GetBytes(validObject.ToJsonString()), "text/plain");
            yield return new Case(endpoint, verb, knownPath, "json as form", Encoding.UTF8.GetBytes(validObject.ToJsonString()), "application/x-www-form-urlencoded");
            var unknownField = validObject.DeepClone().AsObject();
            unknownField["fuzzUnknownField"] = 1;
            yield return new Case(endpoint, verb, knownPath, "unknown field", Encoding.UTF8.GetBytes(unknownField.ToJsonString()), Json);
            foreach (var (field, schema) in Fields(jsonSchema, "", 0))
            {
                foreach (var (what, bad) in Spoiled(schema))
                {
                    var body = validObject.DeepClone().AsObject();
                    Set(body, field, bad);
                    yield return new Case(endpoint, verb, knownPath, $"{field}: {what}", Encoding.UTF8.GetBytes(body.ToJsonString()), Json);
                }
            }
        }

        private static IEnumerable<(string What, byte[] Body, string? Type)> BrokenBodies()
        {
            yield return ("empty json", [], Json);
            yield return ("truncated json", "{\"a\": "u8.ToArray(), Json);
            yield return ("trailing comma", "{\"a\": 1,}"u8.ToArray(), Json);
            yield return ("NaN token", "{\"value\": NaN}"u8.ToArray(), Json);
            yield return ("json null", "null"u8.ToArray(), Json);
            yield return ("json array", "[1,2,3]"u8.ToArray(), Json);
            yield return ("json string", "\"text\""u8.ToArray(), Json);
            yield return ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100)), Json);
            yield return ("invalid utf-8", [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], Json);
            yield return ("xml", "<a>1</a>"u8.ToArray(), "application/xml");
            yield return ("no content type", "{}"u8.ToArray(), null);
            yield return ("truncated multipart", Encoding.Latin1.GetBytes(TruncatedMultipart), "multipart/form-data; boundary=x");
            yield return ("multipart without boundary", Encoding.Latin1.GetBytes(TruncatedMultipart), "multipart/form-data");
        }

        /// <summary>Wrong values for a field of <paramref name="schema"/>: each must be refused whatever the field means.</summary>
        private IEnumerable<(string What, JsonNode? Value)> Spoiled(JsonNode schema)
        {
            var resolved = Resolve(schema);
            var types = Types(resolved);
            if (resolved["enum"] is JsonArray)
            {
                yield return ("unknown enum value", JsonValue.Create("fuzzUnknownValue"));
                yield return ("enum as number", JsonValue.Create(99));
            }
            if (types.Contains("string") && resolved["enum"] is null)
            {
                yield return ("huge string", JsonValue.Create(Huge));
                foreach (var unclean in UncleanStrings)
                    yield return ($"control characters {Escape(unclean)}", JsonValue.Create(unclean));
                yield return ("number for string", JsonValue.Create(12));
                yield return ("object for string", new JsonObject { ["a"] = 1 });
            }
            if (types.Contains("number") || types.Contains("integer"))
            {
                yield return ("NaN as string", JsonValue.Create("NaN"));
                yield return ("Infinity as string", JsonValue.Create("Infinity"));
                yield return ("number beyond double", JsonNode.Parse("1e400"));
                yield return ("string for number", JsonValue.Create("12"));
            }
            if (types.Contains("boolean"))
                yield return ("string for boolean", JsonValue.Create("yes"));
            if (types.Contains("array"))
                yield return ("object for array", new JsonObject { ["a"] = 1 });
            if (types.Contains("object"))
                yield return ("array for object", new JsonArray(1, 2));
        }

        private static string Escape(string text) => string.Concat(text.Select(c => c < 0x20 || c is >= '\u007f' and <= '\u009f' || c >= '\u2000' ? $"\\u{(int)c:x4}" : c.ToString()));

        /// <summary>The fields of an object schema (and of its nested objects, one level down) as JSON paths with their schemas.</summary>
        private IEnumerable<(string Path, JsonNode Schema)> Fields(JsonNode schema, string prefix, int depth)
        {
            var resolved = Resolve(schema);
            if (resolved["properties"] is not JsonObject properties)
                yield break;
            foreach (var (name, property) in properties)
            {
                if (property is null || property["readOnly"]?.GetValue<bool>() == true)
                    continue;
                var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
                yield return (path, property);
                if (depth < 1 && Types(Resolve(property)).Contains("object"))
                {
                    foreach (var nested in Fields(property, path, depth + 1))
                        yield return nested;
                }
            }
        }

        private static void Set(JsonObject body, string path, JsonNode? value)
        {
            var parts = path.Split('.');
            var target = body;
            foreach (var part in parts[..^1])
            {
                if (target[part] is not JsonObject next)
                    target[part] = next = [];
                target = next;
            }
            target[parts[^1]] = value;
        }

        /// <summary>A plausible value for <paramref name="schema"/>, using the ids that exist where a field names one.</summary>
        private JsonNode? Example(JsonNode schema, int depth, string? name = null)
        {
            var resolved = Resolve(schema);
            if (resolved["enum"] is JsonArray values && values.Count > 0)
                return values.FirstOrDefault(v => v is not null)?.DeepClone();
            var types = Types(resolved);
            if (types.Contains("object") || resolved["properties"] is not null)
            {
                var result = new JsonObject();
                if (depth > 3 || resolved["properties"] is not JsonObject properties)
                    return result;
                foreach (var (key, property) in properties)
                {
                    if (property is not null && property["readOnly"]?.GetValue<bool>() != true)
                        result[key] = Example(property, depth + 1, key);
                }
                return result;
            }
            if (types.Contains("array"))
                return resolved["items"] is { } items ? new JsonArray(Example(items, depth + 1, name)) : [];
            if (types.Contains("integer"))
                return JsonValue.Create(1);
            if (types.Contains("number"))
                return JsonValue.Create(1.5);
            if (types.Contains("boolean"))
                return JsonValue.Create(true);
            if (resolved["format"]?.GetValue<string>() is "date-time")
                return JsonValue.Create("2026-01-01T00:00:00Z");
            if (resolved["format"]?.GetValue<string>() is "date")
                return JsonValue.Create("2030-01-01");
            return JsonValue.Create(ExampleString(name));
        }

        private string ExampleString(string? name) => name?.ToLowerInvariant() switch
        {
            "goalid" or "parentgoalid" => known.Goal,
            "participantid" => known.Participant,
            "commitmentid" or "templateid" => known.Commitment,
            "reportid" => known.ReportId,
            "accountid" => known.AccountId,
            "neighbourhoodcode" => TestApi.Neighbourhood(5),
            _ => "fuzz",
        };

        private static IEnumerable<string> Parameters(string template) =>
            template.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1]);

        /// <summary>The path with each parameter as <paramref name="bad"/> gives it, or an id that exists.</summary>
        private string Fill(string template, Func<string, string?> bad)
        {
            var segments = template.Split('/');
            for (var i = 0; i < segments.Length; i++)
            {
                if (!(segments[i].StartsWith('{') && segments[i].EndsWith('}')))
                    continue;
                var name = segments[i][1..^1];
                segments[i] = bad(name) ?? (name switch
                {
                    "id" when i > 0 && segments[i - 1] == "goals" => known.Goal,
                    "id" when i > 0 && segments[i - 1] == "participants" => known.Participant,
                    "id" when i > 0 && segments[i - 1] == "organisations" => known.Participant,
                    "id" when i > 0 && segments[i - 1] == "commitments" => known.Commitment,
                    "participantId" => known.Participant,
                    "reportId" => known.ReportId,
                    "accountId" => known.AccountId,
                    "kind" => "goal",
                    "role" => "coach",
                    _ => "fuzz-missing-0002",
                });
            }
            return string.Join('/', segments);
        }

        private JsonNode Resolve(JsonNode schema)
        {
            for (var hops = 0; hops < 10; hops++)
            {
                if (schema["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal)
                    && _schemas[reference["#/components/schemas/".Length..]] is { } target)
                {
                    schema = target;
                    continue;
                }
                if ((schema["oneOf"] ?? schema["anyOf"] ?? schema["allOf"]) is JsonArray { Count: > 0 } options
                    && options.FirstOrDefault(o => o?["type"]?.ToString() != "null") is { } first && schema["properties"] is null)
                {
                    schema = first;
                    continue;
                }
                break;
            }
            return schema;
        }

        private static HashSet<string> Types(JsonNode schema) => schema["type"] switch
        {
            JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
            JsonValue one => [one.GetValue<string>()],
            _ => schema["properties"] is not null ? ["object"] : [],
        };
    }
}

/// <summary>Runs the fuzz test on its own, after the tests that run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenApiFuzzCollection
{
    public const string Name = "OpenAPI fuzz";
}
