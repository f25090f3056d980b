namespace CivicContracting.Web.Api;

/// <summary>
/// Documents a request body that is not JSON (a file, a CSV) in the OpenAPI document. Like <c>Json.JsonRequestBody</c>
/// it does not make routing answer 415 to other content types: the endpoint reads the body and answers itself.
/// </summary>
public sealed record RawRequestBody(string Description, params string[] ContentTypes);
