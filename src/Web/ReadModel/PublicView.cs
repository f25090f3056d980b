using CivicContracting.Commitments;
using CivicContracting.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicContracting.Web.ReadModel;

/// <summary>
/// A commitment as the public may read it: what moderators hid is redacted, in one place, wherever commitment content
/// reaches the public (the API's commitment reads and writes, lists, and the pages through
/// <see cref="CommitmentViews"/>). A hidden text keeps its level, dates and figures but reads
/// "<see cref="ModerationRules.HiddenTitle"/>" as title (and as every action's title and the target's metric), with the
/// public reason as description, in every version. A hidden report keeps its value, action and date, so the progress
/// stays explainable, without its note and evidence. The moderation log stays, with its public reasons, but without the
/// moderators' account ids; a draft's help request keeps its date without its message. The support team reads it all.
/// </summary>
public static class PublicView
{
    /// <summary>Who hid or showed, as the public reads it in the log.</summary>
    public const string PublicModerator = "moderator";

    /// <summary>Whether the view holds anything the public may not read (most views do not, and are returned as they are).</summary>
    public static bool NeedsRedaction(CommitmentView view) => view.Moderation is { Count: > 0 } || view.HelpRequest is not null;

    public static CommitmentView Redact(CommitmentView view)
    {
        if (!NeedsRedaction(view))
            return view;
        var terms = view.Terms;
        var earlier = view.EarlierVersions;
        var (titleTranslations, descriptionTranslations) = (view.TitleTranslations, view.DescriptionTranslations);
        if (view.TextHiddenBy() is { } hiding)
        {
            terms = RedactTerms(terms, hiding.PublicReason);
            earlier = [.. earlier.Select(v => v with { Terms = RedactTerms(v.Terms, hiding.PublicReason) })];
            (titleTranslations, descriptionTranslations) = (null, null); // a hidden text is hidden in every language
        }
        var reports = RedactReports(view, view.Reports);
        return view with
        {
            Terms = terms,
            EarlierVersions = earlier,
            TitleTranslations = titleTranslations,
            DescriptionTranslations = descriptionTranslations,
            Reports = reports,
            Moderation = view.Moderation is { Count: > 0 } log ? [.. log.Select(a => a with { By = PublicModerator })] : view.Moderation,
            HelpRequest = null,
        };
    }

    /// <summary>Whether moderators hid any of the commitment's reports (the others are never redacted).</summary>
    public static bool HidesReports(CommitmentView view) => view.Moderation?.Any(a => a.Target == ModerationTarget.Report) == true;

    /// <summary>
    /// Reports of the commitment (its newest, or a page of its history) as the public may read them: a hidden report keeps
    /// its value, action and date, without its note and evidence.
    /// </summary>
    public static IReadOnlyList<ProgressReport> RedactReports(CommitmentView view, IReadOnlyList<ProgressReport> reports)
    {
        if (!HidesReports(view))
            return reports;
        return [.. reports.Select(r => view.ReportHiddenBy(r.ReportId) is null || (r.Note is null && r.EvidenceUrl is null)
            ? r
            : r with { Note = null, EvidenceUrl = null })];
    }

    /// <summary>Reports for <paramref name="actor"/>: as stored for the support team, redacted for everyone else.</summary>
    public static IReadOnlyList<ProgressReport> ReportsFor(Actor actor, CommitmentView view, IReadOnlyList<ProgressReport> reports) =>
        actor.IsSupportTeam ? reports : RedactReports(view, reports);

    /// <summary>The view for <paramref name="actor"/>: all of it for the support team, redacted for everyone else.</summary>
    public static CommitmentView For(Actor actor, CommitmentView view) => actor.IsSupportTeam ? view : Redact(view);

    /// <summary>
    /// The view whose exact text <c>GET /api/commitments/{id}/text</c> shows: all of it for the support team and for those
    /// who may edit the commitment (they confirm that text and need its hash), redacted for everyone else.
    /// </summary>
    public static async Task<CommitmentView> ForTextAsync(HttpContext context, Access access, CommitmentView view)
    {
        if (view.TextHiddenBy() is null)
            return view;
        var actor = await access.ActorAsync(context);
        return actor.IsSupportTeam || AccessRules.Check(actor, view.ParticipantId, ParticipantRight.Draft) is null ? view : Redact(view);
    }

    /// <summary>The title the public reads.</summary>
    public static string Title(CommitmentView view) => view.TextHiddenBy() is null ? view.Terms.Title : ModerationRules.HiddenTitle;

    private static CommitmentTerms RedactTerms(CommitmentTerms terms, string reason) => terms with
    {
        Title = ModerationRules.HiddenTitle,
        Description = reason,
        Milestones = terms.Milestones is null ? null : [.. terms.Milestones.Select(m => m with { Title = ModerationRules.HiddenTitle })],
        Target = terms.Target is { } target ? target with { Metric = ModerationRules.HiddenTitle } : null,
    };

    /// <summary>
    /// Redacts the commitment views an endpoint of the group answers with (a view, a created view, a batch's view) unless
    /// the caller is the support team, so that no read or write of the group hands hidden content to anyone else.
    /// </summary>
    public static TBuilder RedactForThePublic<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) => await RedactResultAsync(context.HttpContext, await next(context)));

    private static async Task<object?> RedactResultAsync(HttpContext context, object? result)
    {
        if (result is INestedHttpResult nested) // Results<A, B>: the result it wraps
            return await RedactResultAsync(context, nested.Result);
        var found = result switch
        {
            Ok<CommitmentView> { Value: { } v } => v,
            Created<CommitmentView> { Value: { } v } => v,
            Ok<ProgressBatchResult> { Value: { } batch } => batch.View,
            _ => null,
        };
        if (found is null || !NeedsRedaction(found))
            return result;
        var actor = await context.RequestServices.GetRequiredService<Access>().ActorAsync(context);
        if (actor.IsSupportTeam)
            return result;
        var redacted = Redact(found);
        return result switch
        {
            Created<CommitmentView> created => TypedResults.Created(created.Location, redacted),
            Ok<ProgressBatchResult> { Value: { } batch } => TypedResults.Ok(batch with { View = redacted }),
            _ => TypedResults.Ok(redacted),
        };
    }
}
