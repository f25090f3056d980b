namespace CivicContracting.Web.OpenData;

/// <summary>One downloadable dataset: its name in the URL, its title and description (the catalogue's), and its columns.</summary>
public sealed record OpenDataDataset(string Name, string Title, string Description, IReadOnlyList<OpenDataColumn> Columns);

/// <summary>
/// The datasets of the bulk downloads (<c>GET /api/open-data/{name}.csv|.jsonl</c>) and their documented columns; the
/// catalogue, the open-data page and docs/open-data.md describe these same lists.
/// </summary>
public static class OpenDataDatasets
{
    public static readonly OpenDataDataset Goals = new("goals", "Goals",
        "Every public goal and objective of the city with its target and its aggregate: engagement, participants and progress now, or as of a past date.",
    [
        new("id", ColumnType.Text, "The goal's id (as in /api/goals/{id})."),
        new("parent_goal_id", ColumnType.Text, "The goal this objective belongs to; empty for a top-level goal."),
        new("title", ColumnType.Text, "The title, in its original language."),
        new("description", ColumnType.Text, "The description, in its original language."),
        new("language", ColumnType.Text, "The original language of title and description (nl, fr, en)."),
        new("scope_level", ColumnType.Text, "city, district or neighbourhood: where the goal applies."),
        new("place_codes", ColumnType.List, "The places it applies to (NIS codes)."),
        new("roll_up", ColumnType.Text, "How its progress is computed from commitments or objectives."),
        new("illustrative", ColumnType.Boolean, "true for an example goal of the demonstration data."),
        new("target_metric", ColumnType.Text, "The measured quantity of the target; empty without a target."),
        new("target_unit", ColumnType.Text, "The unit of the target."),
        new("target_baseline", ColumnType.Number, "The value the target starts from."),
        new("target_value", ColumnType.Number, "The value to reach."),
        new("target_deadline", ColumnType.Date, "When the value is to be reached."),
        new("created_at", ColumnType.DateTime, "When the goal was defined."),
        new("version", ColumnType.Integer, "The goal's version (grows with every revision)."),
        new("commitments", ColumnType.Integer, "Commitments that count in the goal, every status (now; empty with asOf)."),
        new("engaged_commitments", ColumnType.Integer, "Confirmed commitments in force, not withdrawn (with asOf: from the history bucket)."),
        new("participants", ColumnType.Integer, "Distinct participants of those commitments (with asOf: from the history bucket)."),
        new("distinct_kinds", ColumnType.Integer, "Distinct kinds of participant (resident, school, business, …) engaged (with asOf: from the history bucket)."),
        new("progress", ColumnType.Number, "Progress towards the goal, 0 to 1, by its roll-up rule (with asOf: from the history bucket)."),
        new("verified_progress", ColumnType.Number, "Progress counting only claims verified by the support team (now; empty with asOf)."),
        new("figures_at", ColumnType.DateTime, "When the aggregate figures were computed (with asOf: the start of the history bucket they come from)."),
    ]);

    public static readonly OpenDataDataset Commitments = new("commitments", "Commitments",
        "Every public commitment (drafts are private and left out): who made it, its level, status, terms, formal confirmation and progress.",
    [
        new("id", ColumnType.Text, "The commitment's id (as in /api/commitments/{id})."),
        new("title", ColumnType.Text, "The title; for a text hidden by moderators the public placeholder."),
        new("description", ColumnType.Text, "The description; for a hidden text the moderators' public reason."),
        new("language", ColumnType.Text, "The language it was written in (nl, fr, en); empty when unknown."),
        new("owner_id", ColumnType.Text, "The participant who made it (as in /api/participants/{id})."),
        new("owner_name", ColumnType.Text, "The participant's public name."),
        new("owner_kind", ColumnType.Text, "The kind of participant it counts as (resident, school, business, association, …)."),
        new("level", ColumnType.Text, "pledge, action or result (of the terms in force)."),
        new("status", ColumnType.Text, "confirmed, active, achieved, missed or withdrawn."),
        new("goal_ids", ColumnType.List, "The goals it contributes to."),
        new("neighbourhood", ColumnType.Text, "The neighbourhood it counts in (NIS code)."),
        new("is_template", ColumnType.Boolean, "true for a template others take up per neighbourhood (it never counts itself)."),
        new("template_id", ColumnType.Text, "The template it was taken up from; empty otherwise."),
        new("target_metric", ColumnType.Text, "For a result: the measured quantity."),
        new("target_unit", ColumnType.Text, "For a result: the unit."),
        new("target_baseline", ColumnType.Number, "For a result: the starting value."),
        new("target_value", ColumnType.Number, "For a result: the value promised."),
        new("target_deadline", ColumnType.Date, "For a result: by when."),
        new("milestones", ColumnType.Integer, "For an action: how many actions it promises."),
        new("terms_version", ColumnType.Integer, "The version of the terms shown (1, then one more per upgrade)."),
        new("confirmed_at", ColumnType.DateTime, "When it was first formally confirmed (signed)."),
        new("confirmation_hash", ColumnType.Text, "SHA-256 of the exact text confirmed for the terms shown: anyone can check it against /api/commitments/{id}/text."),
        new("progress", ColumnType.Number, "Progress 0 to 1; empty for a pledge."),
        new("verified_progress", ColumnType.Number, "Progress counting only claims verified by the support team."),
        new("on_track", ColumnType.Boolean, "Whether a result is on track for its deadline."),
        new("text_hidden", ColumnType.Boolean, "true when moderators hid the text (title and description then read as the public placeholder and reason)."),
        new("version", ColumnType.Integer, "The commitment's version (grows with every change)."),
        new("updated_at", ColumnType.DateTime, "When it last changed."),
        new("changed_after_as_of", ColumnType.Boolean, "With asOf only: true when it changed after the date, so status and progress are today's (terms are those in force at the date)."),
    ]);

