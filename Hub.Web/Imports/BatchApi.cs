using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Hub.Domain;
using Hub.Domain.Imports;
using Hub.Web.Auth;
using Hub.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Hub.Web.Imports;

/// <summary>A batch as JSON: a list of URLs or one text with a URL per line (blank lines and # comments ignored).</summary>
public sealed record BatchBody(IReadOnlyList<string>? Urls = null, string? Text = null, bool? DryRun = null, bool? ContinueOnError = null,
    string? Library = null, string? Format = null, string? Mode = null, string? Door = null);

/// <param name="Note">Dry runs: a duplicate of an earlier line, already in the library, or unreachable.</param>
public sealed record BatchLineDto(int Line, string Url, string? Error, Guid? JobId, string? Note = null);

/// <param name="ParentJobId">The batch job that reports the children's overall progress; null for a dry run or when nothing was accepted.</param>
public sealed record BatchResultDto(Guid? ParentJobId, bool DryRun, int Accepted, int Rejected, IReadOnlyList<BatchLineDto> Lines);

/// <summary><c>POST /api/v1/imports/batch</c>: JSON (<see cref="BatchBody"/>) or a <c>text/plain</c> body with flags in the query.</summary>
public static class BatchApi
{
    /// <summary>A text batch of 10,000 long URLs fits well within this.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    public static RouteGroupBuilder MapBatch(this RouteGroupBuilder imports)
    {
        imports.MapPost("/batch", ImportBatch).WithName("ImportBatch")
            .WithSummary("Import many URLs under one parent job. Flags (body or query): dryRun/dry_run (check only: 200), continueOnError/continue_on_error (import the good lines; otherwise one bad line rejects all).")
            .Accepts<BatchBody>("application/json", "text/plain")
            .Produces<BatchResultDto>(StatusCodes.Status200OK).Produces<BatchResultDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return imports;
    }

    private static async Task<Results<Ok<BatchResultDto>, Accepted<BatchResultDto>, ProblemHttpResult>> ImportBatch(HttpContext context,
        ClaimsPrincipal user, BatchImport batches, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (await ReadBodyAsync(context.Request, json.Value.SerializerOptions, ct) is not { } body)
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the batch as application/json ({ \"urls\": [...] } or { \"text\": \"...\" }) or as text/plain, one URL per line."));
        }
        var query = context.Request.Query;
        var text = body.Text ?? string.Join('\n', body.Urls ?? []);
        var result = await batches.ImportAsync(text, new BatchOptions
        {
            DryRun = body.DryRun ?? Flag(query, "dry_run", "dryRun"),
            ContinueOnError = body.ContinueOnError ?? Flag(query, "continue_on_error", "continueOnError"),
            Library = body.Library ?? query["library"].FirstOrDefault(),
            Format = body.Format ?? query["format"].FirstOrDefault(),
            Mode = body.Mode ?? query["mode"].FirstOrDefault() ?? ImportModes.Auto,
            Door = ImportsApi.DoorFor(body.Door ?? query["door"].FirstOrDefault()),
            RequestedBy = user.ToRequester().Key,
        }, ct);
        var dto = new BatchResultDto(result.ParentJobId, result.DryRun, result.Accepted, result.Rejected,
            result.Lines.Select(l => new BatchLineDto(l.LineNumber, l.Url, l.Error, l.JobId, l.Note)).ToList());
        return result.ParentJobId is { } parent
            ? TypedResults.Accepted($"/api/v1/jobs/{parent}", dto)
            : TypedResults.Ok(dto);
    }

    private static async Task<BatchBody?> ReadBodyAsync(HttpRequest request, JsonSerializerOptions json, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new HubValidationException("text", $"A batch body is at most {MaxBodyBytes / 1024 / 1024} MiB.");
        }
        var type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        switch (type)
        {
            case "application/json":
                try
                {
                    return await JsonSerializer.DeserializeAsync<BatchBody>(request.Body, json, ct) ?? new BatchBody();
                }
                catch (JsonException e)
                {
                    throw new HubValidationException(e.Path is { Length: > 2 } p ? p[2..] : "body", "The JSON body is not valid: " + e.Message);
                }
            case "text/plain":
                return new BatchBody(Text: await ReadTextAsync(request.Body, ct));
            default:
                return null;
        }
    }

    private static async Task<string> ReadTextAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var text = new StringBuilder();
        var buffer = new char[16 * 1024];
        int n;
        while ((n = await reader.ReadAsync(buffer, ct)) > 0)
        {
            if (text.Length + n > MaxBodyBytes)
            {
                throw new HubValidationException("text", $"A batch body is at most {MaxBodyBytes / 1024 / 1024} MiB.");
            }
            text.Append(buffer, 0, n);
        }
        return text.ToString();
    }

    private static bool Flag(IQueryCollection query, params string[] names)
    {
        foreach (var name in names)
        {
            if (query.TryGetValue(name, out var values))
            {
                var v = values.FirstOrDefault()?.Trim().ToLowerInvariant();
                return v switch
                {
                    "" or "1" or "true" or "yes" => true,
                    "0" or "false" or "no" => false,
                    _ => throw new HubValidationException(name, $"'{name}' must be true or false."),
                };
            }
        }
        return false;
    }
}
