using System.Globalization;
using System.Resources;

namespace CivicContracting.Web.Texts;

/// <summary>
/// The web tier's own API messages (problem titles and details, refusals of the application commands), one member per
/// message; the input rules' messages are in <see cref="CivicContracting.Validation.RuleText"/>. Looked up when the
/// problem is made, in <see cref="CultureInfo.CurrentUICulture"/>, which the request localization sets per request.
/// </summary>
public static partial class ApiText
{
    /// <summary>The texts: ApiText.resx (neutral, English), ApiText.nl.resx and ApiText.fr.resx.</summary>
    public static readonly ResourceManager Resources = new("CivicContracting.Web.Texts.ApiText", typeof(ApiText).Assembly);

    /// <summary>The request has invalid fields</summary>
    public static string TitleInvalidFields => Get(nameof(TitleInvalidFields));

    /// <summary>Bad request</summary>
    public static string TitleBadRequest => Get(nameof(TitleBadRequest));

    /// <summary>Not found</summary>
    public static string TitleNotFound => Get(nameof(TitleNotFound));

    /// <summary>Conflict with the current state</summary>
    public static string TitleConflict => Get(nameof(TitleConflict));

    /// <summary>Too many requests</summary>
    public static string TitleTooManyRequests => Get(nameof(TitleTooManyRequests));

    /// <summary>Request body too large</summary>
    public static string TitleTooLarge => Get(nameof(TitleTooLarge));

    /// <summary>Unsupported content type</summary>
    public static string TitleUnsupportedContentType => Get(nameof(TitleUnsupportedContentType));

    /// <summary>Service unavailable</summary>
    public static string TitleServiceUnavailable => Get(nameof(TitleServiceUnavailable));

    /// <summary>Internal server error</summary>
    public static string TitleInternalError => Get(nameof(TitleInternalError));

    /// <summary>Unauthorized</summary>
    public static string TitleUnauthorized => Get(nameof(TitleUnauthorized));

    /// <summary>The request was refused.</summary>
    public static string RequestRefused => Get(nameof(RequestRefused));

    /// <summary>Check {0}. Nothing was stored.</summary>
    public static string CheckFields(string fields) => Format(nameof(CheckFields), fields);

    /// <summary>There is no {0} '{1}'.</summary>
    public static string NotFound(string what, string id) => Format(nameof(NotFound), what, id);

    /// <summary>goal</summary>
    public static string NounGoal => Get(nameof(NounGoal));

    /// <summary>commitment</summary>
    public static string NounCommitment => Get(nameof(NounCommitment));

    /// <summary>participant</summary>
    public static string NounParticipant => Get(nameof(NounParticipant));

    /// <summary>account</summary>
    public static string NounAccount => Get(nameof(NounAccount));

    /// <summary>access token</summary>
    public static string NounAccessToken => Get(nameof(NounAccessToken));

    /// <summary>co-creation session</summary>
    public static string NounSession => Get(nameof(NounSession));

    /// <summary>import</summary>
    public static string NounImport => Get(nameof(NounImport));

    /// <summary>evidence</summary>
    public static string NounEvidence => Get(nameof(NounEvidence));

    /// <summary>coach profile</summary>
    public static string NounCoachProfile => Get(nameof(NounCoachProfile));

    /// <summary>place</summary>
    public static string NounPlace => Get(nameof(NounPlace));

    /// <summary>neighbourhood</summary>
    public static string NounNeighbourhood => Get(nameof(NounNeighbourhood));

    /// <summary>The request body is larger than the limit of {0:N0} bytes (Api:MaxRequestBodyBytes).</summary>
    public static string TooLargeDetail(long limit) => Format(nameof(TooLargeDetail), limit);

    /// <summary>At most {0:N0} bytes.</summary>
    public static string AtMostBytes(long limit) => Format(nameof(AtMostBytes), limit);

    /// <summary>The grain cluster did not answer in time; try again shortly.</summary>
    public static string ClusterUnavailable => Get(nameof(ClusterUnavailable));

    /// <summary>Something went wrong on our side. It has been logged; the trace id identifies it.</summary>
    public static string InternalError => Get(nameof(InternalError));

