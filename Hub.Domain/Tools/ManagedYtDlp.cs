using System.Runtime.InteropServices;
using System.Text.Json;

namespace Hub.Domain.Tools;

/// <summary>What Hub wrote beside each build it installed (release.json).</summary>
public sealed record InstalledRelease(string Version, string Channel, string Asset, string Sha256, string Signer, Uri Source, DateTimeOffset InstalledAt);

/// <summary>The yt-dlp a run uses: its path, where it came from (configured, managed, system) and the arguments Hub adds.</summary>
public sealed record YtDlpCommand(string Path, string Source, IReadOnlyList<string> ExtraArguments, string JsRuntime);

/// <summary>
/// Hub's own yt-dlp under DataDir/tools/yt-dlp: each build in releases/NAME/ with its release.json; "current" and
/// "previous" are symbolic links to two of them. A swap writes a new link beside the old and renames it over, which
/// is atomic: a run starts either the old build or the new one, never a half-written file, and runs in flight keep theirs.
/// </summary>
public sealed class ManagedYtDlp(string dataDir)
{
    public const string FileName = "yt-dlp";
    public const string DefaultCommand = "yt-dlp";

    public string Root { get; } = System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDir), "tools", "yt-dlp");
    public string ReleasesDir => System.IO.Path.Combine(Root, "releases");
    public string CurrentLink => System.IO.Path.Combine(Root, "current");
    public string PreviousLink => System.IO.Path.Combine(Root, "previous");
    public string CurrentCommand => System.IO.Path.Combine(CurrentLink, FileName);

    public bool IsInstalled => File.Exists(CurrentCommand);

    /// <summary>
    /// A yt-dlp named in Hub:Tools:YtDlp wins (anything but the bare default name); then Hub's managed build; then the
    /// one on PATH. Only a managed build gets --js-runtimes: Hub knows its version, and older builds reject the option.
    /// </summary>
    public static YtDlpCommand Resolve(HubOptions options)
    {
        var configured = options.Tools.YtDlp;
        if (!string.IsNullOrWhiteSpace(configured) && configured != DefaultCommand)
        {
            return new YtDlpCommand(configured, "configured", [], "none given by Hub (a configured yt-dlp runs as configured)");
        }
        var managed = new ManagedYtDlp(options.FullDataDir);
        if (!managed.IsInstalled)
        {
            return new YtDlpCommand(DefaultCommand, "system", [], "none given by Hub (the system yt-dlp runs as installed; `hub tools update` installs one Hub manages)");
        }
        var release = managed.Read(managed.CurrentLink);
        var (args, runtime) = JsRuntimeArguments(release?.Version, options.YtDlp.JsRuntime);
        return new YtDlpCommand(managed.CurrentCommand, "managed", args, runtime);
    }

    /// <summary>--js-runtimes for a build that takes it and a runtime that is installed; otherwise none, and why.</summary>
    public static (IReadOnlyList<string> Args, string Description) JsRuntimeArguments(string? version, string? runtime)
    {
        if (string.IsNullOrWhiteSpace(runtime))
        {
            return ([], "none (Hub:YtDlp:JsRuntime is empty)");
        }
        if (!YtDlpVersion.TakesJsRuntimes(version))
        {
            return ([], $"none (yt-dlp {version ?? "?"} predates --js-runtimes)");
        }
        var path = FindOnPath(runtime);
        return path is null
            ? ([], $"none ({runtime} is not installed; sites that need JavaScript, YouTube among them, may fail)")
            : (["--js-runtimes", $"{runtime}:{path}"], $"{runtime} ({path})");
    }

    public static string? FindOnPath(string name)
    {
        if (name.Contains('/'))
        {
            return File.Exists(name) ? name : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public InstalledRelease? Read(string buildDir)
    {
        var file = System.IO.Path.Combine(buildDir, "release.json");
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize<InstalledRelease>(File.ReadAllText(file), Json) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    public InstalledRelease? Current => Read(CurrentLink);
    public InstalledRelease? Previous => Directory.Exists(PreviousLink) ? Read(PreviousLink) : null;

    /// <summary>Moves a verified build into releases/ and writes its release.json; returns its folder.</summary>
    public string Keep(string stagedFile, InstalledRelease release)
    {
        var name = $"{release.Version}-{release.InstalledAt.UtcDateTime:yyyyMMddHHmmssfff}";
        var dir = System.IO.Path.Combine(ReleasesDir, name);
        Directory.CreateDirectory(dir);
        File.Move(stagedFile, System.IO.Path.Combine(dir, FileName));
        File.WriteAllText(System.IO.Path.Combine(dir, "release.json"), JsonSerializer.Serialize(release, Json));
        return dir;
    }

    /// <summary>Makes <paramref name="buildDir"/> current; the build that was current becomes previous.</summary>
    public void Activate(string buildDir)
    {
        var old = LinkTarget(CurrentLink);
        Point(CurrentLink, buildDir);
        if (old is not null && old != buildDir)
        {
            Point(PreviousLink, old);
        }
    }

    /// <summary>Swaps current and previous. False when there is no previous build.</summary>
    public bool SwapBack()
    {
        var previous = LinkTarget(PreviousLink);
        if (previous is null || !Directory.Exists(previous))
        {
            return false;
        }
        var current = LinkTarget(CurrentLink);
        Point(CurrentLink, previous);
        if (current is not null) Point(PreviousLink, current); else File.Delete(PreviousLink);
        return true;
    }

    /// <summary>Undoes an <see cref="Activate"/> of <paramref name="buildDir"/> (a failed canary): back to the previous build, or to none.</summary>
    public void Retract(string buildDir)
    {
        if (LinkTarget(CurrentLink) == buildDir)
        {
            var previous = LinkTarget(PreviousLink);
            if (previous is not null && Directory.Exists(previous))
            {
                Point(CurrentLink, previous);
                File.Delete(PreviousLink);
            }
            else
            {
                File.Delete(CurrentLink);
            }
        }
        Directory.Delete(buildDir, recursive: true);
    }

    /// <summary>Removes builds that are neither current nor previous.</summary>
    public void Prune()
    {
        var keep = new[] { LinkTarget(CurrentLink), LinkTarget(PreviousLink) };
        foreach (var dir in Directory.Exists(ReleasesDir) ? Directory.GetDirectories(ReleasesDir) : [])
        {
            if (!keep.Contains(dir) && !System.IO.Path.GetFileName(dir).StartsWith('.'))
            {
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } // a run may still hold it; next time
            }
        }
    }

    private string? LinkTarget(string link)
    {
        var info = new FileInfo(link);
        return info.LinkTarget is { } target ? System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, target)) : null;
    }

    /// <summary>Atomic on POSIX: the new link is made beside the old and renamed over it (rename(2) replaces the link).</summary>
    private void Point(string link, string target)
    {
        var temp = link + ".new-" + Guid.NewGuid().ToString("N")[..8];
        File.CreateSymbolicLink(temp, System.IO.Path.GetRelativePath(Root, target));
        // rename(2) itself: File.Move and Directory.Move refuse a link to a folder, or a destination that exists.
        if (Rename(temp, link) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            File.Delete(temp);
            throw new IOException($"Could not point {link} at {target} (errno {errno}).");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
