using Hub.Bot.Commands;
using Hub.Domain.Access;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace Hub.Bot.Receiving;

/// <summary>
/// The command menu per scope: everyone gets the ordinary commands; each admin's private chat also lists the admin
/// ones. A Bot API server without setMyCommands (some emulators) leaves only the menu missing: commands still work.
/// </summary>
public sealed class CommandMenus(ITelegramBotClient client, ContactService contacts, ILogger<CommandMenus> logger)
{
    private volatile bool _unsupported;

    public async Task RegisterAsync(CancellationToken ct)
    {
        if (!await TryAsync(() => client.SetMyCommands(CommandList.Everyone, scope: new BotCommandScopeDefault(), cancellationToken: ct), "everyone").ConfigureAwait(false))
        {
            _unsupported = true; // the server lacks the method (or refuses it): no point asking per chat
            return;
        }
        foreach (var admin in await contacts.AdminsAsync(ct).ConfigureAwait(false))
        {
            await ForContactAsync(admin.TelegramId, isAdmin: true, ct).ConfigureAwait(false);
        }
    }

    /// <summary>After a role change: an admin's chat lists the admin commands, a user's goes back to the common menu.</summary>
    public async Task ForContactAsync(long telegramId, bool isAdmin, CancellationToken ct)
    {
        if (_unsupported)
        {
            return;
        }
        var scope = new BotCommandScopeChat { ChatId = telegramId };
        await TryAsync(() => isAdmin ? client.SetMyCommands(CommandList.All, scope: scope, cancellationToken: ct)
            : client.DeleteMyCommands(scope: scope, cancellationToken: ct), "chat " + telegramId).ConfigureAwait(false);
    }

    private async Task<bool> TryAsync(Func<Task> call, string what)
    {
        try
        {
            await call().ConfigureAwait(false);
            return true;
        }
        catch (RequestException ex)
        {
            logger.LogWarning("Could not set the command menu for {What}: {Error}", what, ex.Message);
            return false;
        }
    }
}
