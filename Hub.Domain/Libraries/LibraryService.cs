using Hub.Domain.Engines;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Libraries;

/// <summary>
/// Libraries: list, find, create, update, delete, and the two defaults of a fresh install.
/// Returns detached entities (no tracking context outlives a call).
/// </summary>
public sealed class LibraryService
{
    private readonly IDbContextFactory<HubDbContext> dbFactory;
    private readonly NpgsqlDataSource dataSource;
    private readonly IOptions<HubOptions> options;
    private readonly TimeProvider time;

    public LibraryService(IDbContextFactory<HubDbContext> dbFactory, NpgsqlDataSource dataSource, CacheInvalidation caches, IOptions<HubOptions> options,
        TimeProvider time)
    {
        this.dbFactory = dbFactory;
        this.dataSource = dataSource;
        this.options = options;
        this.time = time;
        caches.Invalidated += (kind, _) =>
        {
            if (kind is null or CacheInvalidation.Library) ForgetNames();
        };
    }

    /// <summary>Serialises <see cref="EnsureDefaultsAsync"/> across processes sharing the database.</summary>
    private const long DefaultsLockKey = 0x4875624C69627331; // "HubLibs1"
    private const int MaxRaceRetries = 5;

    private HubOptions Options => options.Value;

    public async Task<IReadOnlyList<Library>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var libraries = await db.Libraries.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        // Sorted here, not by the database's collation, so every installation lists in the same order.
        return [.. libraries.OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.Id)];
    }

    /// <summary>
    /// Every library's name by id, for showing where entries live (the bot puts one beside each search result, so a
    /// busy bot asked for them many times a second). Kept in memory: a change made here (create, update, delete,
    /// defaults) forgets them at once, and a change in another process through <see cref="CacheInvalidation"/>'s NOTIFY,
    /// sent with the change's commit; <see cref="NamesCacheFor"/> only bounds a notification that got lost. Libraries
    /// change rarely and the whole map is small, so any change drops all of it rather than one row.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_names is { } hit && now - hit.At < NamesCacheFor)
        {
            return hit.Names;
        }
        var generation = Interlocked.Read(ref _namesGeneration);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var names = await db.Libraries.AsNoTracking().ToDictionaryAsync(l => l.Id, l => l.Name, cancellationToken).ConfigureAwait(false);
        var fresh = new NamesSnapshot(names, now);
        _names = fresh;
        // Stored first, checked second: a change since the read either bumped the generation before this check (so
        // this drops what it stored) or drops it itself after its bump.
        if (Interlocked.Read(ref _namesGeneration) != generation)
        {
            Interlocked.CompareExchange(ref _names, null, fresh);
        }
        return names;
    }

    public static readonly TimeSpan NamesCacheFor = TimeSpan.FromSeconds(10);

    private sealed record NamesSnapshot(IReadOnlyDictionary<Guid, string> Names, DateTimeOffset At);

    private NamesSnapshot? _names;
    private long _namesGeneration;

    private void ForgetNames()
    {
        Interlocked.Increment(ref _namesGeneration);
        _names = null;
    }

    /// <summary>After a committed change to a library: forgets the names here now and in other processes by NOTIFY.</summary>
    private async Task ChangedAsync(Guid id, CancellationToken cancellationToken)
    {
        ForgetNames();
        await CacheInvalidation.NotifyAsync(dataSource, CacheInvalidation.Library, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Library> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Libraries.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new HubNotFoundException("library", $"No library {id}.");
    }

    /// <summary>A library by id, slug or name (case-insensitive), or null.</summary>
    public async Task<Library?> FindAsync(string idOrSlugOrName, CancellationToken cancellationToken)
    {
        var key = (idOrSlugOrName ?? "").Trim();
        // No library can carry a name Hub cannot store or one longer than names are: each caller's "no library" answers it.
        if (key.Length is 0 or > LibraryValidation.MaxNameLength || !TextInput.IsStorable(key))
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var libraries = db.Libraries.AsNoTracking();
        if (Guid.TryParse(key, out var id) && await libraries.FirstOrDefaultAsync(l => l.Id == id, cancellationToken).ConfigureAwait(false) is { } byId)
        {
            return byId;
        }
        var lower = key.ToLowerInvariant();
        return await libraries.FirstOrDefaultAsync(l => l.Slug == lower, cancellationToken).ConfigureAwait(false)
            ?? await libraries.FirstOrDefaultAsync(l => l.Name.ToLower() == lower, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Library> CreateAsync(LibraryInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var name = LibraryValidation.Name(input.Name);
        var kind = LibraryValidation.MediaKind(input.MediaKind);
        var template = input.PathTemplate ?? LibraryValidation.DefaultTemplate(kind);
        PathTemplate.Validate(template);
        var now = time.GetUtcNow();
        var library = new Library
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Slug = "",
            RootFolder = LibraryValidation.RootFolder(input.RootFolder ?? LibraryValidation.Slugify(name), Options),
            PathTemplate = template,
            DefaultFormat = LibraryValidation.DefaultFormat(input.DefaultFormat ?? LibraryValidation.DefaultFormatFor(kind)),
            MediaKind = kind,
            IsDefault = input.IsDefault,
            ReviewThreshold = LibraryValidation.ReviewThreshold(input.ReviewThreshold ?? 0.5),
            Rules = LibraryRules.ToJson(input.Rules ?? []),
            SubtitleLanguages = LibraryValidation.SubtitleLanguages(input.SubtitleLanguages),
            AutomaticCaptions = input.AutomaticCaptions,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await SaveWithRetriesAsync(library.Id, async (db, ct) =>
        {
            await EnsureNameFreeAsync(db, name, library.Id, ct).ConfigureAwait(false);
            library.Slug = await FreeSlugAsync(db, name, library.Id, ct).ConfigureAwait(false);
            if (library.IsDefault)
            {
                await ClearDefaultAsync(db, kind, library.Id, ct).ConfigureAwait(false);
            }
            db.Libraries.Add(library);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Library> UpdateAsync(Guid id, LibraryPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        // Validate before touching the database, so errors name the field whatever the stored state.
        var name = patch.Name is null ? null : LibraryValidation.Name(patch.Name);
        var kind = patch.MediaKind is null ? null : LibraryValidation.MediaKind(patch.MediaKind);
        if (patch.PathTemplate is not null)
        {
            PathTemplate.Validate(patch.PathTemplate);
        }
        var root = patch.RootFolder is null ? null : LibraryValidation.RootFolder(patch.RootFolder, Options);
        var format = patch.DefaultFormat is null ? null : LibraryValidation.DefaultFormat(patch.DefaultFormat);
        var threshold = patch.ReviewThreshold is { } t ? LibraryValidation.ReviewThreshold(t) : (double?)null;
        var rules = patch.Rules is null ? null : LibraryRules.ToJson(patch.Rules);
        var subtitleLanguages = patch.SubtitleLanguages is { } langs ? new Change<List<string>?>(LibraryValidation.SubtitleLanguages(langs.Value)) : null;

        return await SaveWithRetriesAsync(id, async (db, ct) =>
        {
            var library = await db.Libraries.FirstOrDefaultAsync(l => l.Id == id, ct).ConfigureAwait(false)
                ?? throw new HubNotFoundException("library", $"No library {id}.");
            if (name is not null && name != library.Name)
            {
                await EnsureNameFreeAsync(db, name, id, ct).ConfigureAwait(false);
                library.Name = name;
                if (LibraryValidation.Slugify(name) != library.Slug)
                {
                    library.Slug = await FreeSlugAsync(db, name, id, ct).ConfigureAwait(false);
                }
            }
            library.MediaKind = kind ?? library.MediaKind;
            library.PathTemplate = patch.PathTemplate ?? library.PathTemplate;
            library.RootFolder = root ?? library.RootFolder;
            library.DefaultFormat = format ?? library.DefaultFormat;
            library.ReviewThreshold = threshold ?? library.ReviewThreshold;
            library.Rules = rules ?? library.Rules;
            library.IsDefault = patch.IsDefault ?? library.IsDefault;
            if (subtitleLanguages is not null) library.SubtitleLanguages = subtitleLanguages.Value;
            if (patch.AutomaticCaptions is { } captions) library.AutomaticCaptions = captions.Value;
            if (library.IsDefault)
            {
                await ClearDefaultAsync(db, library.MediaKind, id, ct).ConfigureAwait(false);
            }
            library.UpdatedAt = time.GetUtcNow();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a library. By default refuses while it has entries ("library-not-empty"); can instead move them
    /// (rows and files) into another library, or remove them (rows and files).
    /// </summary>
    public async Task<LibraryDeleteResult> DeleteAsync(Guid id, LibraryDeleteMode? mode, CancellationToken cancellationToken)
    {
        var result = await new LibraryDeleter(dbFactory, Options, time).DeleteAsync(id, mode ?? LibraryDeleteMode.Refuse, cancellationToken).ConfigureAwait(false);
        await ChangedAsync(id, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// On a fresh install (no libraries at all) creates "Videos" and "Music", both defaults. Idempotent, and safe when
    /// several processes start at once: a transaction-scoped advisory lock makes the check and the inserts one step.
    /// </summary>
    /// <returns>True when the defaults were created by this call.</returns>
    public async Task<bool> EnsureDefaultsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({DefaultsLockKey})", cancellationToken).ConfigureAwait(false);
        if (await db.Libraries.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        var now = time.GetUtcNow();
        db.Libraries.Add(new Library
        {
            Id = Guid.CreateVersion7(),
            Name = "Videos",
            Slug = "videos",
            RootFolder = "videos",
            PathTemplate = "{platform}/{uploader}/{title} [{id}].{ext}",
            DefaultFormat = FormatPresets.VideoBest,
            MediaKind = "video",
            IsDefault = true,
            CreatedAt = now,
            UpdatedAt = now,
        });
        db.Libraries.Add(new Library
        {
            Id = Guid.CreateVersion7(),
            Name = "Music",
            Slug = "music",
            RootFolder = "music",
            PathTemplate = "{uploader}/{title}.{ext}",
            DefaultFormat = FormatPresets.AudioBest,
            MediaKind = "audio",
            IsDefault = true,
            Rules = LibraryRules.ToJson([new LibraryRule { Platforms = ["soundcloud"] }, new LibraryRule { MediaKind = "audio" }]),
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        await ChangedAsync(Guid.Empty, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Runs <paramref name="apply"/> and saves in one transaction. A concurrent writer can still win a unique index
    /// (slug, or the one default per kind) between our check and our write; then we start over on fresh state.
    /// </summary>
    private async Task<Library> SaveWithRetriesAsync(Guid id, Func<HubDbContext, CancellationToken, Task> apply, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await apply(db, cancellationToken).ConfigureAwait(false);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
            {
                if (pg.ConstraintName == "ux_libraries_name")
                {
                    throw new HubConflictException("library-name-taken", "Another library already has this name.");
                }
                if (attempt >= MaxRaceRetries)
                {
                    throw new HubConflictException("library-conflict", "The library changed concurrently; try again.");
                }
            }
        }
        await ChangedAsync(id, cancellationToken).ConfigureAwait(false);
        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureNameFreeAsync(HubDbContext db, string name, Guid self, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        if (await db.Libraries.AnyAsync(l => l.Id != self && l.Name.ToLower() == lower, ct).ConfigureAwait(false))
        {
            throw new HubConflictException("library-name-taken", $"A library named '{name}' already exists.");
        }
    }

    private static async Task<string> FreeSlugAsync(HubDbContext db, string name, Guid self, CancellationToken ct)
    {
        var slug = LibraryValidation.Slugify(name);
        var taken = await db.Libraries.Where(l => l.Id != self && l.Slug.StartsWith(slug)).Select(l => l.Slug).ToListAsync(ct).ConfigureAwait(false);
        return LibraryValidation.UniqueSlug(slug, taken.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>At most one default per media kind: clears it on the others, inside the caller's transaction.</summary>
    private static Task ClearDefaultAsync(HubDbContext db, string kind, Guid self, CancellationToken ct) =>
        db.Libraries.Where(l => l.MediaKind == kind && l.IsDefault && l.Id != self)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.IsDefault, false), ct);
}