    /// <summary>'{0}' has a value of the wrong type.</summary>
    public static string WrongType(string field) => Format(nameof(WrongType), field);

    /// <summary>'{0}' is not {1}.</summary>
    public static string NotExpected(string value, string expected) => Format(nameof(NotExpected), value, expected);

    /// <summary>a whole number</summary>
    public static string ExpectWholeNumber => Get(nameof(ExpectWholeNumber));

    /// <summary>true or false</summary>
    public static string ExpectBoolean => Get(nameof(ExpectBoolean));

    /// <summary>a number</summary>
    public static string ExpectNumber => Get(nameof(ExpectNumber));

    /// <summary>a date</summary>
    public static string ExpectDate => Get(nameof(ExpectDate));

    /// <summary>a valid value</summary>
    public static string ExpectValidValue => Get(nameof(ExpectValidValue));

    /// <summary>The request body is larger than the server accepts.</summary>
    public static string BodyTooLarge => Get(nameof(BodyTooLarge));

    /// <summary>The request could not be read.</summary>
    public static string BodyUnreadable => Get(nameof(BodyUnreadable));

    /// <summary>Send the body as JSON with 'Content-Type: application/json' (got '{0}').</summary>
    public static string JsonContentTypeDetail(string got) => Format(nameof(JsonContentTypeDetail), got);

    /// <summary>none</summary>
    public static string ContentTypeNone => Get(nameof(ContentTypeNone));

    /// <summary>Must be application/json.</summary>
    public static string MustBeJsonContentType => Get(nameof(MustBeJsonContentType));

    /// <summary>A JSON body is required.</summary>
    public static string JsonBodyRequired => Get(nameof(JsonBodyRequired));

    /// <summary>The request has no body; send a JSON object.</summary>
    public static string JsonBodyMissingDetail => Get(nameof(JsonBodyMissingDetail));

    /// <summary>Must be a JSON object, not null.</summary>
    public static string JsonNull => Get(nameof(JsonNull));

    /// <summary>Malformed JSON: {0}</summary>
    public static string MalformedJson(string reason) => Format(nameof(MalformedJson), reason);

    /// <summary>Malformed JSON (line {0}, byte {1}): {2}</summary>
    public static string MalformedJsonAt(long line, long position, string reason) => Format(nameof(MalformedJsonAt), line, position, reason);

    /// <summary>Not valid UTF-8 text.</summary>
    public static string NotUtf8 => Get(nameof(NotUtf8));

    /// <summary>A field name that is not valid UTF-8 text.</summary>
    public static string FieldNameNotUtf8 => Get(nameof(FieldNameNotUtf8));

    /// <summary>Not a field of this request; see /openapi/v1.json for the accepted fields.</summary>
    public static string NotAField => Get(nameof(NotAField));

    /// <summary>Not a valid value here.</summary>
    public static string NotValidHere => Get(nameof(NotValidHere));

    /// <summary>Not a valid value: expected {0}.</summary>
    public static string NotValidExpected(string expected) => Format(nameof(NotValidExpected), expected);

    /// <summary>one of: {0}</summary>
    public static string ExpectOneOf(string names) => Format(nameof(ExpectOneOf), names);

    /// <summary>a finite number</summary>
    public static string ExpectFiniteNumber => Get(nameof(ExpectFiniteNumber));

    /// <summary>a string</summary>
    public static string ExpectString => Get(nameof(ExpectString));

    /// <summary>a date such as "2030-06-30"</summary>
    public static string ExpectDateExample => Get(nameof(ExpectDateExample));

    /// <summary>a date and time such as "2030-06-30T12:00:00Z"</summary>
    public static string ExpectDateTimeExample => Get(nameof(ExpectDateTimeExample));

    /// <summary>an array</summary>
    public static string ExpectArray => Get(nameof(ExpectArray));

    /// <summary>an object</summary>
    public static string ExpectObject => Get(nameof(ExpectObject));

    /// <summary>'{0}' follows from the other fields ({1} here); leave it out or send that value.</summary>
    public static string DerivedField(string name, string value) => Format(nameof(DerivedField), name, value);

    /// <summary>Expected a string, one of: {0}.</summary>
    public static string ExpectedEnumString(string names) => Format(nameof(ExpectedEnumString), names);

