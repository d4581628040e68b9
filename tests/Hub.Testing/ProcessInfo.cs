namespace Hub.Testing;

public static class ProcessInfo
{
    /// <summary>Alive means running: a zombie (exited, waiting for a parent that may never reap it) counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var state = status.FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
            return !state.Contains('Z') && !state.Contains('X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Live PIDs whose command line contains <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<int> Find(string fragment)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains(fragment, StringComparison.Ordinal) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
