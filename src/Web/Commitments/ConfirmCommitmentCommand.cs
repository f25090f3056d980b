using System.Globalization;
using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Json;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Commitments;

/// <summary>
/// A formal confirmation as its entrance read it. <c>ConfirmedBy</c>: the signer the support team or the operator token
/// names (a person confirms under their public name, whatever they send); <c>SignedAt</c>: when it was signed, e.g. on
/// paper (the support team only; null means now). <c>Language</c>: the language of the text read (nl, fr or en; null means
/// the request's language).
/// </summary>
public sealed record ConfirmationInput(string? TextHash, string? ConfirmedBy = null, DateTimeOffset? SignedAt = null, string? Language = null);

/// <summary>
/// Confirming a draft formally: the one way in for POST /api/commitments/{id}/confirmation and the site's confirmation
/// page. Authorisation (<see cref="AuthoriseAsync"/>: <see cref="ParticipantRight.Confirm"/> — an organisation's owners,
/// not its members, who may only prepare drafts; backdating needs <see cref="ParticipantRight.Backdate"/>), validation
/// (who signs, the SHA-256 of the very text being confirmed, the signing date) and the grain call.
/// </summary>
public sealed class ConfirmCommitmentCommand(IClusterClient orleans, Access access, CivicClock clock, WriteBudgets budgets)
{
    /// <summary>The right to confirm <see cref="Commitment"/> (as read for the check).</summary>
    public sealed record Permit(Actor Actor, CommitmentView Commitment);

    /// <summary>404 if there is no such commitment, 401 if not signed in, 403 without the right. Checked before the input is read.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId) =>
        new(actor, await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Confirm));

    public async Task<CommitmentView> RunAsync(Permit permit, ConfirmationInput input)
    {
        var view = permit.Commitment;
        if (input.SignedAt is not null)
            Access.Require(permit.Actor, a => AccessRules.Check(a, view.ParticipantId, ParticipantRight.Backdate));
        var confirmedBy = await Confirmations.ConfirmerAsync(orleans, permit.Actor, view.ParticipantId, input.ConfirmedBy);
        var errors = InputRules.SignedAt(input.SignedAt, clock.GetUtcNow());
        Confirmations.Check(errors, confirmedBy, input.TextHash);
        var language = Confirmations.Language(errors, input.Language);
        if (errors.IsValid && view.Status == CommitmentStatus.Draft && !Confirmations.HashMatches(view.Terms, language, input.TextHash!))
            errors.Add("textHash", ApiText.TextHashOutdated(view.TermsVersion, view.Id, language));
        errors.ThrowIfAny();
        await budgets.SpendAsync(permit.Actor, BudgetedWrite.Confirmation);
        return await orleans.GetGrain<ICommitmentGrain>(view.Id).ConfirmIn(language, confirmedBy!.Trim(), input.TextHash!.Trim(), input.SignedAt);
    }
}

/// <summary>Moving a confirmed commitment up the spectrum, confirmed in the same step: the API's and the upgrade page's one way in.</summary>
public sealed class UpgradeCommitmentCommand(IClusterClient orleans, Access access, WriteBudgets budgets)
{
    /// <summary>The right to upgrade <see cref="Commitment"/> (as read for the check).</summary>
    public sealed record Permit(Actor Actor, CommitmentView Commitment);

    /// <summary>404 if there is no such commitment, 401 if not signed in, 403 without <see cref="ParticipantRight.Upgrade"/>.</summary>
    public async Task<Permit> AuthoriseAsync(Actor actor, string commitmentId) =>
        new(actor, await access.RequireForCommitmentAsync(actor, commitmentId, ParticipantRight.Upgrade));

