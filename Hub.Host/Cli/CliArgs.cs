namespace Hub.Host.Cli;

/// <summary>A tiny parser for <c>hub &lt;command&gt; [sub] [--opt value] [--flag]</c>. Unknown options are left for the host's configuration.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Positionals { get; } = [];

    /// <summary>Arguments that look like configuration (<c>--urls=…</c>, <c>--Hub:DataDir …</c>), passed on to the host.</summary>
    public List<string> Passthrough { get; } = [];

    public static CliArgs Parse(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        var result = new CliArgs();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                result.Positionals.Add(a);
                continue;
            }
            var name = a[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (!flags.Contains(name) && i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = list[++i];
            }
            if (name.Contains(':', StringComparison.Ordinal) || name.Equals("urls", StringComparison.OrdinalIgnoreCase)
                || name.Equals("environment", StringComparison.OrdinalIgnoreCase) || name.Equals("contentRoot", StringComparison.OrdinalIgnoreCase))
            {
                result.Passthrough.Add($"--{name}={value}");
                continue;
            }
            result._options[name] = value ?? "true";
        }
        return result;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _options.TryGetValue(name, out var v) && v is not ("false" or "0");

    public string Required(string name) => Option(name) is { Length: > 0 } v ? v
        : throw new CliUsageException($"--{name} is required.");
}