    /// <summary>Expected a finite JSON number (not a string, NaN or Infinity).</summary>
    public static string ExpectedFiniteNumber => Get(nameof(ExpectedFiniteNumber));

    /// <summary>The number is out of range: expected a finite number.</summary>
    public static string NumberOutOfRange => Get(nameof(NumberOutOfRange));

    /// <summary>One of: {0}.</summary>
    public static string OneOf(string names) => Format(nameof(OneOf), names);

    /// <summary>Give displayName, loginName and password.</summary>
    public static string GiveSignUpFields => Get(nameof(GiveSignUpFields));

    /// <summary>That login name is taken; choose another or sign in.</summary>
    public static string LoginTaken => Get(nameof(LoginTaken));

    /// <summary>Give the login name (e-mail address) of the account.</summary>
    public static string GiveLoginName => Get(nameof(GiveLoginName));

    /// <summary>This account already has its own participant '{0}'.</summary>
    public static string OwnParticipantExists(string participantId) => Format(nameof(OwnParticipantExists), participantId);

    /// <summary>A resident is a person: add your own neighbourhood instead (POST /api/me/participant).</summary>
    public static string ResidentOwnNeighbourhood => Get(nameof(ResidentOwnNeighbourhood));

    /// <summary>A resident is a person, not an organisation with members.</summary>
    public static string ResidentNoMembers => Get(nameof(ResidentNoMembers));

    /// <summary>Name the person by the login name they sign in with.</summary>
    public static string NameMemberByLogin => Get(nameof(NameMemberByLogin));

    /// <summary>No account signs in with this login name.</summary>
    public static string NoAccountWithLogin => Get(nameof(NoAccountWithLogin));

    /// <summary>Give a name and scopes.</summary>
    public static string GiveTokenNameAndScopes => Get(nameof(GiveTokenNameAndScopes));

    /// <summary>1 to 366 days.</summary>
    public static string TokenDays => Get(nameof(TokenDays));

    /// <summary>Sign in first (a session cookie or 'Authorization: Bearer &lt;personal access token&gt;').</summary>
    public static string SignInFirstWithToken => Get(nameof(SignInFirstWithToken));

    /// <summary>Sign in first.</summary>
    public static string SignInFirst => Get(nameof(SignInFirst));

    /// <summary>There is no participant '{0}'.</summary>
    public static string NoParticipant(string id) => Format(nameof(NoParticipant), id);

    /// <summary>There is no goal '{0}'.</summary>
    public static string NoGoal(string id) => Format(nameof(NoGoal), id);

    /// <summary>There is no co-creation session '{0}'.</summary>
    public static string NoSession(string id) => Format(nameof(NoSession), id);

    /// <summary>The id is the one in the path.</summary>
    public static string IdInPath => Get(nameof(IdInPath));

    /// <summary>Does not match the current text (version {0}); read GET /api/commitments/{1}/text and confirm that.</summary>
    public static string TextHashOutdated(long version, string id, string language) => Format(nameof(TextHashOutdated), version, id, language);

    /// <summary>The text is confirmed in one of {0}.</summary>
    public static string TextLanguageUnknown(string languages) => Format(nameof(TextLanguageUnknown), languages);

    /// <summary>An upgrade moves up the spectrum: from {0} to a stronger level.</summary>
    public static string UpgradeMovesUp(string level) => Format(nameof(UpgradeMovesUp), level);

    /// <summary>Does not match the text of the new terms; render them (GET …/text shows the format) and confirm their SHA-256.</summary>
    public static string NewTermsHashMismatch(string language) => Format(nameof(NewTermsHashMismatch), language);

    /// <summary>Name who confirms (1 to {0} characters).</summary>
    public static string ConfirmedByLength(int max) => Format(nameof(ConfirmedByLength), max);

    /// <summary>The SHA-256 (64 hex characters) of the exact text being confirmed; GET /api/commitments/{id}/text gives it.</summary>
    public static string TextHashFormat => Get(nameof(TextHashFormat));

    /// <summary>Say briefly why (1 to {0} characters).</summary>
    public static string WithdrawReason(int max) => Format(nameof(WithdrawReason), max);

