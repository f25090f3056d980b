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
            return errors.Add("", RuleText.CommitmentRequired);
        errors.Id("participantId", d.ParticipantId);
        errors.Neighbourhood("neighbourhoodCode", d.NeighbourhoodCode);
        var goals = d.Goals ?? [];
        if (goals.Count == 0)
            errors.Add("goals", RuleText.AtLeastOneGoal);
        if (goals.Count > InputRules.MaxGoalsPerCommitment)
            errors.Add("goals", RuleText.AtMostGoalsPerCommitment(InputRules.MaxGoalsPerCommitment));
        for (var i = 0; i < goals.Count; i++)
        {
            if (goals[i] is null)
            {
                errors.Add($"goals[{i}]", RuleText.NotNull);
                continue;
            }
            errors.Id($"goals[{i}].goalId", goals[i].GoalId);
            if (!double.IsFinite(goals[i].Weight) || goals[i].Weight <= 0 || goals[i].Weight > InputRules.MaxWeight)
                errors.Add($"goals[{i}].weight", RuleText.WeightRange(InputRules.MaxWeight));
        }
        if (goals.Where(g => g is not null).GroupBy(g => g.GoalId, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("goals", RuleText.GoalNamedOnce);
        errors.Merge(Terms(d.Terms), "terms");
        TemplateTranslations(errors, d);
        if (d.SessionId is not null)
            errors.Id("sessionId", d.SessionId);
        if (d.ReportingInterval is { } interval && (interval < InputRules.MinReportingInterval || interval > InputRules.MaxReportingInterval))
            errors.Add("reportingInterval", RuleText.ReportingIntervalRange((int)InputRules.MinReportingInterval.TotalDays, (int)InputRules.MaxReportingInterval.TotalDays));
        return errors;
    }

    /// <summary>
    /// A template's translations (<c>translations.title.{code}</c>, <c>translations.description.{code}</c>), by the rules of
    /// the terms' title and description; a draft that is no template has none (the participant writes in one language).
    /// </summary>
    private static void TemplateTranslations(InputRules.Errors errors, CommitmentDraft d)
    {
        if (!d.IsTemplate)
        {
            if (d.TitleTranslations is not null)
                errors.Add("translations.title", RuleText.TranslationsOnlyOnTemplates);
            if (d.DescriptionTranslations is not null)
                errors.Add("translations.description", RuleText.TranslationsOnlyOnTemplates);
            return;
        }
        ContentRules.Check(errors, "translations.title", d.TitleTranslations, d.Language, InputRules.MaxTitleLength, oneLine: true);
        ContentRules.Check(errors, "translations.description", d.DescriptionTranslations, d.Language, InputRules.MaxDescriptionLength, oneLine: false);
    }

    public static InputRules.Errors Terms(CommitmentTerms? t)
    {
        var errors = new InputRules.Errors();
        if (t is null)
            return errors.Add("", RuleText.TermsRequired);
        errors.Enum("level", t.Level);
        errors.Line("title", t.Title, InputRules.MaxTitleLength);
        errors.Text("description", t.Description, InputRules.MaxDescriptionLength, allowEmpty: true);
        switch (t.Level)
        {
            case CommitmentLevel.Pledge:
                if (t.Target is not null)
                    errors.Add("target", RuleText.PledgeHasNoTarget);
                if (t.Milestones is { Count: > 0 })
                    errors.Add("milestones", RuleText.PledgeHasNoActions);
                break;
            case CommitmentLevel.Action:
                if (t.Milestones is not { Count: > 0 })
                    errors.Add("milestones", RuleText.ActionNeedsActions);
                if (t.Target is not null)
                    errors.Add("target", RuleText.ActionHasNoTarget);
                break;
            case CommitmentLevel.Result:
                if (t.Target is null)
                    errors.Add("target", RuleText.ResultNeedsTarget);
                break;
        }
        var milestones = t.Milestones ?? [];
        if (milestones.Count > InputRules.MaxMilestones)
            errors.Add("milestones", RuleText.AtMostActions(InputRules.MaxMilestones));
        for (var i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] is null)
            {
                errors.Add($"milestones[{i}]", RuleText.NotNull);
                continue;
            }
            errors.Id($"milestones[{i}].id", milestones[i].Id);
            errors.Line($"milestones[{i}].title", milestones[i].Title, InputRules.MaxTitleLength);
            if (milestones[i].DueDate == default)
                errors.Add($"milestones[{i}].dueDate", RuleText.DueDateRequired);
        }
        if (milestones.Where(m => m?.Id is not null).GroupBy(m => m.Id, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("milestones", RuleText.ActionIdsUnique);
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
            return errors.Add("", RuleText.ReportRequired);
        errors.Id("reportId", r.ReportId);
        if (r.ReportedAt == default)
            errors.Add("reportedAt", RuleText.ReportDateRequired);
        else if (now is { } current && r.ReportedAt > current + InputRules.MaxSignedAtClockSkew)
            errors.Add("reportedAt", RuleText.ReportInFuture);
        else if (now is not null && r.ReportedAt < InputRules.EarliestSignedAt)
            errors.Add("reportedAt", RuleText.OnOrAfter2000);
        if (r.Value is { } value && (!double.IsFinite(value) || Math.Abs(value) > 1e12))
            errors.Add("value", RuleText.FiniteNumber);
        if (r.Value is null && r.CompletedMilestoneId is null && string.IsNullOrWhiteSpace(r.Note))
            errors.Add("value", RuleText.ReportNeedsContent);
        if (r.CompletedMilestoneId is not null)
            errors.Id("completedMilestoneId", r.CompletedMilestoneId);
        errors.OptionalText("note", r.Note, InputRules.MaxNoteLength);
        if (r.EvidenceUrl is { } url && !InputRules.IsEvidencePath(url) && (url.Length > InputRules.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            errors.Add("evidenceUrl", RuleText.EvidenceUrl(InputRules.EvidencePathPrefix + "{evidenceId}"));
        if (terms is not null)
        {
            if (r.Value is not null && terms.Level != CommitmentLevel.Result)
                errors.Add("value", terms.Level == CommitmentLevel.Action ? RuleText.ActionHasNoMeasuredValue : RuleText.PledgeHasNoMeasuredValue);
            if (r.CompletedMilestoneId is { } id && !(terms.Milestones ?? []).Any(m => m.Id == id))
                errors.Add("completedMilestoneId", RuleText.NotOneOfActions(id));
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
                errors.Add("templateId", RuleText.CopyOfItself);
            if (d.IsTemplate)
                errors.Add("isTemplate", RuleText.CopyCannotBeTemplate);
        }
        if (d.IsTemplate && d.Condition is not null)
            errors.Add("condition", RuleText.TemplateHasNoCondition);
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
            errors.Add("terms.target.deadline", RuleText.DeadlineNotPast);
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
            return errors.Add("", RuleText.ConditionRequired);
        errors.Enum("kind", c.Kind);
        if (c.Deadline == default)
            errors.Add("deadline", RuleText.DeadlineRequired);
        else if (c.Deadline <= now)
            errors.Add("deadline", RuleText.DeadlineInFuture);
        else if (c.Deadline > now + MaxConditionHorizon)
            errors.Add("deadline", RuleText.DeadlineAtMostDaysAhead((int)MaxConditionHorizon.TotalDays));
        switch (c.Kind)
        {
            case ConditionKind.NeighbourhoodThreshold:
                if (c.RequiredCoSigners is not { } n || n < 1 || n > MaxRequiredCoSigners)
                    errors.Add("requiredCoSigners", RuleText.RequiredCoSignersRange(MaxRequiredCoSigners));
                if (c.CommitmentId is not null)
                    errors.Add("commitmentId", RuleText.OnlyReciprocalNamesCommitment);
                break;
            case ConditionKind.Reciprocal:
                errors.Id("commitmentId", c.CommitmentId);
                if (c.CommitmentId is not null && c.CommitmentId == commitmentId)
                    errors.Add("commitmentId", RuleText.CannotDependOnItself);
                if (c.RequiredCoSigners is not null)
                    errors.Add("requiredCoSigners", RuleText.OnlyThresholdCountsCoSigners);
                break;
        }
        return errors;
    }

    /// <summary>Taking up a template (fields <c>templateId</c>, <c>participantId</c>, <c>neighbourhoodCode</c>, <c>condition</c>).</summary>
    public static InputRules.Errors TakeUp(TemplateTakeUp? t, DateTimeOffset now, string? commitmentId = null)
    {
        var errors = new InputRules.Errors();
        if (t is null)
            return errors.Add("", RuleText.TakeUpRequired);
        errors.Id("templateId", t.TemplateId);
        if (t.TemplateId is not null && t.TemplateId == commitmentId)
            errors.Add("templateId", RuleText.CopyOfItself);
        errors.Id("participantId", t.ParticipantId);
        errors.Neighbourhood("neighbourhoodCode", t.NeighbourhoodCode);
        if (t.Condition is not null)
            errors.Merge(Condition(t.Condition, now, commitmentId), "condition");
        return errors;
    }
}
