using System.Security.Cryptography;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Notifications;
using CivicContracting.Participants;
using CivicContracting.Texts;
using CivicContracting.Validation;
using Microsoft.Extensions.Options;

namespace CivicContracting.Accounts;

/// <summary>
/// One person's account. Calls go one way: account → login (claim, release), → participants (look-ups, anonymise),
/// → commitments (export) and → access tokens; none of those calls an account, so there is no cycle.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account", GrainStorage.Name)] IPersistentState<AccountState> state,
    IOptions<AccountOptions> options,
    INotificationMailer mailer,
    TimeProvider clock) : Grain, IAccountGrain
{
    /// <summary>Organisations one person may act for; well above any real case, it bounds the state.</summary>
    private const int MaxMemberships = 100;

    private AccountState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    private AccountOptions Options => options.Value;

    private bool IsLive => S.Registration is not null && S.DeletionRequestedAt is null;

    public async Task<AccountView> Register(AccountRegistration registration)
    {
        AccountRules.Registration(registration).ThrowIfAny();
        if (registration.Language is not null)
            AccountRules.Language(registration.Language).ThrowIfAny();
        // The language is the account's, not the registration's: a retry in another language is the same registration.
        var language = Languages.Code(registration.Language) ?? Languages.Default;
        var normalised = (registration.Local is { } local
            ? registration with { Local = local with { LoginName = AccountRules.NormaliseLoginName(local.LoginName) } }
            : registration) with { Language = null };
        if (S.DeletionRequestedAt is not null)
            throw new StateConflictException($"Account '{Id}' was deleted.");
        if (S.Registration is { } existing)
        {
            if (existing != normalised)
                throw new StateConflictException($"Account '{Id}' is already registered with other details.");
            await TellFeedLanguage(); // a retry after the first attempt failed there
            return ToView();
        }

        var login = GrainFactory.GetGrain<ILoginGrain>(LoginKeys.For(normalised));
        var owner = await login.Claim(Id);
        if (owner != Id)
            throw new StateConflictException(normalised.Local is not null ? "This login name is taken." : "This external login belongs to another account.");

        S.Registration = normalised;
        S.Language = language;
        S.RegisteredAt = clock.GetUtcNow();
        S.Roles = [PlatformRole.Participant];
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing stored: give the login back, so the person can try again under any account id.
            S.Registration = null;
            S.Language = null;
            S.Roles = [];
            await login.Release(Id);
            throw;
        }
        await TellFeedLanguage();
        return ToView();
    }

    public async Task<AccountView> SetLanguage(string language)
    {
        AccountRules.Language(language).ThrowIfAny();
        RequireLive();
        var code = Languages.Code(language)!;
        if (S.Language != code)
        {
            S.Language = code;
            await state.WriteStateAsync();
        }
        // Also when unchanged: a retry after the feed call failed completes it.
        await TellFeedLanguage();
        return ToView();
    }

    public Task<AccountView?> Get() => Task.FromResult(IsLive ? ToView() : null);

    public Task<SignInCredentials?> GetForSignIn() =>
        Task.FromResult(IsLive ? new SignInCredentials(Id, S.Registration!.Local?.PasswordHash, SignInRecord(), [.. S.Roles]) : null);

    public async Task<SignInState> RecordSignInSuccess()
    {
        RequireLive();
        S.FailedSignIns = 0;
        S.LockedUntil = null; // a lockout written before throttling replaced it must not linger
        S.LastSignInAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        return SignInRecord();
    }

    public Task<SignInState> RecordSignInFailure()
    {
        // Nothing written: throttling is the login grain's, and a write here would make a known login name answer slower.
        RequireLive();
        return Task.FromResult(SignInRecord());
    }

    public async Task<bool> MailSignInLink(bool becauseOfSignUp = false)
    {
        RequireLive();
        var now = clock.GetUtcNow();
        if (S.Registration!.Email is not { } address || !mailer.Enabled || TooSoonForMail(now))
            return false;
        var code = NewCode();
        S.SignInLinkHash = AccountRules.HashSecret(code);
        S.SignInLinkExpiresAt = now + Options.SignInLinkLifetime;
        S.LastMailAt = now;
        await state.WriteStateAsync();
        return mailer.TryEnqueue(AccountMails.SignInLink(address, Link(AccountMails.SignInLinkPath(Id, code)), S.SignInLinkExpiresAt.Value, becauseOfSignUp, Language));
    }

    public async Task<AccountView?> RedeemSignInLink(string code)
    {
        var now = clock.GetUtcNow();
        if (!IsLive || !Matches(code, S.SignInLinkHash, S.SignInLinkExpiresAt, now))
            return null;
        S.SignInLinkHash = null;
        S.SignInLinkExpiresAt = null;
        S.EmailVerifiedAt ??= now; // the link reached the person at this address
        S.LastSignInAt = now;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ILoginGrain>(LoginKeys.For(S.Registration!)).RecordSignInSuccess();
        return ToView();
    }

    public async Task<bool> MailEmailVerification()
    {
        RequireLive();
        var now = clock.GetUtcNow();
        if (S.Registration!.Email is not { } address || S.EmailVerifiedAt is not null || !mailer.Enabled || TooSoonForMail(now))
            return false;
        var code = NewCode();
        S.VerificationHash = AccountRules.HashSecret(code);
        S.VerificationExpiresAt = now + Options.VerificationLinkLifetime;
        S.LastMailAt = now;
        await state.WriteStateAsync();
        return mailer.TryEnqueue(AccountMails.Verification(address, Link(AccountMails.VerifyPath(Id, code)), S.VerificationExpiresAt.Value, Language));
    }

    public async Task<AccountView?> VerifyEmail(string code)
    {
        var now = clock.GetUtcNow();
        if (!IsLive || !Matches(code, S.VerificationHash, S.VerificationExpiresAt, now))
            return null;
        S.VerificationHash = null;
        S.VerificationExpiresAt = null;
        S.EmailVerifiedAt ??= now;
        S.LastSignInAt = now;
        await state.WriteStateAsync();
        return ToView();
    }

    public async Task SetPasswordHash(string passwordHash)
    {
        var errors = new InputRules.Errors();
        errors.Merge(AccountRules.PasswordHash(passwordHash), "passwordHash");
        errors.ThrowIfAny();
        RequireLive();
        if (S.Registration!.Local is not { } local)
            throw new StateConflictException($"Account '{Id}' signs in with OpenID Connect and has no password.");
        if (local.PasswordHash == passwordHash)
            return;
        S.Registration = S.Registration with { Local = local with { PasswordHash = passwordHash } };
        await state.WriteStateAsync();
    }

    public async Task<AccountView> GrantRole(PlatformRole role)
    {
        AccountRules.Role(role).ThrowIfAny();
        RequireLive();
        if (!S.Roles.Contains(role))
        {
            S.Roles = [.. S.Roles.Append(role).Order()];
            await state.WriteStateAsync();
        }
        return ToView();
    }

    public async Task<AccountView> RevokeRole(PlatformRole role)
    {
        AccountRules.Role(role).ThrowIfAny();
        if (role == PlatformRole.Participant)
            throw new InputRejectedException("role", "Every account has the participant role; delete the account instead.");
        RequireLive();
        if (S.Roles.Remove(role))
            await state.WriteStateAsync();
        return ToView();
    }

    public async Task<AccountView> LinkParticipant(string participantId)
    {
        AccountRules.Id("participantId", participantId).ThrowIfAny();
        RequireLive();
        if (S.ParticipantId == participantId)
            return ToView();
        if (S.ParticipantId is not null)
            throw new StateConflictException($"Account '{Id}' already acts as participant '{S.ParticipantId}'.");
        var profile = await GrainFactory.GetGrain<IParticipantGrain>(participantId).GetProfile()
            ?? throw new InputRejectedException("participantId", $"Participant '{participantId}' does not exist.");
        if (profile.Kind != ParticipantKind.Resident)
            throw new InputRejectedException("participantId", "A person's own participant is a resident; act for an organisation as a member instead.");
        S.ParticipantId = participantId;
        await state.WriteStateAsync();
        return ToView();
    }

    public async Task<AccountView> SetMembership(string organisationId, OrganisationRole role)
    {
        AccountRules.Membership(organisationId, role).ThrowIfAny();
        RequireLive();
        var index = S.Memberships.FindIndex(m => m.OrganisationId == organisationId);
        if (index >= 0 && S.Memberships[index].Role == role)
        {
            await TellMemberList(S.Memberships[index]); // a retry after a failed call completes the list
            return ToView();
        }
        if (index < 0)
        {
            if (S.Memberships.Count >= MaxMemberships)
                throw new StateConflictException($"An account acts for at most {MaxMemberships} organisations.");
            var profile = await GrainFactory.GetGrain<IParticipantGrain>(organisationId).GetProfile()
                ?? throw new InputRejectedException("organisationId", $"Participant '{organisationId}' does not exist.");
            if (profile.Kind == ParticipantKind.Resident)
                throw new InputRejectedException("organisationId", "A resident is a person, not an organisation; link it as the account's own participant.");
            S.Memberships.Add(new OrganisationMembership(organisationId, role, clock.GetUtcNow()));
        }
        else
        {
            S.Memberships[index] = S.Memberships[index] with { Role = role };
        }
        await state.WriteStateAsync();
        await TellMemberList(S.Memberships.Single(m => m.OrganisationId == organisationId));
        return ToView();
    }

    public async Task<AccountView> RemoveMembership(string organisationId)
    {
        AccountRules.Id("organisationId", organisationId).ThrowIfAny();
        RequireLive();
        if (S.Memberships.RemoveAll(m => m.OrganisationId == organisationId) > 0)
            await state.WriteStateAsync();
        await GrainFactory.GetGrain<IOrganisationMembersGrain>(organisationId).Remove(Id);
        return ToView();
    }

    public async Task<AccessTokenInfo> CreateAccessToken(AccessTokenRequest request)
    {
        var now = clock.GetUtcNow();
        AccountRules.AccessToken(request, now, Options.MaxAccessTokenLifetime).ThrowIfAny();
        RequireLive();
        var token = GrainFactory.GetGrain<IAccessTokenGrain>(request.TokenId);
        var issue = new AccessTokenIssue(Id, request.Name, request.Scopes, request.SecretHash, request.ExpiresAt);
        if (S.Tokens.Any(t => t.Id == request.TokenId))
            return await token.Issue(issue); // a retry: the token grain compares and answers

        if (S.Tokens.Count(t => t.RevokedAt is null && t.ExpiresAt > now) >= Options.MaxActiveAccessTokens)
            throw new StateConflictException($"An account holds at most {Options.MaxActiveAccessTokens} active access tokens; revoke one first.");
        // The account records the id before the token exists, so a token can never exist that its owner cannot see or revoke.
        S.Tokens.Add(new AccountTokenRef { Id = request.TokenId, ExpiresAt = request.ExpiresAt });
        await state.WriteStateAsync();
        try
        {
            return await token.Issue(issue);
        }
        catch (StateConflictException)
        {
            // The id is taken (by another account's token): it is not ours.
            S.Tokens.RemoveAll(t => t.Id == request.TokenId);
            await state.WriteStateAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<AccessTokenInfo>> ListAccessTokens()
    {
        RequireLive();
        return await ReadTokens();
    }

    public async Task<AccessTokenInfo> RevokeAccessToken(string tokenId)
    {
        AccountRules.Id("tokenId", tokenId).ThrowIfAny();
        RequireLive();
        var entry = S.Tokens.Find(t => t.Id == tokenId)
            ?? throw new KeyNotFoundException($"Account '{Id}' has no access token '{tokenId}'.");
        var info = await GrainFactory.GetGrain<IAccessTokenGrain>(tokenId).Revoke(Id);
        if (entry.RevokedAt is null)
        {
            entry.RevokedAt = info.RevokedAt;
            await state.WriteStateAsync();
        }
        return info;
    }

    public async Task<AccountExport?> Export()
    {
        if (!IsLive)
            return null;
        ParticipantProfile? profile = null;
        ParticipantPrivateDetails? details = null;
        var commitments = new List<CommitmentView>();
        if (S.ParticipantId is { } participantId)
        {
            var participant = GrainFactory.GetGrain<IParticipantGrain>(participantId);
            profile = await participant.GetProfile();
            details = await participant.GetPrivateDetails();
            var views = await Task.WhenAll((profile?.CommitmentIds ?? []).Select(id => GrainFactory.GetGrain<ICommitmentGrain>(id).Get()));
            commitments.AddRange(views.OfType<CommitmentView>());
        }
        var organisations = await Task.WhenAll(S.Memberships.Select(m => GrainFactory.GetGrain<IParticipantGrain>(m.OrganisationId).GetProfile()));
        var memberships = S.Memberships.Select((m, i) => new MembershipExport(m, organisations[i])).ToList();
        var now = clock.GetUtcNow();
        return new AccountExport(ToView(), SignInRecord(), profile, details, commitments, memberships, await ReadTokens(), now);
    }

    public async Task<AccountDeletion> Delete()
    {
        if (S.DeletedAt is { } deletedAt)
            return new AccountDeletion(Id, deletedAt, S.AnonymisedParticipantId, S.ErasedAccessTokens);
        if (S.Registration is null)
            throw new KeyNotFoundException($"Account '{Id}' does not exist.");
        if (S.DeletionRequestedAt is null)
        {
            // From here on the account is gone for every other call (no sign-in, no tokens), even if a step below fails
            // and the caller has to repeat the deletion.
            S.DeletionRequestedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
        }

        if (S.ParticipantId is { } participantId)
        {
            try
            {
                await GrainFactory.GetGrain<IParticipantGrain>(participantId).Anonymise();
            }
            catch (KeyNotFoundException)
            {
                // Nothing to anonymise.
            }
        }
        await Task.WhenAll(S.Tokens.Select(t => GrainFactory.GetGrain<IAccessTokenGrain>(t.Id).Erase(Id)));
        await Task.WhenAll(S.Memberships.Select(m => GrainFactory.GetGrain<IOrganisationMembersGrain>(m.OrganisationId).Remove(Id)));
        // What the person follows, their feed and their e-mail address for notifications.
        await GrainFactory.GetGrain<Following.IFollowerGrain>(Id).Erase();
        await GrainFactory.GetGrain<ILoginGrain>(LoginKeys.For(S.Registration)).Release(Id);

        // The tombstone: when, and which (now anonymous) participant it was; no name, e-mail, login, hash or token.
        state.State = new AccountState
        {
            DeletionRequestedAt = S.DeletionRequestedAt,
            DeletedAt = clock.GetUtcNow(),
            AnonymisedParticipantId = S.ParticipantId,
            ErasedAccessTokens = S.Tokens.Count,
        };
        await state.WriteStateAsync();
        return new AccountDeletion(Id, S.DeletedAt!.Value, S.AnonymisedParticipantId, S.ErasedAccessTokens);
    }

    /// <summary>The person's language: the one they registered in or chose; Dutch for accounts stored before languages.</summary>
    private string Language => S.Language ?? Languages.Default;

    /// <summary>The feed mails in the account's language (account → feed only: the feed never calls an account).</summary>
    private Task TellFeedLanguage() => GrainFactory.GetGrain<Following.IFeedGrain>(Id).SetLanguage(Language);

    private Task TellMemberList(OrganisationMembership membership) =>
        GrainFactory.GetGrain<IOrganisationMembersGrain>(membership.OrganisationId)
            .Set(new OrganisationMember(Id, S.Registration!.DisplayName, membership.Role, membership.Since));

    private async Task<IReadOnlyList<AccessTokenInfo>> ReadTokens()
    {
        var infos = await Task.WhenAll(S.Tokens.Select(t => GrainFactory.GetGrain<IAccessTokenGrain>(t.Id).Get()));
        return [.. infos.OfType<AccessTokenInfo>().OrderByDescending(t => t.CreatedAt)];
    }

    private void RequireLive()
    {
        if (!IsLive)
            throw new KeyNotFoundException($"Account '{Id}' does not exist.");
    }

    /// <summary>Accounts are never locked: throttling is per login name in <see cref="LoginGrain"/>.</summary>
    private SignInState SignInRecord() => new(false, null, 0, 0);

    private bool TooSoonForMail(DateTimeOffset now) => S.LastMailAt is { } last && now - last < Options.MinMailInterval;

    private string Link(string pathAndQuery) => Options.PublicUrl.TrimEnd('/') + pathAndQuery;

    /// <summary>A link code: 256 random bits, URL-safe.</summary>
    private static string NewCode() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="code"/> is the one whose hash is stored, before it expires (compared in constant time).</summary>
    private static bool Matches(string? code, string? storedHash, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        code is { Length: > 0 and <= 100 } && storedHash is not null && expiresAt is { } until && now < until
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(AccountRules.HashSecret(code)), System.Text.Encoding.ASCII.GetBytes(storedHash));

    private AccountView ToView()
    {
        var r = S.Registration!;
        return new AccountView(Id, r.DisplayName, r.Email, r.Local?.LoginName, r.External, r.Local is not null,
            [.. S.Roles], S.ParticipantId, [.. S.Memberships], S.RegisteredAt, S.LastSignInAt, S.EmailVerifiedAt is not null, Language, S.Language is not null);
    }
}

/// <summary>What the account keeps about each of its tokens, so it can bound the active ones without asking them.</summary>
[GenerateSerializer, Alias("cc.AccountTokenRef.v1")]
public sealed class AccountTokenRef
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(2)] public DateTimeOffset? RevokedAt { get; set; }
}
