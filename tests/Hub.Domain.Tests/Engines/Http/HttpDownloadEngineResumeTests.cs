using System.Diagnostics;
using System.Security.Cryptography;
using Hub.Domain.Engines;
using Hub.Domain.Engines.Http;
using Hub.Domain.Imports;
using Hub.Domain.Net;
using Hub.Domain.Tests.Net;
using Hub.Testing;

namespace Hub.Domain.Tests.Engines.Http;

/// <summary>Resuming after dropped connections and across attempts.</summary>
public sealed class HttpDownloadEngineResumeTests : HttpEngineTestBase
{
    [Fact]
    public async Task Download_ConnectionDropsMidFile_ResumesWithRange()
    {
        var data = RandomBytes(3 * 1024 * 1024, 2);
        var file = new RangeFile(data) { DropAtOffset = 1024 * 1024, DropsLeft = 1 };
        _server.Map("drop.mp4", file.HandleAsync);

        var result = await DownloadAsync("drop.mp4");

        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(data), result.Sha256);
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.False(requests[0].Headers.ContainsKey("Range"));
        // An abort may lose bytes still in flight, so the resume point is wherever the client got to.
        var resumedAt = ResumeOffset(requests[1]);
        Assert.InRange(resumedAt, 1, 1024 * 1024);
        Assert.Equal("\"v1\"", requests[1].Headers["If-Range"]);
    }

    [Fact]
    public async Task Download_DropsEveryTime_GivesUpAsRetryableNetworkAfterThreeResumes()
    {
        var data = RandomBytes(2 * 1024 * 1024, 3);
        var file = new RangeFile(data) { DropAtOffset = 512 * 1024, DropsLeft = 1 };
        // After the first drop every resume is dropped at once: no progress, so the engine must stop.
        file.OnDrop = () => { file.DropAtOffset = data.Length + 1L; };
        _server.Map("flaky.mp4", ctx =>
        {
            if (ctx.Request.Headers.Range.Count > 0) { ctx.Abort(); return Task.CompletedTask; }
            return file.HandleAsync(ctx);
        });

        var ex = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("flaky.mp4"));
        Assert.Equal("network", ex.Type);
        Assert.True(ex.Transient);
        Assert.Equal(1 + 3, _server.Count("flaky.mp4")); // the first request, then three resumes
    }

    [Fact]
    public async Task Download_NextAttemptWithLeftoverPart_ResumesFromIt()
    {
        var data = RandomBytes(3 * 1024 * 1024, 4);
        var file = new RangeFile(data) { DropAtOffset = 1024 * 1024, DropsLeft = 1 };
        file.OnDrop = () => file.Unavailable = true;
        _server.Map("resume.mp4", file.HandleAsync);

        var first = await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("resume.mp4"));
        Assert.Equal("http-5xx", first.Type);
        Assert.True(first.Transient);
        var partLength = new FileInfo(Path.Combine(_workDir, "resume.mp4.part")).Length;
        Assert.InRange(partLength, 1, 1024 * 1024);
        Assert.True(File.Exists(Path.Combine(_workDir, "resume.mp4.part.json")));

        file.Unavailable = false;
        var result = await DownloadAsync("resume.mp4");

        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(data), result.Sha256);
        var last = _server.Requests.Last();
        Assert.Equal(partLength, ResumeOffset(last));
        Assert.False(File.Exists(Path.Combine(_workDir, "resume.mp4.part")));
        Assert.False(File.Exists(Path.Combine(_workDir, "resume.mp4.part.json")));
    }

    [Fact]
    public async Task Download_FileChangedSinceLastAttempt_StartsOver()
    {
        var oldData = RandomBytes(2 * 1024 * 1024, 5);
        var file = new RangeFile(oldData) { DropAtOffset = 1024 * 1024, DropsLeft = 1 };
        file.OnDrop = () => file.Unavailable = true;
        _server.Map("changed.mp4", file.HandleAsync);
        await Assert.ThrowsAsync<ImportFailedException>(() => DownloadAsync("changed.mp4"));

        var newData = RandomBytes(1536 * 1024, 6);
        file.Data = newData;
        file.ETag = "\"v2\"";
        file.Unavailable = false;
        var result = await DownloadAsync("changed.mp4");

        Assert.Equal(newData, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(newData), result.Sha256);
        Assert.Equal("\"v1\"", _server.Requests.Last().Headers["If-Range"]);
    }

    [Fact]
    public async Task Download_LeftoverPartAlreadyComplete_FinishesOn416()
    {
        var data = RandomBytes(300_000, 8);
        _server.Map("done.mp4", new RangeFile(data).HandleAsync);
        Directory.CreateDirectory(_workDir);
        var part = new PartialDownload(Path.Combine(_workDir, "done.mp4.part"));
        await File.WriteAllBytesAsync(part.PartPath, data);
        await part.SaveAsync(new PartState(_server.Url("done.mp4").AbsoluteUri, "\"v1\"", null, data.Length, "done.mp4", "video/mp4"), CancellationToken.None);

        var result = await DownloadAsync("done.mp4");

        Assert.Equal(Sha256(data), result.Sha256);
        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal($"bytes={data.Length}-", Assert.Single(_server.Requests).Headers["Range"]);
    }

    [Fact]
    public async Task Download_LeftoverPartWithoutSidecar_IsCutNotSpliced()
    {
        // A part file nothing describes (its sidecar lost) and longer than the new download: none of its bytes may stay.
        var data = RandomBytes(700_000, 9);
        _server.Map("stale.mp4", new RangeFile(data).HandleAsync);
        Directory.CreateDirectory(_workDir);
        await File.WriteAllBytesAsync(Path.Combine(_workDir, "stale.mp4.part"), RandomBytes(2 * 1024 * 1024, 10));

        var result = await DownloadAsync("stale.mp4");

        Assert.Equal(data, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Sha256(data), result.Sha256);
        Assert.False(Assert.Single(_server.Requests).Headers.ContainsKey("Range"));
    }
}
