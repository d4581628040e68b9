using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Web.Cors;

namespace Hub.Extension.Tests;

/// <summary>The shipped manifest (not the tests' loopback build): least privilege, no remote code, a pinned id.</summary>
public sealed class ManifestTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "extension");
    private static JsonElement Manifest => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "manifest.json"))).RootElement;

    [Fact]
    public void Manifest_IsMv3_WithExactlyTheSixPermissions_AndHostAccessOnlyOptional()
    {
        var m = Manifest;
        Assert.Equal(3, m.GetProperty("manifest_version").GetInt32());
        Assert.Equal(["activeTab", "alarms", "contextMenus", "notifications", "scripting", "storage"],
            m.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal));
        Assert.False(m.TryGetProperty("host_permissions", out _));
        Assert.False(m.TryGetProperty("content_scripts", out _)); // pages are read once, on request, under activeTab
        Assert.False(m.TryGetProperty("externally_connectable", out _));
        Assert.False(m.TryGetProperty("web_accessible_resources", out _));
        Assert.Equal(["http://*/*", "https://*/*"], m.GetProperty("optional_host_permissions").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal("module", m.GetProperty("background").GetProperty("type").GetString());
        Assert.True(m.GetProperty("commands").TryGetProperty("send-to-hub", out _));
    }

    [Fact]
    public void NoFile_MentionsAllUrls_OrLoadsRemoteCode()
    {
        foreach (var file in Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".png", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("<all_urls>", text);
            Assert.DoesNotContain("eval(", text);
            Assert.DoesNotContain("new Function", text);
            Assert.DoesNotMatch(new Regex(@"<script[^>]+src=""(https?:)?//", RegexOptions.IgnoreCase), text);
            Assert.DoesNotMatch(new Regex(@"import\s[^;]*from\s+['""]https?:", RegexOptions.IgnoreCase), text);
        }
        var csp = Manifest.GetProperty("content_security_policy").GetProperty("extension_pages").GetString()!;
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("unsafe", csp);
    }

    [Fact]
    public void Key_PinsTheIdThatHubAllowsForCors()
    {
        var key = Convert.FromBase64String(Manifest.GetProperty("key").GetString()!);
        var hex = Convert.ToHexStringLower(SHA256.HashData(key))[..32];
        var id = new string(hex.Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))).ToArray());
        Assert.Equal(HubCorsOptions.HubExtensionOrigin, "chrome-extension://" + id);
    }
}
