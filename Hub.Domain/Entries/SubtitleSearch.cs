using System.Text;
using Hub.Domain.Media;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hub.Domain.Entries;

/// <summary>
/// What was said in an entry, as searchable text: its subtitle tracks' cues go into <c>entries.subtitle_vector</c>
/// (weight D, migration 0016), which the generated search vector includes, so <see cref="EntryService.QueryAsync"/>
/// finds a phrase spoken only in the video. Filled when the tracks are filed; <see cref="BackfillAsync"/> catches up
/// entries imported before (or by paths that do not fill it).
/// </summary>
public sealed class SubtitleSearch(IDbContextFactory<HubDbContext> dbFactory, ILogger<SubtitleSearch> logger)
{
    /// <summary>
    /// The most text indexed per entry: a tsvector holds at most 1 MB, and about three hours of speech fit in this.
    /// </summary>
    public const int MaxChars = 300_000;

    private const string SetSql = "UPDATE entries SET subtitle_vector = setweight(to_tsvector('simple', hub_unaccent({0})), 'D') WHERE id = {1}";

    /// <summary>The cue text of every track of <paramref name="mediaPath"/> that is there, one after another, capped.</summary>
    public static async Task<string> TextOfAsync(string mediaPath, IEnumerable<SubtitleTrack> tracks, CancellationToken ct)
    {
        var sb = new StringBuilder();
        foreach (var track in tracks)
        {
            var path = track.PathFor(mediaPath);
            if (!File.Exists(path)) continue;
            foreach (var cue in WebVtt.Parse(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)))
            {
                if (sb.Length + cue.Text.Length + 1 > MaxChars) return sb.ToString();
                sb.Append(cue.Text).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>Stores <paramref name="text"/> as the entry's subtitle vector (empty text: indexed, nothing said).</summary>
    public static Task SetAsync(HubDbContext db, Guid entryId, string text, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(SetSql, [text, entryId], ct);

    /// <summary>Indexes up to <paramref name="batch"/> entries not indexed yet; returns how many it did.</summary>
    public async Task<int> BackfillAsync(int batch, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var pending = await db.Entries.FromSqlRaw("SELECT * FROM entries WHERE subtitle_vector IS NULL ORDER BY created_at LIMIT {0}", batch)
            .AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
        foreach (var entry in pending)
        {
            string text;
            try
            {
                text = await TextOfAsync(entry.FilePath, EntrySubtitles.Of(entry), ct).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                logger.LogWarning("Could not read the subtitles of entry {Entry}: {Error}", entry.Id, ex.Message);
                text = "";
            }
            await SetAsync(db, entry.Id, text, ct).ConfigureAwait(false);
        }
        return pending.Count;
    }
}
