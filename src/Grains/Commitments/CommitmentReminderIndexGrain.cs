using CivicContracting.Hosting;
using Microsoft.Extensions.Logging;

namespace CivicContracting.Commitments;

/// <summary>
/// One shard of the reminder index of earlier versions (see <see cref="ICommitmentReminderIndexGrain"/>): where the
/// reminder table was in memory, every commitment with a reporting reminder listed itself here, and every silo start told
/// each one to register its reminder again. Kept, with its state's alias, only so that existing databases move to the
/// reporting schedule: <see cref="Drain"/> tells each listed commitment once, one-way, to schedule itself, and empties the
/// shard. Nothing lists commitments here any more.
/// </summary>
public sealed partial class CommitmentReminderIndexGrain(
    [PersistentState("commitment-reminders", GrainStorage.Name)] IPersistentState<CommitmentReminderIndexState> state,
    ILogger<CommitmentReminderIndexGrain> logger) : Grain, ICommitmentReminderIndexGrain
{
    public async Task Track(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (!state.State.Commitments.Add(commitmentId))
            return;
        await state.WriteStateAsync();
    }

    public async Task Untrack(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (!state.State.Commitments.Remove(commitmentId))
            return;
        await state.WriteStateAsync();
    }

    public async Task<int> Drain()
    {
        if (state.State.Commitments.Count == 0)
            return 0;
        var told = 0;
        foreach (var commitmentId in state.State.Commitments.Order(StringComparer.Ordinal).ToList())
        {
            try
            {
                // One-way: the commitment schedules itself in its own turn; this grain never waits on it.
                await GrainFactory.GetGrain<ICommitmentCoachingGrain>(commitmentId).RestoreReminder();
                state.State.Commitments.Remove(commitmentId);
                told++;
            }
            catch (Exception ex)
            {
                LogTellFailed(logger, commitmentId, ex); // stays listed: told at the next start
            }
        }
        if (state.State.Commitments.Count == 0)
            await state.ClearStateAsync();
        else
            await state.WriteStateAsync();
        return told;
    }

    public Task<IReadOnlyList<string>> GetTracked() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Commitments.Order(StringComparer.Ordinal)]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell commitment {CommitmentId} to schedule its reporting reminder; it is told at the next start")]
    private static partial void LogTellFailed(ILogger logger, string commitmentId, Exception ex);
}
