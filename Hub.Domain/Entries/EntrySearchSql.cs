using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Entries;

/// <summary>
/// Builds the one SQL statement behind <see cref="EntryService.QueryAsync"/>: filters, optional search candidates,
/// keyset condition, order and limit. Every value is a positional parameter (<see cref="Param"/> adds it and returns
/// its <c>$n</c>); only fixed fragments are concatenated.
/// </summary>
internal static class EntrySearchSql
{
    /// <summary>
    /// How many of the newest full-text matches, and of the newest partial-word matches, a relevance search ranks at
    /// most (exact title matches always, whatever their age). They are found newest first, so a word in a tenth of
    /// the titles costs ten times this many rows, and a rare one only its matches.
    /// </summary>
    public const int RankLimit = 1000;

    public const string Columns = "e.id, e.library_id, e.title, e.source_url, e.normalized_url, e.source_id, e.platform, e.uploader, e.media_kind, " +
        "e.container, e.duration_seconds, e.size_bytes, e.content_hash, e.file_path, e.thumbnail_path, e.properties::text, e.tags, e.created_at, e.updated_at, " +
        "e.requested_by";

    /// <summary>How many columns <see cref="Columns"/> has: a query's own columns after them start at this ordinal.</summary>
    public const int ColumnCount = 20;

    public static NpgsqlCommand Build(EntryQuery q, string sortKey, bool descending, EntryCursor? cursor, int limit)
    {
        var cmd = new NpgsqlCommand();
        var filters = Filters(q, cmd);
        var where = filters.Count == 0 ? "" : " AND " + string.Join(" AND ", filters);
        var dir = descending ? "DESC" : "ASC";
        // The sort key of a row of entries e; relevance is the candidates' score.
        var rowKey = sortKey switch
        {
            "created" => "e.created_at",
            "title" => "e.title",
            "duration" => "coalesce(e.duration_seconds, -1)",
            "size" => "e.size_bytes",
            _ => "NULL::int",
        };
        var sql = new System.Text.StringBuilder();
        if (string.IsNullOrWhiteSpace(q.Q))
        {
            sql.Append($"SELECT {Columns}, {rowKey} AS sort_key FROM entries e WHERE true{where}");
            AppendKeyset(sql, cmd, cursor, sortKey, descending, rowKey, "e.id");
            sql.Append($" ORDER BY {rowKey} {dir}, e.id {dir} LIMIT {limit + 1}");
            cmd.CommandText = sql.ToString();
            return cmd;
        }

        // Accents and case are ignored on both sides (hub_unaccent, migration 0009; the stored search_title, 0020):
        // "sangerin" finds "Sängerin".
        var raw = Param(cmd, q.Q!.Trim(), NpgsqlDbType.Text);
        var tsquery = $"websearch_to_tsquery('simple', hub_unaccent({raw}))";
        string Fts(string t) => $"{t}.search_vector @@ {tsquery}";
        string Exact(string t) => $"{t}.search_title = lower(hub_unaccent({raw}))";
        // Partial words: titles containing each wanted word of 3 letters or more, and each quoted phrase as it is written
        // (its words in that order: "vital elan" does not match "Élan vital"), served by the trigram index, unless they
        // hold a word the text excludes ("-live").
        var (terms, excluded) = SplitWords(q.Q);
        var wanted = string.Join(' ', terms);
        var patterns = terms.Where(w => w.Length >= 3).Distinct().Take(8)
            .Select(term => Param(cmd, "%" + EscapeLike(term) + "%", NpgsqlDbType.Text)).ToList();
        var exclusion = excluded.Length == 0 ? null : $"to_tsquery('simple', hub_unaccent({Param(cmd, excluded, NpgsqlDbType.Text)}))";
        string Partial(string t) => string.Join(" AND ", patterns.Select(p => $"{t}.search_title LIKE lower(hub_unaccent({p}))"))
            + (exclusion is null ? "" : $" AND NOT {t}.search_vector @@ {exclusion}");
        var hasPartial = patterns.Count > 0;
        var matches = hasPartial ? $"({Fts("e")} OR ({Partial("e")}) OR {Exact("e")})" : $"({Fts("e")} OR {Exact("e")})";

        if (sortKey != EntrySort.Relevance)
        {
            // Every match in the asked order: the planner walks the order's index while matches are common and sorts the
            // matches the indexes find while they are rare, so neither costs more than a few thousand rows.
            sql.Append($"SELECT {Columns}, {rowKey} AS sort_key FROM entries e WHERE {matches}{where}");
            AppendKeyset(sql, cmd, cursor, sortKey, descending, rowKey, "e.id");
            sql.Append($" ORDER BY {rowKey} {dir}, e.id {dir} LIMIT {limit + 1}");
            cmd.CommandText = sql.ToString();
            return cmd;
        }

        // Relevance: the newest RankLimit full-text matches and the newest RankLimit partial-word matches (a
        // deterministic order, so pages stay stable) and the exact title matches of any age. Each leg is planned on
        // its own predicate (the planner walks the newest-first index for a common one and sorts what the index finds
        // for a rare one; an OR of both would be estimated as their sum) and carries the two columns the score needs,
        // so every candidate is scored alike without reading its row again: cover density over the full-text match,
        // trigram word similarity over the partial-word match, and 10 on top for an exact title, which outranks
        // everything else. Only the page's rows are read again, for their columns.
        // With filters (library, platform, kind: the admin page) each leg still has the same two plans, and neither
        // degrades with a common filter value (migration 0022): the bitmap is one scan of the text's GIN index, which
        // also holds those three columns, so it intersects inside the index (led by the rarest list, skipping through
        // the others) and reads the heap only for rows matching everything; it never ANDs a btree bitmap of every
        // youtube row (549,000 at 1,000,000 entries: 60-120 ms before any row was read). The walk reads a library's
        // own (created_at, id)-ordered index or the newest-first one; the filters' combined share comes from their
        // extended statistics, not a product of independent guesses. So whichever the planner picks, the cost follows
        // what a plan must read (the rows it tests, or the rows that match), not the size of a filter's value.
        var similarity = hasPartial
            ? $" + CASE WHEN {Partial("m")} THEN word_similarity(lower(hub_unaccent({Param(cmd, wanted, NpgsqlDbType.Text)})), m.search_title)::float8 ELSE 0 END"
            : "";
        var partialLeg = hasPartial ? $"""

                    UNION ALL
                    (SELECT e.id, e.search_vector, e.search_title FROM entries e WHERE {Partial("e")}{where} ORDER BY e.created_at DESC, e.id DESC LIMIT {RankLimit})
            """ : "";
        sql.Append($"""
            WITH m AS (
                    (SELECT e.id, e.search_vector, e.search_title FROM entries e WHERE {Fts("e")}{where} ORDER BY e.created_at DESC, e.id DESC LIMIT {RankLimit}){partialLeg}
                    UNION ALL
                    (SELECT e.id, e.search_vector, e.search_title FROM entries e WHERE {Exact("e")}{where})),
            cand AS (
                SELECT DISTINCT ON (m.id) m.id,
                    CASE WHEN {Fts("m")} THEN ts_rank_cd(m.search_vector, {tsquery}, 32)::float8 ELSE 0 END{similarity}
                    + CASE WHEN {Exact("m")} THEN 10 ELSE 0 END AS score
                FROM m),
            page AS (
                SELECT c.id, c.score AS sort_key FROM cand c WHERE true
            """);
        AppendKeyset(sql, cmd, cursor, sortKey, descending, "c.score", "c.id");
        sql.Append($"""
             ORDER BY c.score {dir}, c.id {dir} LIMIT {limit + 1})
            SELECT {Columns}, p.sort_key FROM page p JOIN entries e ON e.id = p.id ORDER BY p.sort_key {dir}, e.id {dir}
            """);
        cmd.CommandText = sql.ToString();
        return cmd;
    }

