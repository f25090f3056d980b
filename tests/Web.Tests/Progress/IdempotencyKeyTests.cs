using System.Net;
using CivicContracting.Commitments;
using CivicContracting.Web.Progress;
using CivicContracting.Web.Tests.Accounts;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>POST /api/commitments/{id}/progress with an Idempotency-Key and no reportId: a retry never reports twice.</summary>
[Collection(WebAppCollection.Name)]
public sealed class IdempotencyKeyTests(WebAppFixture app)
{
    [Fact]
    public async Task A_report_retried_with_the_same_Idempotency_Key_is_stored_once_even_when_the_retries_race()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var key = Guid.NewGuid().ToString();
        // No reportId and no reportedAt: the server dates each attempt on arrival.
        var report = new { value = 42.0, note = "Counted at the school gate" };

        var first = await PostAsync(world.Owner.Client, commitment, report, key).ReadAsync<CommitmentView>();
        var stored = Assert.Single(first.Reports);
        Assert.StartsWith("k-", stored.ReportId, StringComparison.Ordinal);
        var retry = await PostAsync(world.Owner.Client, commitment, report, key).ReadAsync<CommitmentView>();
        Assert.Equal(stored, Assert.Single(retry.Reports));
        Assert.Equal(first.Version, retry.Version);

        // Eight retries of one new request at once: one report.
        var raceKey = Guid.NewGuid().ToString();
        var raced = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(world.Owner.Client, commitment, new { value = 43.0 }, raceKey)));
        foreach (var response in raced)
            await response.ReadAsync<CommitmentView>();
        var view = await world.CommitmentAsync(commitment);
        Assert.Equal(2, view.Reports.Count);

        // The operator token through the same path (its hot path skips the read) behaves the same.
        var operatorKey = Guid.NewGuid().ToString();
        await PostAsync(app.Operator, commitment, new { value = 44.0 }, operatorKey).ReadAsync<CommitmentView>();
        await PostAsync(app.Operator, commitment, new { value = 44.0 }, operatorKey).ReadAsync<CommitmentView>();
        Assert.Equal(3, (await world.CommitmentAsync(commitment)).Reports.Count);
    }

    [Fact]
    public async Task A_new_key_is_a_new_report_the_same_key_with_other_data_is_a_conflict_and_a_malformed_key_is_refused()
    {
        using var world = await ProgressWorld.CreateAsync(app);
        var commitment = await world.ConfirmedAsync();
        var key = Guid.NewGuid().ToString();

        await PostAsync(world.Owner.Client, commitment, new { value = 10.0 }, key).ReadAsync<CommitmentView>();
        await PostAsync(world.Owner.Client, commitment, new { value = 11.0 }, Guid.NewGuid().ToString()).ReadAsync<CommitmentView>();
        Assert.Equal(2, (await world.CommitmentAsync(commitment)).Reports.Count);

        await PostAsync(world.Owner.Client, commitment, new { value = 12.0 }, key).ProblemAsync(HttpStatusCode.Conflict);
        await PostAsync(world.Owner.Client, commitment, new { value = 12.0 }, "not a key").ProblemNamingAsync(IdempotencyKeys.HeaderName);
        await PostAsync(world.Owner.Client, commitment, new { value = 12.0 }, new string('k', IdempotencyKeys.MaxLength + 1)).ProblemNamingAsync(IdempotencyKeys.HeaderName);
        Assert.Equal(2, (await world.CommitmentAsync(commitment)).Reports.Count);

        // A reportId in the body wins over the key; its retry without a date is recognised too.
        var withId = await PostAsync(world.Owner.Client, commitment, new { reportId = "r-own", value = 13.0 }, key).ReadAsync<CommitmentView>();
        Assert.Contains(withId.Reports, r => r.ReportId == "r-own");
        await PostAsync(world.Owner.Client, commitment, new { reportId = "r-own", value = 13.0 }, key: null).ReadAsync<CommitmentView>();
        Assert.Equal(3, (await world.CommitmentAsync(commitment)).Reports.Count);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string commitmentId, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commitments/{commitmentId}/progress")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, TestApi.Json), System.Text.Encoding.UTF8, "application/json"),
        };
        if (key is not null)
            request.Headers.Add(IdempotencyKeys.HeaderName, key);
        return await client.SendAsync(request);
    }
}
