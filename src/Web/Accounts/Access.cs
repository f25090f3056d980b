using System.Security.Claims;
using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Resolves the <see cref="Actor"/> of a request (reading the account fresh from its grain, once per request) and
/// enforces <see cref="AccessRules"/>: a refused call gets 403 problem+json before anything is stored.
/// </summary>
public sealed class Access(IClusterClient orleans, IOptions<ApiOptions> api)
{
    private static readonly object ActorKey = new();

    public async Task<Actor> ActorAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(ActorKey, out var cached) && cached is Actor known)
            return known;
        var actor = await ResolveAsync(context.User);
        context.Items[ActorKey] = actor;
        return actor;
    }

    /// <summary>Anyone signed in (a session, an access token or the operator token); 401 problem+json for anyone else.</summary>
    public async Task<Actor> RequireSignedInAsync(HttpContext context) => RequireSignedIn(await ActorAsync(context));

    /// <summary>Signed in (else 401), and <paramref name="refusal"/> finds no reason to refuse (else 403 with it: nothing changes).</summary>
    public async Task<Actor> RequireAsync(HttpContext context, Func<Actor, string?> refusal) => Require(await ActorAsync(context), refusal);

    /// <summary><see cref="RequireSignedInAsync"/> for an actor resolved already (by a command's caller).</summary>
    public static Actor RequireSignedIn(Actor actor) =>
        actor.Kind == ActorKind.Anonymous
            ? throw new ApiProblemException(StatusCodes.Status401Unauthorized, ApiText.TitleUnauthorized, ApiText.SignInFirstWithToken)
            : actor;

    /// <summary><see cref="RequireAsync"/> for an actor resolved already.</summary>
    public static Actor Require(Actor actor, Func<Actor, string?> refusal)
    {
        RequireSignedIn(actor);
        if (refusal(actor) is { } reason)
            throw Forbidden(reason + " " + ApiText.NothingChanged);
        return actor;
    }

    /// <summary>The signed-in person (session or access token); 401 for anyone else, 403 for the operator token.</summary>
    public async Task<Actor> RequireAccountAsync(HttpContext context, bool sessionOnly = false) =>
        RequireAccount(await ActorAsync(context), sessionOnly);

    /// <summary><see cref="RequireAccountAsync"/> for an actor resolved already.</summary>
    public static Actor RequireAccount(Actor actor, bool sessionOnly = false)
    {
        RequireSignedIn(actor);
        if (actor.Account is null)
            throw Forbidden(ApiText.AccessOwnAccountOnly);
        if (sessionOnly && actor.Kind != ActorKind.Session)
            throw Forbidden(ApiText.AccessSessionOnly);
        return actor;
    }

    public Task<Actor> RequireForParticipantAsync(HttpContext context, string participantId, ParticipantRight right) =>
        RequireAsync(context, actor => AccessRules.Check(actor, participantId, right));

    /// <summary>Reads the commitment (404 if there is none) and checks the right on its participant.</summary>
    public async Task<(Actor Actor, CommitmentView Commitment)> RequireForCommitmentAsync(HttpContext context, string commitmentId, ParticipantRight right)
    {
        var actor = await ActorAsync(context);
        return (actor, await RequireForCommitmentAsync(actor, commitmentId, right));
    }

    /// <summary><see cref="RequireForCommitmentAsync(HttpContext, string, ParticipantRight)"/> for an actor resolved already.</summary>
    public async Task<CommitmentView> RequireForCommitmentAsync(Actor actor, string commitmentId, ParticipantRight right)
    {
        var commitment = await RequireCommitmentAsync(orleans, commitmentId);
        Require(actor, a => AccessRules.Check(a, commitment.ParticipantId, right));
        return commitment;
    }

    public async Task<Actor> RequireAdministratorAsync(HttpContext context) => RequireAdministrator(await ActorAsync(context));

    /// <summary><see cref="RequireAdministratorAsync"/> for an actor resolved already.</summary>
    public static Actor RequireAdministrator(Actor actor)
    {
        if (actor.Kind == ActorKind.Anonymous)
            throw new ApiProblemException(StatusCodes.Status401Unauthorized, ApiText.TitleUnauthorized, ApiText.SignInFirst);
        if (!(actor.IsPlatformAdministrator || actor.Kind == ActorKind.BootstrapOperator) || actor.Kind == ActorKind.AccessToken)
            throw Forbidden(ApiText.AccessAdministratorsOnly);
        return actor;
    }

    /// <summary>The commitment as its grain shows it (everything, hidden content too); 404 problem+json if there is none.</summary>
    public static async Task<CommitmentView> RequireCommitmentAsync(IClusterClient orleans, string id) =>
        (ApiIds.IsWellFormed(id) ? await orleans.GetGrain<ICommitmentGrain>(id).Get() : null) ?? throw ApiProblems.NotFound("commitment", id);

    /// <summary>The participant's profile; 404 problem+json if there is none.</summary>
    public static async Task<ParticipantProfile> RequireParticipantAsync(IClusterClient orleans, string id) =>
        (ApiIds.IsWellFormed(id) ? await orleans.GetGrain<IParticipantGrain>(id).GetProfile() : null) ?? throw ApiProblems.NotFound("participant", id);

    public static ApiProblemException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, ApiText.TitleForbidden, detail);

    private async Task<Actor> ResolveAsync(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || !Enum.TryParse<ActorKind>(user.FindFirstValue(ActorClaims.Kind), out var kind))
            return Actor.Anonymous;
        if (kind == ActorKind.Operator)
            return api.Value.OperatorTokenScope == OperatorTokenScope.Bootstrap ? Actor.BootstrapOperator : Actor.Operator;
        var accountId = user.FindFirstValue(ActorClaims.AccountId);
        var account = accountId is null ? null : await orleans.GetGrain<IAccountGrain>(accountId).Get();
        if (account is null)
            return Actor.Anonymous; // deleted since the session began
        var scopes = kind == ActorKind.AccessToken
            ? user.FindAll(ActorClaims.Scope).Select(c => c.Value).ToHashSet(StringComparer.Ordinal)
            : null;
        return new Actor(kind, account, scopes);
    }
}
