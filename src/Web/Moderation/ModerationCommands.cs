using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Moderation;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Moderation;

/// <summary>
/// A person flags a commitment's text or one of its reports for the moderators: the one way in for
/// POST /api/commitments/{id}/flags and the commitment page's form. One flag per person and item (the queue keeps one).
/// </summary>
public sealed class FlagCommand(IClusterClient orleans, CommitmentViews views)
{
    /// <summary>401 if not signed in; 403 for the operator token (a flag comes from a person) and for tokens without the scope.</summary>
    public static Actor Authorise(Actor actor)
    {
        Access.RequireSignedIn(actor);
        if (!AccessRules.CanFlag(actor))
        {
            throw Access.Forbidden(actor.Account is null
                ? ApiText.AccessFlagNeedsAccount
                : ApiText.AccessFlagLacksScope(AccessTokenScopes.CommitmentsWrite));
        }
        return actor;
    }

    /// <summary>Every broken rule of the flag (what is flagged, the reason), by field.</summary>
    public static InputRules.Errors Check(ModerationTarget? target, string? reportId, string? reason)
    {
        var errors = ModerationCommands.TargetErrors(target, reportId);
        ModerationRules.Reason("reason", reason, ModerationRules.MaxFlagReasonLength, into: errors);
        return errors;
    }

    /// <summary>404 if there is no such commitment or report. Hidden content can be flagged too (moderators see it).</summary>
    public async Task<FlaggedItem> RunAsync(Actor actor, string commitmentId, ModerationTarget? target, string? reportId, string? reason)
    {
        Authorise(actor);
        Check(target, reportId, reason).ThrowIfAny();
        var view = (CivicContracting.Web.Api.ApiIds.IsWellFormed(commitmentId) ? await views.GetUnredactedAsync(commitmentId) : null) ?? throw ApiProblems.NotFound("commitment", commitmentId);
        await ModerationCommands.RequireReportAsync(orleans, view, target!.Value, reportId);
        return await ModerationCommands.Queue(orleans).Flag(view.Id, target.Value, reportId, actor.Account!.Id, reason!);
    }
}

/// <summary>
/// A moderator hides or unhides a commitment's text or a report, with a public reason: the one way in for
/// POST /api/commitments/{id}/moderation and the commitment page's form. Hiding settles the item's open flags.
/// </summary>
public sealed class ModerateCommand(IClusterClient orleans, CommitmentViews views)
{
    /// <summary>401 if not signed in; 403 for anyone but moderators and administrators (with the scope, for a token).</summary>
    public static Actor Authorise(Actor actor)
    {
        Access.RequireSignedIn(actor);
        if (!AccessRules.CanModerate(actor))
        {
            throw Access.Forbidden(AccessRules.ModeratesContent(actor)
                ? ApiText.AccessModerateLacksScope(AccessTokenScopes.CommitmentsWrite)
                : ApiText.AccessModerateModeratorsOnly);
        }
        return actor;
    }

    /// <summary>Every broken rule of the step, by field.</summary>
    public static InputRules.Errors Check(ModerationStep? step, ModerationTarget? target, string? reportId, string? publicReason)
    {
        var errors = ModerationCommands.TargetErrors(target, reportId);
        if (step is null)
            errors.Add("action", ApiText.ModerationAction);
        ModerationRules.Reason("publicReason", publicReason, ModerationRules.MaxPublicReasonLength, into: errors);
        return errors;
    }

    /// <summary>404 if there is no such commitment or report.</summary>
    public async Task<CommitmentView> RunAsync(Actor moderator, string commitmentId, ModerationStep? step, ModerationTarget? target, string? reportId, string? publicReason)
    {
        Authorise(moderator);
        Check(step, target, reportId, publicReason).ThrowIfAny();
        var view = await Access.RequireCommitmentAsync(orleans, commitmentId);
        await ModerationCommands.RequireReportAsync(orleans, view, target!.Value, reportId);
        return step == ModerationStep.Hide
            ? await ModerationCommands.HideAsync(orleans, views, view.Id, target.Value, reportId, publicReason!, moderator.RecordedId)
            : await ModerationCommands.UnhideAsync(orleans, views, view.Id, target.Value, reportId, publicReason!, moderator.RecordedId);
    }
}

/// <summary>What the moderation commands and the moderators' endpoints share.</summary>
public static class ModerationCommands
{
    /// <summary>Hides, keeps the host's view current, then resolves the item's flags as hidden (in that order: a failed resolve leaves an open flag on hidden content, never the reverse).</summary>
    public static async Task<CommitmentView> HideAsync(IClusterClient orleans, CommitmentViews views, string commitmentId, ModerationTarget target, string? reportId, string publicReason, string by)
    {
        var view = await orleans.GetGrain<ICommitmentModerationGrain>(commitmentId).Hide(target, reportId, publicReason, by);
        views.Remember(view);
        await Queue(orleans).Resolve(commitmentId, target, reportId, FlagResolution.Hidden, by);
        return view;
    }

    public static async Task<CommitmentView> UnhideAsync(IClusterClient orleans, CommitmentViews views, string commitmentId, ModerationTarget target, string? reportId, string publicReason, string by)
    {
        var view = await orleans.GetGrain<ICommitmentModerationGrain>(commitmentId).Unhide(target, reportId, publicReason, by);
        views.Remember(view);
        return view;
    }

    public static IModerationQueueGrain Queue(IClusterClient orleans) => orleans.GetGrain<IModerationQueueGrain>(ModerationQueue.Key);

    public static InputRules.Errors TargetErrors(ModerationTarget? target, string? reportId)
    {
        if (target is { } given)
            return ModerationRules.Target(given, reportId);
        var errors = new InputRules.Errors();
        errors.Add("target", ApiText.ModerationTarget);
        return errors;
    }

    /// <summary>A report target must name a report of the commitment, however old; 404 problem+json otherwise.</summary>
    public static async Task RequireReportAsync(IClusterClient orleans, CommitmentView view, ModerationTarget target, string? reportId)
    {
        if (target == ModerationTarget.Report && !await HasReportAsync(orleans, view, reportId!))
            throw ApiProblems.NotFound($"report of commitment '{view.Id}' with id", reportId!);
    }

    /// <summary>Whether the commitment has a report under <paramref name="reportId"/>: among its newest, or anywhere in its history.</summary>
    public static async Task<bool> HasReportAsync(IClusterClient orleans, CommitmentView view, string reportId) =>
        await Progress.IdempotentReports.FindAsync(orleans.GetGrain<ICommitmentGrain>(view.Id), view, reportId) is not null;
}
