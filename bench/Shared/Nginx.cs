using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hub.Bench;

/// <summary>
/// A throwaway nginx on 127.0.0.1 serving one folder: the reference server both clients fetch from. Configured as a user
/// would run it for files: one worker per core (<c>worker_processes auto</c>), sendfile, tcp_nopush, no access log.
/// </summary>
public sealed class Nginx(Process process, int port, string root) : IDisposable
{
    public int Port => port;
    public int ProcessId => process.Id;

    public Uri Url(string name) => new($"http://127.0.0.1:{port}/{name}");

    public static async Task<Nginx> StartAsync(string root, string wwwDir)
    {
        var port = FreePort();
        var conf = Path.Combine(root, "nginx.conf");
        Directory.CreateDirectory(Path.Combine(root, "temp"));
        await File.WriteAllTextAsync(conf, $$"""
            daemon off;
            worker_processes auto;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              sendfile on;
              tcp_nopush on;
              client_body_temp_path {{root}}/temp/body;
              proxy_temp_path {{root}}/temp/proxy;
              fastcgi_temp_path {{root}}/temp/fastcgi;
              uwsgi_temp_path {{root}}/temp/uwsgi;
              scgi_temp_path {{root}}/temp/scgi;
              types { video/x-matroska mkv; video/mp4 mp4; }
              default_type application/octet-stream;
              server {
                listen 127.0.0.1:{{port}};
                root {{wwwDir}};
              }
            }
            """);
        var psi = new ProcessStartInfo("nginx") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-p", root, "-e", Path.Combine(root, "error.log"), "-c", conf })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("nginx did not start");
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("nginx exited: " + await process.StandardError.ReadToEndAsync());
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new Nginx(process, port, root);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill();
        throw new TimeoutException("nginx did not listen within 5 s; see " + Path.Combine(root, "error.log"));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        process.Dispose();
        _ = root;
    }
}
