using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench;

/// <summary>
/// A CPU profile of a process under load, for the "what stands in the way" of a missed target: dotnet-trace (profiles
/// <c>dotnet-common,dotnet-sampled-thread-time</c>) records <paramref name="seconds"/> while <paramref name="load"/>
/// runs, then converts the trace for speedscope; <c>bench/cpu-split.py</c> sums it by component.
/// <c>BENCH_DOTNET_TRACE</c> names the tool when it is not on PATH (installed with <c>dotnet tool install -g dotnet-trace</c>).
/// </summary>
public static class DotnetTrace
{
    public static async Task<T> CollectAsync<T>(int pid, int seconds, string file, Func<Task<T>> load)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var tool = Environment.GetEnvironmentVariable("BENCH_DOTNET_TRACE") is { Length: > 0 } t ? t
            : File.Exists(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet/tools/dotnet-trace"))
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet/tools/dotnet-trace") : "dotnet-trace";
        using var trace = Process.Start(new ProcessStartInfo(tool,
            ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-common,dotnet-sampled-thread-time",
             "--duration", TimeSpan.FromSeconds(seconds).ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture), "-o", file])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = trace.StandardOutput.ReadToEndAsync();
        var errors = trace.StandardError.ReadToEndAsync();
        var result = await load();
        await trace.WaitForExitAsync();
        if (!File.Exists(file))
        {
            Console.WriteLine($"dotnet-trace wrote no trace (exit {trace.ExitCode}):\n{await output}{await errors}");
            return result;
        }
        using var convert = Process.Start(new ProcessStartInfo(tool, ["convert", "--format", "speedscope", file, "-o", Path.ChangeExtension(file, null)])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await convert.StandardOutput.ReadToEndAsync();
        await convert.WaitForExitAsync();
        Console.WriteLine($"trace: {file} (speedscope: {Path.ChangeExtension(file, null)}.speedscope.json; split by component: python3 bench/cpu-split.py <that file>)");
        return result;
    }
}
