namespace Hub.Domain.Libraries;

/// <summary>
/// A new library. Left out: root folder = the slug (under the media folder), template and format by media kind,
/// review threshold 0.5, no rules.
/// </summary>
public sealed record LibraryInput(
    string Name,
    string? RootFolder = null,
    string? PathTemplate = null,
    string? DefaultFormat = null,
    string MediaKind = "video",
    bool IsDefault = false,
    double? ReviewThreshold = null,
    IReadOnlyList<LibraryRule>? Rules = null,
    IReadOnlyList<string>? SubtitleLanguages = null,
    bool? AutomaticCaptions = null);

/// <summary>Changes to a library; null leaves a value as it is. Renaming changes the slug too.</summary>
/// <remarks>The subtitle settings can go back to Hub's setting (null), so a change to them is a <see cref="Change{T}"/>: null leaves them.</remarks>
/// <remarks>Changing the root folder does not move files already placed; entries keep their absolute paths.</remarks>
public sealed record LibraryPatch(
    string? Name = null,
    string? RootFolder = null,
    string? PathTemplate = null,
    string? DefaultFormat = null,
    string? MediaKind = null,
    bool? IsDefault = null,
    double? ReviewThreshold = null,
    IReadOnlyList<LibraryRule>? Rules = null,
    Change<IReadOnlyList<string>?>? SubtitleLanguages = null,
    Change<bool?>? AutomaticCaptions = null);

/// <summary>A new value for a setting that may be null (follow Hub's own setting): a patch leaves the setting alone when it has no change.</summary>
public sealed record Change<T>(T Value);

public enum LibraryDeleteAction
{
    /// <summary>Refuse while the library has entries.</summary>
    Refuse,
    /// <summary>Move the entries (rows and files) into another library first.</summary>
    MoveEntries,
    /// <summary>Delete the entries' rows and files.</summary>
    RemoveEntries,
}

/// <summary>What to do with a library's entries when it is deleted.</summary>
public sealed record LibraryDeleteMode(LibraryDeleteAction Action, Guid? TargetLibraryId = null)
{
    public static LibraryDeleteMode Refuse { get; } = new(LibraryDeleteAction.Refuse);
    public static LibraryDeleteMode RemoveEntries { get; } = new(LibraryDeleteAction.RemoveEntries);
    public static LibraryDeleteMode MoveEntriesTo(Guid targetLibraryId) => new(LibraryDeleteAction.MoveEntries, targetLibraryId);
}

/// <param name="EntriesMoved">Entries moved into the target library.</param>
/// <param name="EntriesRemoved">Entries whose rows were deleted.</param>
/// <param name="FilesMissing">Entry files that were not on disk (rows were still moved or removed).</param>
public sealed record LibraryDeleteResult(int EntriesMoved, int EntriesRemoved, int FilesMissing);
