using CivicContracting.Aggregation;
using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Goals;

public sealed class GoalGrain(
    [PersistentState("goal", GrainStorage.Name)] IPersistentState<GoalState> state,
    TimeProvider clock) : Grain, IGoalGrain
{
    private string Id => this.GetPrimaryKeyString();

    public Task<GoalInfo> Define(GoalDefinition definition) => DefineCore(definition, null);

    public Task<GoalInfo> DefineAs(GoalDefinition definition, string definedBy)
    {
        if (string.IsNullOrWhiteSpace(definedBy) || definedBy.Length > InputRules.MaxNameLength)
            throw new InputRejectedException("definedBy", $"Required, at most {InputRules.MaxNameLength} characters.");
        return DefineCore(definition, definedBy.Trim());
    }

    private async Task<GoalInfo> DefineCore(GoalDefinition definition, string? definedBy)
    {
        InputRules.Goal(definition).ThrowIfAny();
        // "No translations" is stored one way only, so that a repeated definition compares equal.
        definition = definition with
        {
            TitleTranslations = Texts.ContentTranslations.OrNull(definition.TitleTranslations),
            DescriptionTranslations = Texts.ContentTranslations.OrNull(definition.DescriptionTranslations),
        };
        if (state.State.Definition is { } existing)
        {
            // A repeated create is a no-op also after revisions: it names the goal's first version.
            var original = state.State.EarlierVersions.Count > 0 ? state.State.EarlierVersions[0].Definition : existing;
            if (!SameDefinition(existing, definition) && !SameDefinition(original, definition))
                throw new StateConflictException($"Goal '{Id}' already exists with another definition.");
        }
        else
        {
            List<string> lineage = [Id];
            if (definition.ParentGoalId is { } parentId)
            {
                if (parentId == Id)
                    throw new InputRejectedException("parentGoalId", "A goal cannot be its own parent.");
                IReadOnlyList<string> parentLineage;
                try
                {
                    parentLineage = await GrainFactory.GetGrain<IGoalGrain>(parentId).GetLineage();
                }
                catch (KeyNotFoundException)
                {
                    throw new InputRejectedException("parentGoalId", $"Goal '{parentId}' does not exist.");
                }
                if (parentLineage.Contains(Id))
                    throw new InputRejectedException("parentGoalId", "That parent would make the goal tree a cycle.");
                lineage.AddRange(parentLineage);
            }
            state.State.Definition = definition;
            state.State.Lineage = lineage;
            state.State.CreatedAt = clock.GetUtcNow();
            state.State.Version = 1;
            state.State.RevisedBy = definedBy;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                state.State.Definition = null;
                throw;
            }
        }

        // Every step below is idempotent, so repeating Define after a partial failure completes the wiring.
        if (state.State.Definition!.ParentGoalId is { } parent)
            await GrainFactory.GetGrain<IGoalGrain>(parent).AddChild(Id);
        await Publish();
        return ToInfo();
    }

    public async Task<GoalInfo> Revise(GoalRevision revision)
    {
        InputRules.GoalRevision(revision).ThrowIfAny();
        var current = state.State.Definition ?? throw new KeyNotFoundException($"Goal '{Id}' does not exist.");
        var revised = current with
        {
            Title = revision.Title,
            Description = revision.Description,
            CitizenPanelWording = revision.CitizenPanelWording,
            Target = revision.Target,
            RollUp = revision.RollUp,
            Language = revision.Language ?? current.Language,
            TitleTranslations = Texts.ContentTranslations.OrNull(revision.TitleTranslations),
            DescriptionTranslations = Texts.ContentTranslations.OrNull(revision.DescriptionTranslations),
        };
        // The revision's translations are checked against the language the goal ends up with.
        InputRules.Goal(revised).ThrowIfAny();
        if (!SameDefinition(current, revised))
        {
            var now = clock.GetUtcNow();
            var (version, revisedAt, revisedBy, note) = (state.State.Version, state.State.RevisedAt, state.State.RevisedBy, state.State.RevisionNote);
            state.State.EarlierVersions.Add(CurrentVersion(validUntil: now));
            state.State.Definition = revised;
            state.State.Version = Math.Max(1, version) + 1;
            state.State.RevisedAt = now;
            state.State.RevisedBy = revision.RevisedBy.Trim();
            state.State.RevisionNote = string.IsNullOrWhiteSpace(revision.Note) ? null : revision.Note.Trim();
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Nothing was stored: the grain goes on with what it had.
                state.State.EarlierVersions.RemoveAt(state.State.EarlierVersions.Count - 1);
                state.State.Definition = current;
                (state.State.Version, state.State.RevisedAt, state.State.RevisedBy, state.State.RevisionNote) = (version, revisedAt, revisedBy, note);
                throw;
            }
        }

        // Idempotent, so a revision repeated after a partial failure (or one that changes nothing) completes the wiring.
        await Publish();
        return ToInfo();
    }

    public Task<IReadOnlyList<GoalVersion>> GetVersions() => Task.FromResult<IReadOnlyList<GoalVersion>>(
        state.State.Definition is null ? [] : [.. state.State.EarlierVersions, CurrentVersion(validUntil: null)]);

    /// <summary>
    /// Tells the aggregate its roll-up rule and parent (it recomputes only when they changed) and the directory the title
    /// and version (it writes only when they changed).
    /// </summary>
    private async Task Publish()
    {
        var def = state.State.Definition!;
        await GrainFactory.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(Id))
            .Configure(new AggregateSettings(def.RollUp, def.ParentGoalId is { } p ? AggregateScope.Goal(p) : null, null));
        await GrainFactory.GetGrain<IGoalDirectoryGrain>(0)
            .Register(new GoalListing(Id, def.Title, def.ParentGoalId, def.Scope.Level, state.State.CreatedAt, Version, def.Language, def.TitleTranslations));
    }

    /// <summary>States stored before goals had versions read as 0: they are version 1.</summary>
    private int Version => Math.Max(1, state.State.Version);

    private GoalVersion CurrentVersion(DateTimeOffset? validUntil) => new(
        Version, state.State.Definition!, state.State.RevisedAt ?? state.State.CreatedAt, validUntil, state.State.RevisedBy, state.State.RevisionNote);

    public Task<GoalInfo?> GetInfo() => Task.FromResult(state.State.Definition is null ? null : ToInfo());

    public Task<IReadOnlyList<string>> GetLineage() => state.State.Definition is null
        ? throw new KeyNotFoundException($"Goal '{Id}' does not exist.")
        : Task.FromResult<IReadOnlyList<string>>([.. state.State.Lineage]);

    public async Task AddChild(string childGoalId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(childGoalId);
        if (state.State.Definition is null)
            throw new KeyNotFoundException($"Goal '{Id}' does not exist.");
        if (state.State.Children.Contains(childGoalId))
            return;
        state.State.Children.Add(childGoalId);
        await state.WriteStateAsync();
    }

    private GoalInfo ToInfo() =>
        new(Id, state.State.Definition!, [.. state.State.Children], [.. state.State.Lineage], state.State.CreatedAt,
            Version, state.State.RevisedAt, state.State.RevisedBy);

    /// <summary>Records compare lists by reference, so compare the scope's codes by value.</summary>
    private static bool SameDefinition(GoalDefinition a, GoalDefinition b) =>
        a with { Scope = b.Scope } == b
        && a.Scope.Level == b.Scope.Level
        && a.Scope.PlaceCodes.SequenceEqual(b.Scope.PlaceCodes, StringComparer.OrdinalIgnoreCase);
}
