namespace CivicContracting.Coaching;

/// <summary>A note of the support team about a commitment or a participant: never shown outside the team.</summary>
[GenerateSerializer, Immutable, Alias("cc.SupportNote.v1")]
public sealed record SupportNote(
    [property: Id(0)] string Id,
    [property: Id(1)] string AuthorId,
    [property: Id(2)] string AuthorName,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Text);

/// <summary>
/// The support team's notes on one subject (key <see cref="SupportNotes.CommitmentKey"/> or
/// <see cref="SupportNotes.ParticipantKey"/>). Only the web host's support-team endpoints and pages read it; no view,
/// feed or export of a commitment or participant includes these notes.
/// </summary>
public interface ISupportNotesGrain : IGrainWithStringKey
{
    /// <summary>Adds a note (text of 1 to <see cref="SupportNotes.MaxTextLength"/> characters, trimmed); at most <see cref="SupportNotes.MaxNotes"/> per subject.</summary>
    Task<SupportNote> Add(string authorId, string authorName, string text);

    /// <summary>The notes, newest first.</summary>
    Task<IReadOnlyList<SupportNote>> List();
}

public static class SupportNotes
{
    public const int MaxTextLength = 2_000;
    public const int MaxNotes = 1_000;
    public const int MaxAuthorNameLength = 120;

    public static string CommitmentKey(string commitmentId) => "commitment:" + commitmentId;

    public static string ParticipantKey(string participantId) => "participant:" + participantId;

    /// <summary>Whether <paramref name="key"/> names a subject: "commitment:&lt;id&gt;" or "participant:&lt;id&gt;".</summary>
    public static bool IsSubjectKey(string? key) =>
        key is not null && (key.StartsWith("commitment:", StringComparison.Ordinal) && key.Length > "commitment:".Length
            || key.StartsWith("participant:", StringComparison.Ordinal) && key.Length > "participant:".Length);
}
