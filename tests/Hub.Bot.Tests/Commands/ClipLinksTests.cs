using System.Globalization;
using Hub.Bot.Commands;
using Hub.Bot.Tests.Fakes;
using Hub.Domain;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Hub.Bot.Tests.Commands;

/// <summary>The clip ranges people write after links, read one-to-one against TestData/Telegram/clip-messages.txt.</summary>
public sealed class ClipLinksTests
{
    public static TheoryData<string, string> Messages()
    {
        var data = new TheoryData<string, string>();
        var message = new List<string>();
        foreach (var line in Golden.Read("clip-messages.txt").Split('\n'))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            if (line.StartsWith("=> ", StringComparison.Ordinal))
            {
                data.Add(string.Join('\n', message), line[3..]);
                message.Clear();
            }
            else
            {
                message.Add(line);
            }
        }
        return data;
    }

    /// <summary>What Telegram marks as links, roughly: every word with a dot and a slash (bare domains included).</summary>
    private static List<MessageEntity> TelegramUrlEntities(string text)
    {
        var found = new List<MessageEntity>();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"\S+\.\S+/\S*"))
        {
            found.Add(new MessageEntity { Type = MessageEntityType.Url, Offset = m.Index, Length = m.Length });
        }
        return found;
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Message_ReadsEachLinkWithItsRange(string text, string expected)
    {
        var urls = CommandList.Urls(text, TelegramUrlEntities(text));
        if (expected.StartsWith("error: ", StringComparison.Ordinal))
        {
            var ex = Assert.Throws<HubValidationException>(() => ClipLinks.Read(text, urls));
            Assert.Contains(expected["error: ".Length..], ex.Message, StringComparison.Ordinal);
            return;
        }
        var read = ClipLinks.Read(text, urls).Select(l => l.Url + " " + (l.Clip is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"{c.StartSeconds}-{c.EndSeconds}") : "whole"));
        Assert.Equal(expected, string.Join(" | ", read));
    }
}
