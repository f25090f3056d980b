using System.Globalization;
using System.Net;
using CivicContracting.Commitments;
using CivicContracting.Participants;
using CivicContracting.Silo.Tests.PostgreSql;
using CivicContracting.Web.Evidence;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>A private PostgreSQL server (tests/Silo.Tests/PostgreSql/PostgreSqlServer.cs, linked) for this class's tests.</summary>
public sealed class PostgreSqlEvidenceFixture : IAsyncLifetime
{
    public PostgreSqlServer Server { get; } = new();

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Storage:Profile=PostgreSql: two web hosts of one cluster — one co-hosting the silo (which migrates the schema,
/// script 0005 included), one an Orleans client finding the silo through the membership table — share evidence
/// through the table civic_evidence.
/// </summary>
public sealed class PostgreSqlEvidenceTests(PostgreSqlEvidenceFixture postgres) : IClassFixture<PostgreSqlEvidenceFixture>
{
    [Fact]
    public async Task Evidence_uploaded_through_one_web_host_is_served_byte_identical_by_another_and_stored_once()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        var clusterId = $"evidence-pg-{Guid.NewGuid():N}";
        (string, string)[] storage = [("Storage:Profile", "PostgreSql"), ("Storage:ConnectionString", connectionString), ("Storage:MaxPoolSize", "8"), ("Storage:ExpectedHosts", "2"), ("Orleans:ClusterId", clusterId)];
        var siloHost = CivicContractingWebApp.Build(TestHosts.WebArgs([
            .. storage,
            ("Orleans:Mode", "CoHosted"),
            ("Orleans:SiloPort", TestHosts.FreePort().ToString(CultureInfo.InvariantCulture)),
            ("Orleans:GatewayPort", TestHosts.FreePort().ToString(CultureInfo.InvariantCulture))]));
        WebApplication? clientHost = null;
        await siloHost.StartAsync();
        try
        {
            clientHost = CivicContractingWebApp.Build(TestHosts.WebArgs([.. storage, ("Orleans:Mode", "Client"), ("Orleans:ConnectTimeout", "00:00:30")]));
            await clientHost.StartAsync();
            using var first = TestHosts.Client(TestHosts.AddressOf(siloHost), WebAppFixture.OperatorToken);
            using var second = TestHosts.Client(TestHosts.AddressOf(clientHost), WebAppFixture.OperatorToken);

            var participant = await first.RegisterAsync(ParticipantKind.School, TestApi.Neighbourhood(3));
            var goal = await first.DefineGoalAsync();
            var commitment = (await first.CommitAsync(participant, TestApi.Neighbourhood(3), TestApi.ResultTerms(), (goal, 1))).Id;
            await first.ConfirmAsync(commitment);

            var png = TestFiles.Png();
            var pdf = TestFiles.Pdf();
            var photo = await (await first.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Multipart(png, "image/png", "photo.png"))).ReadAsync<EvidenceView>(HttpStatusCode.Created);
            var document = await (await second.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Raw(pdf, "application/pdf"))).ReadAsync<EvidenceView>(HttpStatusCode.Created);

            // Each host serves what the other stored.
            foreach (var (client, view, bytes) in new[] { (second, photo, png), (first, document, pdf) })
            {
                using var served = await client.GetAsync(view.Url);
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
                Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync());
                Assert.Equal(view.ContentType, served.Content.Headers.ContentType?.MediaType);
            }

            // Stored once, whichever host sees the file again; a report through the client host may name it.
            Assert.Equal(photo, await (await second.PostAsync($"/api/commitments/{commitment}/evidence", TestFiles.Raw(png, "image/png"))).ReadAsync<EvidenceView>(HttpStatusCode.OK));
            var reported = await (await second.PostAsync($"/api/commitments/{commitment}/progress", new { value = 30, evidenceUrl = photo.Url })).ReadAsync<CommitmentView>();
            Assert.Equal(photo.Url, Assert.Single(reported.Reports).EvidenceUrl);

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using (var rows = new NpgsqlCommand("SELECT sha256, content_type, bytes, content FROM civic_evidence ORDER BY content_type;", connection))
            await using (var reader = await rows.ExecuteReaderAsync())
            {
                var stored = new List<(string Sha, string Type, long Bytes, byte[] Content)>();
                while (await reader.ReadAsync())
                    stored.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3)));
                Assert.Equal(
                    [(document.EvidenceId, "application/pdf", (long)pdf.Length), (photo.EvidenceId, "image/png", (long)png.Length)],
                    stored.Select(s => (s.Sha, s.Type, s.Bytes)));
                Assert.Equal(pdf, stored[0].Content);
                Assert.Equal(png, stored[1].Content);
            }
            await using var version = new NpgsqlCommand("SELECT name FROM civic_schema_version WHERE version = 5;", connection);
            Assert.Equal("0005-evidence.sql", await version.ExecuteScalarAsync());
        }
        finally
        {
            if (clientHost is not null)
            {
                await clientHost.StopAsync();
                await clientHost.DisposeAsync();
            }
            await siloHost.StopAsync();
            await siloHost.DisposeAsync();
        }
    }
}
