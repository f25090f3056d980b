using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Validation;

/// <summary>
/// The input rules of the domain, in one place: the HTTP API turns the errors into problem+json naming each
/// field, and grains check the same rules again and throw <see cref="InputRejectedException"/>, so a caller
/// that bypasses the API cannot store what the API would refuse. Field names are the JSON paths of the API.
/// </summary>
public static class InputRules
{
    public const int MaxTitleLength = 200;
    public const int MaxNameLength = 120;
    public const int MaxDescriptionLength = 4_000;
    public const int MaxNoteLength = 2_000;
    public const int MaxUrlLength = 2_000;
    public const int MaxIdLength = 64;
    public const int MaxGoalsPerCommitment = 10;
    public const int MaxMilestones = 50;
    public const double MaxWeight = 1_000;

    /// <summary>Where uploaded evidence is served: this prefix and the file's SHA-256 (64 lowercase hex digits).</summary>
    public const string EvidencePathPrefix = "/api/evidence/";

    /// <summary>
    /// Whether <paramref name="url"/> is the relative url of uploaded evidence (<c>/api/evidence/{sha256}</c>), which a
    /// report may name as its evidence besides an absolute http(s) link.
    /// </summary>
    public static bool IsEvidencePath(string? url) =>
        url is not null
        && url.Length == EvidencePathPrefix.Length + 64
        && url.StartsWith(EvidencePathPrefix, StringComparison.Ordinal)
        && !url.AsSpan(EvidencePathPrefix.Length).ContainsAnyExcept(LowercaseHex);

    private static readonly System.Buffers.SearchValues<char> LowercaseHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>How far in the future a signing or report date may lie: clocks of callers and hosts differ a little.</summary>
    public static readonly TimeSpan MaxSignedAtClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The shortest reporting interval a commitment may ask for (<see cref="CommitmentDraft.ReportingInterval"/>).</summary>
    public static readonly TimeSpan MinReportingInterval = TimeSpan.FromDays(7);

    /// <summary>The longest reporting interval: at least one report a year.</summary>
    public static readonly TimeSpan MaxReportingInterval = TimeSpan.FromDays(365);

