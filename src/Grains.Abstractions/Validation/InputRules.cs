using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Places;

namespace CivicContracting.Validation;

/// <summary>
/// The input rules of the domain: the HTTP API turns the errors into problem+json naming each field, and grains
/// check the same rules again and throw <see cref="InputRejectedException"/>, so a caller that bypasses the API cannot
/// store what the API would refuse. Field names are the JSON paths of the API. The rules of commitments are in
/// <c>Commitments.CommitmentRules</c>, beside the types they check, so this folder does not depend on that one.
/// </summary>
public static class InputRules
{
    public const int MaxTitleLength = 200;
    public const int MaxNameLength = 120;
    public const int MaxDescriptionLength = 4_000;
    public const int MaxNoteLength = 2_000;
    public const int MaxUrlLength = 2_000;
    public const int MaxIdLength = 64;
    public const int MaxGoalsPerCommitment = 10;
    public const int MaxMilestones = 50;
    public const double MaxWeight = 1_000;

    /// <summary>Where uploaded evidence is served: this prefix and the file's SHA-256 (64 lowercase hex digits).</summary>
    public const string EvidencePathPrefix = "/api/evidence/";

    /// <summary>
    /// Whether <paramref name="url"/> is the relative url of uploaded evidence (<c>/api/evidence/{sha256}</c>), which a
    /// report may name as its evidence besides an absolute http(s) link.
    /// </summary>
    public static bool IsEvidencePath(string? url) =>
        url is not null
        && url.Length == EvidencePathPrefix.Length + 64
        && url.StartsWith(EvidencePathPrefix, StringComparison.Ordinal)
        && !url.AsSpan(EvidencePathPrefix.Length).ContainsAnyExcept(LowercaseHex);

