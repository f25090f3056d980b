using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Participants;

public sealed class ParticipantGrain(
    [PersistentState("participant", GrainStorage.Name)] IPersistentState<ParticipantState> state,
    TimeProvider clock) : Grain, IParticipantGrain
{
    public async Task<ParticipantProfile> Register(ParticipantRegistration registration)
    {
        InputRules.Registration(registration).ThrowIfAny();
        if (state.State.Registration is { } existing)
        {
            return existing == registration
                ? ToProfile()
                : throw new StateConflictException($"Participant '{this.GetPrimaryKeyString()}' is already registered with other details.");
        }

        state.State.Registration = registration;
        state.State.RegisteredAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        return ToProfile();
    }

    public Task<ParticipantProfile?> GetProfile() =>
        Task.FromResult(state.State.Registration is null ? null : ToProfile());

    public Task<ParticipantPrivateDetails?> GetPrivateDetails() =>
        Task.FromResult(state.State.Registration is { } r
            ? new ParticipantPrivateDetails(this.GetPrimaryKeyString(), r.Name, r.ContactEmail, r.ContactPhone)
            : null);

    public async Task AddCommitment(string commitmentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (state.State.Registration is null)
            throw new KeyNotFoundException($"Participant '{this.GetPrimaryKeyString()}' does not exist.");
        if (state.State.CommitmentIds.Contains(commitmentId))
            return;
        state.State.CommitmentIds.Add(commitmentId);
        await state.WriteStateAsync();
    }

    public async Task AddCommitments(IReadOnlyList<string> commitmentIds)
    {
        ArgumentNullException.ThrowIfNull(commitmentIds);
        if (commitmentIds.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("Commitment ids must not be blank.", nameof(commitmentIds));
        if (state.State.Registration is null)
            throw new KeyNotFoundException($"Participant '{this.GetPrimaryKeyString()}' does not exist.");
        var listed = state.State.CommitmentIds.ToHashSet(StringComparer.Ordinal);
        var added = 0;
        foreach (var id in commitmentIds)
        {
            if (listed.Add(id))
            {
                state.State.CommitmentIds.Add(id);
                added++;
            }
        }
        if (added == 0)
            return;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.CommitmentIds.RemoveRange(state.State.CommitmentIds.Count - added, added);
            throw;
        }
    }

    public async Task<ParticipantProfile> Anonymise()
    {
        var r = state.State.Registration
            ?? throw new KeyNotFoundException($"Participant '{this.GetPrimaryKeyString()}' does not exist.");
        if (state.State.AnonymisedAt is not null)
            return ToProfile();
        state.State.Registration = r with { Name = AnonymousName, Pseudonym = null, ShowNamePublicly = true, ContactEmail = null, ContactPhone = null };
        state.State.AnonymisedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        return ToProfile();
    }

    /// <summary>The name of an anonymised participant, public and private alike.</summary>
    internal const string AnonymousName = "Anonymous participant";

    private ParticipantProfile ToProfile()
    {
        var r = state.State.Registration!;
        var id = this.GetPrimaryKeyString();
        return new ParticipantProfile(id, r.Kind, PublicName(id, r), r.NeighbourhoodCode, state.State.RegisteredAt, [.. state.State.CommitmentIds]);
    }

    /// <summary>Residents appear under a pseudonym unless they chose to show their name; organisations act under their own name.</summary>
    internal static string PublicName(string id, ParticipantRegistration r)
    {
        if (r.Kind != ParticipantKind.Resident || r.ShowNamePublicly)
            return r.Name;
        if (!string.IsNullOrWhiteSpace(r.Pseudonym))
            return r.Pseudonym;
        var tag = AggregationHash(id).ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        return $"Resident {tag}";
    }

    private static ushort AggregationHash(string id)
    {
        uint hash = 2166136261;
        foreach (var c in id)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return (ushort)(hash ^ (hash >> 16));
    }
}
