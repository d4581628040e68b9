using System.Text.Json;

namespace Hub.Domain.Imports;

/// <summary>What is stored in a job's <c>request</c> column for import jobs, and grows as the pipeline learns.</summary>
public sealed record ImportJobData
{
    public string? Url { get; init; }
    public string? UploadedFile { get; init; }
    public string? FileName { get; init; }
    /// <summary>The name the person gave it (see <see cref="ImportRequest.Title"/>).</summary>
    public string? Title { get; init; }
    public string? Format { get; init; }
    public string Mode { get; init; } = ImportModes.Auto;
    /// <summary>True when the person named the library, so rules do not move it.</summary>
    public bool LibraryChosen { get; init; }
    public bool WholePlaylist { get; init; } = true;
    /// <summary>Only this section of the video (see <see cref="ImportRequest.Clip"/>).</summary>
    public ClipRange? Clip { get; init; }
    /// <summary>"http", "yt-dlp" or "upload": set by the probe.</summary>
    public string? Engine { get; init; }
    public ProbeResult? Probe { get; init; }
    public ClassificationNote? Classification { get; init; }
    /// <summary>The file was unpacked from an archive: it is imported as it is, never unpacked again.</summary>
    public bool FromArchive { get; init; }
    /// <summary>See <see cref="ImportRequest.Subscription"/>.</summary>
    public SubscriptionRef? Subscription { get; init; }
}

public sealed record ClassificationNote(Guid? LibraryId, string? LibraryName, double Confidence, bool NeedsReview, string Reason);

/// <summary>What a finished import job's <c>result</c> says.</summary>
public sealed record ImportOutcome(Guid EntryId, bool Duplicate, string Message, string? FilePath, string? LibraryName)
{
    /// <summary>The outcome a job's result holds; null for a job that is not a finished import (or another kind's result).</summary>
    public static ImportOutcome? Of(Jobs.Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            return job.Result?.Deserialize<ImportOutcome>(Jobs.JobJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
