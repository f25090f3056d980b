using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// A commitment loaded by an operator import (a city's existing commitments): its draft and, for one that was signed
/// before it was entered (the usual case), its formal confirmation. A null <see cref="Confirmation"/> imports a draft.
/// Conditions, templates and co-creation sessions are made through the API, not imported.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.CommitmentImport.v1")]
public sealed record CommitmentImport(
    [property: Id(0)] CommitmentDraft Draft,
    [property: Id(1)] ImportedConfirmation? Confirmation = null);

/// <summary>
/// Who confirmed an imported commitment and when it was signed (becomes <see cref="Confirmation.ConfirmedAt"/> and the
/// first engagement the map shows). <see cref="TextHash"/>: optional, the SHA-256 of the text that was signed; when
/// given it must be <see cref="CommitmentText.Hash(CommitmentTerms, string)"/> of the terms in <see cref="Language"/>,
/// else the grain computes it. <see cref="Language"/>: the language of the text signed (default
/// <see cref="CommitmentText.DefaultLanguage"/>); without one, a hash of the English text confirmed before languages
/// (<see cref="CommitmentText.HashLegacy"/>, e.g. in an export of that time) is accepted too and recorded as such.
/// </summary>
[GenerateSerializer, Immutable, Alias("cc.ImportedConfirmation.v1")]
public sealed record ImportedConfirmation(
    [property: Id(0)] string ConfirmedBy,
    [property: Id(1)] DateTimeOffset SignedAt,
    [property: Id(2)] string? TextHash = null,
    [property: Id(3)] string? Language = null);

public enum CommitmentImportOutcome
{
    /// <summary>Stored now, in one write, and pushed to its contribution shard.</summary>
    Created = 0,

    /// <summary>Stored by an earlier run with the same content: nothing changed.</summary>
    AlreadyThere = 1,
}

/// <summary>The import of a commitment, on the same activation as <see cref="ICommitmentGrain"/> (same key).</summary>
public interface ICommitmentImportGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the commitment, confirmed when <see cref="CommitmentImport.Confirmation"/> is given, in one call and one
    /// write, under the rules of <see cref="ICommitmentGrain.Create"/> followed by <see cref="ICommitmentGrain.Confirm"/>
    /// with a signing date (<see cref="CommitmentImportRules.Check"/>; the participant and the goals must exist), and
    /// pushes its contribution to its shard like every change. Idempotent: the same import again is
    /// <see cref="CommitmentImportOutcome.AlreadyThere"/>; other content under the same id is a
    /// <see cref="StateConflictException"/>. The participant's list of commitments is the importer's to extend
    /// (<see cref="Participants.IParticipantGrain.AddCommitments"/>, once per participant), and an import announces
    /// nothing to followers: a city's history is not news. The activation is let go once the call is done, so a
    /// million imported commitments do not stay in memory.
    /// </summary>
    Task<CommitmentImportOutcome> Import(CommitmentImport import);
}

/// <summary>The input rules of an imported commitment: those of a draft and of a confirmation with a signing date, in one place.</summary>
public static class CommitmentImportRules
{
    /// <summary>As for <see cref="ICommitmentGrain.Confirm"/>: who confirmed, 1 to 120 characters.</summary>
    public const int MaxConfirmerLength = 120;

    /// <summary>
    /// Everything <see cref="CommitmentRules.Draft(CommitmentDraft, DateTimeOffset, string)"/> checks (fields named as in the API:
    /// <c>participantId</c>, <c>goals[0].goalId</c>, <c>terms.target.baseline</c>, …), the commitment's <c>id</c>, no
    /// condition, template or session, and for a confirmed one <c>confirmation.confirmedBy</c>,
    /// <c>confirmation.signedAt</c> (required; <see cref="InputRules.SignedAt"/>) and <c>confirmation.textHash</c>.
    /// </summary>
    public static InputRules.Errors Check(CommitmentImport? import, DateTimeOffset now, string? commitmentId)
    {
        var errors = new InputRules.Errors();
        if (commitmentId is not null)
            errors.Id("id", commitmentId);
        if (import?.Draft is not { } draft)
            return errors.Add("", RuleText.CommitmentRequired);
        foreach (var (field, messages) in CommitmentRules.Draft(draft, now, commitmentId).ByField)
        {
            foreach (var message in messages)
                errors.Add(field, message);
        }
        if (draft.Condition is not null)
            errors.Add("condition", RuleText.ImportNoConditions);
        if (draft.IsTemplate || draft.TemplateId is not null)
            errors.Add("isTemplate", RuleText.ImportNoTemplates);
        if (draft.SessionId is not null)
            errors.Add("sessionId", RuleText.ImportNoSessions);
        if (import.Confirmation is { } confirmation)
        {
            errors.Text("confirmation.confirmedBy", confirmation.ConfirmedBy, MaxConfirmerLength);
            if (confirmation.SignedAt == default)
                errors.Add("confirmation.signedAt", RuleText.ImportSignedAtRequired);
            else
                errors.Merge(InputRules.SignedAt(confirmation.SignedAt, now), "confirmation");
            if (confirmation.Language is { } language && CommitmentText.Language(language) is null)
                errors.Add("confirmation.language", RuleText.ImportLanguageUnknown(string.Join(", ", CommitmentText.Languages)));
            else if (confirmation.TextHash is not null && draft.Terms is not null && CommitmentRules.Terms(draft.Terms).IsValid
                && SignedText(draft.Terms, confirmation) is null)
            {
                errors.Add("confirmation.textHash", RuleText.ImportTextHashMismatch);
            }
        }
        return errors;
    }

    /// <summary>
    /// The hash and language the confirmation records for <paramref name="terms"/> (a null language: the legacy text), or
    /// null when its <see cref="ImportedConfirmation.TextHash"/> is of neither.
    /// </summary>
    public static (string Hash, string? Language)? SignedText(CommitmentTerms terms, ImportedConfirmation confirmation)
    {
        var language = CommitmentText.Language(confirmation.Language) ?? CommitmentText.DefaultLanguage;
        var hash = CommitmentText.Hash(terms, language);
        if (confirmation.TextHash is not { } given || string.Equals(given.Trim(), hash, StringComparison.OrdinalIgnoreCase))
            return (hash, language);
        if (confirmation.Language is null && string.Equals(given.Trim(), CommitmentText.HashLegacy(terms), StringComparison.OrdinalIgnoreCase))
            return (CommitmentText.HashLegacy(terms), null);
        return null;
    }
}
