using Hub.Domain.Imports;

namespace Hub.Domain.Net;

/// <summary>A response body read whole into memory, refused as soon as it passes a cap (a server may send more than its Content-Length said, or none).</summary>
public static class CappedBody
{
    /// <summary>The body's bytes; throws what <paramref name="tooLarge"/> makes when it is (or says it is) larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpResponseMessage response, long maxBytes, Func<ImportFailedException> tooLarge, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw tooLarge();
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw tooLarge();
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
