namespace Hub.Bot.Tests.Fakes;

public static class Golden
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Telegram", name));
}
