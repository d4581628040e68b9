using Hub.Bot.Telegram;
using Hub.Domain;
using Hub.Domain.Pairing;

namespace Hub.Bot.Commands;

/// <summary>
/// /link CODE: links this Telegram contact to the token owner who made the code (the extension's options page or the
/// admin show one), so the jobs they start from the browser are theirs here too: seen, followed and cancelled in the
/// chat. The rule is <see cref="PairingService"/>'s and <see cref="Hub.Domain.Access.Requester.Owns"/>.
/// </summary>
public sealed class LinkCommand(PairingService pairing, BotSender sender)
{
    public async Task<string> LinkAsync(BotContext ctx, string args, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(args))
        {
            sender.Post(ctx.ChatId, "Send /link followed by the code your browser's Hub options page (or the web admin) shows, e.g. /link ABCDE-FGHJK.");
            return "link: no code";
        }
        try
        {
            var linked = await pairing.LinkTelegramAsync(args.Trim(), ctx.From.Id, ct).ConfigureAwait(false);
            sender.Post(ctx.ChatId, $"Linked: imports {linked.OwnerName} starts from the browser or the API are yours here too. See them with /jobs and cancel them with /cancel.");
            return $"linked to {linked.Contact.OwnerKey}";
        }
        catch (HubException ex) when (ex is HubValidationException or HubNotFoundException)
        {
            sender.Post(ctx.ChatId, ex.Message);
            return "link refused: " + ex.Message;
        }
    }
}
