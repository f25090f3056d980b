using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>Real files, made in the test: a PNG a browser shows, a PDF a reader opens, and the things that only pretend to be one.</summary>
public static class TestFiles
{
    /// <summary>
    /// A valid PNG of <paramref name="width"/> × <paramref name="height"/> RGB pixels, made unique by a tEXt chunk with a
    /// random comment (so each call has its own SHA-256) and padded with <paramref name="padding"/> more bytes of comment.
    /// </summary>
    public static byte[] Png(int width = 3, int height = 2, int padding = 0)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", header);

        var comment = Encoding.ASCII.GetBytes("Comment\0" + Guid.NewGuid().ToString("N") + new string('x', padding));
        Chunk(png, "tEXt", comment);

        using (var pixels = new MemoryStream())
        {
            using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (var y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // filter: none
                    for (var x = 0; x < width; x++)
                        zlib.Write([(byte)(40 * x), (byte)(90 * y), 200]);
                }
            }
            Chunk(png, "IDAT", pixels.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A one-page PDF with a line of text and a correct cross-reference table.</summary>
    public static byte[] Pdf(string text = "Bike count, May")
    {
        var unique = Guid.NewGuid().ToString("N");
        var content = $"BT /F1 12 Tf 20 50 Td ({text} {unique}) Tj ET";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
            pdf.Append($"{offset:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    public static byte[] Html() => Encoding.UTF8.GetBytes($"<!doctype html><html><body><script>alert(document.cookie)</script>{Guid.NewGuid()}</body></html>");

    public static byte[] Svg() => Encoding.UTF8.GetBytes(
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(1)</script><!-- {Guid.NewGuid()} --></svg>");

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>A multipart/form-data body with the file in the field "file", claiming <paramref name="claimedType"/>.</summary>
    public static MultipartFormDataContent Multipart(byte[] content, string claimedType, string fileName)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    /// <summary>The file as the whole body, claiming <paramref name="claimedType"/>.</summary>
    public static ByteArrayContent Raw(byte[] content, string claimedType)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        return body;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