    /// <summary>You act for the participant of this commitment; co-signers are other people.</summary>
    public static string CoSignerIsOwner => Get(nameof(CoSignerIsOwner));

    /// <summary>Verify your e-mail address first (with the link we mailed you): a co-signature counts you as a person. Nothing was changed.</summary>
    public static string CoSignNeedsVerifiedEmail => Get(nameof(CoSignNeedsVerifiedEmail));

    /// <summary>Commitment '{0}' is not a template; join it as co-signer instead.</summary>
    public static string NotATemplate(string id) => Format(nameof(NotATemplate), id);

    /// <summary>A participant cannot confirm the claims of their own commitment; another participant (a counterparty or peer) confirms them.</summary>
    public static string OwnClaim => Get(nameof(OwnClaim));

    /// <summary>No evidence was uploaded under this url; upload the file first (POST /api/commitments/{id}/evidence) and give the url it answers.</summary>
    public static string EvidenceNotUploaded => Get(nameof(EvidenceNotUploaded));

    /// <summary>A resident is a person; only organisations are verified.</summary>
    public static string ResidentNotVerified => Get(nameof(ResidentNotVerified));

    /// <summary>Co-creation session '{0}' starts at {1}; a commitment links only to a session it was made at or after.</summary>
    public static string SessionLaterThanCommitment(string id, string startsAt) => Format(nameof(SessionLaterThanCommitment), id, startsAt);

    /// <summary>A goal's id does not change (this is '{0}').</summary>
    public static string GoalIdFixed(string id) => Format(nameof(GoalIdFixed), id);

    /// <summary>This goal has no parent, and a revision cannot give it one.</summary>
    public static string GoalHasNoParent => Get(nameof(GoalHasNoParent));

    /// <summary>A goal's parent does not change (it is '{0}').</summary>
    public static string GoalParentFixed(string id) => Format(nameof(GoalParentFixed), id);

    /// <summary>A goal's scope does not change in a revision.</summary>
    public static string GoalScopeFixed => Get(nameof(GoalScopeFixed));

    /// <summary>Whether a goal is illustrative does not change in a revision.</summary>
    public static string GoalIllustrativeFixed => Get(nameof(GoalIllustrativeFixed));

    /// <summary>'{0}' is the address of the page that creates a goal; choose another id.</summary>
    public static string ReservedGoalId(string id) => Format(nameof(ReservedGoalId), id);

    /// <summary>There is already a goal '{0}'.</summary>
    public static string GoalExists(string id) => Format(nameof(GoalExists), id);

    /// <summary>At most {0} characters.</summary>
    public static string AtMostCharactersPlain(int max) => Format(nameof(AtMostCharactersPlain), max);

    /// <summary>Write 1 to {0} characters.</summary>
    public static string WriteCharacters(int max) => Format(nameof(WriteCharacters), max);

    /// <summary>Name the coach (an account id).</summary>
    public static string NameCoach => Get(nameof(NameCoach));

    /// <summary>'{0}' is not the account of a coach (or an administrator).</summary>
    public static string NotACoach(string accountId) => Format(nameof(NotACoach), accountId);

    /// <summary>This account has no e-mail address to send notifications to.</summary>
    public static string NoEmailForNotifications => Get(nameof(NoEmailForNotifications));

    /// <summary>Say what to do: "hide" or "unhide".</summary>
    public static string ModerationAction => Get(nameof(ModerationAction));

    /// <summary>Say what: "text" or "report" (with reportId).</summary>
    public static string ModerationTarget => Get(nameof(ModerationTarget));

    /// <summary>The commitment whose flags to dismiss.</summary>
    public static string DismissCommitmentId => Get(nameof(DismissCommitmentId));

    /// <summary>A scope is '{0}' or '{1}' followed by an id of 1 to {2} letters, digits, '-', '_' or '.' (e.g. place:24062W01).</summary>
    public static string LiveScope(string goalPrefix, string placePrefix, int max) => Format(nameof(LiveScope), goalPrefix, placePrefix, max);

    /// <summary>File too large</summary>
    public static string TitleFileTooLarge => Get(nameof(TitleFileTooLarge));

