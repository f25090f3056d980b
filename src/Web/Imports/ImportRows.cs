using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Web.Goals;

namespace CivicContracting.Web.Imports;

/// <summary>The two formats of an import file.</summary>
public enum ImportFormat
{
    /// <summary>JSON Lines (<c>application/x-ndjson</c>): one record per line, <c>{"type":"goal"|"participant"|"commitment", …}</c>.</summary>
    JsonLines = 0,

    /// <summary>CSV (<c>text/csv</c>): a header row, then one record per row, its kind in the <c>type</c> column.</summary>
    Csv = 1,
}

/// <summary>One record of an import file, as read: its row (the line of a JSON Lines file; the CSV row counting the header as 1).</summary>
public abstract record ImportRow(long Row);

public sealed record GoalRow(long Row, string Id, GoalDefinition Definition) : ImportRow(Row);

public sealed record ParticipantRow(long Row, string Id, ParticipantRegistration Registration) : ImportRow(Row);

public sealed record CommitmentRow(long Row, string Id, CommitmentImport Import) : ImportRow(Row);

/// <summary>A record that could not be read; <see cref="Errors"/> are keyed by field within the row ("" for the row itself).</summary>
public sealed record BadRow(long Row, IReadOnlyDictionary<string, string[]> Errors) : ImportRow(Row)
{
    public static BadRow Of(long row, string field, string message) => new(row, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>A goal record of a JSON Lines file: the body of POST /api/goals with its id required.</summary>
public sealed record GoalRecord(
    string Type,
    string Id,
    string Title,
    NewGoalScope Scope,
    string Description = "",
    string? ParentGoalId = null,
    QuantitativeTarget? Target = null,
    RollUpRule RollUp = RollUpRule.WeightedMeanOfCommitments,
    bool Illustrative = false,
    CitizenPanelWording? CitizenPanelWording = null)
{
    public GoalRow ToRow(long row) => new(row, Id, new NewGoal(Title, Scope, Description, Id, ParentGoalId, Target, RollUp, Illustrative, CitizenPanelWording).ToDefinition());
}

/// <summary>A participant record: the body of POST /api/participants with its id required.</summary>
public sealed record ParticipantRecord(
    string Type,
    string Id,
    ParticipantKind Kind,
    string Name,
    string NeighbourhoodCode,
    string? Pseudonym = null,
    bool ShowNamePublicly = false,
    string? ContactEmail = null,
    string? ContactPhone = null)
{
    public ParticipantRow ToRow(long row) => new(row, Id, new ParticipantRegistration(Kind, Name, NeighbourhoodCode, Pseudonym, ShowNamePublicly, ContactEmail, ContactPhone));
}

/// <summary>
/// A commitment record: the body of POST /api/commitments with its id required, and its formal confirmation
/// (<c>confirmedBy</c>, <c>signedAt</c>, optionally <c>textHash</c> and the <c>language</c> of the text signed; in CSV
/// <c>textLanguage</c>); without one it is imported as a draft.
/// </summary>
public sealed record CommitmentRecord(
    string Type,
    string Id,
    string ParticipantId,
    IReadOnlyList<GoalWeight> Goals,
    string NeighbourhoodCode,
    CommitmentTerms Terms,
    ImportedConfirmation? Confirmation = null,
    TimeSpan? ReportingInterval = null)
{
    public CommitmentRow ToRow(long row) => new(row, Id,
        new CommitmentImport(new CommitmentDraft(ParticipantId, Goals, NeighbourhoodCode, Terms, ReportingInterval: ReportingInterval), Confirmation));
}

/// <summary>The record types, as the <c>type</c> field and column name them.</summary>
public static class ImportRecordTypes
{
    public const string Goal = "goal";
    public const string Participant = "participant";
    public const string Commitment = "commitment";

    public const string Expected = "goal, participant or commitment";
}