    public static readonly OpenDataDataset Reports = new("reports", "Progress reports",
        "Every progress report of every public commitment: value or completed action, date and verification tier (notes that moderators hid are left out).",
    [
        new("commitment_id", ColumnType.Text, "The commitment reported on."),
        new("report_id", ColumnType.Text, "The report's id (unique within the commitment)."),
        new("reported_at", ColumnType.DateTime, "The date the report is about."),
        new("value", ColumnType.Number, "For a result: the measured value; empty otherwise."),
        new("completed_milestone_id", ColumnType.Text, "For an action: the action completed; empty otherwise."),
        new("note", ColumnType.Text, "The reporter's note; empty when there is none or moderators hid it."),
        new("language", ColumnType.Text, "The language of the note (nl, fr, en); empty when unknown."),
        new("verification_tier", ColumnType.Text, "For a claim (a value or a completed action): selfDeclared, peerConfirmed or verified; empty for a note."),
        new("note_hidden", ColumnType.Boolean, "true when moderators hid the report's note and evidence."),
    ]);

    public static readonly OpenDataDataset Places = new("places", "Places",
        "Leuven (NIS 24062), its districts and neighbourhoods, each with its aggregate and spread figures: commitments by level, participants by kind, diversity and intensity.",
    [
        new("code", ColumnType.Text, "The place's NIS code."),
        new("name", ColumnType.Text, "The place's name."),
        new("level", ColumnType.Text, "city, district or neighbourhood."),
        new("parent_code", ColumnType.Text, "The district of a neighbourhood, the city of a district; empty for the city."),
        new("label_longitude", ColumnType.Number, "Where the map puts its label (WGS 84)."),
        new("label_latitude", ColumnType.Number, "Where the map puts its label (WGS 84)."),
        new("commitments", ColumnType.Integer, "Commitments that count in the place, every status (now; empty with asOf)."),
        new("engaged_commitments", ColumnType.Integer, "Confirmed commitments in force, not withdrawn (with asOf: from the history bucket)."),
        new("engaged_pledges", ColumnType.Integer, "Of those: pledges (now; empty with asOf)."),
        new("engaged_actions", ColumnType.Integer, "Of those: actions (now; empty with asOf)."),
        new("engaged_results", ColumnType.Integer, "Of those: results (now; empty with asOf)."),
        new("participants", ColumnType.Integer, "Distinct participants (with asOf: from the history bucket)."),
        new("participants_by_kind", ColumnType.Text, "Participants per kind, as kind=count;… (now; empty with asOf)."),
        new("distinct_kinds", ColumnType.Integer, "Distinct kinds of participant (with asOf: from the history bucket)."),
        new("shannon_index", ColumnType.Number, "Diversity of kinds of participant (Shannon index; now; empty with asOf)."),
        new("commitments_per_1000_residents", ColumnType.Number, "Intensity: engaged commitments per 1,000 residents (now; empty with asOf)."),
        new("participants_per_1000_residents", ColumnType.Number, "Intensity: participants per 1,000 residents (now; empty with asOf)."),
        new("progress", ColumnType.Number, "Mean progress of its commitments, 0 to 1 (with asOf: from the history bucket)."),
        new("verified_progress", ColumnType.Number, "Progress counting only verified claims (now; empty with asOf)."),
        new("figures_at", ColumnType.DateTime, "When the figures were computed (with asOf: the start of the history bucket they come from)."),
    ]);

    public static readonly OpenDataDataset Sessions = new("sessions", "Co-creation sessions",
        "The co-creation sessions (workshops, neighbourhood meetings, citizen-panel sessions) the support team recorded: when, where, on which goals and how many attended (their notes are never published).",
    [
        new("id", ColumnType.Text, "The session's id (as in /api/sessions/{id})."),
        new("kind", ColumnType.Text, "The kind of session."),
        new("title", ColumnType.Text, "The title, in its original language."),
        new("language", ColumnType.Text, "The original language of the title (nl, fr, en)."),
        new("starts_at", ColumnType.DateTime, "When it started."),
        new("neighbourhood", ColumnType.Text, "Where (NIS code of the neighbourhood)."),
        new("goal_ids", ColumnType.List, "The goals it worked on."),
        new("attendance", ColumnType.Integer, "How many people attended, of every kind."),
    ]);

    public static readonly IReadOnlyList<OpenDataDataset> All = [Goals, Commitments, Reports, Places, Sessions];

    /// <summary>The formats each dataset is served in: the file extension and its media type.</summary>
    public static readonly IReadOnlyList<(string Extension, string MediaType)> Formats =
    [
        ("csv", "text/csv"),
        ("jsonl", "application/jsonl"),
    ];

    public static OpenDataDataset? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));
}
