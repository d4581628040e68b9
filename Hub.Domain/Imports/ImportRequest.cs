using Hub.Domain.Engines;

namespace Hub.Domain.Imports;

/// <summary>
/// One thing to import, from any door: a URL (site page or direct file), or a file already on disk (an upload or a
/// Telegram file). Library, format and mode are optional; who asked and through which door is not.
/// </summary>
public sealed record ImportRequest
{
    /// <summary>An http(s) URL. Null when <see cref="UploadedFile"/> is set.</summary>
    public string? Url { get; init; }

    /// <summary>A file already on this machine (moved into the job's work folder).</summary>
    public string? UploadedFile { get; init; }

    /// <summary>The uploaded file's original name.</summary>
    public string? FileName { get; init; }

    /// <summary>A name the person gave it (a Telegram caption): it names the entry before anything the file or site says.</summary>
    public string? Title { get; init; }

    /// <summary>Library id, slug or name; null lets the rules decide.</summary>
    public string? Library { get; init; }

    /// <summary>A format preset (see <see cref="FormatPresets"/>); null uses the library's default.</summary>
    public string? Format { get; init; }

    public string Mode { get; init; } = ImportModes.Auto;

    /// <summary>For a playlist URL: import every entry (true) or only the item itself (false).</summary>
    public bool WholePlaylist { get; init; } = true;

    /// <summary>Only this section of the video (see <see cref="ClipRange"/>); null imports all of it.</summary>
    public ClipRange? Clip { get; init; }

    public required string Door { get; init; }

    /// <summary>Who asked: a token name, "telegram:12345", "cli".</summary>
    public string? RequestedBy { get; init; }

    public Guid? ParentId { get; init; }

    /// <summary>The subscription whose check asked for this item; null for everything a person asked for.</summary>
    public SubscriptionRef? Subscription { get; init; }
}

/// <summary>Which subscription made an import (its name as it was then), so the follower can be told where it came from.</summary>
public sealed record SubscriptionRef(Guid Id, string Name);
