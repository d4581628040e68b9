using Hub.Domain.Access;
using Hub.Domain.Jobs;
using Hub.Testing;

namespace Hub.Domain.Tests.Access;

public sealed class JobAccessTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly Requester Alice = Requester.ForToken(Guid.NewGuid(), "alice", Roles.User);
    private static readonly Requester Bob = Requester.ForTelegram(42, "Bob", isAdmin: false);
    private static readonly Requester Admin = Requester.ForToken(Guid.NewGuid(), "root", Roles.Admin);

    private JobAccess Access => db.Get<JobAccess>();
    private JobQueue Queue => db.Get<JobQueue>();

    private Task<Job> EnqueueAsync(Requester? owner) =>
        Queue.EnqueueAsync(new NewJob("import", "q" + Guid.NewGuid().ToString("N")[..8], "api") { RequestedBy = owner?.Key }, CancellationToken.None);

    [Fact]
    public async Task GetVisible_OwnerAndAdminSeeIt_OthersGetTheSameNotFoundAsForAMissingJob()
    {
        var job = await EnqueueAsync(Alice);

        Assert.Equal(job.Id, (await Access.GetVisibleAsync(Alice, job.Id, CancellationToken.None)).Id);
        Assert.Equal(job.Id, (await Access.GetVisibleAsync(Admin, job.Id, CancellationToken.None)).Id);
        var hidden = await Assert.ThrowsAsync<HubNotFoundException>(() => Access.GetVisibleAsync(Bob, job.Id, CancellationToken.None));
        var missingId = Guid.NewGuid();
        var missing = await Assert.ThrowsAsync<HubNotFoundException>(() => Access.GetVisibleAsync(Bob, missingId, CancellationToken.None));
        Assert.Equal(missing.Message.Replace(missingId.ToString(), "ID"), hidden.Message.Replace(job.Id.ToString(), "ID"));
    }

    [Fact]
    public async Task SystemJobs_WithNoRequester_AreAnAdminsOnly()
    {
        var job = await EnqueueAsync(null);

        Assert.False(JobAccess.CanSee(Alice, job));
        Assert.True(JobAccess.CanSee(Admin, job));
        await Assert.ThrowsAsync<HubNotFoundException>(() => Access.CancelAsync(Alice, job.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Cancel_BySomeoneElse_IsRefusedAndLeavesTheJobAlone_ByTheOwnerItCancels()
    {
        var job = await EnqueueAsync(Bob);

        await Assert.ThrowsAsync<HubNotFoundException>(() => Access.CancelAsync(Alice, job.Id, CancellationToken.None));
        Assert.Equal(JobStates.Queued, (await Queue.GetAsync(job.Id, CancellationToken.None)).State);

        var cancelled = await Access.CancelAsync(Bob, job.Id, CancellationToken.None);
        Assert.Equal(JobStates.Cancelled, cancelled.State);
        var events = await Queue.EventsAsync(job.Id, CancellationToken.None);
        Assert.Contains(events, e => e.Message == "cancelled by Bob");
    }

    [Fact]
    public async Task Retry_FollowsTheSameRule()
    {
        var job = await EnqueueAsync(Alice);
        await Access.CancelAsync(Admin, job.Id, CancellationToken.None);

        await Assert.ThrowsAsync<HubNotFoundException>(() => Access.RetryAsync(Bob, job.Id, null, CancellationToken.None));
        Assert.Equal(JobStates.Queued, (await Access.RetryAsync(Alice, job.Id, null, CancellationToken.None)).State);
    }

    [Fact]
    public void OwnerFilter_IsNullForAdmins_AndTheOwnKeyForOthers()
    {
        Assert.Null(JobAccess.OwnerFilter(Admin));
        Assert.Equal("telegram:42", JobAccess.OwnerFilter(Bob));
        Assert.StartsWith("token:", JobAccess.OwnerFilter(Alice));
    }
}
