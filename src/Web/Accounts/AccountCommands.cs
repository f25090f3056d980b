using CivicContracting.Accounts;
using CivicContracting.Following;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// A person adds their own resident participant (one per account): the one way in for POST /api/me/participant, the
/// account page's form and sign-up with a neighbourhood. 401 not signed in, 403 for the operator token (it has no
/// account), 409 when the account has its participant already, 400 naming the field, then the grains.
/// </summary>
public sealed class AddResidentCommand(IClusterClient orleans, IOptions<AccountOptions> options)
{
    public static Actor Authorise(Actor actor) => Access.RequireAccount(actor);

    /// <summary>The registration the person's input makes: their display name and e-mail, the neighbourhood and pseudonym given.</summary>
    public static ParticipantRegistration Registration(AccountView account, ResidentSignUp? resident) =>
        new(ParticipantKind.Resident, account.DisplayName, resident?.NeighbourhoodCode?.Trim() ?? "",
            string.IsNullOrWhiteSpace(resident?.Pseudonym) ? null : resident.Pseudonym.Trim(), resident?.ShowNamePublicly ?? false, account.Email);

    /// <summary>Every broken rule, by field: those of every participant registration (<see cref="InputRules.Registration"/>).</summary>
    public static InputRules.Errors Check(AccountView account, ResidentSignUp? resident) => InputRules.Registration(Registration(account, resident));

    /// <summary>Creates and links the participant; its id is derived from the account, so a retry is safe.</summary>
    public async Task<AccountView> RunAsync(Actor actor, ResidentSignUp? resident)
    {
        var account = Authorise(actor).Account!;
        if (account.ParticipantId is not null)
            throw ApiProblems.Conflict(ApiText.OwnParticipantExists(account.ParticipantId));
        var errors = Check(account, resident);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var participantId = AccountService.ResidentIdFor(account.Id);
        // A person's registration: a public name that imitates a verified participant's is refused (naming "name").
        // Until the person verifies their e-mail address (where required) its commitments do not count publicly.
        await orleans.GetGrain<IParticipantGrain>(participantId)
            .RegisterForPerson(Registration(account, resident), OwnParticipants.EmailVerified(account, options.Value));
        var linked = await orleans.GetGrain<IAccountGrain>(account.Id).LinkParticipant(participantId);
        await OwnParticipants.FollowAsync(orleans, account.Id, participantId);
        return linked;
    }
}

/// <summary>
/// A person registers an organisation (anything but a resident) and becomes its owner: the one way in for
/// POST /api/me/organisations, a person's POST /api/participants and the account page's form. 401 not signed in, 403 for
/// the operator token and a token without commitments:write, 400 naming the field, then the grains.
/// </summary>
public sealed partial class AddOrganisationCommand(IClusterClient orleans, IOptions<AccountOptions> options, ILogger<AddOrganisationCommand> logger)
{
    public static Actor Authorise(Actor actor)
    {
        Access.RequireAccount(actor);
        return Access.Require(actor, a => a.HasScope(AccessTokenScopes.CommitmentsWrite)
            ? null
            : $"This access token lacks the scope '{AccessTokenScopes.CommitmentsWrite}'.");
    }

    public static ParticipantRegistration Registration(OrganisationSignUp? organisation) =>
        new(organisation?.Kind ?? default, organisation?.Name?.Trim() ?? "", organisation?.NeighbourhoodCode?.Trim() ?? "",
            ContactEmail: organisation?.ContactEmail, ContactPhone: organisation?.ContactPhone);

    /// <summary>Every broken rule, by field: those of every participant registration, a resident's kind, and the id if one is given.</summary>
    public static InputRules.Errors Check(OrganisationSignUp? organisation, string? id = null)
    {
        if (organisation is null)
            return new InputRules.Errors().Add("", ApiText.GiveOrganisationFields);
        var errors = InputRules.Registration(Registration(organisation));
        if (organisation.Kind == ParticipantKind.Resident)
            errors.Add("kind", ApiText.ResidentOwnNeighbourhood);
        ApiIds.Check(errors, "id", id);
        return errors;
    }

