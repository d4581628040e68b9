namespace Hub.Domain.Access;

/// <summary>A person who wrote to the Telegram bot, keyed by their numeric Telegram user id (usernames change).</summary>
public sealed class Contact
{
    public long TelegramId { get; set; }
    public string? Username { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string Role { get; set; } = Roles.User;
    /// <summary>See <see cref="ContactStatuses"/>.</summary>
    public string Status { get; set; } = ContactStatuses.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
    /// <summary>The token owner this contact was linked to with <c>/link</c> (a requester key), or null.</summary>
    public string? OwnerKey { get; set; }

    // This person's own bot settings; null means the admin's global default (TelegramSettings) applies.
    public string? DefaultFormat { get; set; }
    /// <summary><see cref="BotConfirm"/> on/off, or null.</summary>
    public string? Confirm { get; set; }
    /// <summary><see cref="BotDelivery"/> files/links, or null.</summary>
    public string? Delivery { get; set; }
    /// <summary>An admin who asked to hear when items reach the inbox and when approved items finish.</summary>
    public bool AdminNotices { get; set; }
    /// <summary>Hears in the chat when a subscription they follow imports something (on unless turned off).</summary>
    public bool FollowNotices { get; set; } = true;

    public bool Allowed => Status == ContactStatuses.Allowed;
    public bool IsAdmin => Allowed && Role == Roles.Admin;

    public string DisplayName
    {
        get
        {
            var name = string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
            return (name.Length > 0 ? name : $"user {TelegramId}") + (Username is { Length: > 0 } u ? $" (@{u})" : "");
        }
    }
}

/// <summary>
/// pending: wrote to the bot and waits for an admin (no side effects); allowed: may use the bot;
/// blocked: ignored (no side effects, no replies).
/// </summary>
public static class ContactStatuses
{
    public const string Pending = "pending";
    public const string Allowed = "allowed";
    public const string Blocked = "blocked";

    public static readonly IReadOnlyList<string> All = [Pending, Allowed, Blocked];

    public static bool IsValid(string? status) => status is Pending or Allowed or Blocked;
}

/// <summary>Who a Telegram user says they are, as an update carries it.</summary>
public sealed record TelegramIdentity(long Id, string? Username, string? FirstName, string? LastName);

public sealed record ContactSeen(Contact Contact, bool IsNew);
