using System.Diagnostics;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Demo;

/// <summary>What one seeding run did. A second run over the same data does nothing: every count is zero.</summary>
public sealed record SeedResult(
    int GoalsDefined,
    int ParticipantsRegistered,
    int CommitmentsCreated,
    int Confirmations,
    int Upgrades,
    int ProgressReports,
    int Closed,
    int Withdrawn,
    int Failures,
    TimeSpan Elapsed)
{
    public bool ChangedNothing =>
        GoalsDefined + ParticipantsRegistered + CommitmentsCreated + Confirmations + Upgrades + ProgressReports + Closed + Withdrawn == 0;
}

/// <summary>
/// Seeds the Leuven demo (<see cref="LeuvenDemoPlan"/>) through the grain interfaces, idempotently: every id is
/// deterministic, and before each step the seeder reads what exists (goal info, participant profile, commitment
/// view) and only does what is missing. Running it twice, or after a restart on persisted data, creates nothing
/// twice, and a commitment is confirmed (with its planned signing date) only while it is a draft, so no date moves.
/// A failing item is logged and skipped; the rest goes on. Data seeded by another edition of the demo (other texts,
/// e.g. the English ones of earlier versions) is left as it is, with one warning.
/// </summary>
public sealed class DemoSeeder(IGrainFactory grains, IOptions<DemoOptions> options, TimeProvider time, ILogger<DemoSeeder> logger)
{
    private const int Parallelism = 8;

    public DemoPlan Plan() => LeuvenDemoPlan.Build(options.Value.RandomSeed, time.GetUtcNow());

