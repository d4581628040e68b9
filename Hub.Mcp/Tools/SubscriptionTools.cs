using System.ComponentModel;
using System.Security.Claims;
using Hub.Domain.Access;
using Hub.Domain.Imports;
using Hub.Domain.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Hub.Mcp.Tools;

/// <summary>A subscription as MCP clients see it. Its name may be a feed's own title, so it is kept apart as remote text.</summary>
public sealed record SubscriptionView(Guid Id, string Url, string? SourceKind, Guid? LibraryId, string? Format, string Mode, int IntervalMinutes,
    int MaxPerCheck, string Start, string MediaServerFiles, bool Paused, DateTimeOffset? LastCheckAt, DateTimeOffset NextCheckAt, int ItemsFound, int ItemsImported,
    int ItemsSkipped, string? LastError, int ConsecutiveFailures, RemoteText? UntrustedRemoteText)
{
    public static SubscriptionView From(Subscription s) => new(s.Id, s.Url, s.SourceKind, s.LibraryId, s.Format, s.Mode, s.IntervalMinutes,
        s.MaxPerCheck, s.StartFrom switch
        {
            SubscriptionStart.Date => $"date {s.StartDate:yyyy-MM-dd}",
            SubscriptionStart.Last => $"last {s.StartCount}",
            _ => SubscriptionStart.Now,
        }, MediaServerSetting.Name(s.MediaServerFiles), s.Paused, s.LastCheckAt, s.NextCheckAt, s.ItemsFound, s.ItemsImported, s.ItemsSkipped, s.LastError, s.ConsecutiveFailures,
        RemoteText.Of(s.Name));
}

public sealed record SubscriptionListView(IReadOnlyList<SubscriptionView> Items);

public sealed record UnsubscribedView(Guid Id, bool Deleted);

/// <summary>
/// Following channels, playlists and feeds: new items arrive by themselves (or wait in the inbox in review mode).
/// Each caller sees their own subscriptions (admins: all), as <see cref="SubscriptionService"/> decides for every door.
/// </summary>
[McpServerToolType]
public sealed class SubscriptionTools(SubscriptionService subscriptions, ClaimsPrincipal user)
{
    [McpServerTool(Name = "subscribe", Title = "Follow a channel, playlist or feed", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Follows a URL (a channel or playlist yt-dlp can list, or an RSS/Atom feed such as a podcast) and imports its new items " +
        "by itself, checking every interval_minutes. By default nothing that exists today is imported (start 'now'); start 'last' with " +
        "start_count imports the newest items too, start 'date' with start_date those published since. mode 'review' sends new items to the inbox.")]
    public async Task<SubscriptionView> SubscribeAsync(
        [Description("The channel, playlist or feed URL.")] string url,
        [Description("Library id, slug or name; leave out to let the library rules decide per item.")] string? library = null,
        [Description("A format preset such as 'best', '1080p', '720p' or 'audio'; leave out for the library's default.")] string? format = null,
        [Description("Minutes between checks, 5 to 10080 (default 60).")] int? interval_minutes = null,
        [Description("'now' (default: remember what exists, import only later items), 'last' or 'date'.")] string start = SubscriptionStart.Now,
        [Description("With start 'last': how many of the newest items to import now.")] int? start_count = null,
        [Description("With start 'date': import items published on or after this date (ISO 8601).")] DateTimeOffset? start_date = null,
        [Description("'auto' (default) imports new items; 'review' sends them to the approval inbox.")] string mode = ImportModes.Auto,
        [Description("At most this many imports per check, 1 to 500 (default 10); the rest come at the next check.")] int? max_per_check = null,
        [Description("Only items whose title contains one of these words, comma-separated.")] string? include_words = null,
        [Description("Skip items whose title contains any of these words, comma-separated.")] string? exclude_words = null,
        [Description("Skip items shorter than this many seconds (when the source says).")] double? min_duration_seconds = null,
        [Description("Skip items longer than this many seconds (when the source says).")] double? max_duration_seconds = null,
        [Description("Skip live streams and upcoming premieres.")] bool skip_live = false,
        [Description("Skip shorts (a /shorts/ link or a minute or less).")] bool skip_shorts = false,
        [Description("A name for it; leave out to use the feed's or channel's title.")] string? name = null,
        [Description("'on' writes .nfo files and posters beside its imported videos for Jellyfin, Plex and Kodi, 'off' never does; "
            + "'default' (or left out) follows Hub's setting.")] string? media_server_files = null,
        CancellationToken cancellationToken = default)
    {
        var created = await subscriptions.CreateAsync(Caller, Doors.Mcp, new SubscriptionInput
        {
            Url = url, Name = name, Library = library, Format = format, IntervalMinutes = interval_minutes, Mode = mode, MaxPerCheck = max_per_check,
            MediaServerFiles = media_server_files,
            Start = new StartInput(start, start_date, start_count),
            Filters = new SubscriptionFilters
            {
                Include = Words(include_words), Exclude = Words(exclude_words), MinDurationSeconds = min_duration_seconds,
                MaxDurationSeconds = max_duration_seconds, SkipLive = skip_live, SkipShorts = skip_shorts,
            },
        }, cancellationToken).ConfigureAwait(false);
        return SubscriptionView.From(created);
    }

    [McpServerTool(Name = "list_subscriptions", ReadOnly = true, Title = "List subscriptions", UseStructuredContent = true)]
    [Authorize]
    [Description("Your subscriptions (admins: everyone's): URL, when it was last and will next be checked, items found, imported and skipped, and the last error of a failing source.")]
    public async Task<SubscriptionListView> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        new([.. (await subscriptions.ListAsync(Caller, cancellationToken).ConfigureAwait(false)).Select(SubscriptionView.From)]);

    [McpServerTool(Name = "unsubscribe", Destructive = true, Idempotent = false, Title = "Stop following", UseStructuredContent = true)]
    [Authorize(Policy = McpPolicies.Write)]
    [Description("Stops following a subscription (by id from list_subscriptions). What it already imported stays in the library.")]
    public async Task<UnsubscribedView> UnsubscribeAsync(
        [Description("The subscription id.")] Guid subscription_id,
        CancellationToken cancellationToken = default)
    {
        await subscriptions.DeleteAsync(Caller, subscription_id, cancellationToken).ConfigureAwait(false);
        return new UnsubscribedView(subscription_id, true);
    }

    private static IReadOnlyList<string> Words(string? csv) =>
        csv?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private Requester Caller => RequesterPrincipal.Read(user);
}
