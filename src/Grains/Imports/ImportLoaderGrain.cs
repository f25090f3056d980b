using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Validation;
using Orleans.Concurrency;

namespace CivicContracting.Imports;

/// <summary>
/// Loads batches of an import through the grains' own methods (see <see cref="IImportLoaderGrain"/>). Reentrant, so one
/// activation works on many batches while their grain calls are out; calls go loader → participant/commitment only.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ImportLoaderGrain : Grain, IImportLoaderGrain
{
    public async Task<IReadOnlyList<ImportRowResult>> RegisterParticipants(IReadOnlyList<ImportedParticipant> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        return await Task.WhenAll(participants.Select(async p =>
        {
            var grain = GrainFactory.GetGrain<IParticipantGrain>(p.Id);
            try
            {
                var existed = await grain.GetProfile() is not null;
                await grain.Register(p.Registration);
                return new ImportRowResult(p.Row, existed ? ImportRowStatus.AlreadyThere : ImportRowStatus.Created);
            }
            catch (Exception ex) when (Refusal(ex) is { } refusal)
            {
                return new ImportRowResult(p.Row, ImportRowStatus.Failed, refusal.Field, refusal.Message);
            }
        }));
    }

    public async Task<IReadOnlyList<ImportRowResult>> LoadCommitments(IReadOnlyList<ImportedCommitment> commitments)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        var results = new ImportRowResult[commitments.Count];
        var byParticipant = commitments.Select((c, i) => (Commitment: c, Index: i)).GroupBy(c => c.Commitment.Import.Draft.ParticipantId, StringComparer.Ordinal);
        await Task.WhenAll(byParticipant.Select(async group =>
        {
            var stored = new List<string>();
            await Task.WhenAll(group.Select(async item =>
            {
                var (commitment, index) = item;
                try
                {
                    var outcome = await GrainFactory.GetGrain<ICommitmentImportGrain>(commitment.Id).Import(commitment.Import);
                    results[index] = new ImportRowResult(commitment.Row,
                        outcome == CommitmentImportOutcome.Created ? ImportRowStatus.Created : ImportRowStatus.AlreadyThere);
                    lock (stored)
                        stored.Add(commitment.Id);
                }
                catch (Exception ex) when (Refusal(ex) is { } refusal)
                {
                    results[index] = new ImportRowResult(commitment.Row, ImportRowStatus.Failed, refusal.Field, refusal.Message);
                }
            }));
            // One write for the participant's list, after its commitments are stored: a run that stops in between repeats
            // the batch, and both steps are idempotent.
            if (stored.Count > 0)
                await GrainFactory.GetGrain<IParticipantGrain>(group.Key).AddCommitments(stored);
        }));
        return results;
    }

    /// <summary>What refuses a row (bad input, a conflict with what is stored); anything else is the platform failing, and fails the batch.</summary>
    private static (string Field, string Message)? Refusal(Exception ex) => ex switch
    {
        InputRejectedException rejected when rejected.Errors.Count > 0 => (rejected.Errors.First().Key, string.Join(" ", rejected.Errors.First().Value)),
        InputRejectedException rejected => ("", rejected.Message),
        StateConflictException conflict => ("id", conflict.Message),
        _ => null,
    };
}
