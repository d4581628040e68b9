using Hub.Domain.Libraries;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Libraries;

/// <summary>A database with <see cref="LibraryService"/> registered, as AddHubDomain will once it is merged.</summary>
public sealed class LibraryFixture : DatabaseFixture
{
    protected override void Configure(IServiceCollection services) => services.AddSingleton<LibraryService>();

    public LibraryService Libraries => Get<LibraryService>();

    public string MediaDir => Get<IOptions<HubOptions>>().Value.FullMediaDir;
}

public sealed class LibraryServiceTests(LibraryFixture db) : IClassFixture<LibraryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private LibraryService Libraries => db.Libraries;

    private static string Unique(string name) => name + " " + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Create_FillsDefaultsFromMediaKind()
    {
        var name = Unique("Podcasts");
        var created = await Libraries.CreateAsync(new LibraryInput(name, MediaKind: "audio"), Ct);
        Assert.Equal(name, created.Name);
        Assert.Equal(LibraryValidation.Slugify(name), created.Slug);
        Assert.Equal(created.Slug, created.RootFolder);
        Assert.Equal("{uploader}/{title}.{ext}", created.PathTemplate);
        Assert.Equal("audio_best", created.DefaultFormat);
        Assert.Equal(0.5, created.ReviewThreshold);
        Assert.False(created.IsDefault);
        Assert.Empty(LibraryRules.FromJson(created.Rules));
        Assert.Equal(created.Id, (await Libraries.GetAsync(created.Id, Ct)).Id);
    }

    [Fact]
    public async Task Create_StoresRules_AsCamelCaseJson()
    {
        var created = await Libraries.CreateAsync(new LibraryInput(Unique("Talks"), Rules: [new LibraryRule { Domains = ["ted.com"], MinDurationSeconds = 60 }]), Ct);
        await using var ctx = db.CreateDb();
        var json = await ctx.Database.SqlQuery<string>($"SELECT rules::text AS \"Value\" FROM libraries WHERE id = {created.Id}").SingleAsync();
        Assert.Contains("\"domains\": [\"ted.com\"]", json);
        Assert.Contains("\"minDurationSeconds\": 60", json);
    }

    [Fact]
    public async Task Create_SameNameAnyCase_IsConflict()
    {
        var name = Unique("Shows");
        await Libraries.CreateAsync(new LibraryInput(name), Ct);
        var ex = await Assert.ThrowsAsync<HubConflictException>(() => Libraries.CreateAsync(new LibraryInput(name.ToUpperInvariant()), Ct));
        Assert.Equal("library-name-taken", ex.Type);
    }

    [Fact]
    public async Task Create_SameSlug_GetsSuffix()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var a = await Libraries.CreateAsync(new LibraryInput($"Rock & Roll {tag}"), Ct);
        var b = await Libraries.CreateAsync(new LibraryInput($"Rock and Roll {tag}", RootFolder: "rr-" + tag), Ct);
        Assert.Equal($"rock-and-roll-{tag}", a.Slug);
        Assert.Equal($"rock-and-roll-{tag}-2", b.Slug);
    }

    public static TheoryData<LibraryInput, string> InvalidInputs => new()
    {
        { new LibraryInput(""), "name" },
        { new LibraryInput(new string('n', 101)), "name" },
        { new LibraryInput("ok", PathTemplate: "{bad}.{ext}"), "pathTemplate" },
        { new LibraryInput("ok", PathTemplate: "{title}"), "pathTemplate" },
        { new LibraryInput("ok", DefaultFormat: "4k"), "defaultFormat" },
        { new LibraryInput("ok", MediaKind: "image"), "mediaKind" },
        { new LibraryInput("ok", ReviewThreshold: 1.5), "reviewThreshold" },
        { new LibraryInput("ok", ReviewThreshold: -0.1), "reviewThreshold" },
        { new LibraryInput("ok", Rules: [new LibraryRule { MediaKind = "hologram" }]), "rules[0].mediaKind" },
        { new LibraryInput("ok", Rules: [new LibraryRule { MediaKind = "audio" }, new LibraryRule()]), "rules[1]" },
        { new LibraryInput("ok", RootFolder: "/"), "rootFolder" },
        { new LibraryInput("ok", RootFolder: "/etc"), "rootFolder" },
        { new LibraryInput("ok", RootFolder: "/usr/share/media"), "rootFolder" },
        { new LibraryInput("ok", RootFolder: "/proc/1"), "rootFolder" },
        { new LibraryInput("ok", RootFolder: "   "), "rootFolder" },
        { new LibraryInput("ok", RootFolder: "../outside"), "rootFolder" },
        { new LibraryInput("ok", RootFolder: "."), "rootFolder" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public async Task Create_Invalid_NamesTheField(LibraryInput input, string field)
    {
        var ex = await Assert.ThrowsAsync<HubValidationException>(() => Libraries.CreateAsync(input, Ct));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public async Task Create_RootIsHubDataDir_IsRefused() =>
        Assert.Equal("rootFolder", (await Assert.ThrowsAsync<HubValidationException>(() =>
            Libraries.CreateAsync(new LibraryInput(Unique("Data"), RootFolder: db.DataDir), Ct))).Field);

    [Fact]
    public async Task Default_SwitchesWithinTheSameKind_OnCreateAndUpdate()
    {
        var a = await Libraries.CreateAsync(new LibraryInput(Unique("Any A"), MediaKind: "any", IsDefault: true), Ct);
        var b = await Libraries.CreateAsync(new LibraryInput(Unique("Any B"), MediaKind: "any", IsDefault: true), Ct);
        Assert.False((await Libraries.GetAsync(a.Id, Ct)).IsDefault);
        Assert.True(b.IsDefault);

        await Libraries.UpdateAsync(a.Id, new LibraryPatch(IsDefault: true), Ct);
        Assert.True((await Libraries.GetAsync(a.Id, Ct)).IsDefault);
        Assert.False((await Libraries.GetAsync(b.Id, Ct)).IsDefault);
        Assert.Single(await Libraries.ListAsync(Ct), l => l.MediaKind == "any" && l.IsDefault);
    }

    [Fact]
    public async Task Update_ChangesFields_AndRenameChangesSlug()
    {
        var lib = await Libraries.CreateAsync(new LibraryInput(Unique("Old")), Ct);
        var newName = Unique("New Name");
        var updated = await Libraries.UpdateAsync(lib.Id, new LibraryPatch(
            Name: newName, PathTemplate: "{year}/{title}.{ext}", DefaultFormat: "video_720", ReviewThreshold: 0.9,
            Rules: [new LibraryRule { Platforms = ["vimeo"] }]), Ct);
        Assert.Equal(newName, updated.Name);
        Assert.Equal(LibraryValidation.Slugify(newName), updated.Slug);
        Assert.Equal("{year}/{title}.{ext}", updated.PathTemplate);
        Assert.Equal("video_720", updated.DefaultFormat);
        Assert.Equal(0.9, updated.ReviewThreshold);
        Assert.Equal(new[] { "vimeo" }, LibraryRules.FromJson(updated.Rules)[0].Platforms);
        Assert.Equal(lib.RootFolder, updated.RootFolder);
        Assert.True(updated.UpdatedAt >= lib.UpdatedAt);
    }

    [Fact]
    public async Task Update_Invalid_NamesTheField_AndChangesNothing()
    {
        var lib = await Libraries.CreateAsync(new LibraryInput(Unique("Keep")), Ct);
        var ex = await Assert.ThrowsAsync<HubValidationException>(() => Libraries.UpdateAsync(lib.Id, new LibraryPatch(PathTemplate: "{nope}.{ext}"), Ct));
        Assert.Equal("pathTemplate", ex.Field);
        Assert.Equal(lib.PathTemplate, (await Libraries.GetAsync(lib.Id, Ct)).PathTemplate);
    }

    [Fact]
    public async Task Update_ToTakenName_IsConflict()
    {
        var a = await Libraries.CreateAsync(new LibraryInput(Unique("First")), Ct);
        var b = await Libraries.CreateAsync(new LibraryInput(Unique("Second")), Ct);
        var ex = await Assert.ThrowsAsync<HubConflictException>(() => Libraries.UpdateAsync(b.Id, new LibraryPatch(Name: a.Name.ToLowerInvariant()), Ct));
        Assert.Equal("library-name-taken", ex.Type);
    }

    [Fact]
    public async Task Update_Unknown_IsNotFound() =>
        await Assert.ThrowsAsync<HubNotFoundException>(() => Libraries.UpdateAsync(Guid.NewGuid(), new LibraryPatch(Name: "x"), Ct));

    [Fact]
    public async Task Find_ByIdSlugOrName()
    {
        var lib = await Libraries.CreateAsync(new LibraryInput(Unique("Findable Thing")), Ct);
        Assert.Equal(lib.Id, (await Libraries.FindAsync(lib.Id.ToString(), Ct))?.Id);
        Assert.Equal(lib.Id, (await Libraries.FindAsync(lib.Slug, Ct))?.Id);
        Assert.Equal(lib.Id, (await Libraries.FindAsync(lib.Slug.ToUpperInvariant(), Ct))?.Id);
        Assert.Equal(lib.Id, (await Libraries.FindAsync(" " + lib.Name.ToUpperInvariant() + " ", Ct))?.Id);
        Assert.Null(await Libraries.FindAsync("no such library", Ct));
        Assert.Null(await Libraries.FindAsync(Guid.NewGuid().ToString(), Ct));
        Assert.Null(await Libraries.FindAsync("", Ct));
    }

    [Fact]
    public async Task Get_Unknown_IsNotFound() =>
        await Assert.ThrowsAsync<HubNotFoundException>(() => Libraries.GetAsync(Guid.NewGuid(), Ct));

    [Fact]
    public async Task List_IsOrderedByName()
    {
        await Libraries.CreateAsync(new LibraryInput(Unique("zz last")), Ct);
        await Libraries.CreateAsync(new LibraryInput(Unique("Aa first")), Ct);
        var names = (await Libraries.ListAsync(Ct)).Select(l => l.Name).ToList();
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);
    }
}
