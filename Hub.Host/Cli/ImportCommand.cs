using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Host.Cli;

/// <summary>
/// <c>hub import URL [--library L] [--format F] [--mode auto|review] [--wait]</c> and <c>hub batch FILE [--dry-run]
/// [--continue-on-error]</c>: the command line as a door. The jobs are run by `hub serve` or `hub worker`.
/// </summary>
public static class ImportCommand
{
    public static string Usage => HelpText.For("import") + "\n" + HelpText.For("batch");

    public static async Task<int> ImportAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var url = args.Positionals.Count > 1 ? args.Positionals[1] : throw new CliUsageException("Usage:\n" + Usage);
        if (!url.Contains("://", StringComparison.Ordinal) && !Hub.Domain.Engines.Torrent.MagnetLink.IsMagnet(url))
        {
            throw new CliUsageException($"'{url}' is not a URL: give the address of a page or file, starting with http:// or https://, or a magnet link.");
        }
        using var host = HubHost.BuildDomainHost(args.Passthrough);
        HubHost.SayWhereDataIs(host.Services);
        await host.StartAsync(cancellationToken); // the database and the live-update listener
        try
        {
            var imports = host.Services.GetRequiredService<ImportService>();
            var job = await imports.ImportAsync(new ImportRequest
            {
                Url = url,
                Library = args.Option("library"),
                Format = args.Option("format"),
                Mode = args.Option("mode") ?? ImportModes.Auto,
                Door = Doors.Cli,
                RequestedBy = "cli:" + Environment.UserName,
            }, cancellationToken);
            Console.WriteLine($"Job {job.Id} {job.State}: {url}");
            if (!args.Flag("wait"))
            {
                return 0;
            }
            var final = await new ProgressPrinter(Console.Out, !Console.IsOutputRedirected)
                .FollowAsync(host.Services.GetRequiredService<JobFollower>(), job.Id, cancellationToken);
            if (final.State == JobStates.Completed
                && ImportOutcome.Of(await host.Services.GetRequiredService<JobQueue>().GetAsync(job.Id, cancellationToken)) is { Duplicate: true })
            {
                Console.WriteLine("It was already in the library: nothing new was downloaded.");
            }
            return final.State == JobStates.Completed ? 0 : 1;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public static Task<int> BatchAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var file = args.Positionals.Count > 1 ? args.Positionals[1] : throw new CliUsageException("Usage:\n" + Usage);
        if (!File.Exists(file))
        {
            throw new CliUsageException($"No such file: {file}");
        }
        return HubHost.WithDatabaseAsync(args.Passthrough, async (services, ct) =>
        {
            var result = await services.GetRequiredService<BatchImport>().ImportAsync(await File.ReadAllTextAsync(file, ct), new BatchOptions
            {
                DryRun = args.Flag("dry-run"),
                ContinueOnError = args.Flag("continue-on-error"),
                Library = args.Option("library"),
                Format = args.Option("format"),
                Mode = args.Option("mode") ?? ImportModes.Auto,
                Door = Doors.Cli,
                RequestedBy = "cli:" + Environment.UserName,
            }, ct);
            foreach (var line in result.Lines)
            {
                Console.WriteLine(line.Error is not null ? $"line {line.LineNumber,4}  error  {line.Url}  — {line.Error}"
                    : line.Note is not null ? $"line {line.LineNumber,4}  note   {line.Url}  — {line.Note}"
                    : $"line {line.LineNumber,4}  ok     {line.Url}{(line.JobId is { } id ? "  job " + id : "")}");
            }
            var notes = result.Lines.Count(l => l.Note is not null);
            Console.WriteLine(result.DryRun
                ? $"Dry run: {result.Accepted} would be imported{(notes > 0 ? $" ({notes} with a note: duplicate, already in the library or unreachable)" : "")}, {result.Rejected} rejected. Nothing was created."
                : $"{result.Accepted} accepted, {result.Rejected} rejected." + (result.ParentJobId is { } p ? $" Batch job {p}." : ""));
            return result.Rejected > 0 && !result.DryRun ? 2 : result.Rejected > 0 ? 1 : 0;
        }, cancellationToken);
    }

    public static Task<int> JobsAsync(CliArgs args, CancellationToken cancellationToken) =>
        HubHost.WithDatabaseAsync(args.Passthrough, async (services, ct) =>
        {
            var state = args.Option("state");
            if (state is not null && !JobStates.IsValid(state))
            {
                throw new CliUsageException($"Unknown state '{state}'. States: {string.Join(", ", JobStates.All)}.");
            }
            var jobs = await services.GetRequiredService<JobQueue>().ListAsync(new JobFilter
            {
                States = state is null ? null : [state],
                Limit = int.TryParse(args.Option("limit"), out var n) ? n : 50,
                // People's imports, as in the API and the admin; --all adds Hub's own (thumbnails, housekeeping, scans).
                IncludeSystem = args.Flag("all"),
            }, ct);
            if (jobs.Count == 0)
            {
                Console.WriteLine("No jobs.");
                return 0;
            }
            Console.WriteLine($"{"ID",-36}  {"STATE",-15}  {"PROGRESS",8}  {"DOOR",-9}  {"UPDATED",-16}  TITLE / SOURCE");
            foreach (var j in jobs)
            {
                var what = j.Title ?? j.Source ?? j.Kind;
                Console.WriteLine($"{j.Id,-36}  {j.State,-15}  {j.Progress,7:0.0}%  {j.Door,-9}  {j.UpdatedAt:yyyy-MM-dd HH:mm}  {what}{(j.Error is null ? "" : "  — " + j.Error)}");
            }
            return 0;
        }, cancellationToken);
}
