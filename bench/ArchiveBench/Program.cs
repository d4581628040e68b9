using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Hub.Domain.Media.Archives;

// Hub's unpacking (SharpCompress behind Hub's guards) against unzip and bsdtar on the same archives, same disk, same run.
var sizeMiB = args.Length > 0 ? int.Parse(args[0]) : 512;
var root = Path.Combine(Path.GetTempPath(), "hub-bench-archive");
Directory.CreateDirectory(root);
var zip = Path.Combine(root, $"media-{sizeMiB}.zip");
var tar = Path.Combine(root, $"media-{sizeMiB}.tar");
const int Files = 8;

// Media hardly compresses: pseudo-random bytes stand in for it (deflate stores them, as it would a video).
if (!File.Exists(zip) || !File.Exists(tar))
{
    var chunk = new byte[1 << 20];
    new Random(42).NextBytes(chunk);
    using (var z = ZipFile.Open(zip + ".tmp", ZipArchiveMode.Create))
    using (var t = new TarWriter(File.Create(tar + ".tmp"), TarEntryFormat.Pax, leaveOpen: false))
    {
        for (var i = 0; i < Files; i++)
        {
            var data = Path.Combine(root, "part.bin");
            using (var f = File.Create(data))
            {
                for (var m = 0; m < sizeMiB / Files; m++)
                {
                    chunk[m % chunk.Length] ^= (byte)(i + 1); // every MiB differs
                    f.Write(chunk);
                }
            }
            using (var s = z.CreateEntry($"clips/clip{i}.mkv", CompressionLevel.Fastest).Open())
            using (var f = File.OpenRead(data))
            {
                f.CopyTo(s);
            }
            t.WriteEntry(data, $"clips/clip{i}.mkv");
            File.Delete(data);
        }
    }
    File.Move(zip + ".tmp", zip, true);
    File.Move(tar + ".tmp", tar, true);
}
var total = 0L;
using (var z = ZipFile.OpenRead(zip)) total = z.Entries.Sum(e => e.Length);
Console.WriteLine($"archives: {zip} ({new FileInfo(zip).Length >> 20} MiB), {tar}; {Files} files, {total >> 20} MiB unpacked");

double Time(string label, Action run)
{
    var best = double.MaxValue;
    for (var i = 0; i < 2; i++)
    {
        var outDir = Path.Combine(root, "out");
        if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        Directory.CreateDirectory(outDir);
        var sw = Stopwatch.StartNew();
        run();
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
    }
    var rate = total / (1024.0 * 1024) / best;
    Console.WriteLine($"  {label,-28} {best,7:0.00} s  {rate,8:0.0} MiB/s");
    return rate;
}

void Tool(string file, params string[] arguments)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {p.StandardError.ReadToEnd()}");
}

bool Has(string tool) => Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

var outFolder = Path.Combine(root, "out");
var limits = new ArchiveOptions();
Time("warm-up (page cache)", () => ArchiveUnpacker.Unpack(zip, outFolder, limits, null, CancellationToken.None));
var hubZip = Time("Hub zip", () => ArchiveUnpacker.Unpack(zip, outFolder, limits, null, CancellationToken.None));
if (Has("unzip"))
{
    var unzip = Time("unzip -q", () => Tool("unzip", "-q", "-o", zip, "-d", outFolder));
    Console.WriteLine($"  ratio Hub/unzip (zip): {hubZip / unzip:0.00}");
}
else Console.WriteLine("  unzip: not installed (Debian 'unzip')");
var hubTar = Time("Hub tar", () => ArchiveUnpacker.Unpack(tar, outFolder, limits, null, CancellationToken.None));
if (Has("bsdtar"))
{
    var bsdZip = Time("bsdtar -xf (zip)", () => Tool("bsdtar", "-xf", zip, "-C", outFolder));
    var bsdTar = Time("bsdtar -xf (tar)", () => Tool("bsdtar", "-xf", tar, "-C", outFolder));
    Console.WriteLine($"  ratio Hub/bsdtar: zip {hubZip / bsdZip:0.00}, tar {hubTar / bsdTar:0.00}");
}
else Console.WriteLine("  bsdtar: not installed (Debian 'libarchive-tools')");
Directory.Delete(outFolder, true);
