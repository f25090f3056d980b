using System.Globalization;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Sessions;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Sessions;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Sessions;

/// <summary>
/// The support team's form to record a co-creation session (or, with <c>?edit={id}</c>, to change one): kind, title,
/// date and start time (Brussels time), neighbourhood and venue, goals, attendance by participant kind, notes. Coaches and
/// administrators only. Field names are the API's JSON paths, so the input rules' messages land next to their fields.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class NewModel(Access access, SiteData data, IClusterClient orleans, TimeProvider clock, IStringLocalizer<SiteText> siteText) : PageModel
{
    public static readonly CoCreationSessionKind[] Kinds = Enum.GetValues<CoCreationSessionKind>();

    public static readonly ParticipantKind[] ParticipantKinds = Enum.GetValues<ParticipantKind>();

    /// <summary>The session being changed, if any.</summary>
    [BindProperty(SupportsGet = true)] public string? Edit { get; set; }

    /// <summary>Chosen when the form is first shown, so that sending it twice records one session.</summary>
    [BindProperty] public string Id { get; set; } = "";

    public bool Editing => !string.IsNullOrEmpty(Edit);

    public IReadOnlyList<GoalInfo> Goals { get; private set; } = [];

    public IEnumerable<Place> Neighbourhoods => PlaceCatalog.Leuven.Neighbourhoods.OrderBy(p => p.Name, StringComparer.CurrentCulture);

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private HashSet<string> _goals = new(StringComparer.Ordinal);

    public string Value(string name, string fallback = "") => _values.TryGetValue(name, out var value) ? value : fallback;

    public bool GoalSelected(string goalId) => _goals.Contains(goalId);

    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync())
            return Forbid();
        if (Editing)
        {
            var session = ApiIds.IsWellFormed(Edit) ? await orleans.GetGrain<ICoCreationSessionGrain>(Edit!).Get() : null;
            if (session is null)
                return NotFound();
            Fill(session.Details);
            Id = session.Id;
            return Page();
        }
        Id = ApiIds.New("s");
        var now = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), SiteCulture.TimeZone);
        _values["startsAtDate"] = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        _values["startsAtTime"] = "19:00";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromServices] RecordSessionCommand record, [FromServices] UpdateSessionCommand update)
    {
        if (!await LoadAsync())
            return Forbid();
        if (!ApiIds.IsWellFormed(Id) || (Editing && Edit != Id))
            return BadRequest();
        var actor = await access.ActorAsync(HttpContext);
        UpdateSessionCommand.Permit? permit = null;
        try
        {
            if (Editing)
                permit = await update.AuthoriseAsync(actor, Id);
            else
                RecordSessionCommand.Authorise(actor);
        }
        catch (ApiProblemException problem)
        {
            return PageSupport.IsAccessRefusal(problem) ? Forbid() : NotFound();
        }

        var form = Request.Form;
        foreach (var (key, value) in form)
            _values[key] = value.ToString();
        _goals = form["goalIds"].OfType<string>().Where(g => g.Length > 0).ToHashSet(StringComparer.Ordinal);
        var details = Read(out var unreadable);
        var errors = permit is not null ? await update.CheckAsync(details) : await record.CheckAsync(details, Id);
        foreach (var field in unreadable)
            errors.Add(field, siteText["SessionForm.WholeNumber"]);
        if (!errors.IsValid)
            return WithErrors(errors.ByField);
        try
        {
            if (permit is not null)
            {
                await update.RunAsync(permit, details);
            }
            else
            {
                try
                {
                    await record.RunAsync(actor, details, Id);
                }
                catch (StateConflictException)
                {
                    // The same id with other details: the form was sent before with other values. Record it under a fresh id.
                    Id = ApiIds.New("s");
                    await record.RunAsync(actor, details, Id);
                }
            }
        }
        catch (InputRejectedException rejected)
        {
            return WithErrors(rejected.Errors);
        }
        return LocalRedirect($"/sessions/{Uri.EscapeDataString(Id)}?saved=1");
    }

    /// <summary>The form again with each error beside its field; a goal's (<c>goalIds[i]</c>) beside the goal list.</summary>
    private PageResult WithErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        var byFormField = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in errors)
        {
            var key = field.StartsWith("goalIds[", StringComparison.Ordinal) ? "goalIds" : field;
            byFormField[key] = [.. byFormField.GetValueOrDefault(key, []), .. messages];
        }
        PageSupport.AddErrors(ModelState, byFormField, "", FormFields());
        return Page();
    }

    /// <summary>The form as details; <paramref name="unreadable"/> names the fields whose text is no number or date.</summary>
    private CoCreationSessionDetails Read(out List<string> unreadable)
    {
        unreadable = [];
        var kind = Enum.TryParse<CoCreationSessionKind>(Value("kind"), ignoreCase: true, out var k) && Enum.IsDefined(k) ? k : (CoCreationSessionKind)(-1);
        var startsAt = default(DateTimeOffset);
        if (DateOnly.TryParseExact(Value("startsAtDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && TimeOnly.TryParseExact(Value("startsAtTime"), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            var local = day.ToDateTime(time);
            startsAt = new DateTimeOffset(local, SiteCulture.TimeZone.GetUtcOffset(local));
        }
        var attendance = new Dictionary<ParticipantKind, int>();
        foreach (var participantKind in ParticipantKinds)
        {
            var field = $"attendance.{CoCreationSessionRules.JsonName(participantKind)}";
            var text = Value(field).Trim();
            if (text.Length == 0)
                continue;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
                attendance[participantKind] = count;
            else
                unreadable.Add(field);
        }
        var notes = Value("notes");
        // The original's language travels in a hidden field (Dutch for a new session); the other two get optional fields.
        var language = Value("language") is { Length: > 0 } code ? code : null;
        var titleTranslations = CivicContracting.Web.Content.ContentText.FromForm(language,
            CivicContracting.Texts.ContentLanguage.All.ToDictionary(l => l, l => (string?)Value($"translations.title.{l}")));
        return new CoCreationSessionDetails(kind, Value("title").Trim(), startsAt, Value("neighbourhoodCode"), Value("venue").Trim(),
            [.. _goals], attendance, string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(), language, titleTranslations);
    }

    private void Fill(CoCreationSessionDetails d)
    {
        var local = TimeZoneInfo.ConvertTime(d.StartsAt, SiteCulture.TimeZone);
        _values["kind"] = SiteFormat.Api(d.Kind);
        _values["title"] = d.Title;
        _values["startsAtDate"] = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        _values["startsAtTime"] = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        _values["neighbourhoodCode"] = d.NeighbourhoodCode;
        _values["venue"] = d.Venue;
        _values["notes"] = d.Notes ?? "";
        _values["language"] = CivicContracting.Texts.ContentLanguage.OriginalOf(d.Language);
        foreach (var language in CivicContracting.Texts.ContentLanguage.All)
        {
            if (d.TitleTranslations?.In(language) is { } translated)
                _values[$"translations.title.{language}"] = translated;
        }
        foreach (var (kind, count) in d.Attendance)
            _values[$"attendance.{CoCreationSessionRules.JsonName(kind)}"] = count.ToString(CultureInfo.InvariantCulture);
        _goals = d.GoalIds.ToHashSet(StringComparer.Ordinal);
    }

    private static string[] FormFields() =>
        ["kind", "title", "startsAt", "neighbourhoodCode", "venue", "goalIds", "attendance", "notes", "language",
         .. CivicContracting.Texts.ContentLanguage.All.Select(l => $"translations.title.{l}"),
         .. ParticipantKinds.Select(k => $"attendance.{CoCreationSessionRules.JsonName(k)}")];

    /// <summary>The goals to choose from; false when the signed-in person is not on the support team.</summary>
    private async Task<bool> LoadAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
        if (!actor.IsCoachOrAdministrator)
            return false;
        await data.WhenLoaded(HttpContext.RequestAborted);
        Goals = [.. data.Goals.OrderBy(g => g.Definition.ParentGoalId is null ? g.Id : g.Definition.ParentGoalId, StringComparer.Ordinal)
            .ThenBy(g => g.Definition.ParentGoalId is not null).ThenBy(g => g.Id, StringComparer.Ordinal)];
        return true;
    }
}
