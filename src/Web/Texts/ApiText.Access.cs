namespace CivicContracting.Web.Texts;

/// <summary>The web tier's refusals (403), rate limits and write budgets (429) as whole sentences, one member per case, in the request's UI culture.</summary>
public static partial class ApiText
{
    /// <summary>Forbidden</summary>
    public static string TitleForbidden => Get(nameof(TitleForbidden));

    /// <summary>Nothing was changed.</summary>
    public static string NothingChanged => Get(nameof(NothingChanged));

    /// <summary>The operator token only sets the platform up here (Api:OperatorTokenScope=Bootstrap: roles, goals); act for participants with a personal access token or a session.</summary>
    public static string AccessBootstrapOnly => Get(nameof(AccessBootstrapOnly));

    /// <summary>This access token lacks the scope '{0}' that this needs.</summary>
    public static string AccessTokenLacksScope(string scope) => Format(nameof(AccessTokenLacksScope), scope);

    /// <summary>You do not act for participant '{0}', so you may not make or edit its commitments.</summary>
    public static string AccessNotActingForDraft(string participantId) => Format(nameof(AccessNotActingForDraft), participantId);

    /// <summary>You do not act for participant '{0}', so you may not confirm its commitments.</summary>
    public static string AccessNotActingForConfirm(string participantId) => Format(nameof(AccessNotActingForConfirm), participantId);

    /// <summary>Only owners of participant '{0}' may confirm its commitments; you are a member.</summary>
    public static string AccessOwnersOnlyConfirm(string participantId) => Format(nameof(AccessOwnersOnlyConfirm), participantId);

    /// <summary>You do not act for participant '{0}', so you may not upgrade its commitments.</summary>
    public static string AccessNotActingForUpgrade(string participantId) => Format(nameof(AccessNotActingForUpgrade), participantId);

    /// <summary>Only owners of participant '{0}' may upgrade its commitments; you are a member.</summary>
    public static string AccessOwnersOnlyUpgrade(string participantId) => Format(nameof(AccessOwnersOnlyUpgrade), participantId);

    /// <summary>You do not act for participant '{0}', so you may not report progress on its commitments.</summary>
    public static string AccessNotActingForReport(string participantId) => Format(nameof(AccessNotActingForReport), participantId);

    /// <summary>You do not act for participant '{0}', so you may not withdraw its commitments.</summary>
    public static string AccessNotActingForWithdraw(string participantId) => Format(nameof(AccessNotActingForWithdraw), participantId);

    /// <summary>Only owners of participant '{0}' may withdraw its commitments; you are a member.</summary>
    public static string AccessOwnersOnlyWithdraw(string participantId) => Format(nameof(AccessOwnersOnlyWithdraw), participantId);

    /// <summary>You do not act for participant '{0}', so you may not close its commitments.</summary>
    public static string AccessNotActingForClose(string participantId) => Format(nameof(AccessNotActingForClose), participantId);

    /// <summary>Only owners of participant '{0}' may close its commitments; you are a member.</summary>
    public static string AccessOwnersOnlyClose(string participantId) => Format(nameof(AccessOwnersOnlyClose), participantId);

    /// <summary>You do not act for participant '{0}', so you may not read its contact data.</summary>
    public static string AccessNotActingForReadPrivate(string participantId) => Format(nameof(AccessNotActingForReadPrivate), participantId);

    /// <summary>You do not act for participant '{0}', so you may not manage its members.</summary>
    public static string AccessNotActingForManageMembers(string participantId) => Format(nameof(AccessNotActingForManageMembers), participantId);

    /// <summary>Only owners of participant '{0}' may manage its members; you are a member.</summary>
    public static string AccessOwnersOnlyManageMembers(string participantId) => Format(nameof(AccessOwnersOnlyManageMembers), participantId);

    /// <summary>Only the support team (coaches) records a confirmation signed earlier (signedAt).</summary>
    public static string AccessBackdateSupportTeamOnly => Get(nameof(AccessBackdateSupportTeamOnly));

