using System.Text.Json;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Imports;

/// <summary>Reading and writing the import data kept in a job's request column.</summary>
public static class ImportJobs
{
    public static ImportJobData Read(Job job) =>
        job.Request.Deserialize<ImportJobData>(JobJson.Options) ?? new ImportJobData();

    public static JsonDocument Write(ImportJobData data) => JsonSerializer.SerializeToDocument(data, JobJson.Options);
}
