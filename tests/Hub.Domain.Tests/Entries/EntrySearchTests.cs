using Hub.Domain.Entries;
using Hub.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Domain.Tests.Entries;

/// <summary>Search over 3,000 generated entries plus a few known ones, through EntryService on a real database.</summary>
public sealed class EntrySearchTests(EntrySearchTests.Fixture fx) : IClassFixture<EntrySearchTests.Fixture>
{
    public sealed class Fixture : DatabaseFixture
    {
        public Guid Library { get; } = Guid.CreateVersion7();
        public Guid Bunny { get; } = Guid.CreateVersion7();
        public Guid ExactOcean { get; } = Guid.CreateVersion7();
        public Guid Singer { get; } = Guid.CreateVersion7();

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await using var conn = new NpgsqlConnection(ConnectionString);
            await conn.OpenAsync();
            await using (var lib = new NpgsqlCommand("INSERT INTO libraries (id, name, slug, root_folder, path_template) VALUES ($1, 'S', 's', 's', '{title}')", conn))
            {
                lib.Parameters.AddWithValue(Library);
                await lib.ExecuteNonQueryAsync();
            }
            var words = new[] { "ocean", "mountain", "river", "city", "night", "drive", "jazz", "piano", "forest", "rain", "storm", "desert", "travel", "cooking", "lecture" };
            var random = new Random(7);
            var rows = new List<(Guid Id, string Title, string Platform, string Kind, string[] Tags)>();
            for (var i = 0; i < 3000; i++)
            {
                var title = string.Join(' ', Enumerable.Range(0, 3).Select(_ => words[random.Next(words.Length)])) + $" {i}";
                rows.Add((Guid.CreateVersion7(), title, i % 3 == 0 ? "youtube" : "vimeo", i % 4 == 0 ? "audio" : "video", [words[random.Next(words.Length)]]));
            }
            rows.Add((Bunny, "Big Buck Bunny", "youtube", "video", ["animation"]));
            rows.Add((ExactOcean, "Ocean", "vimeo", "video", []));
            rows.Add((Singer, "Die Sängerin im Café", "youtube", "audio", ["chanson"]));
            rows.Add((Guid.CreateVersion7(), "Zebra crossing documentary", "youtube", "video", ["animals"]));
            await using (var copy = await conn.BeginBinaryImportAsync("COPY entries (id, library_id, title, platform, media_kind, tags, file_path) FROM STDIN (FORMAT BINARY)"))
            {
            foreach (var r in rows)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(r.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(Library, NpgsqlDbType.Uuid);
                await copy.WriteAsync(r.Title, NpgsqlDbType.Text);
                await copy.WriteAsync(r.Platform, NpgsqlDbType.Text);
                await copy.WriteAsync(r.Kind, NpgsqlDbType.Text);
                await copy.WriteAsync(r.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync("/x", NpgsqlDbType.Text);
            }
            await copy.CompleteAsync();
            }
            await using var analyze = new NpgsqlCommand("ANALYZE entries", conn);
            await analyze.ExecuteNonQueryAsync();
        }
    }

    private EntryService Entries => fx.Get<EntryService>();

