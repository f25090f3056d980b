using CivicContracting.Hosting;

namespace CivicContracting.Participants;

[GenerateSerializer, Alias("cc.VerifiedNameState.v1")]
public sealed class VerifiedNameState
{
    [Id(0)] public string? ParticipantId { get; set; }
}

/// <summary>
/// One verified public name (key: its <see cref="ParticipantNames.Skeleton"/>) and the participant holding it. Calls to one
/// name are handled one at a time and written before the answer; it calls no other grain.
/// </summary>
public sealed class VerifiedNameGrain(
    [PersistentState("verifiedName", GrainStorage.Name)] IPersistentState<VerifiedNameState> state) : Grain, IVerifiedNameGrain
{
    public Task<string?> GetHolder() => Task.FromResult(state.State.ParticipantId);

    public async Task<string> Claim(string participantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(participantId);
        if (state.State.ParticipantId is { } holder)
            return holder;
        state.State.ParticipantId = participantId;
        await state.WriteStateAsync();
        return participantId;
    }

    public async Task Release(string participantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(participantId);
        if (state.State.ParticipantId != participantId)
            return;
        await state.ClearStateAsync();
    }
}
