using Hub.Bot.Telegram;
using Telegram.Bot.Types;

namespace Hub.Bot.Commands;

/// <summary>/start and /help: what you can send, and your role.</summary>
public sealed class HelpCommand(BotSender sender)
{
    public string Start(BotContext ctx)
    {
        sender.Post(ctx.ChatId, $"""
            Hi {ctx.From.FirstName}! I'm Hub: send me a link (or several) or a video, audio or document file and I'll add it to the library.

            {HelpText(ctx)}
            """);
        return "ok";
    }

    public string Help(BotContext ctx)
    {
        sender.Post(ctx.ChatId, HelpText(ctx));
        return "ok";
    }

    public string Unknown(BotContext ctx, string name)
    {
        sender.Post(ctx.ChatId, $"I don't know /{name}. Try /help.");
        return "unknown command";
    }

    private static string HelpText(BotContext ctx)
    {
        var text = """
            What you can send:
            • a link, or several in one message: I import them (or show a preview to choose library and format first)
            • a link and a range, e.g. <url> 1:20-2:05 (or 1:02:03-1:04:00): I import just that part
            • a video, audio or document file (up to 20 MB): I import it
            /add <url> — import a link
            /search <words> — search the library
            /recent — recently added
            /jobs — your imports in progress
            /cancel <id> — cancel an import
            /follow <url> — follow a channel, playlist or feed: new items arrive by themselves
            /following — what you follow, to pause or remove
            /settings — your format, confirm on or off, files or links
            /link <code> — link your browser (the code its Hub options show): its imports show up here too
            In any chat, type @ and my name, then words, to share something from the library.
            """;
        if (ctx.IsAdmin)
        {
            // The raw string has no trailing newline: the blank line before "Admin:" must be written out.
            text += "\n\n" + """
                Admin:
                /inbox — imports waiting for approval, and files a scan could not name
                /scan [library] — scan a library's folder for media already there
                /settings — also everyone's defaults: library, format, preview, files or links
                /contacts — who may use the bot
                """;
        }
        return text + $"\n\nYour role: {ctx.Contact.Role}.";
    }
}
