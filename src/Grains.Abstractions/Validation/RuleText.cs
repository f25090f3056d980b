using System.Globalization;
using System.Resources;

namespace CivicContracting.Validation;

/// <summary>
/// The messages of the input rules (<see cref="InputRules"/> and the rules beside each feature's types), one member per
/// message. A message is looked up when the error is made, in <see cref="CultureInfo.CurrentUICulture"/>: the web host
/// sets that per request (nl-BE on the site's pages, the Accept-Language on the API), so the same rule answers in the
/// person's language; grains run in the invariant culture and answer in the neutral English.
/// </summary>
public static class RuleText
{
    /// <summary>The texts: RuleText.resx (neutral, English), RuleText.nl.resx and RuleText.fr.resx.</summary>
    public static readonly ResourceManager Resources = new("CivicContracting.Validation.RuleText", typeof(RuleText).Assembly);

    /// <summary>Must not contain control characters (such as NUL, BEL or escape sequences) or bidirectional overrides (U+202A to U+202E, U+2066 to U+2069).</summary>
    public static string UncleanText => Get(nameof(UncleanText));

    /// <summary>Must be one line: no line breaks or tabs.</summary>
    public static string MultiLine => Get(nameof(MultiLine));

    /// <summary>Required, and not blank.</summary>
    public static string RequiredNotBlank => Get(nameof(RequiredNotBlank));

    /// <summary>At most {0} characters (got {1}).</summary>
    public static string AtMostCharacters(int max, int length) => Format(nameof(AtMostCharacters), max, length);

    /// <summary>Required.</summary>
    public static string Required => Get(nameof(Required));

    /// <summary>Ids are 1 to {0} characters: letters, digits, '-', '_' or '.'.</summary>
    public static string IdFormat(int max) => Format(nameof(IdFormat), max);

    /// <summary>'{0}' is not a known neighbourhood code (24062W01 to 24062W24).</summary>
    public static string UnknownNeighbourhoodCode(string? code) => Format(nameof(UnknownNeighbourhoodCode), code);

    /// <summary>'{0}' is not a known {1} code.</summary>
    public static string UnknownPlaceCode(string code, string level) => Format(nameof(UnknownPlaceCode), code, level);

    /// <summary>'{0}' is not a language of the platform: use nl, fr or en.</summary>
    public static string UnknownContentLanguage(string? code) => Format(nameof(UnknownContentLanguage), code);

    /// <summary>Only a template is written in several languages; a commitment is in the language its author wrote.</summary>
    public static string TranslationsOnlyOnTemplates => Get(nameof(TranslationsOnlyOnTemplates));

    /// <summary>The original text is in '{0}': it stays in its own field, a translation is into another language.</summary>
    public static string OriginalNotATranslation(string code) => Format(nameof(OriginalNotATranslation), code);

    /// <summary>neighbourhood</summary>
    public static string PlaceLevelNeighbourhood => Get(nameof(PlaceLevelNeighbourhood));

    /// <summary>district</summary>
    public static string PlaceLevelDistrict => Get(nameof(PlaceLevelDistrict));

    /// <summary>city</summary>
    public static string PlaceLevelCity => Get(nameof(PlaceLevelCity));

    /// <summary>Write the code as '{0}' (capital letters): codes are stored and compared exactly as the city writes them.</summary>
    public static string WriteCodeAs(string code) => Format(nameof(WriteCodeAs), code);

    /// <summary>'{0}' is not one of: {1}.</summary>
    public static string NotOneOf(string? value, string allowed) => Format(nameof(NotOneOf), value, allowed);

    /// <summary>Must be an absolute http(s) link.</summary>
    public static string AbsoluteHttpLink => Get(nameof(AbsoluteHttpLink));

    /// <summary>Must be a finite number.</summary>
    public static string FiniteNumber => Get(nameof(FiniteNumber));

    /// <summary>Must differ from the baseline, or there is nothing to measure.</summary>
    public static string TargetEqualsBaseline => Get(nameof(TargetEqualsBaseline));

