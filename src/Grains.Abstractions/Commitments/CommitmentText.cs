using System.Globalization;
using System.Resources;
using System.Security.Cryptography;
using System.Text;

namespace CivicContracting.Commitments;

/// <summary>
/// The exact text a participant confirms, and its hash. The confirmation records the hash and the language, so that
/// anyone can check later that the terms shown are the terms that were confirmed, in the words that were read.
/// </summary>
/// <remarks>
/// The text is rendered in Dutch, French or English (<see cref="Languages"/>); its first line names the language, so the
/// hash covers the language too and a text confirmed in one language never passes for another. Its words, month names and
/// number separators come from CommitmentTextResources*.resx, not from the machine's culture data, so that the same
/// terms render to the same bytes on every machine and in every later release: a confirmation is verified by rendering
/// again. Changing a word there changes every hash recorded in that language — CommitmentTextTests pins them.
/// A confirmation recorded before languages has none (<c>null</c>): its text is the English <see cref="RenderLegacy"/>.
/// </remarks>
public static class CommitmentText
{
    public const string DefaultLanguage = "nl";

    /// <summary>The languages a text can be confirmed in, the default first.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["nl", "fr", "en"];

    private static readonly ResourceManager Words = new(typeof(CommitmentTextResources));

    /// <summary>"nl", "fr" or "en" for a language tag such as "fr", "fr-BE" or "EN"; null for any other.</summary>
    public static string? Language(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
            return null;
        var primary = tag.Trim().Split('-', '_')[0].ToLowerInvariant();
        return Languages.FirstOrDefault(l => l == primary);
    }

    /// <summary>The text in <see cref="DefaultLanguage"/>.</summary>
    public static string Render(CommitmentTerms terms) => Render(terms, DefaultLanguage);

    /// <summary>The text in <paramref name="language"/> (one of <see cref="Languages"/>).</summary>
    public static string Render(CommitmentTerms terms, string language)
    {
        var culture = CultureOf(language);
        string Word(string key) => Words.GetString(key, culture) ?? throw new InvalidOperationException($"The formal text has no '{key}' in '{language}'.");
        string Line(string key, params object[] values) => string.Format(CultureInfo.InvariantCulture, Word(key), values) + "\n";

        var months = Word("Months").Split('|');
        string Date(DateOnly date) => string.Format(CultureInfo.InvariantCulture, Word("Date"),
            date.Day == 1 ? Word("Date.FirstDay") : date.Day.ToString(CultureInfo.InvariantCulture), months[date.Month - 1],
            date.Year.ToString(CultureInfo.InvariantCulture));
        string Number(double value) => FormatNumber(value, Word("Number.Decimal"), Word("Number.Group"));

        var text = new StringBuilder();
        text.Append(Word("Language")).Append('\n');
        text.Append(Line("Level", Word("Level." + terms.Level)));
        text.Append(Line("Title", terms.Title));
        text.Append(Line("Description", terms.Description));
        foreach (var milestone in terms.Milestones ?? [])
            text.Append(Line("Milestone", milestone.Id, milestone.Title, Date(milestone.DueDate)));
        if (terms.Target is { } target)
        {
            var reached = string.IsNullOrEmpty(target.Unit) ? Number(target.Target) : $"{Number(target.Target)} {target.Unit}";
            text.Append(Line("Target", target.Metric, Number(target.Baseline), reached, Date(target.Deadline)));
        }
        return text.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text in <see cref="DefaultLanguage"/>.</summary>
    public static string Hash(CommitmentTerms terms) => Hash(terms, DefaultLanguage);

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text in <paramref name="language"/>.</summary>
    public static string Hash(CommitmentTerms terms, string language) => HashOf(Render(terms, language));

    /// <summary>
    /// The English text confirmed before languages (its format must never change: the hashes recorded then are checked
    /// against it). Recorded confirmations without a language are of this text.
    /// </summary>
    public static string RenderLegacy(CommitmentTerms terms)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Level: {terms.Level}\nTitle: {terms.Title}\nDescription: {terms.Description}\n");
        foreach (var milestone in terms.Milestones ?? [])
            text.Append(CultureInfo.InvariantCulture, $"Action {milestone.Id}: {milestone.Title} (due {milestone.DueDate:yyyy-MM-dd})\n");
        if (terms.Target is { } target)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Target: {target.Metric} from {target.Baseline:R} to {target.Target:R} {target.Unit} by {target.Deadline:yyyy-MM-dd}\n");
        }
        return text.ToString();
    }

    public static string HashLegacy(CommitmentTerms terms) => HashOf(RenderLegacy(terms));

    /// <summary>The text as a confirmation recorded it: in its language, or the legacy English one without a language.</summary>
    public static string RenderAsRecorded(CommitmentTerms terms, string? recordedLanguage) =>
        recordedLanguage is null ? RenderLegacy(terms) : Render(terms, recordedLanguage);

    public static string HashAsRecorded(CommitmentTerms terms, string? recordedLanguage) => HashOf(RenderAsRecorded(terms, recordedLanguage));

    /// <summary>Whether <paramref name="confirmation"/>'s hash is that of <paramref name="terms"/>' text in its recorded language.</summary>
    public static bool Verifies(CommitmentTerms terms, Confirmation confirmation) =>
        string.Equals(HashAsRecorded(terms, confirmation.Language), confirmation.TextHash, StringComparison.OrdinalIgnoreCase);

    private static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static CultureInfo CultureOf(string language) =>
        Language(language) is { } known && known == language
            ? (language == DefaultLanguage ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(language))
            : throw new ArgumentException($"The formal text is written in {string.Join(", ", Languages)}, not '{language}'.", nameof(language));

    /// <summary>
    /// The shortest digits that read back as <paramref name="value"/> (as the legacy text wrote them), with the language's
    /// separators: distinct values never share a text.
    /// </summary>
    private static string FormatNumber(double value, string decimalSeparator, string groupSeparator)
    {
        var digits = value.ToString("R", CultureInfo.InvariantCulture);
        if (digits.Contains('E', StringComparison.Ordinal))
            return digits.Replace(".", decimalSeparator, StringComparison.Ordinal);
        var sign = digits.StartsWith('-') ? "-" : "";
        var unsigned = digits.TrimStart('-');
        var point = unsigned.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? unsigned : unsigned[..point];
        var fraction = point < 0 ? "" : decimalSeparator + unsigned[(point + 1)..];
        var grouped = new StringBuilder();
        for (var i = 0; i < whole.Length; i++)
        {
            if (i > 0 && (whole.Length - i) % 3 == 0)
                grouped.Append(groupSeparator);
            grouped.Append(whole[i]);
        }
        return sign + grouped + fraction;
    }
}
