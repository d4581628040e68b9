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
    /// <summary>How many rows each search method may contribute before sorting: bounds the cost of common terms.</summary>
    public const int CandidateLimit = 1000;

    /// <summary>How many of the newest full-text matches are ranked at most.</summary>
    public const int RankLimit = 5000;

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

        // Accents are ignored on both sides (hub_unaccent, migration 0009): "sangerin" finds "Sängerin".
        var text = $"hub_unaccent({Param(cmd, q.Q!.Trim(), NpgsqlDbType.Text)})";
        // The partial-word leg sees only the wanted words: titles containing each of them (ILIKE, served by the
        // trigram index), the newest CandidateLimit (a deterministic order, so pages stay stable), scored by trigram word similarity.
        // Words the text excludes ("-live") exclude there too.
        var (wanted, excluded) = SplitWords(q.Q);
        var likes = new List<string>();
        foreach (var word in wanted.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3).Distinct().Take(8))
        {
            likes.Add($"hub_unaccent(e.title) ILIKE hub_unaccent({Param(cmd, "%" + EscapeLike(word) + "%", NpgsqlDbType.Text)})");
        }
        var partial = "";
        if (likes.Count > 0)
        {
            var wantedText = $"hub_unaccent({Param(cmd, wanted, NpgsqlDbType.Text)})";
            var exclude = "";
            if (excluded.Length > 0)
            {
                exclude = $" AND NOT e.search_vector @@ to_tsquery('simple', hub_unaccent({Param(cmd, excluded, NpgsqlDbType.Text)}))";
            }
            partial = $"""

                    UNION ALL
                    (SELECT x.id, word_similarity({wantedText}, hub_unaccent(x.title))::float8 AS score, x.key FROM
                        (SELECT e.id, e.title, {rowKey} AS key FROM entries e WHERE {string.Join(" AND ", likes)}{exclude}{where} ORDER BY e.created_at DESC, e.id DESC LIMIT {CandidateLimit}) x)
            """;
        }
        // Full-text matches ranked by cover density (the best CandidateLimit of the newest RankLimit matches, so a
        // very common word costs the same as a rare one), exact title matches (always, whatever their age; they
        // outrank everything else: 10 on top of their other scores), and the partial-word ones; an entry's score is
        // the sum. Each leg carries the sort key from the row it already read, so only the page's rows are fetched
        // again, for their columns: at 1,000,000 entries a common word has 2,000 candidates for a page of 50.
        var candKey = sortKey == EntrySort.Relevance ? "c.score" : "c.key";
        sql.Append($"""
            WITH cand AS (
                SELECT id, sum(score) AS score, min(key) AS key FROM (
                    (SELECT s.id, ts_rank_cd(s.search_vector, query, 32)::float8 AS score, s.key
                     FROM (SELECT e.id, e.search_vector, {rowKey} AS key FROM entries e, websearch_to_tsquery('simple', {text}) query
                           WHERE e.search_vector @@ query{where} ORDER BY e.created_at DESC, e.id DESC LIMIT {RankLimit}) s,
                          websearch_to_tsquery('simple', {text}) query
                     ORDER BY 2 DESC, s.id LIMIT {CandidateLimit})
                    UNION ALL
                    (SELECT e.id, 10::float8, {rowKey} FROM entries e WHERE lower(hub_unaccent(e.title)) = lower({text}){where}){partial}
                ) m GROUP BY id),
            page AS (
                SELECT c.id, {candKey} AS sort_key FROM cand c WHERE true
            """);
        AppendKeyset(sql, cmd, cursor, sortKey, descending, candKey, "c.id");
        sql.Append($"""
             ORDER BY {candKey} {dir}, c.id {dir} LIMIT {limit + 1})
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
    /// Web-search text split for the trigram leg: the wanted words (quotes and "or" dropped), and the excluded
    /// ("-word") ones as a tsquery "a | b" of plain lexemes (anything but letters and digits removed).
    /// </summary>
    internal static (string Wanted, string Excluded) SplitWords(string q)
    {
        var wanted = new List<string>();
        var excluded = new List<string>();
        foreach (var raw in q.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var word = raw.Trim('"');
            if (word.Length > 1 && word[0] == '-')
            {
                var lexeme = new string(word[1..].Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
                if (lexeme.Length > 0) excluded.Add(lexeme);
            }
            else if (word.Length > 0 && !word.Equals("or", StringComparison.OrdinalIgnoreCase))
            {
                wanted.Add(word);
            }
        }
        return (string.Join(' ', wanted), string.Join(" | ", excluded));
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
