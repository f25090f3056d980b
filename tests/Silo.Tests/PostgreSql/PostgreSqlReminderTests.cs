using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Silo.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Hosting;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>
/// Reporting reminders on the PostgreSQL profile: in the reporting schedule (grain storage), durable across a restart and
/// cancelled when the commitment is withdrawn; Orleans' reminder table is not used for them. A reminder an earlier
/// version left in the table moves the commitment to the schedule when it fires, and unregisters itself.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReminderTests(PostgreSqlServer server) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_confirmed_commitment_has_its_reminder_in_the_reporting_schedule_across_a_restart_until_it_is_withdrawn()
    {
        var (connectionString, settings) = await Settings();
        var id = $"c-{Guid.NewGuid():N}";
        ScheduledReport scheduled;
        using (var first = TestSilo.Build(_temp.Path, settings))
        {
            await first.StartAsync();
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            var confirmed = await ConfirmedCommitment(grains, id);
            scheduled = Assert.Single(await Sweeper(grains).FindScheduled(id));
            Assert.Equal(confirmed.NextReportDue, scheduled.DueAt);
            Assert.Empty(await ReminderPeriods(connectionString, id));
            await first.StopAsync();
        }

        using var second = TestSilo.Build(_temp.Path, settings);
        await second.StartAsync();
        var grains2 = second.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal(scheduled, Assert.Single(await Sweeper(grains2).FindScheduled(id)));
        await grains2.GetGrain<ICommitmentGrain>(id).Withdraw("The school merged.");
        Assert.Empty(await Sweeper(grains2).FindScheduled(id));
        Assert.Empty(await ReminderPeriods(connectionString, id));
        await second.StopAsync();
    }

    [Fact]
    public async Task A_reminder_of_an_earlier_version_in_the_reminder_table_schedules_the_commitment_when_it_fires_and_unregisters_itself()
    {
        var (connectionString, settings) = await Settings();
        var id = $"c-{Guid.NewGuid():N}";
        // The reminder service re-reads its table every second, so a row written by the test is found and fires.
        using var host = TestSilo.Build(_temp.Path, settings,
            services: services => services.Configure<ReminderOptions>(o => o.RefreshReminderListPeriod = TimeSpan.FromSeconds(1)));
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var confirmed = await ConfirmedCommitment(grains, id);

        // As an earlier version left it: nothing in the schedule, an Orleans reminder in the table (due in a few seconds;
        // written to the table, since registering one needs the grain's own context).
        var entry = Assert.Single(await Sweeper(grains).FindScheduled(id));
        await grains.GetGrain<IReportingScheduleGrain>(ReportingSchedule.BucketKey(ReportingSchedule.HourOf(entry.DueAt), entry.Slot)).Cancel(id, entry.DueAt);
        Assert.Empty(await Sweeper(grains).FindScheduled(id));
        await host.Services.GetRequiredService<IReminderTable>().UpsertRow(new ReminderEntry
        {
            GrainId = grains.GetGrain<ICommitmentGrain>(id).GetGrainId(),
            ReminderName = CommitmentGrain.ReportingReminderName,
            // Every minute (Orleans' shortest period): if the service reads the row only after its start, the next tick comes soon.
            StartAt = DateTime.UtcNow.AddSeconds(6),
            Period = TimeSpan.FromMinutes(1),
        });
        Assert.Equal([TimeSpan.FromMinutes(1)], await ReminderPeriods(connectionString, id));

        await Eventually.Value(() => ReminderPeriods(connectionString, id), periods => periods.Count == 0, TimeSpan.FromSeconds(120),
            "the Orleans reminder row gone");
        Assert.Equal(confirmed.NextReportDue, Assert.Single(await Sweeper(grains).FindScheduled(id)).DueAt);
        await host.StopAsync();
    }

    private async Task<(string ConnectionString, Dictionary<string, string?> Settings)> Settings()
    {
        var connectionString = await server.CreateDatabaseAsync();
        return (connectionString, new Dictionary<string, string?>
        {
            ["Storage:Profile"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:MaxPoolSize"] = "10",
            ["Orleans:ClusterId"] = "civic-test-" + Guid.NewGuid().ToString("N")[..8],
        });
    }

    private static IReportingSweeperGrain Sweeper(IGrainFactory grains) => grains.GetGrain<IReportingSweeperGrain>(ReportingSchedule.SweeperKey);

    private static async Task<CommitmentView> ConfirmedCommitment(IGrainFactory grains, string id)
    {
        var goal = $"g-{Guid.NewGuid():N}";
        await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
        var owner = $"p-{Guid.NewGuid():N}";
        await grains.GetGrain<IParticipantGrain>(owner).Register(new ParticipantRegistration(ParticipantKind.School, "De Ark", "24062W13"));
        var commitment = grains.GetGrain<ICommitmentGrain>(id);
        var terms = new CommitmentTerms(CommitmentLevel.Pledge, "We walk and cycle to school", "Every pupil, every day.");
        await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, ReportingInterval: TimeSpan.FromDays(14)));
        return await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));
    }

    /// <summary>The periods of the commitment's "reporting" reminders in the reminder table.</summary>
    private static async Task<List<TimeSpan>> ReminderPeriods(string connectionString, string commitmentId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT Period FROM OrleansRemindersTable WHERE ReminderName = @name AND GrainId LIKE @grain;", connection);
        query.Parameters.AddWithValue("name", CommitmentGrain.ReportingReminderName);
        query.Parameters.AddWithValue("grain", "%" + commitmentId);
        var periods = new List<TimeSpan>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            periods.Add(TimeSpan.FromMilliseconds(reader.GetInt64(0)));
        return periods;
    }
}
