using Hub.Domain.Scanning;

namespace Hub.Domain.Tests.Scanning;

/// <summary>Golden cases, one per line of TestData/Scanning/names.tsv (empty cells mean "nothing").</summary>
public sealed class MediaNameParserTests
{
    public static TheoryData<string> Lines()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "Scanning", "names.tsv")))
        {
            if (line.Length > 0 && !line.StartsWith('#')) data.Add(line);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Parse_MatchesTheGoldenCase(string line)
    {
        var path = line.Split('\t')[0];
        var p = MediaNameParser.Parse(path);
        string[] actual = [path, p.Kind ?? "", p.Title ?? "", $"{p.Year}", $"{p.Season}", $"{p.Episode}", $"{p.EpisodeEnd}", p.Resolution ?? "", p.Source ?? "",
            $"{p.Part}", p.Artist ?? "", p.Album ?? "", $"{p.Track}", p.Confident ? "yes" : "no", p.DisplayTitle ?? ""];
        Assert.Equal(line, string.Join('\t', actual));
    }
}
