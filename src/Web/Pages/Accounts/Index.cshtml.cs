using CivicContracting.Accounts;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CivicContracting.Web.Pages.Accounts;

/// <summary>One participant the person acts for, with their role, its commitments (drafts included) and, for owners of an organisation, its members.</summary>
public sealed record ActingFor(ParticipantProfile Participant, OrganisationRole Role, IReadOnlyList<CommitmentView> Commitments, IReadOnlyList<OrganisationMember> Members);

/// <summary>The person's own page: who they act for, their commitments and drafts, their data, tokens and account.</summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class IndexModel(Access access, AddResidentCommand addResident, AddOrganisationCommand addOrganisation, SetMemberCommand setMember, SetLanguageCommand setLanguage, IClusterClient orleans) : PageModel
{
    private const int MaxCommitmentsShown = 200;
    private static readonly string[] Fields = ["neighbourhoodCode", "pseudonym", "kind", "name", "contactEmail"];

    public AccountView Account { get; private set; } = null!;

    private Actor _actor = Actor.Anonymous;

    public IReadOnlyList<ActingFor> ActingFor { get; private set; } = [];

    public int UnreadNews { get; private set; }

    [BindProperty] public string? NeighbourhoodCode { get; set; }
    [BindProperty] public string? Pseudonym { get; set; }
    [BindProperty] public bool ShowNamePublicly { get; set; }
    [BindProperty] public ParticipantKind Kind { get; set; } = ParticipantKind.School;
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? ContactEmail { get; set; }

    public IEnumerable<Place> Neighbourhoods => PlaceCatalog.Leuven.Neighbourhoods.OrderBy(p => p.Name, StringComparer.CurrentCulture);

    public static IEnumerable<ParticipantKind> OrganisationKinds => Enum.GetValues<ParticipantKind>().Where(k => k != ParticipantKind.Resident);

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    /// <summary>Translation only: the form's fields become a <see cref="ResidentSignUp"/> for <see cref="AddResidentCommand"/>, as the API's JSON does.</summary>
    public async Task<IActionResult> OnPostResidentAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        return await RunAsync(() => addResident.RunAsync(_actor, new ResidentSignUp(NeighbourhoodCode ?? "", Pseudonym, ShowNamePublicly)), Fields);
    }

    /// <summary>
    /// Translation only, to <see cref="AddOrganisationCommand"/>. An empty contact field is "not given" (JSON leaves it
    /// out); what is given meets the API's rule as it is, untrimmed.
    /// </summary>
    public async Task<IActionResult> OnPostOrganisationAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        return await RunAsync(() => addOrganisation.RunAsync(_actor,
            new OrganisationSignUp(Kind, Name ?? "", NeighbourhoodCode ?? "", string.IsNullOrEmpty(ContactEmail) ? null : ContactEmail)), Fields);
    }

    /// <summary>The person's language as the form sends it (nl, fr, en).</summary>
    [BindProperty] public string? Language { get; set; }

    /// <summary>Translation only, to <see cref="SetLanguageCommand"/>; the session is renewed so the next page speaks the new language.</summary>
    public async Task<IActionResult> OnPostLanguageAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        return await RunAsync(async () =>
        {
            var account = await setLanguage.RunAsync(_actor, Language);
            await setLanguage.RefreshSessionAsync(HttpContext, _actor, account);
            return account;
        }, ["language"]);
    }

    [BindProperty] public string? MemberLoginName { get; set; }
    [BindProperty] public OrganisationRole MemberRole { get; set; } = OrganisationRole.Member;

    /// <summary>Translation only, to <see cref="SetMemberCommand"/> (its 403 and 404 as the site's pages, its 400 beside the form).</summary>
    public async Task<IActionResult> OnPostMemberAsync(string organisationId)
    {
        if (!await LoadAsync())
            return Challenge();
        return await RunAsync(async () => await setMember.RunAsync(await setMember.AuthoriseAsync(_actor, organisationId), MemberLoginName, MemberRole), ["loginName"]);
    }

    /// <summary>A command's answer as the page gives it: back to the page when done, the site's 403 or 404 page, or the form's errors.</summary>
    private async Task<IActionResult> RunAsync<T>(Func<Task<T>> command, IReadOnlyCollection<string> fields)
    {
        // A choice the form does not offer (a kind or role that is none) is refused, as the API refuses its JSON, not
        // replaced by the default.
        if (!ModelState.IsValid)
            return Page();
        try
        {
            await command();
            return RedirectToPage();
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
        catch (ApiProblemException problem)
        {
            PageSupport.AddErrors(ModelState, problem, fields);
            return Page();
        }
    }

    private async Task<bool> LoadAsync()
    {
        var actor = _actor = await access.ActorAsync(HttpContext);
        if (actor.Account is null)
            return false;
        Account = actor.Account;
        var acting = new List<ActingFor>();
        foreach (var participantId in actor.ParticipantIds)
        {
            var profile = await orleans.GetGrain<IParticipantGrain>(participantId).GetProfile();
            if (profile is null)
                continue;
            var views = await Task.WhenAll(profile.CommitmentIds.TakeLast(MaxCommitmentsShown).Select(id => orleans.GetGrain<ICommitmentGrain>(id).Get()));
            var role = actor.RoleFor(participantId) ?? OrganisationRole.Member;
            var members = role == OrganisationRole.Owner && profile.Kind != ParticipantKind.Resident
                ? await orleans.GetGrain<IOrganisationMembersGrain>(participantId).List()
                : [];
            acting.Add(new ActingFor(profile, role, [.. views.OfType<CommitmentView>().OrderByDescending(v => v.UpdatedAt)], members));
        }
        ActingFor = acting;
        UnreadNews = (await orleans.GetGrain<CivicContracting.Following.IFeedGrain>(Account.Id).GetStatus()).UnreadCount;
        return true;
    }
}