    /// <summary>Only the support team (coaches) and administrators verify result claims.</summary>
    public static string AccessVerifySupportTeamOnly => Get(nameof(AccessVerifySupportTeamOnly));

    /// <summary>You do not act for participant '{0}', so you may not confirm a claim on its behalf.</summary>
    public static string AccessPeerNotActingFor(string participantId) => Format(nameof(AccessPeerNotActingFor), participantId);

    /// <summary>Only coaches (the support team) and administrators may nudge an owner for a report.</summary>
    public static string AccessCoachesOnlyNudge => Get(nameof(AccessCoachesOnlyNudge));

    /// <summary>Only coaches (the support team) and administrators may set a coach's profile.</summary>
    public static string AccessCoachesOnlySetProfile => Get(nameof(AccessCoachesOnlySetProfile));

    /// <summary>Only coaches (the support team) and administrators may assign a participant's coach.</summary>
    public static string AccessCoachesOnlyAssign => Get(nameof(AccessCoachesOnlyAssign));

    /// <summary>Only coaches (the support team) and administrators may end a participant's coaching.</summary>
    public static string AccessCoachesOnlyEnd => Get(nameof(AccessCoachesOnlyEnd));

    /// <summary>Only the support team (coaches, moderators) and administrators may read the support team's notes.</summary>
    public static string AccessSupportTeamOnlyReadNotes => Get(nameof(AccessSupportTeamOnlyReadNotes));

    /// <summary>Only the support team (coaches, moderators) and administrators may write the support team's notes.</summary>
    public static string AccessSupportTeamOnlyWriteNotes => Get(nameof(AccessSupportTeamOnlyWriteNotes));

    /// <summary>Only the support team (coaches, moderators) and administrators may read the list of coaches.</summary>
    public static string AccessSupportTeamOnlyReadCoaches => Get(nameof(AccessSupportTeamOnlyReadCoaches));

    /// <summary>Only the support team (coaches, moderators) and administrators may read a coach's profile.</summary>
    public static string AccessSupportTeamOnlyReadCoachProfile => Get(nameof(AccessSupportTeamOnlyReadCoachProfile));

    /// <summary>Only the support team (coaches, moderators) and administrators may read who coaches a participant.</summary>
    public static string AccessSupportTeamOnlyReadAssignment => Get(nameof(AccessSupportTeamOnlyReadAssignment));

    /// <summary>Only the support team (coaches, moderators) and administrators may read coach suggestions.</summary>
    public static string AccessSupportTeamOnlyReadSuggestions => Get(nameof(AccessSupportTeamOnlyReadSuggestions));

    /// <summary>A coach sets only their own profile; administrators set anyone's.</summary>
    public static string AccessCoachProfileOwnOnly => Get(nameof(AccessCoachProfileOwnOnly));

    /// <summary>This is about a person's own account; the operator token has none.</summary>
    public static string AccessOwnAccountOnly => Get(nameof(AccessOwnAccountOnly));

    /// <summary>This needs a signed-in session; an access token may not do it.</summary>
    public static string AccessSessionOnly => Get(nameof(AccessSessionOnly));

    /// <summary>Only administrators (in a signed-in session) and the operator token may do this. Nothing was changed.</summary>
    public static string AccessAdministratorsOnly => Get(nameof(AccessAdministratorsOnly));

    /// <summary>Only coaches (the support team) and administrators mark help as given. Nothing was changed.</summary>
    public static string AccessHelpGivenCoachesOnly => Get(nameof(AccessHelpGivenCoachesOnly));

    /// <summary>Only moderators and administrators read the flags.</summary>
    public static string AccessReadFlagsModeratorsOnly => Get(nameof(AccessReadFlagsModeratorsOnly));

    /// <summary>Only moderators and administrators hide content and settle flags. Nothing was changed.</summary>
    public static string AccessModerateModeratorsOnly => Get(nameof(AccessModerateModeratorsOnly));

    /// <summary>This access token lacks the scope '{0}' that moderation needs. Nothing was changed.</summary>
    public static string AccessModerateLacksScope(string scope) => Format(nameof(AccessModerateLacksScope), scope);

