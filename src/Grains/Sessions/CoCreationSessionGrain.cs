using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Sessions;

/// <summary>
/// One co-creation session: what the support team recorded, and the commitments made at or after it that link to it.
/// Commitments call it (commitment → session); it calls only the directory, which calls nobody.
/// </summary>
public sealed class CoCreationSessionGrain(
    [PersistentState("coCreationSession", GrainStorage.Name)] IPersistentState<CoCreationSessionState> state,
    TimeProvider clock) : Grain, ICoCreationSessionGrain
{
    /// <summary>The most commitments one session links (a large workshop yields dozens; this bounds the grain's state).</summary>
    public const int MaxLinkedCommitments = 1_000;

    private string Id => this.GetPrimaryKeyString();

    private CoCreationSessionState S => state.State;

    public async Task<CoCreationSessionView> Record(CoCreationSessionDetails details)
    {
        var now = clock.GetUtcNow();
        CoCreationSessionRules.Details(details, now).ThrowIfAny();
        if (S.Details is { } existing)
        {
            if (!existing.SameAs(Normalise(details)))
                throw new StateConflictException($"Co-creation session '{Id}' is already recorded with other details; update it instead.");
            await RegisterWithDirectory(); // completes a registration an earlier attempt may have missed
            return ToView();
        }
        S.Details = Normalise(details);
        S.RecordedAt = now;
        S.UpdatedAt = now;
        S.Version++;
        await state.WriteStateAsync();
        await RegisterWithDirectory();
        return ToView();
    }

    public async Task<CoCreationSessionView> Update(CoCreationSessionDetails details)
    {
        if (S.Details is not { } existing)
            throw new KeyNotFoundException($"Co-creation session '{Id}' does not exist.");
        var now = clock.GetUtcNow();
        CoCreationSessionRules.Details(details, now).ThrowIfAny();
        var updated = Normalise(details);
        if (existing.SameAs(updated))
        {
            await RegisterWithDirectory();
            return ToView();
        }
        if (S.Links.Count > 0 && S.Links.Min(l => l.MadeAt) is var earliest && updated.StartsAt > earliest)
        {
            throw new InputRejectedException("startsAt",
                $"A commitment linked to this session was made at {earliest:O}; the session cannot start after that.");
        }
        S.Details = updated;
        S.UpdatedAt = now;
        S.Version++;
        await state.WriteStateAsync();
        await RegisterWithDirectory();
        return ToView();
    }

    public Task<CoCreationSessionView?> Get() => Task.FromResult(S.Details is null ? null : ToView());

    public async Task<CoCreationSessionLink> LinkCommitment(string commitmentId, DateTimeOffset madeAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commitmentId);
        if (S.Details is not { } details)
            return new CoCreationSessionLink(CoCreationLinkOutcome.UnknownSession, null);
        if (details.StartsAt > madeAt)
            return new CoCreationSessionLink(CoCreationLinkOutcome.StartsLater, details.StartsAt);
        var index = S.Links.FindIndex(l => l.CommitmentId == commitmentId);
        if (index >= 0)
        {
            // Linked already (a retried creation, or a confirmation with an earlier signing date): keep the earliest moment.
            if (madeAt < S.Links[index].MadeAt)
            {
                S.Links[index] = S.Links[index] with { MadeAt = madeAt };
                await state.WriteStateAsync();
            }
            return new CoCreationSessionLink(CoCreationLinkOutcome.Linked, details.StartsAt);
        }
        if (S.Links.Count >= MaxLinkedCommitments)
            return new CoCreationSessionLink(CoCreationLinkOutcome.Full, details.StartsAt);
        S.Links.Add(new CoCreationSessionLinkEntry(commitmentId, madeAt));
        S.UpdatedAt = clock.GetUtcNow();
        S.Version++;
        await state.WriteStateAsync();
        return new CoCreationSessionLink(CoCreationLinkOutcome.Linked, details.StartsAt);
    }

    private Task RegisterWithDirectory()
    {
        var d = S.Details!;
        return GrainFactory.GetGrain<ICoCreationSessionDirectoryGrain>(0).Register(new CoCreationSessionListing(
            Id, d.Kind, d.Title, d.StartsAt, d.NeighbourhoodCode, d.GoalIds, CoCreationSessionRules.Counted(d.Attendance).Sum(a => a.Value),
            d.Language, d.TitleTranslations));
    }

    /// <summary>A copy the grain owns: its own lists, zero counts dropped, the start in UTC.</summary>
    private static CoCreationSessionDetails Normalise(CoCreationSessionDetails d) => d with
    {
        StartsAt = d.StartsAt.ToUniversalTime(),
        GoalIds = [.. d.GoalIds ?? []],
        Attendance = CoCreationSessionRules.Counted(d.Attendance).ToDictionary(a => a.Key, a => a.Value),
        TitleTranslations = Texts.ContentTranslations.OrNull(d.TitleTranslations),
    };

    private CoCreationSessionView ToView() =>
        new(Id, S.Details!, [.. S.Links.Select(l => l.CommitmentId)], S.RecordedAt, S.UpdatedAt, S.Version);
}

/// <summary>A linked commitment and the earliest moment it was made (created, or signed) that it linked with.</summary>
[GenerateSerializer, Immutable, Alias("cc.CoCreationSessionLinkEntry.v1")]
public sealed record CoCreationSessionLinkEntry(
    [property: Id(0)] string CommitmentId,
    [property: Id(1)] DateTimeOffset MadeAt);
