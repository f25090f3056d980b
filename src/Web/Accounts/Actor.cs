using System.Security.Claims;
using CivicContracting.Accounts;

namespace CivicContracting.Web.Accounts;

/// <summary>How a request proved who it is.</summary>
public enum ActorKind
{
    Anonymous = 0,

    /// <summary>The bootstrap operator token (Api:OperatorToken): the platform itself.</summary>
    Operator = 1,

    /// <summary>A signed-in person's cookie session (site forms and the API from the browser, with antiforgery).</summary>
    Session = 2,

    /// <summary>A personal access token: a person's account, limited to the token's scopes.</summary>
    AccessToken = 3,

    /// <summary>The operator token where it is limited to setting the platform up (Api:OperatorTokenScope=Bootstrap).</summary>
    BootstrapOperator = 4,
}

/// <summary>The claims this application puts on its principals.</summary>
public static class ActorClaims
{
    /// <summary>The account id (or "operator").</summary>
    public const string AccountId = ClaimTypes.NameIdentifier;

    /// <summary>How the request authenticated: one of <see cref="ActorKind"/>'s names.</summary>
    public const string Kind = "cc:kind";

    /// <summary>One claim per scope of a personal access token.</summary>
    public const string Scope = "scope";

    /// <summary>The token id of a personal access token.</summary>
    public const string TokenId = "cc:token";

    /// <summary>When a session's account was last read (unix seconds); see <see cref="SessionValidation"/>.</summary>
    public const string CheckedAt = "cc:checked";

    public const string OperatorRole = "operator";

    /// <summary>The account's language (nl, fr, en), which the site's pages speak when the person chose no other (<see cref="Texts.SiteCultureProvider"/>).</summary>
    public const string Language = Texts.SiteCulture.LanguageClaim;

    public static string RoleName(PlatformRole role) => role switch
    {
        PlatformRole.Participant => "participant",
        PlatformRole.Coach => "coach",
        PlatformRole.Moderator => "moderator",
        PlatformRole.Administrator => "administrator",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}

/// <summary>
/// Who makes a request, as the authorisation rules need it: the kind of credential, the account (read fresh from its
/// grain for each request that asks) and, for an access token, its scopes.
/// </summary>
public sealed record Actor(ActorKind Kind, AccountView? Account, IReadOnlySet<string>? Scopes)
{
    public static readonly Actor Anonymous = new(ActorKind.Anonymous, null, null);

    public static readonly Actor Operator = new(ActorKind.Operator, null, null);

    public static readonly Actor BootstrapOperator = new(ActorKind.BootstrapOperator, null, null);

    /// <summary>How records (logs, notes, assignments, verifications) name the operator token, which has no account.</summary>
    public const string OperatorId = "operator";

    public bool IsOperator => Kind == ActorKind.Operator;

    /// <summary>Who a record names as having done something: the account id, or <see cref="OperatorId"/>.</summary>
    public string RecordedId => Account?.Id ?? OperatorId;

    /// <summary>The name a record shows beside <see cref="RecordedId"/>: the account's display name, or "Operator".</summary>
    public string RecordedName => Account?.DisplayName ?? "Operator";

    public bool HasRole(PlatformRole role) => Account?.Roles.Contains(role) == true;

    /// <summary>The operator token and administrators: every right on every participant.</summary>
    public bool IsPlatformAdministrator => IsOperator || HasRole(PlatformRole.Administrator);

    /// <summary>Coaches and administrators (and the full operator token): they coach, verify, assign and nudge.</summary>
    public bool IsCoachOrAdministrator => IsPlatformAdministrator || HasRole(PlatformRole.Coach);

    /// <summary>The support team: coaches, moderators and administrators. Only they read team notes and hidden content.</summary>
    public bool IsSupportTeam => IsCoachOrAdministrator || HasRole(PlatformRole.Moderator);

    /// <summary>An access token lacks scopes; a session and the operator token have every scope.</summary>
    public bool HasScope(string scope) => Kind != ActorKind.AccessToken || Scopes?.Contains(scope) == true;

    /// <summary>The person's role for a participant: owner of their own, their membership role in an organisation, or none.</summary>
    public OrganisationRole? RoleFor(string participantId)
    {
        if (Account is null)
            return null;
        if (string.Equals(Account.ParticipantId, participantId, StringComparison.Ordinal))
            return OrganisationRole.Owner;
        return Account.Memberships.FirstOrDefault(m => string.Equals(m.OrganisationId, participantId, StringComparison.Ordinal))?.Role;
    }

    /// <summary>The participants this person acts for: their own first, then their organisations.</summary>
    public IReadOnlyList<string> ParticipantIds =>
        Account is null ? [] : [.. (Account.ParticipantId is { } own ? [own] : Array.Empty<string>()), .. Account.Memberships.Select(m => m.OrganisationId)];

    /// <summary>A short description for messages and logs.</summary>
    public string Describe() => Kind switch
    {
        ActorKind.Operator => "the operator token",
        ActorKind.BootstrapOperator => "the operator token (bootstrap only)",
        ActorKind.Session => $"account '{Account?.Id}'",
        ActorKind.AccessToken => $"an access token of account '{Account?.Id}'",
        _ => "an anonymous caller",
    };
}
