using Hub.Domain.Processes;

namespace Hub.Domain.Tools;

/// <summary>
/// Checks a detached OpenPGP signature with gpgv (Debian's apt depends on it, so it is on every Debian system and image)
/// against a keyring holding only the pinned key, in a throwaway home folder: no user keyring or trust database counts.
/// </summary>
public sealed class ReleaseSignature(ProcessRunner runner)
{
    /// <summary>The signer's fingerprint when <paramref name="signaturePath"/> is a good signature over <paramref name="dataPath"/> by <paramref name="publicKey"/>.</summary>
    public async Task<string> VerifyAsync(byte[] publicKey, string dataPath, string signaturePath, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "hub-gpgv-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var keyring = Path.Combine(home, "pinned.gpg");
            await File.WriteAllBytesAsync(keyring, Dearmor(publicKey), cancellationToken).ConfigureAwait(false);
            ProcessResult result;
            try
            {
                result = await runner.RunAsync(new ProcessSpec("gpgv",
                    ["--homedir", home, "--keyring", keyring, "--status-fd", "1", signaturePath, dataPath]) { Timeout = TimeSpan.FromSeconds(30) },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ToolNotFoundException)
            {
                throw new ToolUpdateException("signature", "gpgv is not installed (Debian package gpgv); Hub will not install a release it cannot verify.");
            }
            var valid = result.Stdout.Split('\n').Select(l => l.Trim())
                .FirstOrDefault(l => l.StartsWith("[GNUPG:] VALIDSIG ", StringComparison.Ordinal));
            if (!result.Succeeded || valid is null)
            {
                var why = result.Stdout.Contains("NO_PUBKEY", StringComparison.Ordinal) ? "it was not made by the pinned key"
                    : result.Stdout.Contains("BADSIG", StringComparison.Ordinal) ? "the signature does not match the sums file"
                    : "gpgv: " + result.Stderr.Trim();
                throw new ToolUpdateException("signature", $"The release's SHA2-256SUMS signature is not valid: {why}. Nothing was installed.");
            }
            return valid.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { } // gpgv leaves nothing we need
        }
    }

    /// <summary>gpgv reads binary keyrings only: an ASCII-armored key is decoded here (its base64 body, without the checksum line).</summary>
    public static byte[] Dearmor(byte[] key)
    {
        var text = System.Text.Encoding.ASCII.GetString(key);
        if (!text.TrimStart().StartsWith("-----BEGIN PGP", StringComparison.Ordinal))
        {
            return key;
        }
        var body = new System.Text.StringBuilder();
        var inHeaders = true;
        foreach (var raw in text.Split('\n').Select(l => l.Trim()).SkipWhile(l => !l.StartsWith("-----BEGIN", StringComparison.Ordinal)).Skip(1))
        {
            if (raw.StartsWith("-----END", StringComparison.Ordinal) || raw.StartsWith('='))
            {
                break;
            }
            if (inHeaders)
            {
                if (raw.Length == 0 || raw.Contains(": ", StringComparison.Ordinal)) continue;
                inHeaders = false;
            }
            body.Append(raw);
        }
        return Convert.FromBase64String(body.ToString());
    }
}

/// <summary>An update refused or failed; nothing changed in the tools folder.</summary>
public sealed class ToolUpdateException(string reason, string message) : HubException("tool-update-" + reason, message);
