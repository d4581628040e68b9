using Hub.Bot.Menus;
using Hub.Bot.Notifications;
using Hub.Bot.Telegram;
using Hub.Domain.Access;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.InlineQueryResults;

namespace Hub.Bot.Commands;

/// <summary>
/// Inline mode: "@hubbot words" in any chat lists library hits; picking one posts its title linked to a signed stream
/// link held by the person who shared it. Only allowed people get results; anyone else (unknown, pending, blocked)
/// gets an empty list, and asking inline makes nobody a contact.
/// </summary>
public sealed class InlineSearch(ContactService contacts, EntryLookup lookup, EntryLinks links, BotSender sender)
{
    public const int MaxResults = 10;

    public async Task<string> HandleAsync(InlineQuery query, CancellationToken ct)
    {
        var contact = await contacts.FindAsync(query.From.Id, ct).ConfigureAwait(false);
        var results = new List<InlineQueryResult>();
        if (contact is { Allowed: true })
        {
            var hits = await lookup.SearchAsync(query.Query, null, MaxResults, ct).ConfigureAwait(false);
            foreach (var hit in hits.Items)
            {
                if (await links.StreamUrlAsync(hit.Id, query.From.Id, ct).ConfigureAwait(false) is not { } url)
                {
                    continue; // no public address: a link would not open in the chat it is shared to
                }
                var title = Texts.Trim(hit.Title, 200);
                var about = string.Join(" · ", new[] { hit.DurationSeconds is { } d ? Texts.Duration(d) : null, Texts.Size(hit.SizeBytes), hit.LibraryName }
                    .Where(s => s is not null));
                results.Add(new InlineQueryResultArticle(hit.Id.ToString("N"), title,
                    new InputTextMessageContent((hit.MediaKind == "audio" ? "🎵 " : "🎬 ") + BotSender.Link(url, title) + "\n" + BotSender.Html(about))
                    {
                        ParseMode = ParseMode.Html,
                    })
                {
                    Description = about,
                });
            }
        }
        await sender.AnswerInlineAsync(query.Id, results, ct).ConfigureAwait(false);
        return contact is { Allowed: true } ? $"inline: {results.Count} result(s)" : "inline: refused";
    }
}