    /// <summary>Flags come from a person's account; the operator token has none. Nothing was stored.</summary>
    public static string AccessFlagNeedsAccount => Get(nameof(AccessFlagNeedsAccount));

    /// <summary>This access token lacks the scope '{0}' that flagging needs. Nothing was stored.</summary>
    public static string AccessFlagLacksScope(string scope) => Format(nameof(AccessFlagLacksScope), scope);

    /// <summary>Only the support team and administrators offer template commitments. Nothing was stored.</summary>
    public static string AccessTemplatesSupportTeamOnly => Get(nameof(AccessTemplatesSupportTeamOnly));

    /// <summary>This access token lacks the scope '{0}'. Nothing was changed.</summary>
    public static string AccessRegisterLacksScope(string scope) => Format(nameof(AccessRegisterLacksScope), scope);

    /// <summary>A person registers their own resident participant with POST /api/me/participant; only the support team registers residents on their behalf. Nothing was changed.</summary>
    public static string AccessResidentRegistersSelf => Get(nameof(AccessResidentRegistersSelf));

    /// <summary>Only the support team (coaches) and administrators record co-creation sessions. Nothing was changed.</summary>
    public static string AccessSessionsSupportTeamOnly => Get(nameof(AccessSessionsSupportTeamOnly));

    /// <summary>This access token lacks the scope '{0}' that recording a co-creation session needs. Nothing was changed.</summary>
    public static string AccessSessionsLacksScope(string scope) => Format(nameof(AccessSessionsLacksScope), scope);

    /// <summary>Only coaches (the support team) and administrators read the coach queue.</summary>
    public static string AccessCoachQueueOnly => Get(nameof(AccessCoachQueueOnly));

    /// <summary>Too many sign-up attempts from this address (bursts of {0}, then {1} a minute; RateLimits:SignUpBurst, RateLimits:SignUpAttemptsPerMinute).</summary>
    public static string RateLimitSignUp(int burst, int perMinute) => Format(nameof(RateLimitSignUp), burst, perMinute);

    /// <summary>Too many sign-in attempts from this address (bursts of {0}, then {1} a minute; RateLimits:SignInBurst, RateLimits:SignInAttemptsPerMinute).</summary>
    public static string RateLimitSignIn(int burst, int perMinute) => Format(nameof(RateLimitSignIn), burst, perMinute);

    /// <summary>Too many writes with this token (at most {0} a minute, bursts of {1}; RateLimits:WritesPerMinute, RateLimits:WriteBurst).</summary>
    public static string RateLimitTokenWrites(int perMinute, int burst) => Format(nameof(RateLimitTokenWrites), perMinute, burst);

    /// <summary>Too many writes without a valid token from this address (at most {0} a minute, RateLimits:AnonymousWritesPerMinute).</summary>
    public static string RateLimitAnonymousWrites(int perMinute) => Format(nameof(RateLimitAnonymousWrites), perMinute);

    /// <summary>Wait {0} s (Retry-After) and send it again; the request was not applied.</summary>
    public static string RateLimitWait(int seconds) => Format(nameof(RateLimitWait), seconds);

    /// <summary>This account has sent its {0} drafts of the hour (WriteBudgets:DraftsPerHour). Wait {1} s (Retry-After) and send it again; nothing was stored.</summary>
    public static string WriteBudgetSpentDrafts(int perHour, int seconds) => Format(nameof(WriteBudgetSpentDrafts), perHour, seconds);

    /// <summary>This account has sent its {0} confirmations of the hour (WriteBudgets:ConfirmationsPerHour). Wait {1} s (Retry-After) and send it again; nothing was stored.</summary>
    public static string WriteBudgetSpentConfirmations(int perHour, int seconds) => Format(nameof(WriteBudgetSpentConfirmations), perHour, seconds);

    /// <summary>This account has sent its {0} progress reports of the hour (WriteBudgets:ProgressReportsPerHour). Wait {1} s (Retry-After) and send it again; nothing was stored.</summary>
    public static string WriteBudgetSpentReports(int perHour, int seconds) => Format(nameof(WriteBudgetSpentReports), perHour, seconds);
}
