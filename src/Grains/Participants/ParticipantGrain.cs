using CivicContracting.Hosting;
using CivicContracting.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Participants;

public sealed class ParticipantGrain(
    [PersistentState("participant", GrainStorage.Name)] IPersistentState<ParticipantState> state,
    TimeProvider clock,
    IOptions<ParticipantOptions> options,
    ILogger<ParticipantGrain> logger) : Grain, IParticipantGrain
{
    /// <summary>The platform's registration: an organisation of a kind that needs verification is verified at once, and its name protected.</summary>
    public Task<ParticipantProfile> Register(ParticipantRegistration registration) => RegisterAs(registration, byPlatform: true);

    public Task<ParticipantProfile> RegisterUnverified(ParticipantRegistration registration) => RegisterAs(registration, byPlatform: false);

    public Task<ParticipantProfile> RegisterForPerson(ParticipantRegistration registration, bool ownerEmailVerified) =>
        RegisterAs(registration, byPlatform: false, awaitsOwnerEmail: !ownerEmailVerified);

    public async Task<ParticipantProfile> ConfirmOwnerEmail()
    {
        if (state.State.Registration is null)
            throw new KeyNotFoundException($"Participant '{this.GetPrimaryKeyString()}' does not exist.");
        if (state.State.AwaitsOwnerEmail)
        {
            state.State.AwaitsOwnerEmail = false;
            await state.WriteStateAsync();
        }
        return ToProfile();
    }

    private async Task<ParticipantProfile> RegisterAs(ParticipantRegistration registration, bool byPlatform, bool awaitsOwnerEmail = false)
    {
        InputRules.Registration(registration).ThrowIfAny();
        if (state.State.Registration is { } existing)
        {
            return existing == registration
                ? ToProfile()
                : throw new StateConflictException($"Participant '{this.GetPrimaryKeyString()}' is already registered with other details.");
        }

        var id = this.GetPrimaryKeyString();
        var needsVerification = options.Value.NeedingVerification().Contains(registration.Kind);
        var skeleton = ParticipantNames.Skeleton(PublicName(id, registration));
        if (!byPlatform && skeleton.Length > 0
            && await GrainFactory.GetGrain<IVerifiedNameGrain>(skeleton).GetHolder() is { } holder && holder != id)
        {
            throw new InputRejectedException("name", "This name is that of a verified participant (or looks like it); choose a name of your own.");
        }

        state.State.Registration = registration;
        state.State.RegisteredAt = clock.GetUtcNow();
        state.State.AwaitsVerification = needsVerification && !byPlatform;
        state.State.VerifiedAt = needsVerification && byPlatform ? state.State.RegisteredAt : null;
        state.State.AwaitsOwnerEmail = awaitsOwnerEmail && !byPlatform;
        await state.WriteStateAsync();
        if (state.State.VerifiedAt is not null)
            await ClaimName(skeleton);
        return ToProfile();
    }

    public async Task<ParticipantProfile> SetVerified(bool verified)
    {
        var r = state.State.Registration
            ?? throw new KeyNotFoundException($"Participant '{this.GetPrimaryKeyString()}' does not exist.");
        if (r.Kind == ParticipantKind.Resident)
            throw new InputRejectedException("kind", "A resident is a person; only organisations are verified.");
        var skeleton = ParticipantNames.Skeleton(PublicName(this.GetPrimaryKeyString(), r));
        if (verified)
        {
            if (state.State.AwaitsVerification || state.State.VerifiedAt is null)
            {
                state.State.AwaitsVerification = false;
                state.State.VerifiedAt = clock.GetUtcNow();
                await state.WriteStateAsync();
            }
            // Again on a repeat: a name claim that failed after the write is completed.
            await ClaimName(skeleton);
        }
        else
        {
            if (!state.State.AwaitsVerification)
            {
                state.State.AwaitsVerification = true;
                state.State.VerifiedAt = null;
                await state.WriteStateAsync();
            }
            if (skeleton.Length > 0)
                await GrainFactory.GetGrain<IVerifiedNameGrain>(skeleton).Release(this.GetPrimaryKeyString());
        }
        return ToProfile();
    }

    /// <summary>Protects a verified participant's name; a name held by another verified participant stays theirs (logged).</summary>
    private async Task ClaimName(string skeleton)
    {
        if (skeleton.Length == 0)
            return;
        var id = this.GetPrimaryKeyString();
        var holder = await GrainFactory.GetGrain<IVerifiedNameGrain>(skeleton).Claim(id);
        if (holder != id)
            logger.LogWarning("Verified participant {ParticipantId} has the name of verified participant {Holder}; the name stays protected for the latter", id, holder);
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
        return new ParticipantProfile(id, r.Kind, PublicName(id, r), r.NeighbourhoodCode, state.State.RegisteredAt, [.. state.State.CommitmentIds],
            Unverified: state.State.AwaitsVerification, VerifiedAt: state.State.VerifiedAt, AwaitsOwnerEmail: state.State.AwaitsOwnerEmail);
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
