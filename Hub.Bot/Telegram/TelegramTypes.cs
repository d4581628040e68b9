using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Bot.Telegram;

// The Bot API objects Hub reads and writes, named as the API names them (snake_case on the wire, see TelegramJson).
// Only the fields Hub uses; unknown fields are ignored, so newer API versions and emulators deserialize fine.

public sealed record Update
{
    public long UpdateId { get; init; }
    public Message? Message { get; init; }
    public Message? EditedMessage { get; init; }
    public Message? ChannelPost { get; init; }
    public CallbackQuery? CallbackQuery { get; init; }

    /// <summary>The person behind the update, if any.</summary>
    [JsonIgnore]
    public User? From => Message?.From ?? EditedMessage?.From ?? CallbackQuery?.From;

    [JsonIgnore]
    public string Kind => Message is not null ? "message" : EditedMessage is not null ? "edited_message"
        : CallbackQuery is not null ? "callback_query" : ChannelPost is not null ? "channel_post" : "other";
}

public sealed record User
{
    public long Id { get; init; }
    /// <summary>Missing in some emulators' getMe; false then.</summary>
    public bool IsBot { get; init; }
    public string FirstName { get; init; } = "";
    public string? LastName { get; init; }
    public string? Username { get; init; }
    public string? LanguageCode { get; init; }
}

public sealed record Chat
{
    public long Id { get; init; }
    /// <summary>private, group, supergroup or channel.</summary>
    public string Type { get; init; } = "private";
    public string? Title { get; init; }
    public string? Username { get; init; }

    [JsonIgnore]
    public bool IsGroup => Type is "group" or "supergroup";
}

public sealed record Message
{
    public long MessageId { get; init; }
    public User? From { get; init; }
    public Chat Chat { get; init; } = new();
    /// <summary>Unix time in seconds (emulators sometimes send milliseconds: see <see cref="SentAt"/>).</summary>
    public long Date { get; init; }
    public long? EditDate { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<MessageEntity>? Entities { get; init; }
    public string? Caption { get; init; }
    public IReadOnlyList<MessageEntity>? CaptionEntities { get; init; }
    public Video? Video { get; init; }
    public Audio? Audio { get; init; }
    public Document? Document { get; init; }
    public Voice? Voice { get; init; }
    public IReadOnlyList<PhotoSize>? Photo { get; init; }
    public InlineKeyboardMarkup? ReplyMarkup { get; init; }

    [JsonIgnore]
    public DateTimeOffset SentAt => TelegramJson.FromUnix(Date);
}

public sealed record MessageEntity
{
    /// <summary>bot_command, url, text_link, mention, bold, …</summary>
    public string Type { get; init; } = "";
    /// <summary>In UTF-16 code units, like .NET string indices.</summary>
    public int Offset { get; init; }
    public int Length { get; init; }
    public string? Url { get; init; }
}

public sealed record CallbackQuery
{
    public string Id { get; init; } = "";
    public User From { get; init; } = new();
    public Message? Message { get; init; }
    public string? InlineMessageId { get; init; }
    public string? ChatInstance { get; init; }
    public string? Data { get; init; }
}

public sealed record PhotoSize
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public long? FileSize { get; init; }
}

public sealed record Video
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int Duration { get; init; }
    public string? FileName { get; init; }
    public string? MimeType { get; init; }
    public long? FileSize { get; init; }
}

public sealed record Audio
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public int Duration { get; init; }
    public string? Performer { get; init; }
    public string? Title { get; init; }
    public string? FileName { get; init; }
    public string? MimeType { get; init; }
    public long? FileSize { get; init; }
}

public sealed record Voice
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public int Duration { get; init; }
    public string? MimeType { get; init; }
    public long? FileSize { get; init; }
}

public sealed record Document
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public string? FileName { get; init; }
    public string? MimeType { get; init; }
    public long? FileSize { get; init; }
}

/// <summary>getFile's answer: where to download the file (valid for at least an hour).</summary>
public sealed record TelegramFile
{
    public string FileId { get; init; } = "";
    public string? FileUniqueId { get; init; }
    public long? FileSize { get; init; }
    public string? FilePath { get; init; }
}

public sealed record InlineKeyboardMarkup(IReadOnlyList<IReadOnlyList<InlineKeyboardButton>> InlineKeyboard)
{
    public static InlineKeyboardMarkup Empty { get; } = new([]);
}

public sealed record InlineKeyboardButton(string Text)
{
    public string? CallbackData { get; init; }
    public string? Url { get; init; }

    public static InlineKeyboardButton Callback(string text, string data) => new(text) { CallbackData = data };

    public static InlineKeyboardButton Link(string text, string url) => new(text) { Url = url };
}

public sealed record BotCommand(string Command, string Description);

public sealed record WebhookInfo
{
    public string Url { get; init; } = "";
    public int PendingUpdateCount { get; init; }
}

/// <summary>The envelope of every Bot API reply.</summary>
public sealed record ApiResponse
{
    public bool Ok { get; init; }
    public JsonElement? Result { get; init; }
    public string? Description { get; init; }
    public int? ErrorCode { get; init; }
    public ResponseParameters? Parameters { get; init; }
}

public sealed record ResponseParameters
{
    public int? RetryAfter { get; init; }
    public long? MigrateToChatId { get; init; }
}
