using System.Text;
using CivicContracting.Web.Evidence;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>The embedded profile's file-system store and the type detection, without the app.</summary>
public sealed class EvidenceStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "civic-evidence-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Files_are_stored_whole_under_their_hash_once_and_leave_no_temporary_files_behind()
    {
        var store = new FileSystemEvidenceStore(_root);
        var png = TestFiles.Png();
        var info = new EvidenceInfo(TestFiles.Sha256(png), "image/png", png.Length);

        // Eight uploads of the same file at once: one stores it, the others find it.
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.PutAsync(info, png, CancellationToken.None))));
        Assert.Single(created, c => c);
        Assert.False(await store.PutAsync(info, png, CancellationToken.None));

        var path = Path.Combine(_root, info.Sha256[..2], info.Sha256 + ".png");
        Assert.Equal(png, await File.ReadAllBytesAsync(path));
        Assert.Empty(Directory.GetFiles(store.TemporaryDirectory));
        Assert.Equal([path], Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(store.TemporaryDirectory, StringComparison.Ordinal)));

        var stored = await store.GetAsync(info.Sha256, CancellationToken.None);
        Assert.Equal(info, stored!.Info);
        Assert.Equal(png, stored.Content);
        Assert.True(await store.ExistsAsync(info.Sha256, CancellationToken.None));
        Assert.Null(await store.GetAsync(new string('0', 64), CancellationToken.None));
        Assert.Null(await store.GetAsync("../../etc/passwd", CancellationToken.None));

        // A new store (a restart) serves what the last one stored.
        Assert.Equal(png, (await new FileSystemEvidenceStore(_root).GetAsync(info.Sha256, CancellationToken.None))!.Content);
    }

    [Fact]
    public void Temporary_files_a_crash_left_behind_are_removed_at_start_but_an_upload_in_flight_is_left_alone()
    {
        var incoming = Path.Combine(_root, FileSystemEvidenceStore.TemporaryFolderName);
        Directory.CreateDirectory(incoming);
        var stale = Path.Combine(incoming, "abc.1.tmp");
        var fresh = Path.Combine(incoming, "abc.2.tmp");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.WriteAllBytes(fresh, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - FileSystemEvidenceStore.StaleAge - TimeSpan.FromMinutes(1));

        _ = new FileSystemEvidenceStore(_root);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void Types_are_recognised_by_their_first_bytes_and_everything_else_is_refused()
    {
        Assert.Equal(EvidenceTypes.Png, EvidenceTypes.Detect(TestFiles.Png()));
        Assert.Equal(EvidenceTypes.Pdf, EvidenceTypes.Detect(TestFiles.Pdf()));
        Assert.Equal(EvidenceTypes.Jpeg, EvidenceTypes.Detect([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F']));
        Assert.Equal(EvidenceTypes.WebP, EvidenceTypes.Detect([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8, 0, 0, 0, 0]));

        Assert.Null(EvidenceTypes.Detect(TestFiles.Html()));
        Assert.Null(EvidenceTypes.Detect(TestFiles.Svg()));
        Assert.Null(EvidenceTypes.Detect("GIF89a\x01\x00\x01\x00"u8));
        Assert.Null(EvidenceTypes.Detect([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVEfmt "u8, 0, 0, 0, 0]));
        Assert.Null(EvidenceTypes.Detect(Encoding.ASCII.GetBytes("   %PDF-1.4 with junk before the header")));
        Assert.Null(EvidenceTypes.Detect(TestFiles.Png().AsSpan(0, 12))); // a signature without its IHDR chunk
        Assert.Null(EvidenceTypes.Detect([]));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
