namespace Hub.Domain.Imports;

/// <summary>The doors that can ask for an import.</summary>
public static class Doors
{
    public const string Web = "web";
    public const string Api = "api";
    public const string Bot = "bot";
    public const string Mcp = "mcp";
    public const string Extension = "extension";
    public const string Cli = "cli";

    public static readonly IReadOnlyList<string> All = [Web, Api, Bot, Mcp, Extension, Cli];
}
