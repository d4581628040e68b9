using System.Text.Json;
using Hub.Domain;
using Hub.Domain.Libraries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hub.Web.Libraries;

public sealed record LibraryDto(Guid Id, string Name, string Slug, string RootFolder, string PathTemplate, string DefaultFormat, string MediaKind,
    bool IsDefault, double ReviewThreshold, IReadOnlyList<LibraryRule> Rules, IReadOnlyList<string>? SubtitleLanguages, bool? AutomaticCaptions,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static LibraryDto From(Library l) => new(l.Id, l.Name, l.Slug, l.RootFolder, l.PathTemplate, l.DefaultFormat, l.MediaKind, l.IsDefault,
        l.ReviewThreshold, LibraryRules.FromJsonOrEmpty(l.Rules), l.SubtitleLanguages, l.AutomaticCaptions, l.CreatedAt, l.UpdatedAt);
}

/// <summary>
/// A new library, or (for PATCH) changes to one: a field left out stays as it is. Rules are validated field by field.
/// subtitleLanguages: language codes yt-dlp fetches (["en", "pt-BR", "de.*"], ["all"], [] for none); automaticCaptions:
/// true/false; either null follows Hub's setting (Hub:Subtitles).
/// </summary>
public sealed record LibraryBody(string? Name = null, string? RootFolder = null, string? PathTemplate = null, string? DefaultFormat = null,
    string? MediaKind = null, bool? IsDefault = null, double? ReviewThreshold = null, JsonElement? Rules = null, JsonDocument? SubtitleLanguages = null,
    JsonDocument? AutomaticCaptions = null)
{
    // JsonDocument, not JsonElement?: its converter is handed a JSON null (JsonElement? reads it as "left out").

    /// <summary>Left out: null (no change); JSON null: back to Hub's setting.</summary>
    public Change<IReadOnlyList<string>?>? SubtitleLanguagesChange() => SubtitleLanguages?.RootElement switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => new(null),
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String) =>
            new([.. a.EnumerateArray().Select(i => i.GetString()!)]),
        _ => throw new HubValidationException("subtitleLanguages", "subtitleLanguages is a list of language codes such as [\"en\", \"pt-BR\"], [] for none, or null for Hub's setting."),
    };

    public Change<bool?>? AutomaticCaptionsChange() => AutomaticCaptions?.RootElement switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => new(null),
        { ValueKind: JsonValueKind.True or JsonValueKind.False } b => new(b.GetBoolean()),
        _ => throw new HubValidationException("automaticCaptions", "automaticCaptions is true, false, or null for Hub's setting."),
    };
}

public sealed record LibraryDeletedDto(Guid Id, int EntriesMoved, int EntriesRemoved, int FilesMissing);

/// <summary>Where a made-up entry would be filed under <paramref name="Template"/>, relative to the library folder.</summary>
public sealed record TemplateExampleDto(string Template, string Example);

