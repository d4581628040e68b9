using Coravel.Scheduling.Schedule.Interfaces;

namespace Hub.Domain.Scheduling;

public static class SchedulerExtensions
{
    /// <summary>Declares recurring work: <c>scheduler.Enqueue(MaintenanceHandler.Schedule).Hourly()</c>.</summary>
    public static IScheduleInterval Enqueue(this IScheduler scheduler, ScheduledJob job) =>
        scheduler.ScheduleWithParams<EnqueueScheduledJob>(job);
}
