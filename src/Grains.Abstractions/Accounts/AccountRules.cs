using System.Security.Cryptography;
using System.Text;
using CivicContracting.Validation;

namespace CivicContracting.Accounts;

/// <summary>Input rules of accounts, logins and access tokens; field names are the JSON paths of the API, as in <see cref="InputRules"/>.</summary>
public static class AccountRules
{
    public const int MinLoginNameLength = 3;
    public const int MaxLoginNameLength = 254;
    public const int MaxPasswordHashLength = 1_024;
    public const int MaxIssuerLength = 500;
    public const int MaxSubjectLength = 255;
    public const int MaxEmailLength = 254;

    /// <summary>
    /// The form in which login names are compared and stored: trimmed, Unicode NFKC, lower case (invariant), so
    /// "Jan.Peeters@Example.org " and "jan.peeters@example.org" are one login.
    /// </summary>
    public static string NormaliseLoginName(string loginName) =>
        loginName.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    public static InputRules.Errors Registration(AccountRegistration? r)
    {
        var errors = new InputRules.Errors();
        if (r is null)
            return errors.Add("", RuleText.AccountRegistrationRequired);
        errors.Text("displayName", r.DisplayName, InputRules.MaxNameLength);
        if (r.Email is { } email && !IsEmail(email))
            errors.Add("email", RuleText.EmailAddress);
        if ((r.Local is null) == (r.External is null))
            errors.Add("", RuleText.OneLoginKind);
        if (r.Local is { } local)
        {
            if (CredentialRules.CheckLoginName(local.LoginName) is { } issue)
                errors.Add("local.loginName", CredentialRules.Describe(issue));
            errors.Merge(PasswordHash(local.PasswordHash), "local.passwordHash");
        }
        if (r.External is { } external)
        {
            if (string.IsNullOrEmpty(external.Issuer) || external.Issuer.Length > MaxIssuerLength
                || !Uri.TryCreate(external.Issuer, UriKind.Absolute, out var issuer) || (issuer.Scheme != Uri.UriSchemeHttps && issuer.Scheme != Uri.UriSchemeHttp))
                errors.Add("external.issuer", RuleText.IssuerUrl);
            if (string.IsNullOrEmpty(external.Subject) || external.Subject.Length > MaxSubjectLength || external.Subject.Any(char.IsControl))
                errors.Add("external.subject", RuleText.SubjectLength(MaxSubjectLength));
        }
        return errors;
    }

