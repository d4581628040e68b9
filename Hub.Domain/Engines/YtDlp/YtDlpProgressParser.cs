using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Hub.Domain.Engines.YtDlp;

/// <summary>One PROG line: the progress, whether this file is finished, and which file it is about.</summary>
public readonly record struct YtDlpProgressLine(DownloadProgress Progress, bool Finished, string? FileName);

/// <summary>
/// Reads the lines a download prints on stdout: <c>PROG {json}</c> (our --progress-template), <c>FILE /path</c> and
/// <c>INFO {json}</c> (our --print after_move). Runs for every line, so it reads the JSON with a forward-only reader
/// over a pooled buffer instead of building a document.
/// </summary>
public static class YtDlpProgressParser
{
    public static DownloadProgress? Parse(string line) => ParseLine(line)?.Progress;

    public static YtDlpProgressLine? ParseLine(string line)
    {
        if (!line.StartsWith(YtDlpArguments.ProgressPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var json = line.AsSpan(YtDlpArguments.ProgressPrefix.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            return Read(buffer.AsSpan(0, length));
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The path from a <c>FILE /path</c> line.</summary>
    public static bool TryParseFile(string line, out string path) => TryAfter(line, YtDlpArguments.FilePrefix, out path);

    /// <summary>The JSON from an <c>INFO {...}</c> line.</summary>
    public static bool TryParseInfo(string line, out string json) => TryAfter(line, YtDlpArguments.InfoPrefix, out json);

    private static bool TryAfter(string line, string prefix, out string value)
    {
        if (line.StartsWith(prefix, StringComparison.Ordinal) && line.Length > prefix.Length)
        {
            value = line[prefix.Length..];
            return true;
        }
        value = "";
        return false;
    }

    private static YtDlpProgressLine? Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        long? done = null, total = null, estimate = null;
        double? speed = null, eta = null;
        var finished = false;
        string? fileName = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("downloaded_bytes"u8)) done = ReadLong(ref reader);
            else if (reader.ValueTextEquals("total_bytes"u8)) total = ReadLong(ref reader);
            else if (reader.ValueTextEquals("total_bytes_estimate"u8)) estimate = ReadLong(ref reader);
            else if (reader.ValueTextEquals("speed"u8)) speed = ReadDouble(ref reader);
            else if (reader.ValueTextEquals("eta"u8)) eta = ReadDouble(ref reader);
            else if (reader.ValueTextEquals("status"u8)) finished = ReadString(ref reader) == "finished";
            else if (reader.ValueTextEquals("filename"u8)) fileName = ReadString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (done is null)
        {
            return null;
        }
        var bytesTotal = total ?? estimate;
        if (finished && bytesTotal is null)
        {
            bytesTotal = done;
        }
        return new YtDlpProgressLine(new DownloadProgress(done.Value, bytesTotal, speed, finished ? 0 : eta), finished, fileName);
    }

    private static long? ReadLong(ref Utf8JsonReader reader) => ReadDouble(ref reader) is { } d ? (long)d : null;

    private static double? ReadDouble(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var d) ? d : null;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }
}
