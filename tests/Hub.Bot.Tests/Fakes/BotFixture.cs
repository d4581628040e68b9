using Hub.Bot.Receiving;
using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Bot.Tests.Fakes;

/// <summary>The real Hub app (web, workers, bot) on a fresh database, its bot talking to a <see cref="FakeBotApi"/>.</summary>
public class BotFixture : IAsyncLifetime
{
    public const long AdminId = 1001;

    public FakeBotApi Api { get; private set; } = null!;
    public LoopbackServer Site { get; private set; } = null!;
    public BotApp App { get; private set; } = null!;

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Api = await FakeBotApi.StartAsync();
        Site = await LoopbackServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = FakeBotApi.Token,
            ["Telegram:ApiBaseUrl"] = Api.BaseUrl,
            ["Telegram:AdminIds"] = AdminId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Telegram:PollTimeoutSeconds"] = "1",
            ["Telegram:PerChatInterval"] = "00:00:00.2",
            ["Telegram:ProgressEditInterval"] = "00:00:00.5",
            ["Hub:Network:AllowPrivateNetworks"] = "true",
            ["Hub:PublicUrl"] = "http://hub.test",
            ["Hub:Jobs:RetryBaseDelay"] = "00:00:00.3",
            ["Hub:Jobs:PollInterval"] = "00:00:01",
            ["Hub:Jobs:ProgressSaveInterval"] = "00:00:00.2",
            ["Hub:Jobs:HeartbeatInterval"] = "00:00:00.5",
        };
        foreach (var (k, v) in ExtraSettings)
        {
            settings[k] = v;
        }
        App = new BotApp(settings);
        await ((IAsyncLifetime)App).InitializeAsync();
        _ = App.Services; // starts the host: database, workers, bot
        await App.Get<BotStartup>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
        await App.Get<JobNotificationListener>().Listening.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public virtual async Task DisposeAsync()
    {
        await ((IAsyncLifetime)App).DisposeAsync();
        await Site.DisposeAsync();
        await Api.DisposeAsync();
    }

    public Task AllowAsync(long userId, string role = Roles.User) =>
        App.Get<ContactService>().AddAsync(userId, role, ContactStatuses.Allowed, CancellationToken.None);

    /// <summary>confirm on: links get a preview with buttons first; off: they import at once.</summary>
    public Task SetConfirmAsync(string confirm) =>
        App.Get<TelegramSettingsStore>().UpdateAsync(new TelegramSettingsPatch(null, null, confirm), CancellationToken.None);

    public async Task<List<Job>> JobsOfAsync(long userId)
    {
        await using var db = App.CreateDb();
        var by = "telegram:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.Jobs.AsNoTracking().Where(j => j.RequestedBy == by).ToListAsync();
    }

    public async Task<Job> WaitJobAsync(Guid id)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var job = await App.Get<JobQueue>().GetAsync(id, CancellationToken.None);
            if (JobStates.IsTerminal(job.State))
            {
                return job;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {id} did not finish");
    }

    /// <summary>Presses the button whose text contains <paramref name="label"/> on the message a call made.</summary>
    public long Press(long userId, ApiCall call, string label)
    {
        var button = call.Buttons.FirstOrDefault(b => b.Text.Contains(label, StringComparison.Ordinal));
        Assert.True(button.Data is not null, $"no button '{label}' among: {string.Join(", ", call.Buttons.Select(b => b.Text))}");
        return Api.PushUpdate(FakeBotApi.CallbackUpdate(userId, FakeBotApi.MessageIdOf(call), button.Data!));
    }
}

public sealed class BotApp(IDictionary<string, string?> settings) : HubAppFactory
{
    protected override IDictionary<string, string?> Settings => settings;

    public Hub.Domain.Storage.HubDbContext CreateDb() =>
        Get<IDbContextFactory<Hub.Domain.Storage.HubDbContext>>().CreateDbContext();
}
