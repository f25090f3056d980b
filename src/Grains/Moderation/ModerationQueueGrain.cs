using CivicContracting.Commitments;
using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Moderation;

/// <summary>
/// The moderators' queue (see <see cref="IModerationQueueGrain"/>): open flags per flagged item and a bounded history of
/// settled items, in grain storage. It calls nobody, so no call can cycle through it.
/// </summary>
public sealed class ModerationQueueGrain(
    [PersistentState("moderation-queue", GrainStorage.Name)] IPersistentState<ModerationQueueState> state,
    TimeProvider clock) : Grain, IModerationQueueGrain
{
    private ModerationQueueState S => state.State;

    public async Task<FlaggedItem> Flag(string commitmentId, ModerationTarget target, string? reportId, string accountId, string reason)
    {
        var errors = ModerationRules.Target(target, reportId);
        ModerationRules.Reason("reason", reason, ModerationRules.MaxFlagReasonLength, into: errors);
        if (string.IsNullOrWhiteSpace(commitmentId))
            errors.Add("commitmentId", "Required.");
        if (string.IsNullOrWhiteSpace(accountId))
            errors.Add("accountId", "Required.");
        errors.ThrowIfAny();

        var key = KeyOf(commitmentId, target, reportId);
        var now = clock.GetUtcNow();
        var flag = new ContentFlag(accountId, reason.Trim(), now);
        if (S.Open.TryGetValue(key, out var item))
        {
            if (item.Flags.Any(f => f.AccountId == accountId) || item.Flags.Count >= ModerationQueue.MaxFlagsPerItem)
                return item; // flagged by this account already, or enough flags to see the objection
            item = item with { Flags = [.. item.Flags, flag], LastFlaggedAt = now };
        }
        else
        {
            if (S.Open.Count >= ModerationQueue.MaxOpenItems)
                throw new StateConflictException($"The moderation queue holds its limit of {ModerationQueue.MaxOpenItems} flagged items; try again once moderators have settled some.");
            item = new FlaggedItem(commitmentId, target, reportId, [flag], now, now);
        }
        S.Open[key] = item;
        await state.WriteStateAsync();
        return item;
    }

    public async Task<ResolvedFlags?> Resolve(string commitmentId, ModerationTarget target, string? reportId, FlagResolution resolution, string by)
    {
        var errors = ModerationRules.Target(target, reportId);
        errors.Enum("resolution", resolution);
        if (string.IsNullOrWhiteSpace(by))
            errors.Add("by", "Required.");
        errors.ThrowIfAny();
        if (!S.Open.Remove(KeyOf(commitmentId, target, reportId), out var item))
            return null;
        var resolved = new ResolvedFlags(commitmentId, target, reportId, item.Flags.Count, resolution, by, clock.GetUtcNow());
        S.Resolved.Add(resolved);
        if (S.Resolved.Count > ModerationQueue.MaxResolved)
            S.Resolved.RemoveRange(0, S.Resolved.Count - ModerationQueue.MaxResolved);
        await state.WriteStateAsync();
        return resolved;
    }

    public Task<IReadOnlyList<FlaggedItem>> GetOpen() =>
        Task.FromResult<IReadOnlyList<FlaggedItem>>([.. S.Open.Values
            .OrderBy(i => i.FirstFlaggedAt)
            .ThenBy(i => i.CommitmentId, StringComparer.Ordinal)
            .ThenBy(i => i.Target)
            .ThenBy(i => i.ReportId, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<ResolvedFlags>> GetResolved() =>
        Task.FromResult<IReadOnlyList<ResolvedFlags>>([.. Enumerable.Reverse(S.Resolved)]);

    private static string KeyOf(string commitmentId, ModerationTarget target, string? reportId) =>
        target == ModerationTarget.Text ? $"{commitmentId}\ntext" : $"{commitmentId}\nreport\n{reportId}";
}
