using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Sessions;

/// <summary>
/// The input rules of co-creation sessions, in the style of <see cref="InputRules"/>: the API turns the errors into
/// problem+json naming each field by its JSON path, and the session grain checks them again.
/// </summary>
public static class CoCreationSessionRules
{
    /// <summary>The most goals one session names.</summary>
    public const int MaxGoals = 20;

    /// <summary>The most attendees of one kind a session may count.</summary>
    public const int MaxAttendancePerKind = 100_000;

    /// <summary>How far ahead a session may be recorded (a planned one).</summary>
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromDays(366);

    /// <summary>
    /// Fields <c>kind</c>, <c>title</c>, <c>startsAt</c> (not before 2000, at most <see cref="MaxHorizon"/> after
    /// <paramref name="now"/>), <c>neighbourhoodCode</c> (a Leuven neighbourhood), <c>venue</c>, <c>goalIds</c> (1 to
    /// <see cref="MaxGoals"/> well-formed ids, each once; whether the goals exist is checked by the API),
    /// <c>attendance.{kind}</c> (0 to <see cref="MaxAttendancePerKind"/> per participant kind) and <c>notes</c>.
    /// </summary>
    public static InputRules.Errors Details(CoCreationSessionDetails? d, DateTimeOffset now)
    {
        var errors = new InputRules.Errors();
        if (d is null)
            return errors.Add("", RuleText.SessionRequired);
        errors.Enum("kind", d.Kind);
        errors.Line("title", d.Title, InputRules.MaxTitleLength);
        ContentRules.Language(errors, "language", d.Language);
        ContentRules.Check(errors, "translations.title", d.TitleTranslations, d.Language, InputRules.MaxTitleLength, oneLine: true);
        if (d.StartsAt == default)
            errors.Add("startsAt", RuleText.SessionStartRequired);
        else if (d.StartsAt < InputRules.EarliestSignedAt)
            errors.Add("startsAt", RuleText.OnOrAfter2000);
        else if (d.StartsAt > now + MaxHorizon)
            errors.Add("startsAt", RuleText.SessionDaysAhead((int)MaxHorizon.TotalDays));
        errors.Neighbourhood("neighbourhoodCode", d.NeighbourhoodCode);
        errors.Line("venue", d.Venue, InputRules.MaxTitleLength);

        var goals = d.GoalIds;
        if (goals is null || goals.Count == 0)
            errors.Add("goalIds", RuleText.SessionGoalsRequired);
        else if (goals.Count > MaxGoals)
            errors.Add("goalIds", RuleText.AtMostGoals(MaxGoals));
        for (var i = 0; i < (goals?.Count ?? 0) && i < MaxGoals; i++)
            errors.Id($"goalIds[{i}]", goals![i]);
        if (goals is not null && goals.Where(g => g is not null).GroupBy(g => g, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("goalIds", RuleText.GoalNamedOnce);

        if (d.Attendance is null)
        {
            errors.Add("attendance", RuleText.AttendanceRequired);
        }
        else
        {
            foreach (var (kind, count) in d.Attendance)
            {
                var field = $"attendance.{JsonName(kind)}";
                if (!System.Enum.IsDefined(kind))
                    errors.Add(field, RuleText.NotOneOf(kind.ToString(), string.Join(", ", System.Enum.GetValues<ParticipantKind>().Select(JsonName))));
                else if (count < 0 || count > MaxAttendancePerKind)
                    errors.Add(field, RuleText.AttendanceRange(MaxAttendancePerKind));
            }
        }
        errors.OptionalText("notes", d.Notes, InputRules.MaxDescriptionLength);
        return errors;
    }

    /// <summary>The attendance counts above zero, ordered by kind (so that two records of the same counts compare equal).</summary>
    public static IEnumerable<KeyValuePair<ParticipantKind, int>> Counted(IReadOnlyDictionary<ParticipantKind, int>? attendance) =>
        (attendance ?? new Dictionary<ParticipantKind, int>()).Where(a => a.Value > 0).OrderBy(a => a.Key);

    /// <summary>The JSON name of a participant kind (camelCase, as the API writes enums).</summary>
    public static string JsonName(ParticipantKind kind)
    {
        var name = kind.ToString();
        return name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
    }
}
