using CivicContracting.Validation;

namespace CivicContracting.Commitments;

/// <summary>
/// The input rules of commitments (drafts, terms, progress reports, conditions, template take-ups), beside the types
/// they check; the shared limits, the error collection and the rules of the other folders are in
/// <see cref="InputRules"/>, which knows nothing of commitments. The HTTP API and the grains check the same rules.
/// </summary>
public static class CommitmentRules
{
    public static InputRules.Errors Draft(CommitmentDraft? d)
    {
        var errors = new InputRules.Errors();
        if (d is null)
            return errors.Add("", "A commitment is required.");
        errors.Id("participantId", d.ParticipantId);
        errors.Neighbourhood("neighbourhoodCode", d.NeighbourhoodCode);
        var goals = d.Goals ?? [];
        if (goals.Count == 0)
            errors.Add("goals", "A commitment contributes to at least one goal.");
        if (goals.Count > InputRules.MaxGoalsPerCommitment)
            errors.Add("goals", $"A commitment contributes to at most {InputRules.MaxGoalsPerCommitment} goals.");
        for (var i = 0; i < goals.Count; i++)
        {
            if (goals[i] is null)
            {
                errors.Add($"goals[{i}]", "Must not be null.");
                continue;
            }
            errors.Id($"goals[{i}].goalId", goals[i].GoalId);
            if (!double.IsFinite(goals[i].Weight) || goals[i].Weight <= 0 || goals[i].Weight > InputRules.MaxWeight)
                errors.Add($"goals[{i}].weight", $"Must be a number above 0 and at most {InputRules.MaxWeight}.");
        }
        if (goals.Where(g => g is not null).GroupBy(g => g.GoalId, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("goals", "Each goal may be named once.");
        errors.Merge(Terms(d.Terms), "terms");
        if (d.SessionId is not null)
            errors.Id("sessionId", d.SessionId);
        if (d.ReportingInterval is { } interval && (interval < InputRules.MinReportingInterval || interval > InputRules.MaxReportingInterval))
            errors.Add("reportingInterval", $"Must be {InputRules.MinReportingInterval.TotalDays:0} to {InputRules.MaxReportingInterval.TotalDays:0} days, or left out for the platform's default.");
        return errors;
    }

    public static InputRules.Errors Terms(CommitmentTerms? t)
    {
        var errors = new InputRules.Errors();
        if (t is null)
            return errors.Add("", "Terms are required.");
        errors.Enum("level", t.Level);
        errors.Line("title", t.Title, InputRules.MaxTitleLength);
        errors.Text("description", t.Description, InputRules.MaxDescriptionLength, allowEmpty: true);
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
        if (milestones.Count > InputRules.MaxMilestones)
            errors.Add("milestones", $"At most {InputRules.MaxMilestones} actions.");
        for (var i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] is null)
            {
                errors.Add($"milestones[{i}]", "Must not be null.");
                continue;
            }
            errors.Id($"milestones[{i}].id", milestones[i].Id);
            errors.Line($"milestones[{i}].title", milestones[i].Title, InputRules.MaxTitleLength);
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
    /// date lies between <see cref="InputRules.EarliestSignedAt"/> and <see cref="InputRules.MaxSignedAtClockSkew"/> after now.
    /// </summary>
    public static InputRules.Errors Report(ProgressReport? r, CommitmentTerms? terms = null, DateTimeOffset? now = null)
    {
        var errors = new InputRules.Errors();
        if (r is null)
            return errors.Add("", "A progress report is required.");
        errors.Id("reportId", r.ReportId);
        if (r.ReportedAt == default)
            errors.Add("reportedAt", "A report date is required.");
        else if (now is { } current && r.ReportedAt > current + InputRules.MaxSignedAtClockSkew)
            errors.Add("reportedAt", "Lies in the future; report what was measured or done, when it was.");
        else if (now is not null && r.ReportedAt < InputRules.EarliestSignedAt)
            errors.Add("reportedAt", "Must be on or after 1 January 2000.");
        if (r.Value is { } value && (!double.IsFinite(value) || Math.Abs(value) > 1e12))
            errors.Add("value", "Must be a finite number.");
        if (r.Value is null && r.CompletedMilestoneId is null && string.IsNullOrWhiteSpace(r.Note))
            errors.Add("value", "A report carries a value, a completed action or at least a note.");
        if (r.CompletedMilestoneId is not null)
            errors.Id("completedMilestoneId", r.CompletedMilestoneId);
        errors.OptionalText("note", r.Note, InputRules.MaxNoteLength);
        if (r.EvidenceUrl is { } url && !InputRules.IsEvidencePath(url) && (url.Length > InputRules.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            errors.Add("evidenceUrl", $"Must be an absolute http(s) link or the url of uploaded evidence ({InputRules.EvidencePathPrefix}{{evidenceId}}).");
        if (terms is not null)
        {
            if (r.Value is not null && terms.Level != CommitmentLevel.Result)
                errors.Add("value", $"A {terms.Level.ToString().ToLowerInvariant()} commitment has no measured value; report a completed action or a note.");
            if (r.CompletedMilestoneId is { } id && !(terms.Milestones ?? []).Any(m => m.Id == id))
                errors.Add("completedMilestoneId", $"'{id}' is not one of this commitment's actions.");
        }
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
    public static InputRules.Errors Draft(CommitmentDraft? d, DateTimeOffset now, string? commitmentId = null)
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
    /// A draft as a person makes or edits it now (the API, the site's form): everything <see cref="Draft(CommitmentDraft, DateTimeOffset, string)"/>
    /// checks, and a result deadline (<c>terms.target.deadline</c>) of today or later, since a new promise is about what is
    /// still to come. Not for the record of what happened (imports of earlier commitments, the demo's history), which the
    /// grain accepts with a past deadline.
    /// </summary>
    public static InputRules.Errors NewDraft(CommitmentDraft? d, DateTimeOffset now, string? commitmentId = null)
    {
        var errors = Draft(d, now, commitmentId);
        if (d?.Terms?.Target is { } target && target.Deadline != default && target.Deadline < DateOnly.FromDateTime(now.UtcDateTime))
            errors.Add("terms.target.deadline", "Must not lie in the past: a new commitment's deadline is today or later.");
        return errors;
    }

    /// <summary>
    /// A commitment's condition (fields relative to it: <c>kind</c>, <c>deadline</c>, <c>requiredCoSigners</c>,
    /// <c>commitmentId</c>): a known kind; a deadline after <paramref name="now"/> and at most
    /// <see cref="MaxConditionHorizon"/> ahead; for a neighbourhood threshold 1 to <see cref="MaxRequiredCoSigners"/>
    /// co-signers and no commitment id; for a reciprocal condition a commitment id other than
    /// <paramref name="commitmentId"/> (the commitment being created) and no co-signer count.
    /// </summary>
    public static InputRules.Errors Condition(CommitmentCondition? c, DateTimeOffset now, string? commitmentId = null)
    {
        var errors = new InputRules.Errors();
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
    public static InputRules.Errors TakeUp(TemplateTakeUp? t, DateTimeOffset now, string? commitmentId = null)
    {
        var errors = new InputRules.Errors();
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
}