    /// <summary><paramref name="id"/>: the organisation's id if the caller chose one (POST /api/participants), else a new one.</summary>
    public async Task<(AccountView Account, ParticipantProfile Organisation)> RunAsync(Actor actor, OrganisationSignUp? organisation, string? id = null)
    {
        var account = Authorise(actor).Account!;
        var errors = Check(organisation, id);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        var organisationId = id ?? ApiIds.New("p");
        // A person's registration: unverified until an administrator verifies it (for the kinds that need it), refused
        // naming "name" if it imitates a verified participant's name, and not counting publicly until the person's e-mail
        // address is verified (where required).
        var profile = await orleans.GetGrain<IParticipantGrain>(organisationId)
            .RegisterForPerson(Registration(organisation), OwnParticipants.EmailVerified(account, options.Value));
        var updated = await orleans.GetGrain<IAccountGrain>(account.Id).SetMembership(organisationId, OrganisationRole.Owner);
        await OwnParticipants.FollowAsync(orleans, account.Id, organisationId);
        LogOrganisationRegistered(logger, account.Id, organisationId);
        return (updated, profile);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} registered organisation {OrganisationId}")]
    private static partial void LogOrganisationRegistered(ILogger logger, string accountId, string organisationId);
}

/// <summary>
/// A person deletes their account: the one way in for DELETE /api/me and the deletion page. Only from a signed-in
/// session (401 otherwise, 403 for a token or the operator token): name, e-mail, login and tokens are erased, the
/// commitments stay as anonymous contributions. Ending the session is the caller's (an HTTP matter).
/// </summary>
public sealed class DeleteAccountCommand(IClusterClient orleans)
{
    public static Actor Authorise(Actor actor) => Access.RequireAccount(actor, sessionOnly: true);

    public async Task<AccountDeletion> RunAsync(Actor actor) =>
        await orleans.GetGrain<IAccountGrain>(Authorise(actor).Account!.Id).Delete();
}

/// <summary>
/// A person sets their language (nl, fr or en): the one way in for PATCH /api/me and the account page's form. Their
/// e-mails and feed mails are in it from then on, and the site's pages when they chose no other language in the switcher.
/// 401 not signed in, 403 for the operator token (it has no account), 400 naming "language", then the grain. A session
/// carries the language (<see cref="ActorClaims.Language"/>): <see cref="RefreshSessionAsync"/> renews it.
/// </summary>
public sealed class SetLanguageCommand(IClusterClient orleans, TimeProvider clock)
{
    public static Actor Authorise(Actor actor) => Access.RequireAccount(actor);

    public static InputRules.Errors Check(string? language) => AccountRules.Language(language);

    public async Task<AccountView> RunAsync(Actor actor, string? language)
    {
        var account = Authorise(actor).Account!;
        var errors = Check(language);
        if (!errors.IsValid)
            throw ApiProblems.Invalid(errors.ByField);
        return await orleans.GetGrain<IAccountGrain>(account.Id).SetLanguage(language!);
    }

    /// <summary>A session's cookie with the account as it is now, so the next page is in the new language (an HTTP matter, not the grain's).</summary>
    public async Task RefreshSessionAsync(HttpContext context, Actor actor, AccountView account)
    {
        if (actor.Kind == ActorKind.Session)
            await context.SignInAsync(Authentication.SessionScheme, Authentication.PrincipalFor(account, ActorKind.Session, clock.GetUtcNow()));
    }
}

/// <summary>What happens to a person's own participants, whichever command gives them one.</summary>
internal static class OwnParticipants
{
    /// <summary>
    /// A person follows the participants they act for from the start, so what happens to their commitments — a co-signer
    /// joining, a report falling due — reaches their feed. They may unfollow.
    /// </summary>
    public static Task FollowAsync(IClusterClient orleans, string accountId, string participantId) =>
        orleans.GetGrain<IFollowerGrain>(accountId).Follow(new FollowTopic(FollowTopicKind.Participant, participantId));

    /// <summary>
    /// Whether what this person registers counts publicly from the start: where e-mail verification is not required, once
    /// they verified their address, or when an identity provider signed them in (it vouches for the person).
    /// </summary>
    public static bool EmailVerified(AccountView account, AccountOptions options) =>
        !options.EmailVerificationRequired || account.EmailVerified || account.External is not null;

    /// <summary>
    /// The person verified their e-mail address: the participants they registered (their resident participant and the
    /// organisations they own) count publicly from now on, and their commitments are told. O(the person's participants and
    /// commitments); repeating it is harmless.
    /// </summary>
    public static async Task CountAfterEmailVerifiedAsync(IClusterClient orleans, AccountView account)
    {
        if (!account.EmailVerified)
            return;
        IEnumerable<string> own = [.. account.ParticipantId is { } resident ? [resident] : Array.Empty<string>(),
            .. account.Memberships.Where(m => m.Role == OrganisationRole.Owner).Select(m => m.OrganisationId)];
        foreach (var participantId in own)
        {
            var grain = orleans.GetGrain<IParticipantGrain>(participantId);
            if (await grain.GetProfile() is not { AwaitsOwnerEmail: true })
                continue;
            await ParticipantCommitments.RefreshAsync(orleans, await grain.ConfirmOwnerEmail());
        }
    }
}