    /// <summary>A deadline is required.</summary>
    public static string DeadlineRequired => Get(nameof(DeadlineRequired));

    /// <summary>Must be on or after 1 January 2000.</summary>
    public static string OnOrAfter2000 => Get(nameof(OnOrAfter2000));

    /// <summary>Must be an e-mail address.</summary>
    public static string EmailAddress => Get(nameof(EmailAddress));

    /// <summary>A participant registration is required.</summary>
    public static string RegistrationRequired => Get(nameof(RegistrationRequired));

    /// <summary>A goal definition is required.</summary>
    public static string GoalRequired => Get(nameof(GoalRequired));

    /// <summary>A goal revision is required.</summary>
    public static string GoalRevisionRequired => Get(nameof(GoalRevisionRequired));

    /// <summary>A scope is required.</summary>
    public static string ScopeRequired => Get(nameof(ScopeRequired));

    /// <summary>Name at least one place for a district or neighbourhood scope.</summary>
    public static string ScopePlaceRequired => Get(nameof(ScopePlaceRequired));

    /// <summary>A commitment cannot be signed in the future; give the date and time it was signed, or leave it out for now.</summary>
    public static string SignedInFuture => Get(nameof(SignedInFuture));

    /// <summary>A commitment is required.</summary>
    public static string CommitmentRequired => Get(nameof(CommitmentRequired));

    /// <summary>A commitment contributes to at least one goal.</summary>
    public static string AtLeastOneGoal => Get(nameof(AtLeastOneGoal));

    /// <summary>A commitment contributes to at most {0} goals.</summary>
    public static string AtMostGoalsPerCommitment(int max) => Format(nameof(AtMostGoalsPerCommitment), max);

    /// <summary>Must not be null.</summary>
    public static string NotNull => Get(nameof(NotNull));

    /// <summary>Must be a number above 0 and at most {0}.</summary>
    public static string WeightRange(double max) => Format(nameof(WeightRange), max);

    /// <summary>Each goal may be named once.</summary>
    public static string GoalNamedOnce => Get(nameof(GoalNamedOnce));

    /// <summary>Must be {0} to {1} days, or left out for the platform's default.</summary>
    public static string ReportingIntervalRange(int minDays, int maxDays) => Format(nameof(ReportingIntervalRange), minDays, maxDays);

    /// <summary>Terms are required.</summary>
    public static string TermsRequired => Get(nameof(TermsRequired));

    /// <summary>A pledge has no target; make it a result commitment instead.</summary>
    public static string PledgeHasNoTarget => Get(nameof(PledgeHasNoTarget));

    /// <summary>A pledge has no actions; make it an action commitment instead.</summary>
    public static string PledgeHasNoActions => Get(nameof(PledgeHasNoActions));

    /// <summary>An action commitment lists at least one action with a due date.</summary>
    public static string ActionNeedsActions => Get(nameof(ActionNeedsActions));

    /// <summary>An action commitment has no target; make it a result commitment instead.</summary>
    public static string ActionHasNoTarget => Get(nameof(ActionHasNoTarget));

    /// <summary>A result commitment needs a target: metric, unit, baseline, target value and deadline.</summary>
    public static string ResultNeedsTarget => Get(nameof(ResultNeedsTarget));

    /// <summary>At most {0} actions.</summary>
    public static string AtMostActions(int max) => Format(nameof(AtMostActions), max);

    /// <summary>A due date is required.</summary>
    public static string DueDateRequired => Get(nameof(DueDateRequired));

    /// <summary>Action ids must be unique.</summary>
    public static string ActionIdsUnique => Get(nameof(ActionIdsUnique));

    /// <summary>A progress report is required.</summary>
    public static string ReportRequired => Get(nameof(ReportRequired));

    /// <summary>A report date is required.</summary>
    public static string ReportDateRequired => Get(nameof(ReportDateRequired));

    /// <summary>Lies in the future; report what was measured or done, when it was.</summary>
    public static string ReportInFuture => Get(nameof(ReportInFuture));

