using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Problems;
using CivicContracting.Web.ReadModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages.Commitments;

/// <summary>
/// The guided flow's last step: the exact text, and the formal confirmation. The person ticks that they commit on behalf
/// of themselves or their organisation; the confirmation (who, for whom, when, the text's SHA-256) is recorded and shown
/// publicly. A draft stays here, readable by those who act for its participant, until it is confirmed.
/// </summary>
[Authorize(Policy = Security.AccessPolicies.SignedInPolicy)]
public sealed class ConfirmModel(Access access, IClusterClient orleans, CommitmentViews views, ConfirmCommitmentCommand command, IStringLocalizer<SiteText> text) : PageModel
{
    /// <summary>Why the confirmation was refused, said above the form (a spent write budget).</summary>
    public string? Refusal { get; private set; }

    public CommitmentView Commitment { get; private set; } = null!;

    public ParticipantProfile Participant { get; private set; } = null!;

    public bool OnBehalfOfOrganisation { get; private set; }

    public string Text { get; private set; } = "";

    public string TextHash { get; private set; } = "";

    /// <summary>The language of the text shown: the page's, or on a post the one the text was read in.</summary>
    public string TextLanguage { get; private set; } = CommitmentText.DefaultLanguage;

    [BindProperty] public bool Commit { get; set; }

    [BindProperty] public string? ConfirmedHash { get; set; }

    /// <summary>The language of the text that was read (the page's when it was shown), so that a language switched since still confirms what was read.</summary>
    [BindProperty] public string? ConfirmedLanguage { get; set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var refusal = await LoadAsync(id);
        if (refusal is not null)
            return refusal;
        return Commitment.Status == CommitmentStatus.Draft ? Page() : LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}");
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        var refusal = await LoadAsync(id, CommitmentText.Language(ConfirmedLanguage));
        if (refusal is not null)
            return refusal;
        if (!Commit)
        {
            ModelState.AddModelError(nameof(Commit), "");
            return Page();
        }
        // The text may have changed since the page was shown (another owner edited the draft): confirm only what was read.
        if (!string.Equals(ConfirmedHash, TextHash, StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError("", "");
            return Page();
        }
        // Members may read and prepare a draft here; confirming it takes the right to confirm (its owners), checked by the command.
        ConfirmCommitmentCommand.Permit permit;
        try
        {
            permit = await command.AuthoriseAsync(await access.ActorAsync(HttpContext), id);
        }
        catch (ApiProblemException problem) when (PageSupport.IsAccessRefusal(problem))
        {
            return Forbid();
        }
        try
        {
            views.Remember(await command.RunAsync(permit, new ConfirmationInput(TextHash, Language: TextLanguage)));
        }
        catch (ApiProblemException problem) when (PageSupport.IsWriteBudget(problem))
        {
            Refusal = PageSupport.WriteBudgetMessage(text, problem);
            ModelState.AddModelError("", Refusal);
            return Page();
        }
        catch (InputRejectedException rejected)
        {
            PageSupport.AddErrors(ModelState, rejected, []);
            return Page();
        }
        catch (StateConflictException)
        {
            ModelState.AddModelError("", text["Flow.StateChanged"]);
            return Page();
        }
        return LocalRedirect($"/commitments/{Uri.EscapeDataString(id)}?confirmed=1");
    }

    private async Task<IActionResult?> LoadAsync(string id, string? language = null)
    {
        var view = ApiIds.IsWellFormed(id) ? await orleans.GetGrain<ICommitmentGrain>(id).Get() : null;
        if (view is null)
            return NotFound();
        var actor = await access.ActorAsync(HttpContext);
        if (AccessRules.Check(actor, view.ParticipantId, ParticipantRight.Draft) is not null)
            return Forbid();
        Commitment = view;
        Participant = await orleans.GetGrain<IParticipantGrain>(view.ParticipantId).GetProfile() ?? throw new InvalidOperationException("A commitment's participant exists.");
        OnBehalfOfOrganisation = Participant.Kind != ParticipantKind.Resident;
        CanConfirm = AccessRules.Check(actor, view.ParticipantId, ParticipantRight.Confirm) is null;
        TextLanguage = language ?? Confirmations.RequestLanguage;
        Text = CommitmentText.Render(view.Terms, TextLanguage);
        TextHash = CommitmentText.Hash(view.Terms, TextLanguage);
        return null;
    }

    /// <summary>Members may prepare an organisation's draft; only its owners commit it formally.</summary>
    public bool CanConfirm { get; private set; }
}
