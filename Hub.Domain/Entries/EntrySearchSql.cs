using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Entries;

/// <summary>
/// Builds the one SQL statement behind <see cref="EntryService.QueryAsync"/>: filters, optional search candidates,
/// keyset condition, order and limit. Every value is a parameter; only fixed fragments are concatenated.
/// </summary>
internal static class EntrySearchSql
{
    /// <summary>How many rows each search method may contribute before sorting: bounds the cost of common terms.</summary>
    public const int CandidateLimit = 1000;

    /// <summary>How many of the newest full-text matches are ranked at most.</summary>
    public const int RankLimit = 5000;

    public const string Columns = "e.id, e.library_id, e.title, e.source_url, e.normalized_url, e.source_id, e.platform, e.uploader, e.media_kind, " +
        "e.container, e.duration_seconds, e.size_bytes, e.content_hash, e.file_path, e.thumbnail_path, e.properties::text, e.tags, e.created_at, e.updated_at";

    public static NpgsqlCommand Build(EntryQuery q, string sortKey, bool descending, EntryCursor? cursor, int limit)
    {
        var cmd = new NpgsqlCommand();
        var filters = Filters(q, cmd);
        var where = filters.Count == 0 ? "" : " AND " + string.Join(" AND ", filters);
        var search = !string.IsNullOrWhiteSpace(q.Q);
        var sql = new System.Text.StringBuilder();
        if (search)
        {
            cmd.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = q.Q!.Trim() });
            // The partial-word leg sees only the wanted words: titles containing each of them (ILIKE, served by the
            // trigram index), the newest CandidateLimit (a deterministic order, so pages stay stable), scored by trigram word similarity.
            // Words the text excludes ("-live") exclude there too.
            var (wanted, excluded) = SplitWords(q.Q);
            var likes = new List<string>();
            foreach (var word in wanted.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3).Distinct().Take(8))
            {
                var name = "w" + likes.Count;
                cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = "%" + EscapeLike(word) + "%" });
                likes.Add($"e.title ILIKE @{name}");
            }
            var partial = "";
            if (likes.Count > 0)
            {
                cmd.Parameters.Add(new NpgsqlParameter("qw", NpgsqlDbType.Text) { Value = wanted });
                var exclude = "";
                if (excluded.Length > 0)
                {
                    cmd.Parameters.Add(new NpgsqlParameter("qx", NpgsqlDbType.Text) { Value = excluded });
                    exclude = " AND NOT e.search_vector @@ to_tsquery('simple', @qx)";
                }
                partial = $"""

                        UNION ALL
                        (SELECT x.id, word_similarity(@qw, x.title)::float8 AS score FROM
                            (SELECT e.id, e.title FROM entries e WHERE {string.Join(" AND ", likes)}{exclude}{where} ORDER BY e.created_at DESC, e.id DESC LIMIT {CandidateLimit}) x)
                """;
            }
            // Full-text matches ranked by cover density (the best CandidateLimit of the newest RankLimit matches, so a
            // very common word costs the same as a rare one), exact title matches (always, whatever their age), and
            // the partial-word ones; an entry's score is the sum.
            sql.Append($"""
                WITH cand AS (
                    SELECT id, sum(score) AS score FROM (
                        (SELECT s.id, ts_rank_cd(s.search_vector, query, 32)::float8 AS score
                         FROM (SELECT e.id, e.search_vector FROM entries e, websearch_to_tsquery('simple', @q) query
                               WHERE e.search_vector @@ query{where} ORDER BY e.created_at DESC, e.id DESC LIMIT {RankLimit}) s,
                              websearch_to_tsquery('simple', @q) query
                         ORDER BY 2 DESC, s.id LIMIT {CandidateLimit})
                        UNION ALL
                        (SELECT e.id, 0::float8 FROM entries e WHERE lower(e.title) = lower(@q){where}){partial}
                    ) m GROUP BY id)
                """).Append('\n');
        }
        var keyExpr = sortKey switch
        {
            "created" => "e.created_at",
            "title" => "e.title",
            "duration" => "coalesce(e.duration_seconds, -1)",
            "size" => "e.size_bytes",
            // An exact title match outranks everything else.
            _ => "(c.score + CASE WHEN lower(e.title) = lower(@q) THEN 10 ELSE 0 END)",
        };
        sql.Append($"SELECT {Columns}, {keyExpr} AS sort_key FROM entries e");
        sql.Append(search ? " JOIN cand c ON c.id = e.id WHERE true" : " WHERE true" + where);
        if (cursor is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter("ck", cursor.TypedKey(sortKey)));
            cmd.Parameters.Add(new NpgsqlParameter("cid", NpgsqlDbType.Uuid) { Value = cursor.Id });
            sql.Append($" AND ({keyExpr}, e.id) {(descending ? "<" : ">")} (@ck, @cid)");
        }
        var dir = descending ? "DESC" : "ASC";
        sql.Append($" ORDER BY {keyExpr} {dir}, e.id {dir} LIMIT {limit + 1}");
        cmd.CommandText = sql.ToString();
        return cmd;
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
        void Add(string clause, string name, object value, NpgsqlDbType type)
        {
            f.Add(clause);
            cmd.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        }
        if (q.LibraryId is { } lib) Add("e.library_id = @library", "library", lib, NpgsqlDbType.Uuid);
        if (!string.IsNullOrWhiteSpace(q.Platform)) Add("e.platform = @platform", "platform", q.Platform.Trim(), NpgsqlDbType.Text);
        if (!string.IsNullOrWhiteSpace(q.MediaKind)) Add("e.media_kind = @kind", "kind", q.MediaKind.Trim(), NpgsqlDbType.Text);
        if (q.Tags is { Count: > 0 } tags) Add("e.tags @> @tags", "tags", tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        if (q.MinDuration is { } min) Add("e.duration_seconds >= @mind", "mind", min, NpgsqlDbType.Double);
        if (q.MaxDuration is { } max) Add("e.duration_seconds <= @maxd", "maxd", max, NpgsqlDbType.Double);
        if (q.From is { } from) Add("e.created_at >= @from", "from", from.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        if (q.To is { } to) Add("e.created_at < @to", "to", to.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        return f;
    }
}
