using System.Text;
using CivicContracting.Accounts;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Tests.Accounts;
using CivicContracting.Web.Tests.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Evidence;

/// <summary>
/// <see cref="StoreEvidenceCommand"/> without HTTP: the one way a file becomes evidence (the API's upload and the report
/// page's photo call it), its authorisation (whoever may report on the commitment) and its rules (not empty, at most
/// Evidence:MaxBytes, a type recognised from the content). A refused file is not stored.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class EvidenceCommandTests(WebAppFixture app)
{
    private StoreEvidenceCommand Command => app.Services.GetRequiredService<StoreEvidenceCommand>();

    private IEvidenceStore Store => app.Services.GetRequiredService<IEvidenceStore>();

    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    [Fact]
    public async Task Only_who_may_report_on_the_commitment_may_store_evidence_for_it()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        using var strangerPerson = await People.SignUpAsync(app.BaseAddress);
        var stranger = await ActorOfAsync(strangerPerson.AccountId);
        var owner = await ActorOfAsync(world.Owner.AccountId);

        await RefusedAsync(401, () => Command.AuthoriseAsync(Actor.Anonymous, commitment));
        await RefusedAsync(403, () => Command.AuthoriseAsync(stranger, commitment));
        await RefusedAsync(403, () => Command.AuthoriseAsync(Actor.BootstrapOperator, commitment));
        // The owner's token needs progress:write, as reporting does.
        await RefusedAsync(403, () => Command.AuthoriseAsync(owner with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>([AccessTokenScopes.CommitmentsWrite]) }, commitment));
        await RefusedAsync(404, () => Command.AuthoriseAsync(owner, "c-no-such-commitment"));
        await RefusedAsync(404, () => Command.AuthoriseAsync(Actor.Operator, "not an id!"));

        // Those who may: the owner (session or a token with progress:write) and the operator token.
        var pdf = TestFiles.Pdf($"Fietstelling {Guid.NewGuid():N}");
        var permit = await Command.AuthoriseAsync(owner, commitment);
        Assert.False(await Store.ExistsAsync(TestFiles.Sha256(pdf), CancellationToken.None));

        var stored = await Command.RunAsync(permit, pdf, CancellationToken.None);

        Assert.True(stored.Created);
        Assert.Equal(new EvidenceView(TestFiles.Sha256(pdf), $"/api/evidence/{TestFiles.Sha256(pdf)}", "application/pdf", pdf.Length, TestFiles.Sha256(pdf)), stored.Evidence);
        Assert.Equal(pdf, (await Store.GetAsync(stored.Evidence.EvidenceId, CancellationToken.None))!.Content);
        // The same file again stores nothing new, whoever sends it.
        var token = owner with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>([AccessTokenScopes.ProgressWrite]) };
        var again = await Command.RunAsync(await Command.AuthoriseAsync(token, commitment), pdf, CancellationToken.None);
        Assert.Equal((stored.Evidence, false), (again.Evidence, again.Created));
        Assert.False((await Command.RunAsync(await Command.AuthoriseAsync(Actor.Operator, commitment), pdf, CancellationToken.None)).Created);
    }

    [Fact]
    public async Task An_empty_file_a_file_too_large_and_a_type_that_is_not_allowed_are_refused_naming_the_file_and_not_stored()
    {
        var world = await SharedProgressWorld.GetAsync(app);
        var commitment = await world.ConfirmedAsync();
        var permit = await Command.AuthoriseAsync(await ActorOfAsync(world.Owner.AccountId), commitment);
        var tooLarge = TestFiles.Png(padding: (int)Command.MaxBytes);
        // A PNG's name and a PNG's claimed type do not make HTML a PNG: the first bytes decide.
        var html = TestFiles.Html();
        var textWithPdfLater = Encoding.ASCII.GetBytes($"junk {Guid.NewGuid():N}\n%PDF-1.7\n");

        foreach (var (file, status, what) in new[] { (Array.Empty<byte>(), 400, "empty"), (tooLarge, 413, "too large"), (html, 415, "HTML"), (textWithPdfLater, 415, "a PDF after junk"), (TestFiles.Svg(), 415, "SVG") })
        {
            var refused = await Assert.ThrowsAsync<ApiProblemException>(() => Command.RunAsync(permit, file, CancellationToken.None));
            Assert.True(status == refused.Status, $"{what}: {refused.Status}");
            Assert.True(refused.Errors.ContainsKey(EvidenceUpload.FieldName), what);
            Assert.False(await Store.ExistsAsync(TestFiles.Sha256(file), CancellationToken.None), what);
        }

        // The largest file allowed is stored.
        var largest = TestFiles.Png(padding: (int)Command.MaxBytes - 200);
        Assert.InRange(largest.Length, Command.MaxBytes - 1_000, Command.MaxBytes);
        Assert.Equal("image/png", Command.Check(largest).ContentType);
    }

    [Fact]
    public async Task A_form_file_is_read_no_further_than_the_limit()
    {
        using var file = new CountingStream(Command.MaxBytes * 3);

        var refused = await Assert.ThrowsAsync<ApiProblemException>(() => Command.ReadAsync(file, CancellationToken.None));

        Assert.Equal(413, refused.Status);
        Assert.InRange(file.BytesRead, Command.MaxBytes, Command.MaxBytes + (128 * 1024));
        var png = TestFiles.Png();
        using var small = new MemoryStream(png);
        Assert.Equal(png, await Command.ReadAsync(small, CancellationToken.None));
    }

    private static async Task RefusedAsync(int status, Func<Task> act)
    {
        var refused = await Assert.ThrowsAsync<ApiProblemException>(act);
        Assert.Equal(status, refused.Status);
    }

    private async Task<Actor> ActorOfAsync(string accountId) =>
        new(ActorKind.Session, await Orleans.GetGrain<IAccountGrain>(accountId).Get() ?? throw new InvalidOperationException($"No account {accountId}."), null);

    /// <summary>A stream of <c>length</c> zero bytes that counts how many were read.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            Array.Clear(buffer, offset, n);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
