using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hub.Testing;

/// <summary>
/// A private nginx (Debian's nginx-light) on 127.0.0.1 with a free port: its own prefix, pid and temp folders under a
/// temp directory, no daemon; the given <c>server</c> block body is the test's. Killed on dispose.
/// </summary>
public sealed class LoopbackNginx : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;

    private LoopbackNginx(Process process, string root, int port) => (_process, _root, Port) = (process, root, port);

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    public static async Task<LoopbackNginx> StartAsync(string serverBody)
    {
        var root = Directory.CreateTempSubdirectory("hub-test-nginx-").FullName;
        var port = HubProcess.FreePort();
        var conf = Path.Combine(root, "nginx.conf");
        Directory.CreateDirectory(Path.Combine(root, "temp"));
        await File.WriteAllTextAsync(conf, $$"""
            daemon off;
            worker_processes 1;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log warn;
            events { worker_connections 256; }
            http {
              access_log off;
              sendfile on;
              client_body_temp_path {{root}}/temp/body;
              proxy_temp_path {{root}}/temp/proxy;
              fastcgi_temp_path {{root}}/temp/fastcgi;
              uwsgi_temp_path {{root}}/temp/uwsgi;
              scgi_temp_path {{root}}/temp/scgi;
              default_type application/octet-stream;
              server {
                listen 127.0.0.1:{{port}};
                {{serverBody}}
              }
            }
            """);
        var psi = new ProcessStartInfo("nginx") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-p", root, "-e", Path.Combine(root, "error.log"), "-c", conf })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("nginx did not start");
        var nginx = new LoopbackNginx(process, root, port);
        for (var i = 0; i < 200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("nginx exited: " + await process.StandardError.ReadToEndAsync() + ReadLog(root));
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return nginx;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        await nginx.DisposeAsync();
        throw new TimeoutException("nginx did not listen within 10 s" + ReadLog(root));
    }

    public string ErrorLog => ReadLog(_root);

    private static string ReadLog(string root)
    {
        var log = Path.Combine(root, "error.log");
        return File.Exists(log) ? "\n" + File.ReadAllText(log) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
