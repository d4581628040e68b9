using Hub.Domain.Access;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Access;

public sealed class ContactServiceTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private ContactService Contacts => fx.Get<ContactService>();

    [Fact]
    public async Task Seen_CreatesAnUnknownWriter_AsPending_Once_AndRefreshesTheirNames()
    {
        var first = await Contacts.SeenAsync(new TelegramIdentity(700, "old", "Ann", null), CancellationToken.None);
        Assert.True(first.IsNew);
        Assert.Equal((ContactStatuses.Pending, Roles.User, false), (first.Contact.Status, first.Contact.Role, first.Contact.Allowed));

        var again = await Contacts.SeenAsync(new TelegramIdentity(700, "new", "Ann", "Lee"), CancellationToken.None);
        Assert.False(again.IsNew);
        Assert.Equal(("new", "Lee"), (again.Contact.Username, again.Contact.LastName));
        Assert.NotNull(again.Contact.LastSeenAt);
    }

    [Fact]
    public async Task Seen_AtTheSameTime_CreatesOneContact()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Contacts.SeenAsync(new TelegramIdentity(701, null, "Bo", null), CancellationToken.None)));
        Assert.Single(results, r => r.IsNew);
    }

    [Fact]
    public async Task SeedAdmins_MakesAllowedAdmins_AndIsIdempotent()
    {
        await Contacts.SeedAdminsAsync([710, 711, 710], CancellationToken.None);
        await Contacts.SeedAdminsAsync([710], CancellationToken.None);
        var admins = await Contacts.AdminsAsync(CancellationToken.None);
        Assert.Contains(admins, a => a.TelegramId == 710 && a.IsAdmin);
        Assert.Contains(admins, a => a.TelegramId == 711);
    }

    [Fact]
    public async Task AllowBlockRoleDelete_ChangeTheContact()
    {
        await Contacts.SeenAsync(new TelegramIdentity(720, null, "Cy", null), CancellationToken.None);
        Assert.True((await Contacts.AllowAsync(720, CancellationToken.None)).Allowed);
        Assert.Equal(Roles.Admin, (await Contacts.SetRoleAsync(720, Roles.Admin, CancellationToken.None)).Role);
        await Contacts.SetRoleAsync(720, Roles.User, CancellationToken.None);
        Assert.Equal(ContactStatuses.Blocked, (await Contacts.BlockAsync(720, CancellationToken.None)).Status);
        Assert.Single(await Contacts.ListAsync(ContactStatuses.Blocked, CancellationToken.None), c => c.TelegramId == 720);
        await Contacts.DeleteAsync(720, CancellationToken.None);
        Assert.Null(await Contacts.FindAsync(720, CancellationToken.None));
        await Assert.ThrowsAsync<HubNotFoundException>(() => Contacts.BlockAsync(720, CancellationToken.None));
    }

    [Fact]
    public async Task TheLastAdmin_CannotBeDemotedBlockedOrDeleted()
    {
        var fresh = new DatabaseFixture();
        await fresh.InitializeAsync();
        try
        {
            var contacts = fresh.Get<ContactService>();
            await contacts.AddAsync(730, Roles.Admin, ContactStatuses.Allowed, CancellationToken.None);
            var ex = await Assert.ThrowsAsync<HubConflictException>(() => contacts.SetRoleAsync(730, Roles.User, CancellationToken.None));
            Assert.Equal("last-admin", ex.Type);
            await Assert.ThrowsAsync<HubConflictException>(() => contacts.BlockAsync(730, CancellationToken.None));
            await Assert.ThrowsAsync<HubConflictException>(() => contacts.DeleteAsync(730, CancellationToken.None));
            // With a second admin, the first may step down.
            await contacts.AddAsync(731, Roles.Admin, ContactStatuses.Allowed, CancellationToken.None);
            Assert.Equal(Roles.User, (await contacts.SetRoleAsync(730, Roles.User, CancellationToken.None)).Role);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(0, "user", "allowed", "id")]
    [InlineData(5, "owner", "allowed", "role")]
    [InlineData(5, "user", "maybe", "status")]
    public async Task Add_Validates(long id, string role, string status, string field)
    {
        var ex = await Assert.ThrowsAsync<HubValidationException>(() => Contacts.AddAsync(id, role, status, CancellationToken.None));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public async Task Interactions_AreListedNewestFirst_FilteredAndPaged()
    {
        var log = fx.Get<InteractionLog>();
        for (var i = 0; i < 5; i++)
        {
            await log.RecordAsync(740, InteractionKinds.Command, "/c" + i, "ok", CancellationToken.None);
        }
        await log.RecordAsync(741, InteractionKinds.Callback, "jc:x", "stale", CancellationToken.None);
        var page = await log.ListAsync(new InteractionFilter { TelegramId = 740, PageSize = 2, Page = 2 }, CancellationToken.None);
        Assert.Equal(5, page.Total);
        Assert.Equal(["/c2", "/c1"], page.Items.Select(i => i.Text));
        var none = await log.ListAsync(new InteractionFilter { TelegramId = 740, From = DateTimeOffset.UtcNow.AddMinutes(1) }, CancellationToken.None);
        Assert.Equal(0, none.Total);
        await Assert.ThrowsAsync<HubValidationException>(() => log.RecordAsync(740, "poke", null, "x", CancellationToken.None));
    }

    [Fact]
    public async Task TelegramSettings_DefaultToConfirmOn_AndValidate()
    {
        var store = fx.Get<TelegramSettingsStore>();
        await fx.Get<Hub.Domain.Libraries.LibraryService>().EnsureDefaultsAsync(CancellationToken.None);
        Assert.Equal(BotConfirm.On, (await store.GetAsync(CancellationToken.None)).Confirm);
        var saved = await store.UpdateAsync(new TelegramSettingsPatch("Music", "audio_mp3", BotConfirm.Off), CancellationToken.None);
        Assert.Equal(("music", "audio_mp3", "off"), (saved.DefaultLibrary, saved.DefaultFormat, saved.Confirm));
        Assert.Equal(saved, await store.GetAsync(CancellationToken.None));
        Assert.Null((await store.UpdateAsync(new TelegramSettingsPatch("", null, null), CancellationToken.None)).DefaultLibrary);
        Assert.Equal("defaultFormat", (await Assert.ThrowsAsync<HubValidationException>(
            () => store.UpdateAsync(new TelegramSettingsPatch(null, "8k", null), CancellationToken.None))).Field);
        Assert.Equal("defaultLibrary", (await Assert.ThrowsAsync<HubValidationException>(
            () => store.UpdateAsync(new TelegramSettingsPatch("Nope", null, null), CancellationToken.None))).Field);
        Assert.Equal("confirm", (await Assert.ThrowsAsync<HubValidationException>(
            () => store.UpdateAsync(new TelegramSettingsPatch(null, null, "auto"), CancellationToken.None))).Field);
    }

    [Theory]
    [InlineData("preview", "on")]
    [InlineData("auto", "off")]
    public async Task TelegramSettings_StoredWithTheOldModeWord_AreReadAndUpgraded(string mode, string confirm)
    {
        var store = fx.Get<TelegramSettingsStore>();
        await using (var db = await fx.Get<IDbContextFactory<Hub.Domain.Storage.HubDbContext>>().CreateDbContextAsync())
        {
            await db.Settings.Where(s => s.Key == TelegramSettingsStore.Key).ExecuteDeleteAsync();
            db.Settings.Add(new Hub.Domain.Settings.Setting
            {
                Key = TelegramSettingsStore.Key, UpdatedAt = DateTimeOffset.UtcNow,
                Value = System.Text.Json.JsonDocument.Parse($$"""{"defaultLibrary":null,"defaultFormat":"audio_mp3","mode":"{{mode}}"}"""),
            });
            await db.SaveChangesAsync();
        }
        Assert.Equal(new TelegramSettings(null, "audio_mp3", confirm), await store.GetAsync(CancellationToken.None));
        Assert.True(await store.UpgradeStoredAsync(CancellationToken.None));
        Assert.False(await store.UpgradeStoredAsync(CancellationToken.None));
        await using (var db = await fx.Get<IDbContextFactory<Hub.Domain.Storage.HubDbContext>>().CreateDbContextAsync())
        {
            var row = await db.Settings.AsNoTracking().SingleAsync(s => s.Key == TelegramSettingsStore.Key);
            Assert.Equal(confirm, row.Value.RootElement.GetProperty("confirm").GetString());
            Assert.False(row.Value.RootElement.TryGetProperty("mode", out _));
        }
        Assert.Equal(new TelegramSettings(null, "audio_mp3", confirm), await store.GetAsync(CancellationToken.None));
        await using (var db = await fx.Get<IDbContextFactory<Hub.Domain.Storage.HubDbContext>>().CreateDbContextAsync())
        {
            await db.Settings.Where(s => s.Key == TelegramSettingsStore.Key).ExecuteDeleteAsync(); // the other tests start from no row
        }
    }
}
