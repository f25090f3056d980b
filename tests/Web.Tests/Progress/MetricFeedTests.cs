using System.Net;
using CivicContracting.Web.Progress;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>POST /api/commitments/{id}/metrics: an integrator's feed of measured values, checked whole, never stored twice.</summary>
[Collection(WebAppCollection.Name)]
public sealed class MetricFeedTests(WebAppFixture app)
{
    [Fact]
    public async Task A_traffic_counter_batch_is_stored_once_however_often_it_is_sent_by_Idempotency_Key_or_by_reportId()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        using var counter = await world.Owner.TokenClientAsync(app.BaseAddress, "progress:write");
        var day = new DateTimeOffset(2025, 5, 12, 0, 0, 0, TimeSpan.Zero);
        var batch = new { values = new[] { new { value = 30.0, measuredAt = day.AddHours(8) }, new { value = 50.0, measuredAt = day.AddHours(18) }, new { value = 40.0, measuredAt = day.AddHours(12) } } };
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(counter, commitment, batch, key).ReadAsync<MetricBatchSummary>();
        Assert.Equal(new MetricBatchSummary(commitment, 3, 3, 0, 50, 0.5), first);
        var again = await PostAsync(counter, commitment, batch, key).ReadAsync<MetricBatchSummary>();
        Assert.Equal(new MetricBatchSummary(commitment, 3, 0, 3, 50, 0.5), again);
        var view = await world.CommitmentAsync(commitment);
        Assert.Equal([30.0, 40.0, 50.0], view.Reports.Select(r => r.Value!.Value));
        Assert.All(view.Reports, r => Assert.Null(r.Note));

        // Values with their own ids need no key; sent twice, stored once.
        var withIds = new { values = new[] { new { value = 55.0, measuredAt = day.AddDays(1), reportId = "counter-7-2025-05-13" } } };
        Assert.Equal(1, (await PostAsync(counter, commitment, withIds, key: null).ReadAsync<MetricBatchSummary>()).Applied);
        Assert.Equal(1, (await PostAsync(counter, commitment, withIds, key: null).ReadAsync<MetricBatchSummary>()).AlreadyApplied);
        Assert.Equal(4, (await world.CommitmentAsync(commitment)).Reports.Count);

        // The same key from another caller is another request.
        Assert.Equal(3, (await PostAsync(app.Operator, commitment, batch, key).ReadAsync<MetricBatchSummary>()).Applied);
        Assert.Equal(7, (await world.CommitmentAsync(commitment)).Reports.Count);
    }

    [Fact]
    public async Task One_bad_value_refuses_the_batch_naming_it_and_nothing_is_stored()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var action = await world.ConfirmedAsync(TestApi.ActionTerms());
        var now = DateTimeOffset.UtcNow;
        var key = Guid.NewGuid().ToString();

        var future = new { values = new[] { new { value = 1.0, measuredAt = now.AddHours(-2) }, new { value = 2.0, measuredAt = now.AddDays(2) } } };
        var problem = await PostAsync(world.Owner.Client, commitment, future, key).ProblemNamingAsync("values[1].measuredAt");
        Assert.Single(problem["errors"]!.AsObject());
        await PostAsync(world.Owner.Client, commitment, new { values = new[] { new { value = 1.0 } } }, key).ProblemNamingAsync("values[0].measuredAt");
        await PostAsync(world.Owner.Client, commitment, new { values = new[] { new { value = "1", measuredAt = now } } }, key).ProblemNamingAsync("values[0].value");
        await PostAsync(world.Owner.Client, commitment, new { values = Array.Empty<object>() }, key).ProblemNamingAsync("values");
        await PostAsync(world.Owner.Client, commitment, new { values = new[] { new { value = 1.0, measuredAt = now } } }, key: null).ProblemNamingAsync(IdempotencyKeys.HeaderName);
        var duplicate = new { values = new[] { new { value = 1.0, measuredAt = now.AddHours(-1), reportId = "same" }, new { value = 2.0, measuredAt = now, reportId = "same" } } };
        await PostAsync(world.Owner.Client, commitment, duplicate, key: null).ProblemNamingAsync("values[1].reportId");
        await PostAsync(world.Owner.Client, action, new { values = new[] { new { value = 1.0, measuredAt = now } } }, key).ProblemNamingAsync("values");
        var draft = (await app.Operator.CommitAsync(world.OrganisationId, ProgressWorld.Neighbourhood, TestApi.ResultTerms(), (world.GoalId, 1))).Id;
        await PostAsync(world.Owner.Client, draft, new { values = new[] { new { value = 1.0, measuredAt = now } } }, key).ProblemAsync(HttpStatusCode.Conflict);
        await PostAsync(app.Operator, $"c-none-{Guid.NewGuid():N}", new { values = new[] { new { value = 1.0, measuredAt = now } } }, key).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Empty((await world.CommitmentAsync(commitment)).Reports);
        Assert.Empty((await world.CommitmentAsync(action)).Reports);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string commitmentId, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commitments/{commitmentId}/metrics")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, TestApi.Json), System.Text.Encoding.UTF8, "application/json"),
        };
        if (key is not null)
            request.Headers.Add(IdempotencyKeys.HeaderName, key);
        return await client.SendAsync(request);
    }
}
