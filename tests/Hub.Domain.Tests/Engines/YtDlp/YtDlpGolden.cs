namespace Hub.Domain.Tests.Engines.YtDlp;

internal static class YtDlpGolden
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "YtDlp", name));

    public static string[] Lines(string name) => Read(name).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
