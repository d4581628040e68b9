namespace Hub.Chaos.Tests.Support;

/// <summary>Bounded waits: every loop in this suite ends by a deadline, generous enough for a loaded 2-core machine.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                last = ex; // the thing being waited for is not up yet, or is in the middle of a fault
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for: {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }
}