    /// <summary>The earliest signing or report date accepted: anything before is a typing or conversion error.</summary>
    public static readonly DateTimeOffset EarliestSignedAt = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Errors Registration(ParticipantRegistration? r)
    {
        var errors = new Errors();
        if (r is null)
            return errors.Add("", "A participant registration is required.");
        errors.Enum("kind", r.Kind);
        errors.Text("name", r.Name, MaxNameLength);
        errors.Neighbourhood("neighbourhoodCode", r.NeighbourhoodCode);
        errors.OptionalText("pseudonym", r.Pseudonym, MaxNameLength);
        if (r.ContactEmail is { } email && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Trim() != email))
            errors.Add("contactEmail", "Must be an e-mail address.");
        errors.OptionalText("contactPhone", r.ContactPhone, 40);
        return errors;
    }

    public static Errors Goal(GoalDefinition? d)
    {
        var errors = new Errors();
        if (d is null)
            return errors.Add("", "A goal definition is required.");
        errors.Text("title", d.Title, MaxTitleLength);
        errors.Text("description", d.Description, MaxDescriptionLength, allowEmpty: true);
        errors.Enum("rollUp", d.RollUp);
        if (d.ParentGoalId is not null)
            errors.Id("parentGoalId", d.ParentGoalId);
        if (d.Scope is null)
        {
            errors.Add("scope", "A scope is required.");
        }
        else
        {
            errors.Enum("scope.level", d.Scope.Level);
            var codes = d.Scope.PlaceCodes ?? [];
            if (d.Scope.Level == PlaceLevel.City && codes.Count == 0)
            {
                // The whole city needs no codes.
            }
            else if (codes.Count == 0)
            {
                errors.Add("scope.placeCodes", "Name at least one place for a district or neighbourhood scope.");
            }
            for (var i = 0; i < codes.Count; i++)
            {
                if (!PlaceCatalog.Leuven.TryGet(codes[i], out var place) || place.Level != d.Scope.Level)
                    errors.Add($"scope.placeCodes[{i}]", $"'{codes[i]}' is not a known {d.Scope.Level.ToString().ToLowerInvariant()} code.");
            }
        }
        if (d.Target is not null)
            errors.Target("target", d.Target);
        if (d.CitizenPanelWording is not null)
            errors.Wording("citizenPanelWording", d.CitizenPanelWording);
        return errors;
    }

    /// <summary>A revision of a goal (<see cref="IGoalGrain.Revise"/>): the editable parts as for a definition, who revises and why.</summary>
    public static Errors GoalRevision(GoalRevision? r)
    {
        var errors = new Errors();
        if (r is null)
            return errors.Add("", "A goal revision is required.");
        errors.Text("title", r.Title, MaxTitleLength);
        errors.Text("description", r.Description, MaxDescriptionLength, allowEmpty: true);
        errors.Enum("rollUp", r.RollUp);
        if (r.Target is not null)
            errors.Target("target", r.Target);
        if (r.CitizenPanelWording is not null)
            errors.Wording("citizenPanelWording", r.CitizenPanelWording);
        errors.Text("revisedBy", r.RevisedBy, MaxNameLength);
        errors.OptionalText("note", r.Note, MaxNoteLength);
        return errors;
    }

    public static Errors Draft(CommitmentDraft? d)
    {
        var errors = new Errors();
        if (d is null)
            return errors.Add("", "A commitment is required.");
        errors.Id("participantId", d.ParticipantId);
        errors.Neighbourhood("neighbourhoodCode", d.NeighbourhoodCode);
        var goals = d.Goals ?? [];
        if (goals.Count == 0)
            errors.Add("goals", "A commitment contributes to at least one goal.");
        if (goals.Count > MaxGoalsPerCommitment)
            errors.Add("goals", $"A commitment contributes to at most {MaxGoalsPerCommitment} goals.");
        for (var i = 0; i < goals.Count; i++)
        {
            if (goals[i] is null)
            {
                errors.Add($"goals[{i}]", "Must not be null.");
                continue;
            }
            errors.Id($"goals[{i}].goalId", goals[i].GoalId);
            if (!double.IsFinite(goals[i].Weight) || goals[i].Weight <= 0 || goals[i].Weight > MaxWeight)
                errors.Add($"goals[{i}].weight", $"Must be a number above 0 and at most {MaxWeight}.");
        }
        if (goals.Where(g => g is not null).GroupBy(g => g.GoalId, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("goals", "Each goal may be named once.");
        errors.Merge(Terms(d.Terms), "terms");
        if (d.SessionId is not null)
            errors.Id("sessionId", d.SessionId);
        if (d.ReportingInterval is { } interval && (interval < MinReportingInterval || interval > MaxReportingInterval))
            errors.Add("reportingInterval", $"Must be {MinReportingInterval.TotalDays:0} to {MaxReportingInterval.TotalDays:0} days, or left out for the platform's default.");
        return errors;
    }

    public static Errors Terms(CommitmentTerms? t)
    {
        var errors = new Errors();
        if (t is null)
            return errors.Add("", "Terms are required.");
        errors.Enum("level", t.Level);
        errors.Text("title", t.Title, MaxTitleLength);
        errors.Text("description", t.Description, MaxDescriptionLength, allowEmpty: true);
        switch (t.Level)
        {
            case CommitmentLevel.Pledge:
                if (t.Target is not null)
                    errors.Add("target", "A pledge has no target; make it a result commitment instead.");
                if (t.Milestones is { Count: > 0 })
                    errors.Add("milestones", "A pledge has no actions; make it an action commitment instead.");
                break;
            case CommitmentLevel.Action:
                if (t.Milestones is not { Count: > 0 })
                    errors.Add("milestones", "An action commitment lists at least one action with a due date.");
                if (t.Target is not null)
                    errors.Add("target", "An action commitment has no target; make it a result commitment instead.");
                break;
            case CommitmentLevel.Result:
                if (t.Target is null)
                    errors.Add("target", "A result commitment needs a target: metric, unit, baseline, target value and deadline.");
                break;
        }
        var milestones = t.Milestones ?? [];
        if (milestones.Count > MaxMilestones)
            errors.Add("milestones", $"At most {MaxMilestones} actions.");
        for (var i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] is null)
            {
                errors.Add($"milestones[{i}]", "Must not be null.");
                continue;
            }
            errors.Id($"milestones[{i}].id", milestones[i].Id);
            errors.Text($"milestones[{i}].title", milestones[i].Title, MaxTitleLength);
            if (milestones[i].DueDate == default)
                errors.Add($"milestones[{i}].dueDate", "A due date is required.");
        }
        if (milestones.Where(m => m?.Id is not null).GroupBy(m => m.Id, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("milestones", "Action ids must be unique.");
        if (t.Target is not null)
            errors.Target("target", t.Target);
        return errors;
    }

    /// <summary>
    /// A progress report, the one rule set of every way in (the API, the site's form, CSV imports, metric feeds and the
    /// grain itself). With <paramref name="terms"/>: what the commitment's level allows. With <paramref name="now"/>: its
    /// date lies between <see cref="EarliestSignedAt"/> and <see cref="MaxSignedAtClockSkew"/> after now.
    /// </summary>
    public static Errors Report(ProgressReport? r, CommitmentTerms? terms = null, DateTimeOffset? now = null)
    {
        var errors = new Errors();
        if (r is null)
            return errors.Add("", "A progress report is required.");
        errors.Id("reportId", r.ReportId);
        if (r.ReportedAt == default)
            errors.Add("reportedAt", "A report date is required.");
        else if (now is { } current && r.ReportedAt > current + MaxSignedAtClockSkew)
            errors.Add("reportedAt", "Lies in the future; report what was measured or done, when it was.");
        else if (now is not null && r.ReportedAt < EarliestSignedAt)
            errors.Add("reportedAt", "Must be on or after 1 January 2000.");
        if (r.Value is { } value && (!double.IsFinite(value) || Math.Abs(value) > 1e12))
            errors.Add("value", "Must be a finite number.");
        if (r.Value is null && r.CompletedMilestoneId is null && string.IsNullOrWhiteSpace(r.Note))
            errors.Add("value", "A report carries a value, a completed action or at least a note.");
        if (r.CompletedMilestoneId is not null)
            errors.Id("completedMilestoneId", r.CompletedMilestoneId);
        errors.OptionalText("note", r.Note, MaxNoteLength);
        if (r.EvidenceUrl is { } url && !IsEvidencePath(url) && (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            errors.Add("evidenceUrl", $"Must be an absolute http(s) link or the url of uploaded evidence ({EvidencePathPrefix}{{evidenceId}}).");
        if (terms is not null)
        {
            if (r.Value is not null && terms.Level != CommitmentLevel.Result)
                errors.Add("value", $"A {terms.Level.ToString().ToLowerInvariant()} commitment has no measured value; report a completed action or a note.");
            if (r.CompletedMilestoneId is { } id && !(terms.Milestones ?? []).Any(m => m.Id == id))
                errors.Add("completedMilestoneId", $"'{id}' is not one of this commitment's actions.");
        }
        return errors;
    }

    /// <summary>
    /// When a commitment was signed (field <c>signedAt</c>), for a confirmation entered after the signing, e.g. of a
    /// commitment signed on paper at a co-creation session. Null (sign now) is always valid; a date may lie at most
    /// <see cref="MaxSignedAtClockSkew"/> after <paramref name="now"/> and not before <see cref="EarliestSignedAt"/>.
    /// </summary>
    public static Errors SignedAt(DateTimeOffset? signedAt, DateTimeOffset now)
    {
        var errors = new Errors();
        if (signedAt is not { } at)
            return errors;
        if (at > now + MaxSignedAtClockSkew)
            errors.Add("signedAt", "A commitment cannot be signed in the future; give the date and time it was signed, or leave it out for now.");
        else if (at < EarliestSignedAt)
            errors.Add("signedAt", "Must be on or after 1 January 2000.");
        return errors;
    }

    /// <summary>The most co-signers a neighbourhood-threshold condition may ask for.</summary>
    public const int MaxRequiredCoSigners = 1_000;

    /// <summary>How far ahead a condition's deadline may lie.</summary>
    public static readonly TimeSpan MaxConditionHorizon = TimeSpan.FromDays(3_653);

    /// <summary>
    /// A draft with its condition and template fields, as a grain checks it when the commitment
    /// <paramref name="commitmentId"/> (if known) is created at <paramref name="now"/>: everything <see cref="Draft(CommitmentDraft)"/>
    /// checks, plus <c>condition</c> (see <see cref="Condition"/>), <c>templateId</c> and <c>isTemplate</c>. Whether the
    /// template or the condition's commitment exists is checked by the grain.
    /// </summary>
    public static Errors Draft(CommitmentDraft? d, DateTimeOffset now, string? commitmentId = null)
    {
        var errors = Draft(d);
        if (d is null)
            return errors;
        if (d.TemplateId is not null)
        {
            errors.Id("templateId", d.TemplateId);
            if (d.TemplateId == commitmentId)
                errors.Add("templateId", "A commitment cannot be a copy of itself.");
            if (d.IsTemplate)
                errors.Add("isTemplate", "A copy of a template cannot itself be a template.");
        }
        if (d.IsTemplate && d.Condition is not null)
            errors.Add("condition", "A template carries no condition; each copy may have its own.");
        if (d.Condition is not null)
            errors.Merge(Condition(d.Condition, now, commitmentId), "condition");
        return errors;
    }

    /// <summary>
    /// A commitment's condition (fields relative to it: <c>kind</c>, <c>deadline</c>, <c>requiredCoSigners</c>,
    /// <c>commitmentId</c>): a known kind; a deadline after <paramref name="now"/> and at most
    /// <see cref="MaxConditionHorizon"/> ahead; for a neighbourhood threshold 1 to <see cref="MaxRequiredCoSigners"/>
    /// co-signers and no commitment id; for a reciprocal condition a commitment id other than
    /// <paramref name="commitmentId"/> (the commitment being created) and no co-signer count.
    /// </summary>
    public static Errors Condition(CommitmentCondition? c, DateTimeOffset now, string? commitmentId = null)
    {
        var errors = new Errors();
        if (c is null)
            return errors.Add("", "A condition is required.");
        errors.Enum("kind", c.Kind);
        if (c.Deadline == default)
            errors.Add("deadline", "A deadline is required.");
        else if (c.Deadline <= now)
            errors.Add("deadline", "The deadline must lie in the future.");
        else if (c.Deadline > now + MaxConditionHorizon)
            errors.Add("deadline", $"The deadline may lie at most {MaxConditionHorizon.TotalDays:0} days ahead.");
        switch (c.Kind)
        {
            case ConditionKind.NeighbourhoodThreshold:
                if (c.RequiredCoSigners is not { } n || n < 1 || n > MaxRequiredCoSigners)
                    errors.Add("requiredCoSigners", $"Say how many others in the neighbourhood must join: 1 to {MaxRequiredCoSigners}.");
                if (c.CommitmentId is not null)
                    errors.Add("commitmentId", "Only a reciprocal condition names a commitment.");
                break;
            case ConditionKind.Reciprocal:
                errors.Id("commitmentId", c.CommitmentId);
                if (c.CommitmentId is not null && c.CommitmentId == commitmentId)
                    errors.Add("commitmentId", "A commitment cannot depend on itself.");
                if (c.RequiredCoSigners is not null)
                    errors.Add("requiredCoSigners", "Only a neighbourhood-threshold condition counts co-signers.");
                break;
        }
        return errors;
    }

    /// <summary>Taking up a template (fields <c>templateId</c>, <c>participantId</c>, <c>neighbourhoodCode</c>, <c>condition</c>).</summary>
    public static Errors TakeUp(TemplateTakeUp? t, DateTimeOffset now, string? commitmentId = null)
    {
        var errors = new Errors();
        if (t is null)
            return errors.Add("", "A take-up is required.");
        errors.Id("templateId", t.TemplateId);
        if (t.TemplateId is not null && t.TemplateId == commitmentId)
            errors.Add("templateId", "A commitment cannot be a copy of itself.");
        errors.Id("participantId", t.ParticipantId);
        errors.Neighbourhood("neighbourhoodCode", t.NeighbourhoodCode);
        if (t.Condition is not null)
            errors.Merge(Condition(t.Condition, now, commitmentId), "condition");
        return errors;
    }

    /// <summary>The participant who joins or leaves a commitment as co-signer (field <c>participantId</c>).</summary>
    public static Errors CoSigner(string? participantId)
    {
        var errors = new Errors();
        errors.Id("participantId", participantId);
        return errors;
    }

    /// <summary>Collected errors per field; <see cref="ThrowIfAny"/> turns them into an exception for grains.</summary>
    public sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public bool IsValid => _byField.Count == 0;

        /// <summary>How many fields have errors.</summary>
        public int Count => _byField.Count;

        public IReadOnlyDictionary<string, string[]> ByField => _byField.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

        public Errors Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var list))
                _byField[field] = list = [];
            list.Add(message);
            return this;
        }

        public void Merge(Errors other, string prefix)
        {
            foreach (var (field, messages) in other._byField)
            {
                foreach (var message in messages)
                    Add(field.Length == 0 ? prefix : $"{prefix}.{field}", message);
            }
        }

        public void ThrowIfAny()
        {
            if (!IsValid)
                throw new InputRejectedException(ByField);
        }

        public void Text(string field, string? value, int maxLength, bool allowEmpty = false)
        {
            if (value is null || (!allowEmpty && string.IsNullOrWhiteSpace(value)))
                Add(field, "Required, and not blank.");
            else if (value.Length > maxLength)
                Add(field, $"At most {maxLength} characters (got {value.Length}).");
            else if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
                Add(field, "Must not contain control characters.");
        }

        internal void OptionalText(string field, string? value, int maxLength)
        {
            if (value is not null)
                Text(field, value, maxLength, allowEmpty: true);
        }

        internal void Id(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
                Add(field, "Required.");
            else if (value.Length > MaxIdLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                Add(field, $"Ids are 1 to {MaxIdLength} characters: letters, digits, '-', '_' or '.'.");
        }

        internal void Neighbourhood(string field, string? code)
        {
            if (!PlaceCatalog.Leuven.IsNeighbourhood(code))
                Add(field, $"'{code}' is not a known neighbourhood code (24062W01 to 24062W24).");
        }

        public void Enum<T>(string field, T value) where T : struct, System.Enum
        {
            if (!System.Enum.IsDefined(value))
                Add(field, $"'{value}' is not one of: {string.Join(", ", System.Enum.GetNames<T>())}.");
        }

        internal void Wording(string field, CitizenPanelWording wording)
        {
            Text($"{field}.text", wording.Text, MaxDescriptionLength);
            Text($"{field}.source", wording.Source, MaxTitleLength);
            if (wording.SourceUrl is { } url && (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
                Add($"{field}.sourceUrl", "Must be an absolute http(s) link.");
        }

        internal void Target(string field, QuantitativeTarget target)
        {
            Text($"{field}.metric", target.Metric, MaxTitleLength);
            Text($"{field}.unit", target.Unit, 40);
            if (!double.IsFinite(target.Baseline) || Math.Abs(target.Baseline) > 1e12)
                Add($"{field}.baseline", "Must be a finite number.");
            if (!double.IsFinite(target.Target) || Math.Abs(target.Target) > 1e12)
                Add($"{field}.target", "Must be a finite number.");
            else if (target.Target == target.Baseline)
                Add($"{field}.target", "Must differ from the baseline, or there is nothing to measure.");
            if (target.Deadline == default)
                Add($"{field}.deadline", "A deadline is required.");
        }
    }
}

/// <summary>Thrown by grains for input that breaks <see cref="InputRules"/>; nothing was stored.</summary>
[GenerateSerializer, Alias("cc.InputRejectedException")]
public sealed class InputRejectedException : Exception
{
    public InputRejectedException(IReadOnlyDictionary<string, string[]> errors)
        : base("Input rejected: " + string.Join("; ", errors.Select(e => $"{(e.Key.Length == 0 ? "(body)" : e.Key)}: {string.Join(" ", e.Value)}")))
    {
        Errors = errors;
    }

    public InputRejectedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public InputRejectedException()
        : this(new Dictionary<string, string[]>())
    {
    }

    public InputRejectedException(string message)
        : base(message)
    {
        Errors = new Dictionary<string, string[]>();
    }

    public InputRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = new Dictionary<string, string[]>();
    }

    [Id(0)]
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>Thrown by grains when an operation does not fit the current state (e.g. reporting on a draft): HTTP 409.</summary>
[GenerateSerializer, Alias("cc.StateConflictException")]
public sealed class StateConflictException : Exception
{
    public StateConflictException()
    {
    }

    public StateConflictException(string message)
        : base(message)
    {
    }

    public StateConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
