using Hub.Domain;
using Hub.Domain.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Telegram;

/// <summary>
/// <c>confirm</c>: on = the sender confirms library and format with buttons first; off = links import at once.
/// <c>importMode</c>: auto = non-admins' imports are filed at once; review = they wait in the inbox for an admin.
/// </summary>
public sealed record TelegramSettingsDto(string? DefaultLibrary, string? DefaultFormat, string Confirm, string Delivery, string ImportMode);

public sealed record ContactDto(long TelegramId, string? Username, string? FirstName, string? LastName, string Role, string Status, bool Allowed,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastSeenAt);

public sealed record AddContactRequest(long? TelegramId, string? Role, string? Status);

/// <summary>Role and/or status; absent fields stay as they are.</summary>
public sealed record UpdateContactRequest(string? Role, string? Status);

public sealed record InteractionDto(long Id, long TelegramId, string Kind, string? Text, string Result, DateTimeOffset At);

public sealed record InteractionPageDto(IReadOnlyList<InteractionDto> Items, int Total, int Page, int PageSize);

/// <summary><c>/api/v1/telegram</c> (admin): the bot's settings, its contacts and roles, and the interactions log.</summary>
public static class TelegramApi
{
    public static RouteGroupBuilder MapTelegram(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/telegram").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).WithTags("Telegram");
        g.MapGet("/settings", GetSettings).WithName("GetTelegramSettings").WithSummary("The bot's defaults: library, format, whether senders confirm first (confirm: on|off), and whether results come as files where they fit (delivery: files|links), and whether non-admins' imports wait in the inbox (importMode: auto|review). Each person may override format, confirm and delivery in the bot's /settings.");
        g.MapPut("/settings", PutSettings).WithName("UpdateTelegramSettings").WithSummary("Change bot settings; absent fields stay, \"\" clears library or format; the old mode: preview|auto is still read.");
        g.MapGet("/contacts", ListContacts).WithName("ListTelegramContacts").WithSummary("Contacts, optionally only one status (pending, allowed, blocked).");
        g.MapPost("/contacts", AddContact).WithName("AddTelegramContact").WithSummary("Add (or change) a contact by Telegram user id.");
        g.MapGet("/contacts/{id}", GetContact).WithName("GetTelegramContact");
        g.MapPatch("/contacts/{id}", UpdateContact).WithName("UpdateTelegramContact").WithSummary("Change role (admin|user) and/or status (allowed|blocked|pending).");
        g.MapDelete("/contacts/{id}", DeleteContact).WithName("DeleteTelegramContact");
        g.MapGet("/interactions", ListInteractions).WithName("ListTelegramInteractions")
            .WithSummary("What contacts did, newest first; filter by user (telegramId) and time (from, to); page and pageSize.");
        return api;
    }

    private static async Task<Ok<TelegramSettingsDto>> GetSettings(TelegramSettingsStore store, CancellationToken ct) =>
        TypedResults.Ok(ToDto(await store.GetAsync(ct)));

    private static async Task<Ok<TelegramSettingsDto>> PutSettings(TelegramSettingsPatch body, TelegramSettingsStore store, CancellationToken ct) =>
        TypedResults.Ok(ToDto(await store.UpdateAsync(body, ct)));

    private static async Task<Ok<List<ContactDto>>> ListContacts(ContactService contacts, string? status, CancellationToken ct) =>
        TypedResults.Ok((await contacts.ListAsync(status, ct)).Select(ToDto).ToList());

    private static async Task<Ok<ContactDto>> GetContact(long id, ContactService contacts, CancellationToken ct) =>
        TypedResults.Ok(ToDto(await contacts.GetAsync(id, ct)));

    private static async Task<Created<ContactDto>> AddContact(AddContactRequest body, ContactService contacts, CancellationToken ct)
    {
        var id = body.TelegramId ?? throw new HubValidationException("telegramId", "Give the person's numeric Telegram user id.");
        var contact = await contacts.AddAsync(id, body.Role ?? Roles.User, body.Status ?? ContactStatuses.Allowed, ct);
        return TypedResults.Created($"/api/v1/telegram/contacts/{contact.TelegramId}", ToDto(contact));
    }

    private static async Task<Ok<ContactDto>> UpdateContact(long id, UpdateContactRequest body, ContactService contacts, ContactBlocking blocking, CancellationToken ct)
    {
        if (body.Role is null && body.Status is null)
        {
            throw new HubValidationException("role", "Give a role and/or a status to change.");
        }
        var contact = await contacts.GetAsync(id, ct);
        if (body.Role is { } role)
        {
            contact = await contacts.SetRoleAsync(id, role, ct);
        }
        if (body.Status is { } status)
        {
            if (status == ContactStatuses.Blocked)
            {
                await blocking.BlockAsync(id, ct); // blocking ends what they started, from every door alike
                contact = await contacts.GetAsync(id, ct);
            }
            else
            {
                contact = await contacts.SetStatusAsync(id, status, ct);
            }
        }
        return TypedResults.Ok(ToDto(contact));
    }

    private static async Task<NoContent> DeleteContact(long id, ContactService contacts, CancellationToken ct)
    {
        await contacts.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<InteractionPageDto>> ListInteractions(InteractionLog log, long? telegramId, DateTimeOffset? from, DateTimeOffset? to,
        int? page, int? pageSize, CancellationToken ct)
    {
        var result = await log.ListAsync(new InteractionFilter { TelegramId = telegramId, From = from, To = to, Page = page ?? 1, PageSize = pageSize ?? 50 }, ct);
        return TypedResults.Ok(new InteractionPageDto([.. result.Items.Select(i => new InteractionDto(i.Id, i.TelegramId, i.Kind, i.Text, i.Result, i.At))],
            result.Total, result.Page, result.PageSize));
    }

    private static TelegramSettingsDto ToDto(TelegramSettings s) => new(s.DefaultLibrary, s.DefaultFormat, s.Confirm, s.Delivery, s.ImportMode);

    public static ContactDto ToDto(Contact c) =>
        new(c.TelegramId, c.Username, c.FirstName, c.LastName, c.Role, c.Status, c.Allowed, c.CreatedAt, c.UpdatedAt, c.LastSeenAt);
}
