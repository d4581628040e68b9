using Npgsql;

namespace Hub.Testing;

/// <summary>Waiting for a condition a separate process brings about, and reading one value from the database it writes.</summary>
public static class Eventually
{
    /// <summary>Polls every 100 ms until <paramref name="condition"/> holds (a row not there yet counts as false); throws naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (await condition()) return;
            }
            catch (NullReferenceException)
            {
                // row not there yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("timed out waiting for: " + what);
    }

    /// <summary>One value from a fresh connection, positional parameters <c>$1</c>, <c>$2</c>, …</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
