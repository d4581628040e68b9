using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Hub.Domain.Tests.Media.Archives;

/// <summary>Builds archives for the tests, good and hostile, with .NET's own writers (and bzip2/xz for those wrappers).</summary>
internal static class TestArchives
{
    public static string Samples => Path.Combine(AppContext.BaseDirectory, "TestData", "Archives");

    public static void Zip(string path, params (string Name, byte[] Data)[] entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            s.Write(data);
        }
    }

    public static void Tar(string path, params TarEntry[] entries)
    {
        using var f = System.IO.File.Create(path);
        using var tar = new TarWriter(f, TarEntryFormat.Pax, leaveOpen: false);
        foreach (var e in entries) tar.WriteEntry(e);
    }

    public static PaxTarEntry File(string name, byte[] data) => new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    public static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    public static void Gzip(string source, string target)
    {
        using var input = System.IO.File.OpenRead(source);
        using var output = System.IO.File.Create(target);
        using var gz = new GZipStream(output, CompressionLevel.Fastest);
        input.CopyTo(gz);
    }

    /// <summary>Compresses with the system's bzip2 or xz (-k keeps the input; -c writes to stdout).</summary>
    public static void Compress(string tool, string source, string target)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(source);
        using var p = System.Diagnostics.Process.Start(psi)!;
        using (var output = System.IO.File.Create(target))
        {
            p.StandardOutput.BaseStream.CopyTo(output);
        }
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    public static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>
    /// A zip whose one entry of <paramref name="realSize"/> zero bytes claims, in both its local and central headers,
    /// to unpack to <paramref name="claimedSize"/> bytes.
    /// </summary>
    public static void LyingZip(string path, int realSize, uint claimedSize)
    {
        Zip(path, ("small.mp4", new byte[realSize]));
        var bytes = System.IO.File.ReadAllBytes(path);
        for (var i = 0; i + 4 <= bytes.Length; i++)
        {
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 3 && bytes[i + 3] == 4)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 22, 4), claimedSize);
            }
            else if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 1 && bytes[i + 3] == 2)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 24, 4), claimedSize);
            }
        }
        System.IO.File.WriteAllBytes(path, bytes);
    }

    /// <summary>Sets the "encrypted" flag of every entry of a zip (what a password-protected zip looks like to a reader).</summary>
    public static void MarkEncrypted(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        for (var i = 0; i + 10 <= bytes.Length; i++)
        {
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 3 && bytes[i + 3] == 4) bytes[i + 6] |= 1;
            else if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 1 && bytes[i + 3] == 2) bytes[i + 8] |= 1;
        }
        System.IO.File.WriteAllBytes(path, bytes);
    }
}