    private static readonly System.Buffers.SearchValues<char> LowercaseHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>How far in the future a signing or report date may lie: clocks of callers and hosts differ a little.</summary>
    public static readonly TimeSpan MaxSignedAtClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The shortest reporting interval a commitment may ask for (a commitment draft's <c>ReportingInterval</c>).</summary>
    public static readonly TimeSpan MinReportingInterval = TimeSpan.FromDays(7);

    /// <summary>The longest reporting interval: at least one report a year.</summary>
    public static readonly TimeSpan MaxReportingInterval = TimeSpan.FromDays(365);

    /// <summary>The earliest signing or report date accepted: anything before is a typing or conversion error.</summary>
    public static readonly DateTimeOffset EarliestSignedAt = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The earliest deadline of any target: as <see cref="EarliestSignedAt"/>, a date before is a typing or conversion error.</summary>
    public static readonly DateOnly EarliestDeadline = new(2000, 1, 1);

    /// <summary>What a text field says when it holds a character <see cref="IsCleanText"/> refuses (in the current UI culture).</summary>
    public static string UncleanTextMessage => RuleText.UncleanText;

    /// <summary>What a single-line text field says when it holds a line break or tab (in the current UI culture).</summary>
    public static string MultiLineMessage => RuleText.MultiLine;

    /// <summary>
    /// Whether <paramref name="value"/> is free of what no person types into a text and what can mislead a reader or a
    /// terminal: control characters (C0, DEL, C1; line breaks and tabs only when <paramref name="multiLine"/>) and the
    /// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that can make stored text read
    /// differently from what it is. The one rule of every text that enters, by any way in.
    /// </summary>
    public static bool IsCleanText(string value, bool multiLine = true)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) ? !(multiLine && c is '\n' or '\r' or '\t') : c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
                return false;
        }
        return true;
    }

    /// <summary>Errors of a text field checked outside <see cref="Errors.Text"/> (e.g. a name whose length is checked apart).</summary>
    public static Errors CleanText(string field, string? value, bool multiLine = true)
    {
        var errors = new Errors();
        errors.Clean(field, value, multiLine);
        return errors;
    }

    public static Errors Registration(ParticipantRegistration? r)
    {
        var errors = new Errors();
        if (r is null)
            return errors.Add("", RuleText.RegistrationRequired);
        errors.Enum("kind", r.Kind);
        errors.Line("name", r.Name, MaxNameLength);
        errors.Neighbourhood("neighbourhoodCode", r.NeighbourhoodCode);
        errors.OptionalLine("pseudonym", r.Pseudonym, MaxNameLength);
        if (r.ContactEmail is { } email && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Trim() != email))
            errors.Add("contactEmail", RuleText.EmailAddress);
        errors.OptionalLine("contactPhone", r.ContactPhone, 40);
        return errors;
    }

    public static Errors Goal(GoalDefinition? d)
    {
        var errors = new Errors();
        if (d is null)
            return errors.Add("", RuleText.GoalRequired);
        errors.Line("title", d.Title, MaxTitleLength);
        errors.Text("description", d.Description, MaxDescriptionLength, allowEmpty: true);
        errors.Enum("rollUp", d.RollUp);
        ContentRules.Language(errors, "language", d.Language);
        ContentRules.Check(errors, "translations.title", d.TitleTranslations, d.Language, MaxTitleLength, oneLine: true);
        ContentRules.Check(errors, "translations.description", d.DescriptionTranslations, d.Language, MaxDescriptionLength, oneLine: false);
        if (d.ParentGoalId is not null)
            errors.Id("parentGoalId", d.ParentGoalId);
        if (d.Scope is null)
        {
            errors.Add("scope", RuleText.ScopeRequired);
        }
        else
        {
            errors.Enum("scope.level", d.Scope.Level);
            var codes = d.Scope.PlaceCodes ?? [];
            if (d.Scope.Level == PlaceLevel.City && codes.Count == 0)
            {
                // The whole city needs no codes.
            }
            else if (codes.Count == 0)
            {
                errors.Add("scope.placeCodes", RuleText.ScopePlaceRequired);
            }
            for (var i = 0; i < codes.Count; i++)
            {
                if (!PlaceCatalog.Leuven.TryGet(codes[i], out var place) || place.Level != d.Scope.Level)
                    errors.Add($"scope.placeCodes[{i}]", RuleText.UnknownPlaceCode(codes[i], RuleText.PlaceLevel(d.Scope.Level)));
                else if (!string.Equals(place.Code, codes[i], StringComparison.Ordinal))
                    errors.Add($"scope.placeCodes[{i}]", RuleText.WriteCodeAs(place.Code));
            }
        }
        if (d.Target is not null)
            errors.Target("target", d.Target);
        if (d.CitizenPanelWording is not null)
            errors.Wording("citizenPanelWording", d.CitizenPanelWording);
        return errors;
    }

    /// <summary>A revision of a goal (<see cref="IGoalGrain.Revise"/>): the editable parts as for a definition, who revises and why.</summary>
    public static Errors GoalRevision(GoalRevision? r)
    {
        var errors = new Errors();
        if (r is null)
            return errors.Add("", RuleText.GoalRevisionRequired);
        errors.Line("title", r.Title, MaxTitleLength);
        errors.Text("description", r.Description, MaxDescriptionLength, allowEmpty: true);
        errors.Enum("rollUp", r.RollUp);
        ContentRules.Language(errors, "language", r.Language);
        ContentRules.Check(errors, "translations.title", r.TitleTranslations, r.Language, MaxTitleLength, oneLine: true);
        ContentRules.Check(errors, "translations.description", r.DescriptionTranslations, r.Language, MaxDescriptionLength, oneLine: false);
        if (r.Target is not null)
            errors.Target("target", r.Target);
        if (r.CitizenPanelWording is not null)
            errors.Wording("citizenPanelWording", r.CitizenPanelWording);
        errors.Line("revisedBy", r.RevisedBy, MaxNameLength);
        errors.OptionalText("note", r.Note, MaxNoteLength);
        return errors;
    }

    /// <summary>
    /// When a commitment was signed (field <c>signedAt</c>), for a confirmation entered after the signing, e.g. of a
    /// commitment signed on paper at a co-creation session. Null (sign now) is always valid; a date may lie at most
    /// <see cref="MaxSignedAtClockSkew"/> after <paramref name="now"/> and not before <see cref="EarliestSignedAt"/>.
    /// </summary>
    public static Errors SignedAt(DateTimeOffset? signedAt, DateTimeOffset now)
    {
        var errors = new Errors();
        if (signedAt is not { } at)
            return errors;
        if (at > now + MaxSignedAtClockSkew)
            errors.Add("signedAt", RuleText.SignedInFuture);
        else if (at < EarliestSignedAt)
            errors.Add("signedAt", RuleText.OnOrAfter2000);
        return errors;
    }

    /// <summary>The participant who joins or leaves a commitment as co-signer (field <c>participantId</c>).</summary>
    public static Errors CoSigner(string? participantId)
    {
        var errors = new Errors();
        errors.Id("participantId", participantId);
        return errors;
    }

    /// <summary>Collected errors per field; <see cref="ThrowIfAny"/> turns them into an exception for grains.</summary>
    public sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public bool IsValid => _byField.Count == 0;

        /// <summary>How many fields have errors.</summary>
        public int Count => _byField.Count;

        public IReadOnlyDictionary<string, string[]> ByField => _byField.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

        public Errors Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var list))
                _byField[field] = list = [];
            list.Add(message);
            return this;
        }

        /// <summary>Adds <paramref name="other"/>'s errors under <paramref name="prefix"/> ("terms" → "terms.title"); an empty prefix keeps their fields as they are.</summary>
        public void Merge(Errors other, string prefix)
        {
            foreach (var (field, messages) in other._byField)
            {
                foreach (var message in messages)
                    Add(prefix.Length == 0 ? field : field.Length == 0 ? prefix : $"{prefix}.{field}", message);
            }
        }

        public void ThrowIfAny()
        {
            if (!IsValid)
                throw new InputRejectedException(ByField);
        }

        public void Text(string field, string? value, int maxLength, bool allowEmpty = false)
        {
            if (value is null || (!allowEmpty && string.IsNullOrWhiteSpace(value)))
                Add(field, RuleText.RequiredNotBlank);
            else if (value.Length > maxLength)
                Add(field, RuleText.AtMostCharacters(maxLength, value.Length));
            else
                Clean(field, value, multiLine: true);
        }

        /// <summary>Adds <see cref="UncleanTextMessage"/> (or <see cref="MultiLineMessage"/>) when <paramref name="value"/> breaks <see cref="IsCleanText"/>.</summary>
        public void Clean(string field, string? value, bool multiLine = true)
        {
            if (value is null || IsCleanText(value, multiLine))
                return;
            Add(field, IsCleanText(value, multiLine: true) ? MultiLineMessage : UncleanTextMessage);
        }

        /// <summary>A one-line text (a title, a name): as <see cref="Text"/>, and no line breaks or tabs.</summary>
        public void Line(string field, string? value, int maxLength, bool allowEmpty = false)
        {
            var before = Count;
            Text(field, value, maxLength, allowEmpty);
            if (Count == before)
                Clean(field, value, multiLine: false);
        }

        internal void OptionalText(string field, string? value, int maxLength)
        {
            if (value is not null)
                Text(field, value, maxLength, allowEmpty: true);
        }

        internal void OptionalLine(string field, string? value, int maxLength)
        {
            if (value is not null)
                Line(field, value, maxLength, allowEmpty: true);
        }

        internal void Id(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
                Add(field, RuleText.Required);
            else if (value.Length > MaxIdLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                Add(field, RuleText.IdFormat(MaxIdLength));
        }

        internal void Neighbourhood(string field, string? code)
        {
            if (!PlaceCatalog.Leuven.TryGet(code, out var place) || place.Level != PlaceLevel.Neighbourhood)
                Add(field, RuleText.UnknownNeighbourhoodCode(code));
            else if (!string.Equals(place.Code, code, StringComparison.Ordinal))
                Add(field, RuleText.WriteCodeAs(place.Code));
        }

        public void Enum<T>(string field, T value) where T : struct, System.Enum
        {
            if (!System.Enum.IsDefined(value))
                Add(field, RuleText.NotOneOf(value.ToString(), string.Join(", ", System.Enum.GetNames<T>())));
        }

        internal void Wording(string field, CitizenPanelWording wording)
        {
            Text($"{field}.text", wording.Text, MaxDescriptionLength);
            Line($"{field}.source", wording.Source, MaxTitleLength);
            if (wording.SourceUrl is { } url && (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
                Add($"{field}.sourceUrl", RuleText.AbsoluteHttpLink);
        }

        internal void Target(string field, QuantitativeTarget target)
        {
            Line($"{field}.metric", target.Metric, MaxTitleLength);
            Line($"{field}.unit", target.Unit, 40);
            if (!double.IsFinite(target.Baseline) || Math.Abs(target.Baseline) > 1e12)
                Add($"{field}.baseline", RuleText.FiniteNumber);
            if (!double.IsFinite(target.Target) || Math.Abs(target.Target) > 1e12)
                Add($"{field}.target", RuleText.FiniteNumber);
            else if (target.Target == target.Baseline)
                Add($"{field}.target", RuleText.TargetEqualsBaseline);
            if (target.Deadline == default)
                Add($"{field}.deadline", RuleText.DeadlineRequired);
            else if (target.Deadline < EarliestDeadline)
                Add($"{field}.deadline", RuleText.OnOrAfter2000);
        }
    }
}

/// <summary>Thrown by grains for input that breaks <see cref="InputRules"/>; nothing was stored.</summary>
[GenerateSerializer, Alias("cc.InputRejectedException")]
public sealed class InputRejectedException : Exception
{
    public InputRejectedException(IReadOnlyDictionary<string, string[]> errors)
        : base("Input rejected: " + string.Join("; ", errors.Select(e => $"{(e.Key.Length == 0 ? "(body)" : e.Key)}: {string.Join(" ", e.Value)}")))
    {
        Errors = errors;
    }

    public InputRejectedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public InputRejectedException()
        : this(new Dictionary<string, string[]>())
    {
    }

    public InputRejectedException(string message)
        : base(message)
    {
        Errors = new Dictionary<string, string[]>();
    }

    public InputRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = new Dictionary<string, string[]>();
    }

    [Id(0)]
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>Thrown by grains when an operation does not fit the current state (e.g. reporting on a draft): HTTP 409.</summary>
[GenerateSerializer, Alias("cc.StateConflictException")]
public sealed class StateConflictException : Exception
{
    public StateConflictException()
    {
    }

    public StateConflictException(string message)
        : base(message)
    {
    }

    public StateConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
