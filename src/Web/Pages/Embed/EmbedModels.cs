using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Embeds;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Embed;

/// <summary>The live figures a goal or place widget shows.</summary>
public sealed record EmbedFigures(string Scope, EngagementSnapshot Snapshot, bool ShowProgress);

/// <summary>The widget of a goal: its title, live figures and progress bar.</summary>
public sealed class GoalModel(SiteData data, EmbedTargets targets) : PageModel
{
    public EmbedTarget Target { get; private set; } = null!;

    public EmbedFigures Figures { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        if (await targets.GoalAsync(id) is not { } target)
            return NotFound();
        Target = target;
        var scope = AggregateScope.Goal(target.Id!);
        Figures = new EmbedFigures(scope, data.Aggregate(scope), ShowProgress: true);
        return Page();
    }
}

/// <summary>The widget of a neighbourhood, district or the city.</summary>
public sealed class PlaceModel(SiteData data) : PageModel
{
    public EmbedTarget Target { get; private set; } = null!;

    public Place Place { get; private set; } = null!;

    public EmbedFigures Figures { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string code)
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        if (EmbedTargets.Place(code) is not { } target)
            return NotFound();
        Target = target;
        Place = PlaceCatalog.Leuven.Get(target.Id!);
        var scope = AggregateScope.Place(Place.Code);
        var snapshot = data.Aggregate(scope);
        Figures = new EmbedFigures(scope, snapshot, ShowProgress: snapshot.Progress is not null);
        return Page();
    }
}

/// <summary>
/// The widget of a commitment: title, who, level and status, and its progress, which follows the live stream: a change of
/// a scope the commitment counts in makes the widget read the commitment again (js/embed.js). Drafts, templates and
/// texts hidden by moderators are not embeddable (404).
/// </summary>
public sealed class CommitmentModel(SiteData data, CommitmentViews views, EmbedTargets targets) : PageModel
{
    public EmbedTarget Target { get; private set; } = null!;

    public CommitmentView View { get; private set; } = null!;

    public string ParticipantName { get; private set; } = "–";

    public ParticipantKind? ParticipantKind { get; private set; }

    public string? TitleLanguage { get; private set; }

    /// <summary>The scopes whose live changes may mean the commitment changed (its goals' and its neighbourhood's).</summary>
    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id)
    {
        await data.WhenLoaded(HttpContext.RequestAborted);
        if (await targets.CommitmentAsync(id) is not { } found)
            return NotFound();
        (Target, View) = found;
        if (await views.ProfileAsync(View.ParticipantId) is { } profile)
        {
            ParticipantName = profile.DisplayName;
            ParticipantKind = profile.Kind;
        }
        TitleLanguage = CivicContracting.Texts.ContentTranslations.Resolve(View.Terms.Title, View.Language, View.TitleTranslations, CivicContracting.Web.Content.ContentText.Reading).Language;
        Scopes = [.. View.Goals.Select(g => AggregateScope.Goal(g.GoalId)).Append(AggregateScope.Place(View.NeighbourhoodCode)).Distinct(StringComparer.Ordinal)];
        return Page();
    }
}

/// <summary>The widget of the live map (the oil stain) with its legend and attribution.</summary>
public sealed class MapModel(SiteData data, Microsoft.Extensions.Options.IOptions<Site.SiteOptions> site) : PageModel
{
    public Site.SiteOptions Site => site.Value;

    public async Task OnGetAsync() => await data.WhenLoaded(HttpContext.RequestAborted);
}