    /// <summary>Rows strictly after the cursor's, in the query's order.</summary>
    private static void AppendKeyset(System.Text.StringBuilder sql, NpgsqlCommand cmd, EntryCursor? cursor, string sortKey, bool descending, string keyExpr, string idExpr)
    {
        if (cursor is null) return;
        var key = Param(cmd, cursor.TypedKey(sortKey));
        var id = Param(cmd, cursor.Id, NpgsqlDbType.Uuid);
        sql.Append($" AND ({keyExpr}, {idExpr}) {(descending ? "<" : ">")} ({key}, {id})");
    }

    /// <summary>
    /// Web-search text split for the trigram leg: the wanted terms (a word, or a quoted phrase kept whole with its words
    /// one space apart; "or" dropped), and the excluded ("-word") ones as a tsquery "a | b" of plain lexemes (anything
    /// but letters and digits removed).
    /// </summary>
    internal static (IReadOnlyList<string> Wanted, string Excluded) SplitWords(string q)
    {
        var wanted = new List<string>();
        var excluded = new List<string>();
        var parts = q.Split('"');
        for (var i = 0; i < parts.Length; i++)
        {
            var words = parts[i].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (i % 2 == 1 && i < parts.Length - 1)
            {
                // Inside a pair of quotes.
                if (words.Length > 0) wanted.Add(string.Join(' ', words));
                continue;
            }
            foreach (var word in words)
            {
                if (word.Length > 1 && word[0] == '-')
                {
                    var lexeme = new string(word[1..].Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
                    if (lexeme.Length > 0) excluded.Add(lexeme);
                }
                else if (!word.Equals("or", StringComparison.OrdinalIgnoreCase))
                {
                    wanted.Add(word);
                }
            }
        }
        return (wanted, string.Join(" | ", excluded));
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static List<string> Filters(EntryQuery q, NpgsqlCommand cmd)
    {
        var f = new List<string>();
        if (q.LibraryId is { } lib) f.Add($"e.library_id = {Param(cmd, lib, NpgsqlDbType.Uuid)}");
        if (!string.IsNullOrWhiteSpace(q.Platform)) f.Add($"e.platform = {Param(cmd, q.Platform.Trim(), NpgsqlDbType.Text)}");
        if (!string.IsNullOrWhiteSpace(q.MediaKind)) f.Add($"e.media_kind = {Param(cmd, q.MediaKind.Trim(), NpgsqlDbType.Text)}");
        if (q.Tags is { Count: > 0 } tags) f.Add($"e.tags @> {Param(cmd, tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}");
        if (q.MinDuration is { } min) f.Add($"e.duration_seconds >= {Param(cmd, min, NpgsqlDbType.Double)}");
        if (q.MaxDuration is { } max) f.Add($"e.duration_seconds <= {Param(cmd, max, NpgsqlDbType.Double)}");
        if (q.From is { } from) f.Add($"e.created_at >= {Param(cmd, from.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        if (q.To is { } to) f.Add($"e.created_at < {Param(cmd, to.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        return f;
    }

    /// <summary>Adds a positional parameter and returns how the SQL names it (<c>$3</c>).</summary>
    private static string Param(NpgsqlCommand cmd, object value, NpgsqlDbType? type = null)
    {
        cmd.Parameters.Add(type is { } t ? new NpgsqlParameter { NpgsqlDbType = t, Value = value } : new NpgsqlParameter { Value = value });
        return "$" + cmd.Parameters.Count;
    }
}
