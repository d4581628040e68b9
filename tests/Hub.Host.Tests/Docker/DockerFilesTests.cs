using YamlDotNet.RepresentationModel;

namespace Hub.Host.Tests.Docker;

/// <summary>
/// No container engine runs here, so the image is never built by the tests: these read docker-compose.yml, the
/// Dockerfile and .dockerignore and check what can be checked without one.
/// </summary>
public sealed class DockerFilesTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];
    private static YamlSequenceNode Seq(YamlNode node, string key) => (YamlSequenceNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];
    private static bool Has(YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(new YamlScalarNode(key));

    [Fact]
    public void Compose_HasHubAndPostgres_EachWithAHealthCheck()
    {
        var services = Map(Compose(), "services");
        // The default set; nginx in front (X-Accel-Redirect) only with `--profile nginx`.
        Assert.Equal(["postgres", "hub"], services.Children.Where(s => !Has(s.Value, "profiles")).Select(s => s.Key.ToString()));
        Assert.Equal("nginx", Seq(Map(services, "nginx"), "profiles").Single().ToString());
        foreach (var (name, service) in services.Children)
        {
            Assert.True(Has(service, "healthcheck"), $"{name} has no healthcheck");
            Assert.NotEmpty(Seq(Map(service, "healthcheck"), "test"));
        }
        var hub = Map(services, "hub");
        Assert.Equal("service_healthy", Map(Map(hub, "depends_on"), "postgres").Children[new YamlScalarNode("condition")].ToString());
        Assert.Contains("/health/ready", string.Join(' ', Seq(Map(hub, "healthcheck"), "test").Select(n => n.ToString())));
    }

    [Fact]
    public void Compose_KeepsDataInVolumes_MediaOptionallyOnAHostFolder()
    {
        var compose = Compose();
        var declared = Map(compose, "volumes").Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Contains("pg-data", declared);
        Assert.Contains("hub-data", declared);
        var services = Map(compose, "services");
        Assert.Contains("pg-data:/var/lib/postgresql/data", Seq(Map(services, "postgres"), "volumes").Select(n => n.ToString()));
        var hubVolumes = Seq(Map(services, "hub"), "volumes").Select(n => n.ToString()).ToList();
        Assert.Contains("hub-data:/var/lib/hub", hubVolumes);
        // A host folder when HUB_MEDIA_DIR is set, else the declared named volume.
        Assert.Contains("${HUB_MEDIA_DIR:-hub-media}:/var/lib/hub/media", hubVolumes);
        Assert.Contains("hub-media", declared);
    }

    [Fact]
    public void Compose_PublishesHubOnLoopbackByDefault()
    {
        var ports = Seq(Map(Map(Compose(), "services"), "hub"), "ports").Select(n => n.ToString()).ToList();
        var port = Assert.Single(ports);
        var withDefaults = System.Text.RegularExpressions.Regex.Replace(port, @"\$\{[A-Z_]+:-([^}]*)\}", "$1");
        Assert.Equal("127.0.0.1:8080:8080", withDefaults);
        var nginx = Seq(Map(Map(Compose(), "services"), "nginx"), "ports").Select(n => n.ToString()).Single();
        Assert.Equal("127.0.0.1:8081:8081", System.Text.RegularExpressions.Regex.Replace(nginx, @"\$\{[A-Z_]+:-([^}]*)\}", "$1"));
        Assert.False(Has(Map(Map(Compose(), "services"), "postgres"), "ports"), "PostgreSQL must not be published");
    }

    [Fact]
    public void Dockerfile_RunsAsANonRootUser_WithAHealthCheck_AndHubsYtDlpUpdater()
    {
        var lines = Instructions();
        var final = lines.Skip(lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        var user = final.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.NotNull(user);
        Assert.DoesNotContain(user[5..].Trim(), new[] { "root", "0", "0:0" });
        Assert.Contains(final, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal) && l.Contains("/health/"));
        Assert.Contains(final, l => l.StartsWith("RUN dotnet hub.dll tools update", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("pip install", StringComparison.Ordinal)); // yt-dlp comes signed, through Hub
        Assert.Contains(final, l => l == "EXPOSE 8080");
    }

    [Fact]
    public void Dockerfile_CopiesOnlyWhatACleanCloneHas_AndTheIgnoreFileKeeps()
    {
        var ignored = IgnorePatterns();
        foreach (var line in Instructions().Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=")))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in parts)
            {
                var path = Path.Combine(Root, source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{line}: {source} is not in the clone");
                Assert.DoesNotContain(source.TrimEnd('/') + "/", ignored);
                Assert.DoesNotContain(source, ignored);
                // Tracked by git: a clean clone has it (a file only on this machine would pass locally and fail in CI).
                var tracked = Git("ls-files", "--error-unmatch", source.TrimEnd('/'));
                Assert.True(tracked, $"{source} is not tracked by git");
            }
        }
    }

    [Fact]
    public void DockerIgnore_CoversDataBinObjAndGit()
    {
        var patterns = IgnorePatterns();
        foreach (var needed in new[] { "data/", "bin/", "obj/", "**/bin/", "**/obj/", ".git/" })
        {
            Assert.Contains(needed, patterns);
        }
    }

    private static List<string> IgnorePatterns() =>
        File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    /// <summary>The Dockerfile's instructions, continuation lines joined and comments dropped.</summary>
    private static List<string> Instructions()
    {
        var result = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(Root, "Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0)) continue;
            current += (current.Length > 0 ? " " : "") + line.TrimEnd('\\').Trim();
            if (!line.EndsWith('\\'))
            {
                result.Add(current);
                current = "";
            }
        }
        return result;
    }

    private static bool Git(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}
