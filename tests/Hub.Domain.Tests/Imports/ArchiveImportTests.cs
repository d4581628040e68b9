using Hub.Domain.Imports;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Tests.Media.Archives;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Domain.Tests.Imports;

/// <summary>Archives through the whole pipeline: one parent job, one child job and entry per media file.</summary>
public sealed class ArchiveImportTests(PipelineFixture fx) : IClassFixture<PipelineFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hub-archive-import-").FullName;

    private async Task<Job> UploadAsync(string path, string? library = null)
    {
        // Uploads are moved into the job: hand over a copy.
        var copy = Path.Combine(_dir, "upload-" + Guid.NewGuid().ToString("N") + Path.GetExtension(path));
        File.Copy(path, copy);
        return await fx.Get<ImportService>().ImportAsync(new ImportRequest
        {
            UploadedFile = copy, FileName = Path.GetFileName(path), Library = library, Door = Doors.Api, RequestedBy = "test",
        }, CancellationToken.None);
    }

    private async Task<IReadOnlyList<Job>> ChildrenAsync(Guid parent) =>
        (await fx.Get<JobQueue>().ListAsync(new JobFilter { ParentId = parent }, CancellationToken.None)).OrderBy(j => j.Title).ToList();

    [Fact]
    public async Task ZipFromAUrl_WithANestedZip_BecomesAParent_WithOneEntryPerMediaFile()
    {
        var video = await TestMedia.VideoAsync();
        TestArchives.Zip(Path.Combine(_dir, "extras.zip"), ("c-extra.mp4", File.ReadAllBytes(await TestMedia.VariantAsync(video, "arch-c"))));
        TestArchives.Zip(Path.Combine(_dir, "clips.zip"),
            ("Show/a-clip.mp4", File.ReadAllBytes(await TestMedia.VariantAsync(video, "arch-a"))),
            ("b-tone.m4a", File.ReadAllBytes(await TestMedia.VariantAsync(await TestMedia.AudioAsync(), "arch-b"))),
            ("extras.zip", File.ReadAllBytes(Path.Combine(_dir, "extras.zip"))),
            ("readme.txt", TestArchives.Text("not media")));
        fx.Site.MapFile("clips.zip", Path.Combine(_dir, "clips.zip"), "application/zip");

        var job = await fx.ImportAsync(fx.Site.Url("clips.zip").AbsoluteUri);
        var parent = await fx.WaitAsync(job.Id);

        Assert.True(parent.State == JobStates.Completed, parent.Error);
        Assert.Equal(100, parent.Progress);
        var children = await ChildrenAsync(parent.Id);
        Assert.Equal(["a-clip", "b-tone", "c-extra"], children.Select(c => c.Title ?? "").ToArray());
        Assert.All(children, c => Assert.True(c.State == JobStates.Completed && c.EntryId is not null, c.Error));
        var libraries = await fx.Get<LibraryService>().ListAsync(CancellationToken.None);
        var tone = await fx.EntryAsync(children[1].EntryId!.Value);
        Assert.Equal("audio", tone.MediaKind);
        Assert.Equal(libraries.Single(l => l.Name == "Music").Id, tone.LibraryId);
        Assert.Equal("video", (await fx.EntryAsync(children[2].EntryId!.Value)).MediaKind);
        Assert.All(children, c => Assert.True(File.Exists(fx.EntryAsync(c.EntryId!.Value).Result.FilePath)));
        var events = await fx.Get<JobQueue>().EventsAsync(parent.Id, CancellationToken.None);
        Assert.Contains(events, e => e.Message?.Contains("unpacking the zip archive") == true);
        Assert.False(Directory.Exists(Path.Combine(fx.DataDir, "tmp", "jobs", parent.Id.ToString("N"))));
        Assert.False(Directory.Exists(Path.Combine(fx.DataDir, "archives", parent.Id.ToString("N"))));
    }

    [Fact]
    public async Task UploadedTarGz_Twice_SecondTimeEveryFileIsAlreadyInTheLibrary_AndTheArchiveIsKeptBySetting()
    {
        TestArchives.Tar(Path.Combine(_dir, "pack.tar"),
            TestArchives.File("one.mp4", File.ReadAllBytes(await TestMedia.VariantAsync(await TestMedia.VideoAsync(), "arch-tgz-1"))),
            TestArchives.File("two.mp3", File.ReadAllBytes(await TestMedia.Mp3Async())));
        TestArchives.Gzip(Path.Combine(_dir, "pack.tar"), Path.Combine(_dir, "pack.tgz"));
        var options = fx.Get<IOptions<HubOptions>>().Value.Archives;
        options.KeepArchive = true;
        try
        {
            var first = await fx.WaitAsync((await UploadAsync(Path.Combine(_dir, "pack.tgz"))).Id);
            Assert.True(first.State == JobStates.Completed, first.Error);
            Assert.True(File.Exists(Path.Combine(fx.DataDir, "archives", first.Id.ToString("N"), "pack.tgz")));

            var second = await fx.WaitAsync((await UploadAsync(Path.Combine(_dir, "pack.tgz"))).Id);
            Assert.True(second.State == JobStates.Completed, second.Error);
            var a = await ChildrenAsync(first.Id);
            var b = await ChildrenAsync(second.Id);
            Assert.Equal(2, b.Count);
            Assert.Equal(a.Select(c => c.EntryId), b.Select(c => c.EntryId));
            Assert.All(b, c => Assert.True(c.Result!.RootElement.GetProperty("duplicate").GetBoolean()));
        }
        finally
        {
            options.KeepArchive = false;
        }
    }

    [Fact]
    public async Task RarWithoutMedia_FailsSayingSo()
    {
        var done = await fx.WaitAsync((await UploadAsync(Path.Combine(TestArchives.Samples, "Rar5.rar"))).Id);
        Assert.Equal(JobStates.Failed, done.State);
        Assert.Contains("holds no video or audio", done.Error);
        Assert.Empty(await ChildrenAsync(done.Id));
    }

    [Fact]
    public async Task EncryptedArchive_FailsSayingSo()
    {
        var done = await fx.WaitAsync((await UploadAsync(Path.Combine(TestArchives.Samples, "7Zip.LZMA2.Aes.7z"))).Id);
        Assert.Equal(JobStates.Failed, done.State);
        Assert.Contains("password-protected", done.Error);
        Assert.Contains("'7Zip.LZMA2.Aes.7z'", done.Error); // the name it was sent under, not the job folder's "upload.7z"
    }

    [Fact]
    public async Task ZipSlipUpload_IsRefused_NothingImported_NothingOutside()
    {
        var evil = Path.Combine(fx.DataDir, "tmp", "evil-" + Guid.NewGuid().ToString("N") + ".mp4");
        TestArchives.Zip(Path.Combine(_dir, "slip.zip"), ("ok.mp4", File.ReadAllBytes(await TestMedia.VideoAsync())),
            ("../../" + Path.GetFileName(evil), TestArchives.Text("owned")));
        var done = await fx.WaitAsync((await UploadAsync(Path.Combine(_dir, "slip.zip"))).Id);
        Assert.Equal(JobStates.Failed, done.State);
        Assert.Contains("leaves the folder", done.Error);
        Assert.False(File.Exists(evil));
        Assert.Empty(await ChildrenAsync(done.Id));
        await using var db = fx.CreateDb();
        Assert.False(await db.Jobs.AnyAsync(j => j.ParentId == done.Id));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
