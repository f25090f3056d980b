using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Silo.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CivicContracting.Silo.Tests.PostgreSql;

/// <summary>
/// Reporting reminders on the PostgreSQL profile: in Orleans' reminder table (deploy/postgresql/0003-reminders.sql), so
/// durable by themselves — no re-registration index — and dropped from the table when the commitment is withdrawn.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReminderTests(PostgreSqlServer server) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_confirmed_commitment_has_its_reminder_in_the_reminder_table_across_a_restart_until_it_is_withdrawn()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Profile"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:MaxPoolSize"] = "10",
            ["Orleans:ClusterId"] = "civic-test-" + Guid.NewGuid().ToString("N")[..8],
        };
        var id = $"c-{Guid.NewGuid():N}";
        var terms = new CommitmentTerms(CommitmentLevel.Pledge, "We walk and cycle to school", "Every pupil, every day.");
        using (var first = TestSilo.Build(_temp.Path, settings))
        {
            await first.StartAsync();
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            var goal = $"g-{Guid.NewGuid():N}";
            await grains.GetGrain<IGoalGrain>(goal).Define(new GoalDefinition("Safe school routes", "", new GoalScope(PlaceLevel.City, [])));
            var owner = $"p-{Guid.NewGuid():N}";
            await grains.GetGrain<IParticipantGrain>(owner).Register(new ParticipantRegistration(ParticipantKind.School, "De Ark", "24062W13"));
            var commitment = grains.GetGrain<ICommitmentGrain>(id);
            await commitment.Create(new CommitmentDraft(owner, [new GoalWeight(goal)], "24062W13", terms, ReportingInterval: TimeSpan.FromDays(14)));
            await commitment.Confirm("Head teacher", CommitmentText.Hash(terms));

            Assert.Equal([TimeSpan.FromDays(14)], await ReminderPeriods(connectionString, id));
            // The table is durable: the commitment is not listed for re-registration at start.
            Assert.DoesNotContain(id, await grains.GetGrain<ICommitmentReminderIndexGrain>(CommitmentReminderIndex.ShardFor(id)).GetTracked());
            await first.StopAsync();
        }

        using var second = TestSilo.Build(_temp.Path, settings);
        await second.StartAsync();
        Assert.Equal([TimeSpan.FromDays(14)], await ReminderPeriods(connectionString, id));
        await second.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommitmentGrain>(id).Withdraw("The school merged.");
        Assert.Empty(await ReminderPeriods(connectionString, id));
        await second.StopAsync();
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