    /// <summary>A report carries a value, a completed action or at least a note.</summary>
    public static string ReportNeedsContent => Get(nameof(ReportNeedsContent));

    /// <summary>Must be an absolute http(s) link or the url of uploaded evidence ({0}).</summary>
    public static string EvidenceUrl(string evidencePath) => Format(nameof(EvidenceUrl), evidencePath);

    /// <summary>A pledge commitment has no measured value; report a completed action or a note.</summary>
    public static string PledgeHasNoMeasuredValue => Get(nameof(PledgeHasNoMeasuredValue));

    /// <summary>An action commitment has no measured value; report a completed action or a note.</summary>
    public static string ActionHasNoMeasuredValue => Get(nameof(ActionHasNoMeasuredValue));

    /// <summary>'{0}' is not one of this commitment's actions.</summary>
    public static string NotOneOfActions(string id) => Format(nameof(NotOneOfActions), id);

    /// <summary>A commitment cannot be a copy of itself.</summary>
    public static string CopyOfItself => Get(nameof(CopyOfItself));

    /// <summary>A copy of a template cannot itself be a template.</summary>
    public static string CopyCannotBeTemplate => Get(nameof(CopyCannotBeTemplate));

    /// <summary>A template carries no condition; each copy may have its own.</summary>
    public static string TemplateHasNoCondition => Get(nameof(TemplateHasNoCondition));

    /// <summary>Must not lie in the past: a new commitment's deadline is today or later.</summary>
    public static string DeadlineNotPast => Get(nameof(DeadlineNotPast));

    /// <summary>A condition is required.</summary>
    public static string ConditionRequired => Get(nameof(ConditionRequired));

    /// <summary>The deadline must lie in the future.</summary>
    public static string DeadlineInFuture => Get(nameof(DeadlineInFuture));

    /// <summary>The deadline may lie at most {0} days ahead.</summary>
    public static string DeadlineAtMostDaysAhead(int days) => Format(nameof(DeadlineAtMostDaysAhead), days);

    /// <summary>Say how many others in the neighbourhood must join: 1 to {0}.</summary>
    public static string RequiredCoSignersRange(int max) => Format(nameof(RequiredCoSignersRange), max);

    /// <summary>Only a reciprocal condition names a commitment.</summary>
    public static string OnlyReciprocalNamesCommitment => Get(nameof(OnlyReciprocalNamesCommitment));

    /// <summary>A commitment cannot depend on itself.</summary>
    public static string CannotDependOnItself => Get(nameof(CannotDependOnItself));

    /// <summary>Only a neighbourhood-threshold condition counts co-signers.</summary>
    public static string OnlyThresholdCountsCoSigners => Get(nameof(OnlyThresholdCountsCoSigners));

    /// <summary>A take-up is required.</summary>
    public static string TakeUpRequired => Get(nameof(TakeUpRequired));

    /// <summary>An account registration is required.</summary>
    public static string AccountRegistrationRequired => Get(nameof(AccountRegistrationRequired));

    /// <summary>Give exactly one of a local login (login name and password hash) and an external login (issuer and subject).</summary>
    public static string OneLoginKind => Get(nameof(OneLoginKind));

    /// <summary>Must be the absolute http(s) URL of the OpenID Connect issuer.</summary>
    public static string IssuerUrl => Get(nameof(IssuerUrl));

    /// <summary>1 to {0} characters, without control characters.</summary>
    public static string SubjectLength(int max) => Format(nameof(SubjectLength), max);

    /// <summary>A password hash of 1 to {0} characters without spaces is required.</summary>
    public static string PasswordHashRequired(int max) => Format(nameof(PasswordHashRequired), max);

    /// <summary>An access token request is required.</summary>
    public static string AccessTokenRequestRequired => Get(nameof(AccessTokenRequestRequired));

    /// <summary>Must be the SHA-256 of the secret: 64 hexadecimal characters.</summary>
    public static string SecretHash => Get(nameof(SecretHash));

    /// <summary>Must lie in the future.</summary>
    public static string MustLieInFuture => Get(nameof(MustLieInFuture));