/// <summary><c>/api/v1/libraries</c>: everyone can list and read; admins create, change and delete.</summary>
public static class LibrariesApi
{
    public static RouteGroupBuilder MapLibraries(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/libraries").WithTags("Libraries").ProducesProblem(StatusCodes.Status401Unauthorized);
        g.MapGet("/", ListLibraries).WithName("ListLibraries").WithSummary("Every library, by name.");
        g.MapGet("/template-example", TemplateExample).WithName("GetPathTemplateExample")
            .WithSummary("Checks a path template and shows where a sample entry (kind=video|audio) would be filed; 400 naming pathTemplate when it is unusable.")
            .ProducesValidationProblem();
        g.MapGet("/{id}", GetLibrary).WithName("GetLibrary").WithSummary("One library, by id or slug.").ProducesProblem(StatusCodes.Status404NotFound);
        var admin = g.MapGroup("").RequireAuthorization(HubWebServiceCollectionExtensions.AdminPolicy).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/", CreateLibrary).WithName("CreateLibrary")
            .WithSummary("Create a library (admin). Left out: root folder = slug, template and format by media kind, threshold 0.5, no rules, "
                + "subtitleLanguages and automaticCaptions null (Hub's setting).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPatch("/{id}", UpdateLibrary).WithName("UpdateLibrary").WithSummary("Change a library (admin); fields left out stay as they are, "
            + "subtitleLanguages or automaticCaptions null go back to Hub's setting.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapDelete("/{id}", DeleteLibrary).WithName("DeleteLibrary")
            .WithSummary("Delete a library (admin). mode=refuse (default: 409 while it has entries), move (into target=<id>) or remove (entries and files).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Ok<List<LibraryDto>>> ListLibraries(LibraryService libraries, CancellationToken ct) =>
        TypedResults.Ok((await libraries.ListAsync(ct)).Select(LibraryDto.From).ToList());

    private static async Task<Ok<LibraryDto>> GetLibrary(string id, LibraryService libraries, CancellationToken ct) =>
        TypedResults.Ok(LibraryDto.From(await FindAsync(libraries, id, ct)));

    private static async Task<Created<LibraryDto>> CreateLibrary(LibraryBody body, LibraryService libraries, CancellationToken ct)
    {
        var created = await libraries.CreateAsync(new LibraryInput(body.Name ?? "", body.RootFolder, body.PathTemplate, body.DefaultFormat,
            body.MediaKind ?? "video", body.IsDefault ?? false, body.ReviewThreshold, Rules(body.Rules), body.SubtitleLanguagesChange()?.Value,
            body.AutomaticCaptionsChange()?.Value), ct);
        return TypedResults.Created($"/api/v1/libraries/{created.Id}", LibraryDto.From(created));
    }

    private static async Task<Ok<LibraryDto>> UpdateLibrary(string id, LibraryBody body, LibraryService libraries, CancellationToken ct)
    {
        var library = await FindAsync(libraries, id, ct);
        return TypedResults.Ok(LibraryDto.From(await libraries.UpdateAsync(library.Id, new LibraryPatch(body.Name, body.RootFolder, body.PathTemplate,
            body.DefaultFormat, body.MediaKind, body.IsDefault, body.ReviewThreshold, Rules(body.Rules), body.SubtitleLanguagesChange(),
            body.AutomaticCaptionsChange()), ct)));
    }

    private static async Task<Ok<LibraryDeletedDto>> DeleteLibrary(string id, string? mode, string? target, LibraryService libraries, CancellationToken ct)
    {
        var library = await FindAsync(libraries, id, ct);
        var deleteMode = (mode ?? "refuse").Trim().ToLowerInvariant() switch
        {
            "refuse" => LibraryDeleteMode.Refuse,
            "remove" => LibraryDeleteMode.RemoveEntries,
            "move" => LibraryDeleteMode.MoveEntriesTo(string.IsNullOrWhiteSpace(target)
                ? throw new HubValidationException("target", "Say which library the entries move to: target=<id or slug>.")
                : (await libraries.FindAsync(target, ct) ?? throw new HubValidationException("target", $"There is no library '{target}'.")).Id),
            _ => throw new HubValidationException("mode", "The mode must be refuse, move or remove."),
        };
        var result = await libraries.DeleteAsync(library.Id, deleteMode, ct);
        return TypedResults.Ok(new LibraryDeletedDto(library.Id, result.EntriesMoved, result.EntriesRemoved, result.FilesMissing));
    }

    /// <summary>The admin's live example while typing a template: the same renderer imports use, on a made-up entry.</summary>
    private static Ok<TemplateExampleDto> TemplateExample(string? template, string? kind, string? library, TimeProvider time)
    {
        var audio = string.Equals(kind, "audio", StringComparison.OrdinalIgnoreCase);
        var sample = new PathTokens
        {
            Platform = audio ? "soundcloud" : "youtube", Uploader = audio ? "Some Artist" : "Some Channel",
            Title = audio ? "A Song: Live/Acoustic?" : "A Video: How/Why?", Id = audio ? "123456789" : "dQw4w9WgXcQ",
            Ext = audio ? "m4a" : "mp4", Library = string.IsNullOrWhiteSpace(library) ? "Library" : library, MediaKind = audio ? "audio" : "video",
        };
        return TypedResults.Ok(new TemplateExampleDto(template ?? "", PathTemplate.Render(template ?? "", sample, time.GetUtcNow())));
    }

    private static async Task<Library> FindAsync(LibraryService libraries, string id, CancellationToken ct) =>
        await libraries.FindAsync(id, ct) ?? throw new HubNotFoundException("library", $"No library '{id}'.");

    private static IReadOnlyList<LibraryRule>? Rules(JsonElement? rules)
    {
        if (rules is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(element.GetRawText());
        return LibraryRules.FromJson(document);
    }
}
