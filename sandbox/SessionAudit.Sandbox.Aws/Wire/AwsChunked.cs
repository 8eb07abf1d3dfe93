using System.Globalization;
using System.Text;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>Decodes the aws-chunked body encoding (signed or unsigned chunks, optional trailing checksum headers).</summary>
internal static class AwsChunked
{
    public static bool IsChunked(string? contentEncoding, string? contentSha256) =>
        (contentEncoding?.Contains("aws-chunked", StringComparison.OrdinalIgnoreCase) ?? false)
        || (contentSha256?.StartsWith("STREAMING-", StringComparison.Ordinal) ?? false);

    public static (byte[] Data, Dictionary<string, string> Trailers) Decode(byte[] body)
    {
        var data = new MemoryStream();
        var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int pos = 0;
        while (true)
        {
            string header = ReadLine(body, ref pos) ?? throw Bad();
            int semi = header.IndexOf(';', StringComparison.Ordinal);
            string hex = (semi < 0 ? header : header[..semi]).Trim();
            if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int size) || size < 0) throw Bad();
            if (size == 0) break;
            if (pos + size > body.Length) throw Bad();
            data.Write(body, pos, size);
            pos += size;
            if (ReadLine(body, ref pos) is not "") throw Bad();
        }

        while (ReadLine(body, ref pos) is { Length: > 0 } line)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) trailers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return (data.ToArray(), trailers);
    }

    private static string? ReadLine(byte[] body, ref int pos)
    {
        if (pos >= body.Length) return null;
        int start = pos;
        while (pos + 1 < body.Length && !(body[pos] == '\r' && body[pos + 1] == '\n')) pos++;
        if (pos + 1 >= body.Length) { pos = body.Length; return Encoding.ASCII.GetString(body, start, body.Length - start); }
        string line = Encoding.ASCII.GetString(body, start, pos - start);
        pos += 2;
        return line;
    }

    private static AwsException Bad() => new("IncompleteBody", "The request body terminated unexpectedly");
}