    /// <summary>
    /// The new terms, and the SHA-256 of their text as the person read it in <paramref name="language"/>;
    /// <paramref name="confirmedBy"/> and <paramref name="language"/> as for a confirmation.
    /// </summary>
    public async Task<CommitmentView> RunAsync(Permit permit, CommitmentTerms terms, string? textHash, string? confirmedBy = null, string? language = null)
    {
        var view = permit.Commitment;
        var signer = await Confirmations.ConfirmerAsync(orleans, permit.Actor, view.ParticipantId, confirmedBy);
        var errors = new InputRules.Errors();
        errors.Merge(CommitmentRules.Terms(terms), "terms");
        Confirmations.Check(errors, signer, textHash);
        var textLanguage = Confirmations.Language(errors, language);
        if (errors.IsValid)
        {
            // A repeated upgrade sends the terms now confirmed, with the hash (in the language) they were confirmed with.
            var repeated = view.Confirmation is { } current && string.Equals(current.TextHash, textHash!.Trim(), StringComparison.OrdinalIgnoreCase)
                && CommitmentText.Verifies(terms, current);
            if (terms.Level <= view.Terms.Level && !repeated)
                errors.Add("terms.level", ApiText.UpgradeMovesUp(ApiJson.CamelCase(view.Terms.Level.ToString())));
            else if (!repeated && !Confirmations.HashMatches(terms, textLanguage, textHash!))
                errors.Add("textHash", ApiText.NewTermsHashMismatch(textLanguage));
        }
        errors.ThrowIfAny();
        await budgets.SpendAsync(permit.Actor, BudgetedWrite.Confirmation);
        return await orleans.GetGrain<ICommitmentGrain>(view.Id).UpgradeIn(textLanguage, terms, signer!.Trim(), textHash!.Trim());
    }
}

/// <summary>Who signs a confirmation or an upgrade, and what the signature must carry.</summary>
public static class Confirmations
{
    public const int MaxConfirmerLength = 120;

    /// <summary>
    /// Who the confirmation names: a person confirms under their public name — their participant's display name (a
    /// pseudonym unless they chose otherwise) for their own commitments, their account's display name for an
    /// organisation's. The support team and the operator token name the signer (e.g. of a paper form).
    /// </summary>
    public static async Task<string?> ConfirmerAsync(IClusterClient orleans, Actor actor, string participantId, string? given)
    {
        if (actor.IsCoachOrAdministrator)
        {
            if (!string.IsNullOrWhiteSpace(given) || actor.Account is null)
                return given;
        }
        if (actor.Account is null)
            return given;
        if (actor.Account.ParticipantId == participantId)
            return (await orleans.GetGrain<IParticipantGrain>(participantId).GetProfile())?.DisplayName ?? actor.Account.DisplayName;
        return actor.Account.DisplayName;
    }

    public static void Check(InputRules.Errors errors, string? confirmedBy, string? textHash)
    {
        if (string.IsNullOrWhiteSpace(confirmedBy) || confirmedBy.Trim().Length > MaxConfirmerLength)
            errors.Add("confirmedBy", ApiText.ConfirmedByLength(MaxConfirmerLength));
        else
            errors.Clean("confirmedBy", confirmedBy, multiLine: false);
        if (string.IsNullOrWhiteSpace(textHash) || textHash.Trim().Length != 64 || !textHash.Trim().All(char.IsAsciiHexDigit))
            errors.Add("textHash", ApiText.TextHashFormat);
    }

    public static bool HashMatches(CommitmentTerms terms, string language, string textHash) =>
        string.Equals(CommitmentText.Hash(terms, language), textHash.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The language of the text confirmed: the one named (nl, fr or en, or a tag such as fr-BE; another is an error naming
    /// <c>language</c>), else the request's (<see cref="CultureInfo.CurrentUICulture"/>), else the default.
    /// </summary>
    public static string Language(InputRules.Errors errors, string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            if (CommitmentText.Language(given) is { } named)
                return named;
            errors.Add("language", ApiText.TextLanguageUnknown(string.Join(", ", CommitmentText.Languages)));
        }
        return RequestLanguage;
    }

    /// <summary>The request's language if the formal text is written in it, else the default.</summary>
    public static string RequestLanguage => CommitmentText.Language(CultureInfo.CurrentUICulture.Name) ?? CommitmentText.DefaultLanguage;
}