    [Fact]
    public async Task Search_ExactTitleMatch_RanksFirst()
    {
        var page = await Entries.QueryAsync(new EntryQuery { Q = "ocean", Limit = 10 }, default);
        Assert.Equal(fx.ExactOcean, page.Items[0].Id);
        Assert.All(page.Items, e => Assert.Contains("ocean", e.Title, StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(page.NextCursor);
    }

    [Fact]
    public async Task Search_IgnoresAccents_WholeWordsPartialWordsAndExactTitles()
    {
        Assert.Equal(fx.Singer, (await Entries.QueryAsync(new EntryQuery { Q = "sangerin" }, default)).Items[0].Id);
        Assert.Equal(fx.Singer, (await Entries.QueryAsync(new EntryQuery { Q = "sänger cafe" }, default)).Items[0].Id);
        Assert.Equal(fx.Singer, (await Entries.QueryAsync(new EntryQuery { Q = "sanger" }, default)).Items[0].Id);
        Assert.Equal(fx.Singer, (await Entries.QueryAsync(new EntryQuery { Q = "Die Sangerin im Cafe" }, default)).Items[0].Id);
    }

    [Fact]
    public async Task Search_PartialWord_FindsByTrigram()
    {
        var page = await Entries.QueryAsync(new EntryQuery { Q = "bunn" }, default);
        Assert.Equal(fx.Bunny, page.Items[0].Id);
        Assert.Equal(fx.Bunny, (await Entries.QueryAsync(new EntryQuery { Q = "buck bunny" }, default)).Items[0].Id);
        Assert.Contains((await Entries.QueryAsync(new EntryQuery { Q = "zebr" }, default)).Items, e => e.Title.StartsWith("Zebra", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_QuotedPhrase_MatchesItsWordsInOrder_WholeOrAsTheStartOfAWord()
    {
        Assert.Equal(fx.Bunny, (await Entries.QueryAsync(new EntryQuery { Q = "\"buck bunny\"" }, default)).Items[0].Id);
        Assert.Equal(fx.Bunny, (await Entries.QueryAsync(new EntryQuery { Q = "\"big buck bun\"" }, default)).Items[0].Id); // partial last word
        Assert.DoesNotContain((await Entries.QueryAsync(new EntryQuery { Q = "\"bunny buck\"", Limit = 200 }, default)).Items, e => e.Id == fx.Bunny);
        Assert.Equal(fx.Bunny, (await Entries.QueryAsync(new EntryQuery { Q = "bunny buck" }, default)).Items[0].Id); // unquoted: any order
    }

    [Fact]
    public async Task Search_WebSearchSyntax_AndTags()
    {
        var both = await Entries.QueryAsync(new EntryQuery { Q = "jazz piano", Limit = 200 }, default);
        Assert.NotEmpty(both.Items);
        Assert.All(both.Items.Take(20), e => Assert.True(e.Title.Contains("jazz", StringComparison.Ordinal) && e.Title.Contains("piano", StringComparison.Ordinal), e.Title));
        var not = await Entries.QueryAsync(new EntryQuery { Q = "jazz -piano", Limit = 200 }, default);
        Assert.All(not.Items.Where(e => e.Title.Contains("jazz", StringComparison.Ordinal)), e => Assert.DoesNotContain("piano", e.Title));
        var tag = await Entries.QueryAsync(new EntryQuery { Q = "animation" }, default);
        Assert.Equal(fx.Bunny, tag.Items[0].Id);
        Assert.Empty((await Entries.QueryAsync(new EntryQuery { Q = "xylophone" }, default)).Items);
    }

    [Fact]
    public async Task Search_FiltersCombineWithQ_AndPagesDoNotRepeat()
    {
        var seen = new HashSet<Guid>();
        string? cursor = null;
        do
        {
            var page = await Entries.QueryAsync(new EntryQuery { Q = "storm", Platform = "youtube", MediaKind = "audio", Limit = 40, Cursor = cursor }, default);
            Assert.All(page.Items, e =>
            {
                Assert.True(e.Title.Contains("storm", StringComparison.Ordinal) || e.Tags.Contains("storm"), e.Title); // tags are searched too
                Assert.Equal("youtube", e.Platform);
                Assert.Equal("audio", e.MediaKind);
                Assert.True(seen.Add(e.Id), "no repeats across pages");
            });
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.NotEmpty(seen);

        var newest = await Entries.QueryAsync(new EntryQuery { Q = "storm", Sort = "-title", Limit = 5 }, default);
        Assert.Equal(newest.Items.Select(e => e.Title).OrderByDescending(t => t, StringComparer.Ordinal), newest.Items.Select(e => e.Title));
    }

    [Theory]
    [InlineData("relevance")]
    [InlineData("newest")]
    [InlineData("oldest")]
    [InlineData("title")]
    [InlineData("-duration")]
    [InlineData("size")]
    public async Task Search_PagedInAnySort_ReadsAsOneLongPage(string sort)
    {
        // Keyset paging over the search's candidates (their sort key comes from the legs, not from a second read):
        // small pages, one after another, give the rows of one long page in the same order, ties (no duration, size 0)
        // broken by id.
        var whole = await Entries.QueryAsync(new EntryQuery { Q = "river", Sort = sort, Limit = 200 }, default);
        Assert.Equal(200, whole.Items.Count);
        Assert.NotNull(whole.NextCursor);
        var paged = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await Entries.QueryAsync(new EntryQuery { Q = "river", Sort = sort, Limit = 7, Cursor = cursor }, default);
            Assert.InRange(page.Items.Count, 1, 7);
            paged.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null && paged.Count < 200);
        Assert.Equal(whole.Items.Select(e => e.Id), paged.Take(200));
        if (sort == "title")
        {
            Assert.Equal(whole.Items.Select(e => e.Title).Order(StringComparer.Ordinal), whole.Items.Select(e => e.Title));
        }
        if (sort == "newest")
        {
            Assert.Equal(whole.Items.Select(e => e.CreatedAt).OrderDescending(), whole.Items.Select(e => e.CreatedAt));
        }
    }
}
