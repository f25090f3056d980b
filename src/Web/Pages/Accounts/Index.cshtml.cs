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
public sealed class IndexModel(Access access, AccountService accounts, IClusterClient orleans) : PageModel
{
    private const int MaxCommitmentsShown = 200;
    private static readonly string[] Fields = ["neighbourhoodCode", "pseudonym", "kind", "name", "contactEmail"];

    public AccountView Account { get; private set; } = null!;

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

    public async Task<IActionResult> OnPostResidentAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        try
        {
            await accounts.AddResidentAsync(Account, new ResidentSignUp(NeighbourhoodCode ?? "", Pseudonym, ShowNamePublicly));
            return RedirectToPage();
        }
        catch (ApiProblemException problem)
        {
            PageSupport.AddErrors(ModelState, problem, Fields);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostOrganisationAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        try
        {
            await accounts.AddOrganisationAsync(Account, new OrganisationSignUp(Kind, Name ?? "", NeighbourhoodCode ?? "", string.IsNullOrWhiteSpace(ContactEmail) ? null : ContactEmail.Trim()));
            return RedirectToPage();
        }
        catch (ApiProblemException problem)
        {
            PageSupport.AddErrors(ModelState, problem, Fields);
            return Page();
        }
    }

    [BindProperty] public string? MemberLoginName { get; set; }
    [BindProperty] public OrganisationRole MemberRole { get; set; } = OrganisationRole.Member;

    public async Task<IActionResult> OnPostMemberAsync(string organisationId)
    {
        if (!await LoadAsync())
            return Challenge();
        if (AccessRules.Check(await access.ActorAsync(HttpContext), organisationId, ParticipantRight.ManageMembers) is not null)
            return Forbid();
        try
        {
            await accounts.SetMemberAsync(organisationId, MemberLoginName, MemberRole);
            return RedirectToPage();
        }
        catch (ApiProblemException problem)
        {
            PageSupport.AddErrors(ModelState, problem, ["loginName"]);
            return Page();
        }
    }

    private async Task<bool> LoadAsync()
    {
        var actor = await access.ActorAsync(HttpContext);
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
