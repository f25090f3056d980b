namespace CivicContracting.Web.Security;

/// <summary>
/// The authorization policies an endpoint or page may require, by name; how a caller satisfies them (sessions, tokens,
/// roles) is set up by <c>Accounts.Authentication</c>. Kept apart from it so that endpoints of every folder can say what
/// they require without depending on how accounts sign in.
/// </summary>
public static class AccessPolicies
{
    /// <summary>Any authenticated caller; what it may do for which participant is decided by <c>Accounts.Access</c>.</summary>
    public const string SignedInPolicy = "signed-in";

    /// <summary>Administrators and the operator token.</summary>
    public const string AdministratorPolicy = "administrator";

    /// <summary>Marks an endpoint (or group) as one that needs a signed-in caller; <c>Accounts.Access</c> decides the rest.</summary>
    public static TBuilder RequireSignedIn<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(SignedInPolicy);

    /// <summary>Marks an endpoint as one for administrators and the operator token.</summary>
    public static TBuilder RequireAdministrator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AdministratorPolicy);
}
