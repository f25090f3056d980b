using CivicContracting.Accounts;
using CivicContracting.Web.Texts;

namespace CivicContracting.Web.Accounts;

/// <summary>What a caller may do for a participant (a person or an organisation) and its commitments.</summary>
public enum ParticipantRight
{
    /// <summary>Make or edit a draft commitment for the participant.</summary>
    Draft = 0,

    /// <summary>Confirm a commitment formally on the participant's behalf.</summary>
    Confirm = 1,

    /// <summary>Upgrade a confirmed commitment to a stronger level (confirmed in the same step).</summary>
    Upgrade = 2,

    /// <summary>Report progress on the participant's commitments.</summary>
    Report = 3,

    /// <summary>Withdraw one of the participant's commitments.</summary>
    Withdraw = 4,

    /// <summary>Close one of the participant's commitments as achieved or missed.</summary>
    Close = 5,

    /// <summary>Read the participant's name and contact data.</summary>
    ReadPrivate = 6,

    /// <summary>Add and remove members of an organisation, change their roles.</summary>
    ManageMembers = 7,

    /// <summary>Record a confirmation signed earlier (signedAt), e.g. on paper at a co-creation session.</summary>
    Backdate = 8,
}

/// <summary>
/// The authorisation matrix, in one place. A participant's own person and the owners of an organisation may do
/// everything for it (but backdate): committing formally on an organisation's behalf is its owners' power. Members may
/// draft, report progress and read the organisation's contact data. The support team (coaches) may draft, confirm on
/// behalf (with signedAt, for commitments signed on paper) and read contact data to help; moderators hide abusive content
/// and settle flags (<see cref="CanModerate"/>, in AccessRules.Moderation.cs) but act for no participant; administrators and
/// the operator token may do everything. An access token never exceeds its scopes.
/// </summary>
public static partial class AccessRules
{
    /// <summary>Why the bootstrap operator token may not act here, in the request's language.</summary>
    public static string BootstrapOnly => ApiText.AccessBootstrapOnly;

    /// <summary>The scope an access token needs for a right.</summary>
    public static string ScopeFor(ParticipantRight right) => right switch
    {
        ParticipantRight.Report => AccessTokenScopes.ProgressWrite,
        ParticipantRight.ReadPrivate => AccessTokenScopes.ReadPrivate,
        _ => AccessTokenScopes.CommitmentsWrite,
    };

    /// <summary>Null when allowed, else why not (for the 403 problem's detail).</summary>
    public static string? Check(Actor actor, string participantId, ParticipantRight right)
    {
        if (actor.IsOperator)
            return null;
        if (actor.Kind == ActorKind.BootstrapOperator)
            return BootstrapOnly;
        if (actor.Account is null)
            return ApiText.SignInFirst;
        if (!actor.HasScope(ScopeFor(right)))
            return ApiText.AccessTokenLacksScope(ScopeFor(right));
        if (actor.HasRole(PlatformRole.Administrator))
            return null;

        var role = actor.RoleFor(participantId);
        var allowed = right switch
        {
            ParticipantRight.Backdate => actor.HasRole(PlatformRole.Coach),
            ParticipantRight.Draft or ParticipantRight.ReadPrivate => role is not null || actor.HasRole(PlatformRole.Coach),
            ParticipantRight.Confirm => role == OrganisationRole.Owner || actor.HasRole(PlatformRole.Coach),
            ParticipantRight.Report => role is not null,
            _ => role == OrganisationRole.Owner,
        };
        if (allowed)
            return null;
        return right == ParticipantRight.Backdate ? ApiText.AccessBackdateSupportTeamOnly
            : role == OrganisationRole.Member ? OwnersOnly(right, participantId)
            : NotActingFor(right, participantId);
    }

    // One whole sentence per case (no sentence built from fragments), so that each language can word it its own way.
    private static string NotActingFor(ParticipantRight right, string participantId) => right switch
    {
        ParticipantRight.Draft => ApiText.AccessNotActingForDraft(participantId),
        ParticipantRight.Confirm => ApiText.AccessNotActingForConfirm(participantId),
        ParticipantRight.Upgrade => ApiText.AccessNotActingForUpgrade(participantId),
        ParticipantRight.Report => ApiText.AccessNotActingForReport(participantId),
        ParticipantRight.Withdraw => ApiText.AccessNotActingForWithdraw(participantId),
        ParticipantRight.Close => ApiText.AccessNotActingForClose(participantId),
        ParticipantRight.ReadPrivate => ApiText.AccessNotActingForReadPrivate(participantId),
        _ => ApiText.AccessNotActingForManageMembers(participantId),
    };

    // A member is refused only the rights that are the owners' (members may draft, report and read contact data).
    private static string OwnersOnly(ParticipantRight right, string participantId) => right switch
    {
        ParticipantRight.Confirm => ApiText.AccessOwnersOnlyConfirm(participantId),
        ParticipantRight.Upgrade => ApiText.AccessOwnersOnlyUpgrade(participantId),
        ParticipantRight.Withdraw => ApiText.AccessOwnersOnlyWithdraw(participantId),
        ParticipantRight.Close => ApiText.AccessOwnersOnlyClose(participantId),
        _ => ApiText.AccessOwnersOnlyManageMembers(participantId),
    };
}
