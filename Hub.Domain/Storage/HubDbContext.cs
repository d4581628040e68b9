using System.Text;
using Hub.Domain.Access;
using Hub.Domain.Entries;
using Hub.Domain.Jobs;
using Hub.Domain.Libraries;
using Hub.Domain.Settings;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Storage;

/// <summary>
/// EF Core maps the entities; the schema itself is owned by the SQL files in Storage/Migrations,
/// so the mapping here only names tables and columns (snake_case) and marks database-generated columns.
/// Hand-written SQL goes through Npgsql commands on the data source with positional parameters, <c>$1</c>, <c>$2</c>, …,
/// bound by unnamed <c>NpgsqlParameter</c>s in that order: PostgreSQL's own form, which Npgsql sends without rewriting
/// (EF's raw-SQL methods name their parameters, so they are not used for values).
/// </summary>
public sealed class HubDbContext(DbContextOptions<HubDbContext> options) : DbContext(options)
{
    public DbSet<Library> Libraries => Set<Library>();
    public DbSet<Entry> Entries => Set<Entry>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<JobEvent> JobEvents => Set<JobEvent>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Interaction> Interactions => Set<Interaction>();
    public DbSet<Notifications.Webhook> Webhooks => Set<Notifications.Webhook>();
    public DbSet<Notifications.WebhookDelivery> WebhookDeliveries => Set<Notifications.WebhookDelivery>();
    public DbSet<Scanning.ScanFile> ScanFiles => Set<Scanning.ScanFile>();
    public DbSet<Subscriptions.Subscription> Subscriptions => Set<Subscriptions.Subscription>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Library>(e => e.ToTable("libraries"));
        b.Entity<Entry>(e =>
        {
            e.ToTable("entries");
            e.HasOne<Library>().WithMany().HasForeignKey(x => x.LibraryId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Job>(e => e.ToTable("jobs"));
        b.Entity<Scanning.ScanFile>(e => e.ToTable("scan_files"));
        b.Entity<JobEvent>(e =>
        {
            e.ToTable("job_events");
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.HasOne<Job>().WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ApiToken>(e => e.ToTable("api_tokens"));
        b.Entity<Setting>(e => { e.ToTable("settings"); e.HasKey(x => x.Key); });
        b.Entity<Contact>(e =>
        {
            e.ToTable("contacts");
            e.HasKey(x => x.TelegramId);
            e.Property(x => x.TelegramId).ValueGeneratedNever();
            e.Ignore(x => x.Allowed);
            e.Ignore(x => x.IsAdmin);
            e.Ignore(x => x.DisplayName);
        });
        b.Entity<Interaction>(e =>
        {
            e.ToTable("interactions");
            e.Property(x => x.Id).ValueGeneratedOnAdd();
        });
        b.Entity<Notifications.Webhook>(e => e.ToTable("webhooks"));
        b.Entity<Notifications.WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.Property(x => x.Id).ValueGeneratedOnAdd();
        });

        b.Entity<Subscriptions.Subscription>(e =>
        {
            e.ToTable("subscriptions");
            e.Property(x => x.Filters).HasColumnType("jsonb").HasConversion(
                v => System.Text.Json.JsonSerializer.Serialize(v, Hub.Domain.Jobs.JobJson.Options),
                v => System.Text.Json.JsonSerializer.Deserialize<Subscriptions.SubscriptionFilters>(v, Hub.Domain.Jobs.JobJson.Options) ?? new Subscriptions.SubscriptionFilters());
        });

        foreach (var entity in b.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
