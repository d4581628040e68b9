using System.Diagnostics;
using Hub.Domain;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Web.Info;

/// <summary>A folder Hub writes to and the disk under it; <paramref name="UsedBytes"/> is what Hub's entries take there.</summary>
public sealed record FolderDto(string Name, string Path, long? UsedBytes, long? FreeBytes, long? TotalBytes);

public sealed record FailedJobDto(Guid Id, string? Title, string? Source, string? Error, string? ErrorKind, DateTimeOffset At);

public sealed record SystemDto(DateTimeOffset StartedAt, long UptimeSeconds, IReadOnlyList<FolderDto> Folders,
    IReadOnlyList<RecentError> RecentErrors, IReadOnlyList<FailedJobDto> RecentFailures);

/// <summary><c>/api/v1/system</c> (admin): uptime, the folders and their disks, the last unexpected errors and failed jobs.</summary>
public static class SystemApi
{
    private static readonly DateTimeOffset StartedAt = new(Process.GetCurrentProcess().StartTime.ToUniversalTime(), TimeSpan.Zero);

    public static RouteGroupBuilder MapSystem(this RouteGroupBuilder api)
    {
        api.MapGet("/system", GetSystem).WithTags("System").WithName("GetSystem")
            .RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy)
            .WithSummary("For admins: when Hub started and its uptime; the data, media and temp folders and each library's with free and total disk " +
                "space and what entries take; the last 50 unexpected errors since start (with the error id their caller got); the last 10 failed jobs.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    private static async Task<Ok<SystemDto>> GetSystem(IOptions<HubOptions> options, IDbContextFactory<HubDbContext> dbFactory, LibraryService libraries,
        RecentErrors errors, TimeProvider time, CancellationToken ct)
    {
        var o = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var used = await db.Entries.GroupBy(e => e.LibraryId).Select(g => new { g.Key, Bytes = g.Sum(e => e.SizeBytes) }).ToDictionaryAsync(x => x.Key, x => (long?)x.Bytes, ct);
        var folders = new List<FolderDto> { Folder("Data", o.FullDataDir, null), Folder("Media", o.FullMediaDir, used.Values.Sum() ?? 0), Folder("Temporary", o.FullTempDir, null) };
        foreach (var library in await libraries.ListAsync(ct))
        {
            folders.Add(Folder("Library " + library.Name, FilePlacer.ResolveRoot(library, o), used.GetValueOrDefault(library.Id) ?? 0));
        }
        var failures = await db.Jobs.AsNoTracking().Where(j => j.State == JobStates.Failed).OrderByDescending(j => j.UpdatedAt).Take(10)
            .Select(j => new FailedJobDto(j.Id, j.Title, j.Source, j.Error, j.ErrorKind, j.UpdatedAt)).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new SystemDto(StartedAt, (long)(now - StartedAt).TotalSeconds, folders, errors.List(), failures));
    }

    /// <summary>The disk of the nearest existing folder (a library's may not exist until its first file).</summary>
    private static FolderDto Folder(string name, string path, long? used)
    {
        var probe = path;
        while (!Directory.Exists(probe) && System.IO.Path.GetDirectoryName(probe) is { } parent) probe = parent;
        try
        {
            var drive = new DriveInfo(probe);
            return new FolderDto(name, path, used, drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return new FolderDto(name, path, used, null, null);
        }
    }
}