    /// <summary>Unsupported file type</summary>
    public static string TitleUnsupportedFileType => Get(nameof(TitleUnsupportedFileType));

    /// <summary>The file is empty.</summary>
    public static string FileEmpty => Get(nameof(FileEmpty));

    /// <summary>Send a file: a photo (JPEG, PNG, WebP) or a PDF. Nothing was stored.</summary>
    public static string FileEmptyDetail => Get(nameof(FileEmptyDetail));

    /// <summary>Evidence files may be at most {0:N0} bytes (Evidence:MaxBytes). Nothing was stored.</summary>
    public static string EvidenceTooLargeDetail(long max) => Format(nameof(EvidenceTooLargeDetail), max);

    /// <summary>Evidence must be one of: {0}. The type is recognised from the file's content, whatever its name or Content-Type says. Nothing was stored.</summary>
    public static string EvidenceTypeDetail(string types) => Format(nameof(EvidenceTypeDetail), types);

    /// <summary>Not one of: {0}.</summary>
    public static string EvidenceNotOneOf(string types) => Format(nameof(EvidenceNotOneOf), types);

    /// <summary>multipart/form-data needs a boundary of 1 to 70 characters.</summary>
    public static string MultipartBoundary => Get(nameof(MultipartBoundary));

    /// <summary>Each part of multipart/form-data needs 'Content-Disposition: form-data; name=…'.</summary>
    public static string MultipartDisposition => Get(nameof(MultipartDisposition));

    /// <summary>Not a field of an upload: send the file in the one field '{0}'.</summary>
    public static string MultipartNotAField(string field) => Format(nameof(MultipartNotAField), field);

    /// <summary>Send one file per upload.</summary>
    public static string OneFilePerUpload => Get(nameof(OneFilePerUpload));

    /// <summary>Malformed multipart/form-data: {0}</summary>
    public static string MultipartMalformed(string reason) => Format(nameof(MultipartMalformed), reason);

    /// <summary>Malformed multipart/form-data: the body ends before the closing boundary ('--{0}--'). Nothing was stored.</summary>
    public static string MultipartTruncated(string boundary) => Format(nameof(MultipartTruncated), boundary);

    /// <summary>Required: the file, in the multipart field '{0}'.</summary>
    public static string FileRequired(string field) => Format(nameof(FileRequired), field);

    /// <summary>Give kind, name and neighbourhoodCode.</summary>
    public static string GiveOrganisationFields => Get(nameof(GiveOrganisationFields));

    /// <summary>
    /// The name of a kind of thing in "There is no {0} '{1}'": the nouns callers of <c>ApiProblems.NotFound</c> pass, in
    /// the current UI culture; a noun without a translation stays as given.
    /// </summary>
    public static string Noun(string what) => what switch
    {
        "goal" => NounGoal,
        "commitment" => NounCommitment,
        "participant" => NounParticipant,
        "account" => NounAccount,
        "access token" => NounAccessToken,
        "co-creation session" => NounSession,
        "import" => NounImport,
        "evidence" => NounEvidence,
        "coach profile" => NounCoachProfile,
        "place" => NounPlace,
        "neighbourhood" => NounNeighbourhood,
        _ => what,
    };

    /// <summary>The text of <paramref name="key"/> in the current UI culture; the neutral English where a culture lacks it.</summary>
    public static string Get(string key) =>
        Resources.GetString(key, CultureInfo.CurrentUICulture) ?? throw new MissingManifestResourceException($"No text '{key}' in ApiText.");

    // Text by the UI culture, numbers by the culture (nl-BE and fr-BE write 1.000,5 and 1 000,5).
    /// <summary>Not a cursor of this feed: leave it out to start from the beginning, or send back a "next" value the feed gave.</summary>
    public static string FeedCursorInvalid => Get(nameof(FeedCursorInvalid));

    /// <summary>Must be a whole number from 1 to {0}.</summary>
    public static string FeedLimitRange(int max) => Format(nameof(FeedLimitRange), max);

    /// <summary>The feed is answering as many readers as it can; try again in a moment.</summary>
    public static string FeedBusy => Get(nameof(FeedBusy));

    private static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, Get(key), args);
}