    /// <summary>A token lives at most {0} days.</summary>
    public static string TokenLifetime(int days) => Format(nameof(TokenLifetime), days);

    /// <summary>A token is required.</summary>
    public static string TokenRequired => Get(nameof(TokenRequired));

    /// <summary>An expiry is required.</summary>
    public static string ExpiryRequired => Get(nameof(ExpiryRequired));

    /// <summary>Give at least one scope: {0}.</summary>
    public static string AtLeastOneScope(string scopes) => Format(nameof(AtLeastOneScope), scopes);

    /// <summary>Each scope may be named once.</summary>
    public static string ScopeNamedOnce => Get(nameof(ScopeNamedOnce));

    /// <summary>{0} to {1} characters (an e-mail address works well).</summary>
    public static string LoginNameLength(int min, int max) => Format(nameof(LoginNameLength), min, max);

    /// <summary>Must not contain spaces or control characters.</summary>
    public static string LoginNameSpaces => Get(nameof(LoginNameSpaces));

    /// <summary>Must not contain invisible characters (zero-width, format or filler characters).</summary>
    public static string LoginNameInvisible => Get(nameof(LoginNameInvisible));

    /// <summary>Each part (between @ and dots) must use the letters of one script (Latin, Cyrillic, Greek, …), so it cannot imitate another name.</summary>
    public static string LoginNameMixedScripts => Get(nameof(LoginNameMixedScripts));

    /// <summary>Not a valid login name.</summary>
    public static string LoginNameInvalid => Get(nameof(LoginNameInvalid));

    /// <summary>{0} to {1} characters; a sentence of a few words is easy to remember and hard to guess.</summary>
    public static string PasswordLength(int min, int max) => Format(nameof(PasswordLength), min, max);

    /// <summary>Must differ from the login name.</summary>
    public static string PasswordSameAsLogin => Get(nameof(PasswordSameAsLogin));

    /// <summary>Use at least {0} different characters.</summary>
    public static string PasswordDistinct(int min) => Format(nameof(PasswordDistinct), min);

    /// <summary>This is one of the most common passwords, which are guessed first; choose another.</summary>
    public static string PasswordCommon => Get(nameof(PasswordCommon));

    /// <summary>Not a valid password.</summary>
    public static string PasswordInvalid => Get(nameof(PasswordInvalid));

    /// <summary>An event is required.</summary>
    public static string EventRequired => Get(nameof(EventRequired));

    /// <summary>1 to {0} characters: letters, digits, '-', '_', '.' or ':'.</summary>
    public static string EventIdFormat(int max) => Format(nameof(EventIdFormat), max);

    /// <summary>When it happened is required.</summary>
    public static string OccurredAtRequired => Get(nameof(OccurredAtRequired));

    /// <summary>A cursor is the sequence of a feed item: 1 or more.</summary>
    public static string CursorMin => Get(nameof(CursorMin));

    /// <summary>1 to {0} items.</summary>
    public static string PageLimit(int max) => Format(nameof(PageLimit), max);

    /// <summary>A feed item's sequence: 0 or more.</summary>
    public static string ReadMarkMin => Get(nameof(ReadMarkMin));

    /// <summary>An e-mail address is required to turn e-mail notifications on.</summary>
    public static string EmailRequiredForNotifications => Get(nameof(EmailRequiredForNotifications));

    /// <summary>Must be an e-mail address (name@domain, without spaces).</summary>
    public static string EmailAddressPlain => Get(nameof(EmailAddressPlain));

    /// <summary>A topic is required.</summary>
    public static string TopicRequired => Get(nameof(TopicRequired));

    /// <summary>A co-creation session is required.</summary>
    public static string SessionRequired => Get(nameof(SessionRequired));

    /// <summary>The date and time the session started are required.</summary>
    public static string SessionStartRequired => Get(nameof(SessionStartRequired));

    /// <summary>A session may be recorded at most {0} days ahead.</summary>
    public static string SessionDaysAhead(int days) => Format(nameof(SessionDaysAhead), days);

