using System.Globalization;
using System.Text;
using CivicContracting.Validation;

namespace CivicContracting.Accounts;

/// <summary>What is wrong with a login name, if anything (<see cref="CredentialRules.CheckLoginName"/>).</summary>
public enum LoginNameIssue
{
    Length,
    SpacesOrControl,
    Invisible,
    MixedScripts,
}

/// <summary>What is wrong with a new password, if anything (<see cref="CredentialRules.CheckPassword"/>).</summary>
public enum PasswordIssue
{
    Length,
    SameAsLoginName,
    TooFewDistinctCharacters,
    Common,
}

/// <summary>
/// The rules for login names and new passwords, one place for the API, the site's forms and the grains. Login names are
/// compared in their normalised form (<see cref="AccountRules.NormaliseLoginName"/>: NFKC, lower case) and must not carry
/// invisible characters or mix scripts within a part between "@" and "." (a Cyrillic "а" in a Latin name looks the same as
/// the Latin "a"; an address in one script at a domain in another is fine). New passwords need
/// <see cref="MinPasswordLength"/> characters and must not be on the shipped list of common passwords
/// (CommonPasswords.txt, from zxcvbn-ts, MIT; see ATTRIBUTION.md).
/// </summary>
public static class CredentialRules
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;

    /// <summary>"aaaaaaaaaa" and "abababababab" are long enough but no password.</summary>
    public const int MinDistinctPasswordCharacters = 5;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommonPasswords);

    /// <summary>How many passwords of at least <see cref="MinPasswordLength"/> characters the shipped list refuses.</summary>
    public static int CommonPasswordCount => Common.Value.Count;

    public static LoginNameIssue? CheckLoginName(string? loginName)
    {
        if (loginName is null)
            return LoginNameIssue.Length;
        // Invisible characters are looked for before normalising, which would drop some of them silently.
        if (loginName.Trim().EnumerateRunes().Any(IsInvisible))
            return LoginNameIssue.Invisible;
        var name = AccountRules.NormaliseLoginName(loginName);
        if (name.Length < AccountRules.MinLoginNameLength || name.Length > AccountRules.MaxLoginNameLength)
            return LoginNameIssue.Length;
        if (name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return LoginNameIssue.SpacesOrControl;
        if (name.EnumerateRunes().Any(IsInvisible))
            return LoginNameIssue.Invisible;
        // Per part: "иван@yandex.ru" is honest, "jаn@example.org" (a Cyrillic "а") and "exаmple.org" are not.
        if (name.Split('@', '.').Any(part => part.EnumerateRunes().Select(ScriptOf).Where(s => s is not null).Distinct().Skip(1).Any()))
            return LoginNameIssue.MixedScripts;
        return null;
    }

    public static string Describe(LoginNameIssue issue) => issue switch
    {
        LoginNameIssue.Length => RuleText.LoginNameLength(AccountRules.MinLoginNameLength, AccountRules.MaxLoginNameLength),
        LoginNameIssue.SpacesOrControl => RuleText.LoginNameSpaces,
        LoginNameIssue.Invisible => RuleText.LoginNameInvisible,
        LoginNameIssue.MixedScripts => RuleText.LoginNameMixedScripts,
        _ => RuleText.LoginNameInvalid,
    };

    public static PasswordIssue? CheckPassword(string? password, string? loginName)
    {
        if (password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
            return PasswordIssue.Length;
        if (loginName is not null && string.Equals(AccountRules.NormaliseLoginName(password), AccountRules.NormaliseLoginName(loginName), StringComparison.Ordinal))
            return PasswordIssue.SameAsLoginName;
        if (password.Distinct().Count() < MinDistinctPasswordCharacters)
            return PasswordIssue.TooFewDistinctCharacters;
        if (IsCommonPassword(password))
            return PasswordIssue.Common;
        return null;
    }

    public static string Describe(PasswordIssue issue) => issue switch
    {
        PasswordIssue.Length => RuleText.PasswordLength(MinPasswordLength, MaxPasswordLength),
        PasswordIssue.SameAsLoginName => RuleText.PasswordSameAsLogin,
        PasswordIssue.TooFewDistinctCharacters => RuleText.PasswordDistinct(MinDistinctPasswordCharacters),
        PasswordIssue.Common => RuleText.PasswordCommon,
        _ => RuleText.PasswordInvalid,
    };

    /// <summary>Whether the password (ignoring case and surrounding spaces) is on the shipped list.</summary>
    public static bool IsCommonPassword(string password) =>
        Common.Value.Contains(password.Trim().ToLowerInvariant());

    private static HashSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(CredentialRules).Assembly.GetManifestResourceStream("CivicContracting.Accounts.CommonPasswords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded in the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            // Shorter ones are refused by length already.
            if (line.Length >= MinPasswordLength)
                set.Add(line.Trim().ToLowerInvariant());
        }
        return set;
    }

    /// <summary>Characters that show nothing: format characters (zero-width space and joiners, bidi marks, soft hyphen), unassigned and private-use code points, and Hangul fillers.</summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        || rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x034F or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    /// <summary>
    /// The script of a letter, coarsely (null for digits, punctuation and symbols, which every script shares). Blocks of one
    /// writing system count as one script, e.g. Japanese kana and Han.
    /// </summary>
    private static string? ScriptOf(Rune rune)
    {
        if (!Rune.IsLetter(rune) && Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark))
            return null;
        return rune.Value switch
        {
            <= 0x024F or (>= 0x1E00 and <= 0x1EFF) or (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF) or (>= 0xAB30 and <= 0xAB6F) or (>= 0xFF21 and <= 0xFF5A) => "Latin",
            (>= 0x0300 and <= 0x036F) => null, // combining marks left after NFKC (e.g. on a Latin letter) belong to their base letter
            (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => "Greek",
            (>= 0x0400 and <= 0x052F) or (>= 0x1C80 and <= 0x1C8F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => "Cyrillic",
            (>= 0x0530 and <= 0x058F) => "Armenian",
            (>= 0x0590 and <= 0x05FF) => "Hebrew",
            (>= 0x0600 and <= 0x06FF) or (>= 0x0750 and <= 0x077F) or (>= 0x08A0 and <= 0x08FF) => "Arabic",
            (>= 0x3040 and <= 0x30FF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) => "CJK",
            (>= 0x1100 and <= 0x11FF) or (>= 0xAC00 and <= 0xD7AF) => "Hangul",
            _ => "U+" + (rune.Value >> 7).ToString("X", CultureInfo.InvariantCulture), // another script: by its 128-character block
        };
    }
}