    public async Task<SeedResult> SeedAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var plan = Plan();
        var counters = new Counters();
        var total = plan.Commitments.Count;
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Seeding the Leuven demo data: {Goals} goals, {Participants} participants, {Commitments} commitments (random seed {Seed}).",
                plan.Goals.Count, plan.Participants.Count, total, options.Value.RandomSeed);
        }

        if (await IsAnotherEditionAsync(grains, plan.Goals))
        {
            logger.LogWarning(
                "Demo seed skipped: the stored demo data is another edition of the Leuven demo (its texts differ from this version's). " +
                "It is left as it is; start on an empty data folder to get this edition.");
            return counters.ToResult(clock.Elapsed);
        }

        await EnsureGoalsAsync(grains, plan.Goals, counters, logger, cancellationToken);
        await EnsureParticipantsAsync(grains, plan.Participants, counters, logger, cancellationToken);
        logger.LogInformation("Demo seed: goals and participants are in place; now the commitments.");

        var done = 0;
        await Parallel.ForEachAsync(
            plan.Commitments,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (commitment, ct) =>
            {
                await ApplyAsync(commitment, counters, ct);
                var count = Interlocked.Increment(ref done);
                if (count % 100 == 0 && logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("Demo seed: {Done} of {Total} commitments checked.", count, total);
            });

        var result = counters.ToResult(clock.Elapsed);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Demo seed complete in {Elapsed:0.0} s: {Goals} goals defined, {Participants} participants registered, {Commitments} commitments created, " +
                "{Confirmations} confirmed, {Upgrades} upgraded, {Reports} progress reports, {Closed} closed, {Withdrawn} withdrawn, {Failures} failures{Note}.",
                result.Elapsed.TotalSeconds, result.GoalsDefined, result.ParticipantsRegistered, result.CommitmentsCreated, result.Confirmations,
                result.Upgrades, result.ProgressReports, result.Closed, result.Withdrawn, result.Failures,
                result.ChangedNothing ? " (everything was already there)" : "");
        }
        return result;
    }

    /// <summary>
    /// Whether the stored Kessel-Lo ambition has other texts than this edition of the demo plans: then every goal and
    /// commitment would be refused as "exists with other content", so the seed leaves that data alone.
    /// </summary>
    internal static async Task<bool> IsAnotherEditionAsync(IGrainFactory grains, IReadOnlyList<PlannedGoal> goals)
    {
        var probe = goals.First(g => g.Id == LeuvenContent.KesselLoAmbitionId);
        // The goal's first version: administrators may have revised the texts since, which makes no other edition.
        var versions = await grains.GetGrain<IGoalGrain>(probe.Id).GetVersions();
        var stored = versions.Count > 0 ? versions[0].Definition : null;
        return stored is not null
            && (stored.Title != probe.Definition.Title || stored.Description != probe.Definition.Description);
    }

    internal static async Task EnsureGoalsAsync(IGrainFactory grains, IReadOnlyList<PlannedGoal> goals, Counters counters, ILogger logger, CancellationToken cancellationToken)
    {
        // In order: a parent goal exists before its objectives are defined.
        foreach (var goal in goals)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // Define is always repeated: for an existing goal it is a no-op that completes any wiring a crash
                // cut short (parent link, aggregate settings, directory entry).
                var grain = grains.GetGrain<IGoalGrain>(goal.Id);
                var stored = await grain.GetInfo();
                var existed = stored is not null;
                if (stored is not null && NeedsTranslations(stored.Definition, goal.Definition))
                    await AddTranslationsAsync(grain, stored.Definition, goal.Definition);
                await grain.Define(goal.Definition);
                if (!existed)
                    counters.Add(ref counters.GoalsDefined);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                counters.Add(ref counters.Failures);
                logger.LogWarning(ex, "Demo seed: goal {GoalId} could not be defined.", goal.Id);
            }
        }
    }

    /// <summary>
    /// A goal seeded before the demo had French and English texts: the same Dutch texts, no translations. Defining it again
    /// with translations would be "another definition", so the translations are added as a revision first.
    /// </summary>
    private static bool NeedsTranslations(GoalDefinition stored, GoalDefinition planned) =>
        stored.TitleTranslations is null && stored.DescriptionTranslations is null
        && (planned.TitleTranslations is not null || planned.DescriptionTranslations is not null)
        && stored.Title == planned.Title && stored.Description == planned.Description;

    private static Task AddTranslationsAsync(IGoalGrain grain, GoalDefinition stored, GoalDefinition planned) =>
        grain.Revise(new GoalRevision(stored.Title, stored.Description, stored.CitizenPanelWording, stored.Target, stored.RollUp,
            TranslationsEditor, "French and English texts added", stored.Language, planned.TitleTranslations, planned.DescriptionTranslations));

    /// <summary>Who the revision that adds the demo's translations is credited to.</summary>
    internal const string TranslationsEditor = "demo";

    internal static Task EnsureParticipantsAsync(IGrainFactory grains, IReadOnlyList<PlannedParticipant> participants, Counters counters, ILogger logger, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            participants,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (participant, _) =>
            {
                try
                {
                    var grain = grains.GetGrain<IParticipantGrain>(participant.Id);
                    if (await grain.GetProfile() is null)
                    {
                        await grain.Register(participant.Registration);
                        counters.Add(ref counters.ParticipantsRegistered);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    counters.Add(ref counters.Failures);
                    logger.LogWarning(ex, "Demo seed: participant {ParticipantId} could not be registered.", participant.Id);
                }
            });

    private async Task ApplyAsync(PlannedCommitment planned, Counters counters, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyCommitmentAsync(grains, planned, counters, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            counters.Add(ref counters.Failures);
            logger.LogWarning(ex, "Demo seed: commitment {CommitmentId} could not be completed; it is skipped.", planned.Id);
        }
    }

    /// <summary>Brings one commitment to its planned state, doing only what is missing.</summary>
    internal static async Task<CommitmentView> ApplyCommitmentAsync(IGrainFactory grains, PlannedCommitment planned, Counters counters, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ICommitmentGrain>(planned.Id);
        var owner = planned.Draft.ParticipantId;
        var view = await grain.Get();
        if (view is null)
        {
            view = await grain.Create(planned.Draft);
            counters.Add(ref counters.CommitmentsCreated);
        }
        if (planned.Outcome == CommitmentStatus.Draft)
            return view;

        if (view.Status == CommitmentStatus.Draft)
        {
            // Signed earlier (on paper, at a co-creation session) and entered now; null for the simulator: signed now.
            view = await grain.Confirm(owner, CommitmentText.Hash(view.Terms), planned.SignedAt);
            counters.Add(ref counters.Confirmations);
        }

        if (planned.UpgradeTo is { } upgrade && view.Terms.Level < upgrade.Level && IsOpen(view.Status))
        {
            cancellationToken.ThrowIfCancellationRequested();
            view = await grain.Upgrade(upgrade, owner, CommitmentText.Hash(upgrade));
            counters.Add(ref counters.Upgrades);
        }

        // The planned reports already stored (a seeding cut off earlier), looked up in the whole history.
        var stored = planned.Reports.Count == 0 ? [] : (await grain.FindReports([.. planned.Reports.Select(r => r.ReportId)]))
            .Select(r => r.ReportId).ToHashSet(StringComparer.Ordinal);
        foreach (var report in planned.Reports)
        {
            if (stored.Contains(report.ReportId) || !IsOpen(view.Status) || !Fits(report, view.Terms))
                continue;
            cancellationToken.ThrowIfCancellationRequested();
            view = await grain.ReportProgress(report);
            counters.Add(ref counters.ProgressReports);
        }

        switch (planned.Outcome)
        {
            case CommitmentStatus.Achieved when IsOpen(view.Status):
                view = await grain.Close(CommitmentOutcome.Achieved);
                counters.Add(ref counters.Closed);
                break;
            case CommitmentStatus.Missed when IsOpen(view.Status):
                view = await grain.Close(CommitmentOutcome.Missed);
                counters.Add(ref counters.Closed);
                break;
            case CommitmentStatus.Withdrawn when IsOpen(view.Status):
                view = await grain.Withdraw(planned.WithdrawalReason ?? "Ingetrokken.");
                counters.Add(ref counters.Withdrawn);
                break;
        }
        return view;
    }

    internal static bool IsOpen(CommitmentStatus status) => status is CommitmentStatus.Confirmed or CommitmentStatus.Active;

    /// <summary>A report fits the terms it would be stored under (terms written on another day may differ a little).</summary>
    private static bool Fits(ProgressReport report, CommitmentTerms terms) =>
        (report.Value is null || terms.Level == CommitmentLevel.Result)
        && (report.CompletedMilestoneId is null || (terms.Milestones ?? []).Any(m => m.Id == report.CompletedMilestoneId));

    internal sealed class Counters
    {
        public int GoalsDefined;
        public int ParticipantsRegistered;
        public int CommitmentsCreated;
        public int Confirmations;
        public int Upgrades;
        public int ProgressReports;
        public int Closed;
        public int Withdrawn;
        public int Failures;

        public void Add(ref int counter) => Interlocked.Increment(ref counter);

        public SeedResult ToResult(TimeSpan elapsed) => new(
            GoalsDefined, ParticipantsRegistered, CommitmentsCreated, Confirmations, Upgrades, ProgressReports, Closed, Withdrawn, Failures, elapsed);
    }
}