    /// <summary>Name at least one goal the session worked on.</summary>
    public static string SessionGoalsRequired => Get(nameof(SessionGoalsRequired));

    /// <summary>At most {0} goals.</summary>
    public static string AtMostGoals(int max) => Format(nameof(AtMostGoals), max);

    /// <summary>Attendance counts by participant kind are required (an empty object if nobody was counted).</summary>
    public static string AttendanceRequired => Get(nameof(AttendanceRequired));

    /// <summary>Must be a whole number from 0 to {0}.</summary>
    public static string AttendanceRange(int max) => Format(nameof(AttendanceRange), max);

    /// <summary>At least {0} characters.</summary>
    public static string AtLeastCharacters(int min) => Format(nameof(AtLeastCharacters), min);

    /// <summary>Name the report (its reportId) to moderate a report.</summary>
    public static string ModerationReportIdRequired => Get(nameof(ModerationReportIdRequired));

    /// <summary>Only a report target names a report; leave reportId out for the text.</summary>
    public static string ModerationReportIdOnlyForReport => Get(nameof(ModerationReportIdOnlyForReport));

    /// <summary>Conditional commitments are not imported: make them through the API (POST /api/commitments).</summary>
    public static string ImportNoConditions => Get(nameof(ImportNoConditions));

    /// <summary>Templates and their copies are not imported: make them through the API.</summary>
    public static string ImportNoTemplates => Get(nameof(ImportNoTemplates));

    /// <summary>Links to co-creation sessions are not imported: make such commitments through the API.</summary>
    public static string ImportNoSessions => Get(nameof(ImportNoSessions));

    /// <summary>Required: when the commitment was signed (ISO 8601 date and time).</summary>
    public static string ImportSignedAtRequired => Get(nameof(ImportSignedAtRequired));

    /// <summary>Does not match the SHA-256 of the terms' text; leave it out to have it computed.</summary>
    public static string ImportTextHashMismatch => Get(nameof(ImportTextHashMismatch));

    /// <summary>The text is signed in one of {0}.</summary>
    public static string ImportLanguageUnknown(string languages) => Format(nameof(ImportLanguageUnknown), languages);

    /// <summary>Name who verified (1 to {0} characters).</summary>
    public static string VerifiedByLength(int max) => Format(nameof(VerifiedByLength), max);

    /// <summary>Say how the claim was verified ({0} to {1} characters).</summary>
    public static string VerificationNoteLength(int min, int max) => Format(nameof(VerificationNoteLength), min, max);

    /// <summary>A key ring entry is required.</summary>
    public static string KeyRingEntryRequired => Get(nameof(KeyRingEntryRequired));

    /// <summary>1 to {0} characters.</summary>
    public static string KeyRingNameLength(int max) => Format(nameof(KeyRingNameLength), max);

    /// <summary>1 to {0} characters of XML.</summary>
    public static string KeyRingXmlLength(int max) => Format(nameof(KeyRingXmlLength), max);

    /// <summary>The name of a place level inside a sentence ("neighbourhood", "wijk", "quartier").</summary>
    public static string PlaceLevel(Goals.PlaceLevel level) => level switch
    {
        Goals.PlaceLevel.Neighbourhood => PlaceLevelNeighbourhood,
        Goals.PlaceLevel.District => PlaceLevelDistrict,
        Goals.PlaceLevel.City => PlaceLevelCity,
        _ => level.ToString().ToLowerInvariant(),
    };

    /// <summary>'{0}' is not a language of this platform: choose nl (Nederlands), fr (français) or en (English).</summary>
    public static string LanguageNotSpoken(string? code) => Format(nameof(LanguageNotSpoken), code);

    /// <summary>The text of <paramref name="key"/> in the current UI culture; the neutral English where a culture lacks it.</summary>
    public static string Get(string key) =>
        Resources.GetString(key, CultureInfo.CurrentUICulture) ?? throw new MissingManifestResourceException($"No text '{key}' in RuleText.");

    // Text by the UI culture, numbers by the culture (nl-BE and fr-BE write 1.000,5 and 1 000,5).
    private static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, Get(key), args);
}
