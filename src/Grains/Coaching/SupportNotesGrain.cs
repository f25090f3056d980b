using System.Globalization;
using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Coaching;

/// <summary>
/// The support team's notes on one commitment or participant (see <see cref="ISupportNotesGrain"/>), in grain storage
/// under a state name of their own, apart from the commitment's and participant's state, so no view of theirs can carry
/// a note. Calls nobody.
/// </summary>
public sealed class SupportNotesGrain(
    [PersistentState("support-notes", GrainStorage.Name)] IPersistentState<SupportNotesState> state,
    TimeProvider clock) : Grain, ISupportNotesGrain
{
    public async Task<SupportNote> Add(string authorId, string authorName, string text)
    {
        var key = this.GetPrimaryKeyString();
        if (!SupportNotes.IsSubjectKey(key))
            throw new InputRejectedException("subject", "Notes are kept on 'commitment:<id>' or 'participant:<id>'.");
        var errors = new InputRules.Errors();
        if (string.IsNullOrWhiteSpace(authorId) || authorId.Length > CoachAssignments.MaxIdLength)
            errors.Add("authorId", $"1 to {CoachAssignments.MaxIdLength} characters.");
        if (string.IsNullOrWhiteSpace(authorName) || authorName.Trim().Length > SupportNotes.MaxAuthorNameLength)
            errors.Add("authorName", $"1 to {SupportNotes.MaxAuthorNameLength} characters.");
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length is 0 or > SupportNotes.MaxTextLength)
            errors.Add("text", $"Write 1 to {SupportNotes.MaxTextLength} characters.");
        else
            errors.Clean("text", trimmed);
        errors.ThrowIfAny();
        if (state.State.Notes.Count >= SupportNotes.MaxNotes)
            throw new StateConflictException($"This subject has reached its limit of {SupportNotes.MaxNotes} notes.");

        state.State.Sequence++;
        var note = new SupportNote(state.State.Sequence.ToString(CultureInfo.InvariantCulture), authorId, authorName.Trim(), clock.GetUtcNow(), trimmed);
        state.State.Notes.Add(note);
        await state.WriteStateAsync();
        return note;
    }

    public Task<IReadOnlyList<SupportNote>> List() =>
        Task.FromResult<IReadOnlyList<SupportNote>>([.. Enumerable.Reverse(state.State.Notes)]);
}
