using CivicContracting.Hosting;
using CivicContracting.Participants;
using CivicContracting.Places;
using CivicContracting.Validation;

namespace CivicContracting.Coaching;

/// <summary>
/// The coaches and whom they coach (see <see cref="ICoachAssignmentGrain"/>), in grain storage. Its only call goes to a
/// participant's grain (to read its neighbourhood and kind when it is assigned), which calls nobody back.
/// </summary>
/// <remarks>
/// The state holds each participant's assignments, oldest first (the current one, if any, last), bounded by
/// <see cref="CoachAssignments.MaxHistory"/>; an index coach → participants coached now is rebuilt in memory on activation.
/// </remarks>
public sealed class CoachAssignmentGrain(
    [PersistentState("coach-assignments", GrainStorage.Name)] IPersistentState<CoachAssignmentState> state,
    TimeProvider clock) : Grain, ICoachAssignmentGrain
{
    private readonly Dictionary<string, HashSet<string>> _byCoach = new(StringComparer.Ordinal);

    private CoachAssignmentState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var (participantId, history) in S.Participants)
        {
            if (Current(history) is { } current)
                Index(current.CoachId).Add(participantId);
        }
        return Task.CompletedTask;
    }

    public async Task<CoachProfile> SetProfile(CoachProfile profile)
    {
        if (profile is null)
            throw new InputRejectedException("", "A profile is required.");
        var errors = new InputRules.Errors();
        CheckId(errors, "accountId", profile.AccountId);
        if (string.IsNullOrWhiteSpace(profile.DisplayName) || profile.DisplayName.Trim().Length > CoachAssignments.MaxDisplayNameLength)
            errors.Add("displayName", $"1 to {CoachAssignments.MaxDisplayNameLength} characters.");
        var areas = profile.Areas ?? [];
        var kinds = profile.Kinds ?? [];
        if (areas.Count > CoachAssignments.MaxAreas)
            errors.Add("areas", $"At most {CoachAssignments.MaxAreas} places.");
        for (var i = 0; i < areas.Count && i < CoachAssignments.MaxAreas; i++)
        {
            if (!PlaceCatalog.Leuven.TryGet(areas[i], out _))
                errors.Add($"areas[{i}]", $"'{areas[i]}' is not a known place code (a neighbourhood, a district or the city).");
        }
        for (var i = 0; i < kinds.Count; i++)
        {
            if (!Enum.IsDefined(kinds[i]))
                errors.Add($"kinds[{i}]", "Not a kind of participant.");
        }
        errors.ThrowIfAny();

        var normalised = new CoachProfile(profile.AccountId, profile.DisplayName.Trim(),
            [.. areas.Select(a => PlaceCatalog.Leuven.Get(a).Code).Distinct(StringComparer.Ordinal)], [.. kinds.Distinct().Order()]);
        if (S.Profiles.TryGetValue(normalised.AccountId, out var known))
        {
            if (Same(known, normalised))
                return known;
        }
        else if (S.Profiles.Count >= CoachAssignments.MaxCoaches)
        {
            throw new StateConflictException($"The support team has reached its limit of {CoachAssignments.MaxCoaches} coach profiles.");
        }
        S.Profiles[normalised.AccountId] = normalised;
        await state.WriteStateAsync();
        return normalised;
    }

    public async Task<CoachProfile> EnsureProfile(string accountId, string displayName)
    {
        var errors = new InputRules.Errors();
        CheckId(errors, "accountId", accountId);
        errors.ThrowIfAny();
        if (S.Profiles.TryGetValue(accountId, out var known))
            return known;
        var name = string.IsNullOrWhiteSpace(displayName) ? accountId : displayName.Trim();
        if (name.Length > CoachAssignments.MaxDisplayNameLength)
            name = name[..CoachAssignments.MaxDisplayNameLength];
        return await SetProfile(new CoachProfile(accountId, name, [], []));
    }

    public Task<CoachProfile?> GetProfile(string accountId) =>
        Task.FromResult(accountId is null ? null : S.Profiles.GetValueOrDefault(accountId));

    public Task<IReadOnlyList<CoachProfile>> GetProfiles() =>
        Task.FromResult<IReadOnlyList<CoachProfile>>([.. S.Profiles.Values
            .OrderBy(p => p.DisplayName, StringComparer.CurrentCultureIgnoreCase).ThenBy(p => p.AccountId, StringComparer.Ordinal)]);

    public async Task<ParticipantCoaching> Assign(string participantId, string coachId, string by, string? note)
    {
        var errors = new InputRules.Errors();
        CheckId(errors, "participantId", participantId);
        CheckId(errors, "coachId", coachId);
        CheckId(errors, "by", by);
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > CoachAssignments.MaxNoteLength })
            errors.Add("note", $"At most {CoachAssignments.MaxNoteLength} characters.");
        errors.ThrowIfAny();

        var history = S.Participants.GetValueOrDefault(participantId);
        var current = history is null ? null : Current(history);
        if (current?.CoachId == coachId)
            return ToCoaching(participantId, history);
        if (current is not null && (note is null || note.Length < CoachAssignments.MinHandOverNoteLength))
            throw new InputRejectedException("note", $"A hand-over from another coach needs a note of {CoachAssignments.MinHandOverNoteLength} to {CoachAssignments.MaxNoteLength} characters: what the new coach should know.");
        if (current is null && CurrentCount() >= CoachAssignments.MaxAssignments)
            throw new StateConflictException($"The support team coaches its limit of {CoachAssignments.MaxAssignments} participants; end an assignment first.");

        var profile = await GrainFactory.GetGrain<IParticipantGrain>(participantId).GetProfile()
            ?? throw new InputRejectedException("participantId", $"Participant '{participantId}' does not exist.");
        history = S.Participants.GetValueOrDefault(participantId) ?? [];
        var now = clock.GetUtcNow();
        if (Current(history) is { } ending)
        {
            history[^1] = ending with { EndedAt = now, EndedBy = by, EndNote = note };
            Index(ending.CoachId).Remove(participantId);
        }
        history.Add(new CoachAssignment(participantId, coachId, now, by, note, profile.NeighbourhoodCode, profile.Kind));
        Trim(history);
        S.Participants[participantId] = history;
        Index(coachId).Add(participantId);
        await state.WriteStateAsync();
        return ToCoaching(participantId, history);
    }

    public async Task<ParticipantCoaching> Unassign(string participantId, string by, string? note)
    {
        var errors = new InputRules.Errors();
        CheckId(errors, "participantId", participantId);
        CheckId(errors, "by", by);
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > CoachAssignments.MaxNoteLength })
            errors.Add("note", $"At most {CoachAssignments.MaxNoteLength} characters.");
        errors.ThrowIfAny();
        if (S.Participants.GetValueOrDefault(participantId) is not { } history || Current(history) is not { } current)
            return ToCoaching(participantId, S.Participants.GetValueOrDefault(participantId));
        history[^1] = current with { EndedAt = clock.GetUtcNow(), EndedBy = by, EndNote = note };
        Index(current.CoachId).Remove(participantId);
        await state.WriteStateAsync();
        return ToCoaching(participantId, history);
    }

    public Task<ParticipantCoaching> GetAssignment(string participantId) =>
        Task.FromResult(ToCoaching(participantId, participantId is null ? null : S.Participants.GetValueOrDefault(participantId)));

    public async Task<int> RetireCoach(string coachId, string by, string note)
    {
        var errors = new InputRules.Errors();
        CheckId(errors, "coachId", coachId);
        CheckId(errors, "by", by);
        if (string.IsNullOrWhiteSpace(note) || note.Trim().Length > CoachAssignments.MaxNoteLength)
            errors.Add("note", $"1 to {CoachAssignments.MaxNoteLength} characters.");
        errors.ThrowIfAny();
        var released = _byCoach.TryGetValue(coachId, out var participants) ? participants.ToList() : [];
        if (released.Count == 0 && !S.Profiles.ContainsKey(coachId))
            return 0;
        var now = clock.GetUtcNow();
        foreach (var participantId in released)
        {
            var history = S.Participants[participantId];
            history[^1] = Current(history)! with { EndedAt = now, EndedBy = by, EndNote = note.Trim() };
        }
        _byCoach.Remove(coachId);
        S.Profiles.Remove(coachId);
        await state.WriteStateAsync();
        return released.Count;
    }

    public Task<IReadOnlyList<string>> GetCoachedParticipants() =>
        Task.FromResult<IReadOnlyList<string>>([.. _byCoach.Values.SelectMany(participants => participants)]);

    public Task<IReadOnlyList<CoachAssignment>> GetAssignmentsOf(string coachId)
    {
        if (coachId is null || !_byCoach.TryGetValue(coachId, out var participants))
            return Task.FromResult<IReadOnlyList<CoachAssignment>>([]);
        return Task.FromResult<IReadOnlyList<CoachAssignment>>([.. participants
            .Select(p => Current(S.Participants[p])!)
            .OrderBy(a => a.AssignedAt).ThenBy(a => a.ParticipantId, StringComparer.Ordinal)]);
    }

    public Task<IReadOnlyList<CoachSuggestion>> Suggest(string participantId, string neighbourhoodCode, ParticipantKind kind)
    {
        if (!PlaceCatalog.Leuven.IsNeighbourhood(neighbourhoodCode))
            throw new InputRejectedException("neighbourhoodCode", $"'{neighbourhoodCode}' is not a known neighbourhood code.");
        if (!Enum.IsDefined(kind))
            throw new InputRejectedException("kind", "Not a kind of participant.");
        var neighbourhood = PlaceCatalog.Leuven.Get(neighbourhoodCode);
        var district = neighbourhood.ParentCode;
        var currentCoach = participantId is null ? null : S.Participants.GetValueOrDefault(participantId) is { } h ? Current(h)?.CoachId : null;

        var suggestions = new List<CoachSuggestion>();
        foreach (var coach in S.Profiles.Values)
        {
            if (coach.AccountId == currentCoach)
                continue;
            var reasons = new List<CoachSuggestionReason>();
            var score = 0;
            if (coach.Areas.Contains(neighbourhood.Code, StringComparer.OrdinalIgnoreCase))
            {
                reasons.Add(CoachSuggestionReason.CoversNeighbourhood);
                score += CoachAssignments.NeighbourhoodPoints;
            }
            else if (district is not null && coach.Areas.Contains(district, StringComparer.OrdinalIgnoreCase))
            {
                reasons.Add(CoachSuggestionReason.CoversDistrict);
                score += CoachAssignments.DistrictPoints;
            }
            else if (coach.Areas.Contains(PlaceCatalog.CityCode, StringComparer.OrdinalIgnoreCase))
            {
                reasons.Add(CoachSuggestionReason.CoversCity);
                score += CoachAssignments.CityPoints;
            }
            if (coach.Kinds.Contains(kind))
            {
                reasons.Add(CoachSuggestionReason.CoversKind);
                score += CoachAssignments.KindPoints;
            }
            else if (coach.Kinds.Count == 0)
            {
                reasons.Add(CoachSuggestionReason.AnyKind);
                score += CoachAssignments.AnyKindPoints;
            }
            var coached = _byCoach.GetValueOrDefault(coach.AccountId);
            if (coached is not null && coached.Any(p => string.Equals(Current(S.Participants[p])!.NeighbourhoodCode, neighbourhood.Code, StringComparison.OrdinalIgnoreCase)))
            {
                reasons.Add(CoachSuggestionReason.CoachesInNeighbourhood);
                score += CoachAssignments.LocalPoints;
            }
            suggestions.Add(new CoachSuggestion(coach, score, reasons, coached?.Count ?? 0));
        }
        return Task.FromResult<IReadOnlyList<CoachSuggestion>>([.. suggestions
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.CurrentAssignments)
            .ThenBy(s => s.Coach.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(s => s.Coach.AccountId, StringComparer.Ordinal)
            .Take(CoachAssignments.MaxSuggestions)]);
    }

    private HashSet<string> Index(string coachId)
    {
        if (!_byCoach.TryGetValue(coachId, out var set))
            _byCoach[coachId] = set = new HashSet<string>(StringComparer.Ordinal);
        return set;
    }

    private int CurrentCount() => _byCoach.Values.Sum(s => s.Count);

    private static CoachAssignment? Current(List<CoachAssignment> history) => history.Count > 0 && history[^1].IsCurrent ? history[^1] : null;

    private static ParticipantCoaching ToCoaching(string participantId, List<CoachAssignment>? history) =>
        new(participantId, history is null ? null : Current(history), history is null ? [] : [.. history]);

    /// <summary>Drops the oldest ended assignments beyond <see cref="CoachAssignments.MaxHistory"/> (the current one, last, always stays).</summary>
    private static void Trim(List<CoachAssignment> history)
    {
        if (history.Count > CoachAssignments.MaxHistory)
            history.RemoveRange(0, history.Count - CoachAssignments.MaxHistory);
    }

    private static void CheckId(InputRules.Errors errors, string field, string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > CoachAssignments.MaxIdLength)
            errors.Add(field, $"1 to {CoachAssignments.MaxIdLength} characters.");
    }

    private static bool Same(CoachProfile a, CoachProfile b) =>
        a.AccountId == b.AccountId && a.DisplayName == b.DisplayName && a.Areas.SequenceEqual(b.Areas) && a.Kinds.SequenceEqual(b.Kinds);
}