    /// <summary>A password hash is opaque to the grains: present, bounded, one line without spaces.</summary>
    public static InputRules.Errors PasswordHash(string? hash)
    {
        var errors = new InputRules.Errors();
        if (string.IsNullOrEmpty(hash) || hash.Length > MaxPasswordHashLength || hash.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            errors.Add("", RuleText.PasswordHashRequired(MaxPasswordHashLength));
        return errors;
    }

    public static InputRules.Errors Role(PlatformRole role)
    {
        var errors = new InputRules.Errors();
        errors.Enum("role", role);
        return errors;
    }

    public static InputRules.Errors Membership(string? organisationId, OrganisationRole role)
    {
        var errors = new InputRules.Errors();
        errors.Id("organisationId", organisationId);
        errors.Enum("role", role);
        return errors;
    }

    /// <summary>An id (account, participant, token) under the rules of <see cref="InputRules"/>, reported as <paramref name="field"/>.</summary>
    public static InputRules.Errors Id(string field, string? id)
    {
        var errors = new InputRules.Errors();
        errors.Id(field, id);
        return errors;
    }

    /// <summary>A person's language: one of <see cref="Texts.Languages.Codes"/> (nl, fr, en), as the code or a tag such as "fr-BE".</summary>
    public static InputRules.Errors Language(string? language)
    {
        var errors = new InputRules.Errors();
        if (Texts.Languages.Code(language) is null)
            errors.Add("language", RuleText.LanguageNotSpoken(language));
        return errors;
    }

    public static InputRules.Errors AccessToken(AccessTokenRequest? request, DateTimeOffset now, TimeSpan maxLifetime)
    {
        var errors = new InputRules.Errors();
        if (request is null)
            return errors.Add("", RuleText.AccessTokenRequestRequired);
        errors.Id("tokenId", request.TokenId);
        errors.Text("name", request.Name, InputRules.MaxNameLength);
        AddScopeErrors(errors, "scopes", request.Scopes);
        if (!IsSecretHash(request.SecretHash))
            errors.Add("secretHash", RuleText.SecretHash);
        if (request.ExpiresAt <= now)
            errors.Add("expiresAt", RuleText.MustLieInFuture);
        else if (request.ExpiresAt > now + maxLifetime)
            errors.Add("expiresAt", RuleText.TokenLifetime((int)maxLifetime.TotalDays));
        return errors;
    }

    /// <summary>What an account grain passes to a token grain; the same checks again at the token's boundary.</summary>
    public static InputRules.Errors Issue(AccessTokenIssue? issue)
    {
        var errors = new InputRules.Errors();
        if (issue is null)
            return errors.Add("", RuleText.TokenRequired);
        errors.Id("accountId", issue.AccountId);
        errors.Text("name", issue.Name, InputRules.MaxNameLength);
        AddScopeErrors(errors, "scopes", issue.Scopes);
        if (!IsSecretHash(issue.SecretHash))
            errors.Add("secretHash", RuleText.SecretHash);
        if (issue.ExpiresAt == default)
            errors.Add("expiresAt", RuleText.ExpiryRequired);
        return errors;
    }

    public static InputRules.Errors Scopes(IReadOnlyList<string>? scopes)
    {
        var errors = new InputRules.Errors();
        AddScopeErrors(errors, "scopes", scopes);
        return errors;
    }

    private static void AddScopeErrors(InputRules.Errors errors, string field, IReadOnlyList<string>? scopes)
    {
        if (scopes is not { Count: > 0 })
        {
            errors.Add(field, RuleText.AtLeastOneScope(string.Join(", ", AccessTokenScopes.All)));
            return;
        }
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!AccessTokenScopes.IsKnown(scopes[i]))
                errors.Add($"{field}[{i}]", RuleText.NotOneOf(scopes[i], string.Join(", ", AccessTokenScopes.All)));
        }
        if (scopes.Distinct(StringComparer.Ordinal).Count() != scopes.Count)
            errors.Add(field, RuleText.ScopeNamedOnce);
    }

    /// <summary>64 hexadecimal characters: a SHA-256, as the web tier sends it.</summary>
    public static bool IsSecretHash(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigit);

    /// <summary>The SHA-256 of a token secret as the grains expect it (lowercase hex); the web tier uses the same function.</summary>
    public static string HashSecret(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Whether a login name or address has the shape of an e-mail address (the site's login names are e-mail addresses).</summary>
    public static bool IsEmail(string email) =>
        email.Length <= MaxEmailLength && email.Contains('@', StringComparison.Ordinal) && email.Trim() == email && !email.Any(char.IsControl);
}

/// <summary>
/// Keys of <see cref="ILoginGrain"/>. They are hashes of the normalised login, so no e-mail address or subject ends up in a
/// storage key (a released login leaves nothing readable behind); the web tier computes the same key to look a login up.
/// </summary>
public static class LoginKeys
{
    public static string Local(string loginName) => "local:" + Hash(AccountRules.NormaliseLoginName(loginName));

    public static string External(string issuer, string subject) => "oidc:" + Hash(issuer + "\n" + subject);

    public static string For(AccountRegistration registration) =>
        registration.Local is { } local ? Local(local.LoginName)
        : registration.External is { } external ? External(external.Issuer, external.Subject)
        : throw new ArgumentException("A registration has a local or an external login.", nameof(registration));

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
