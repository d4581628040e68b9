using System.Net.Sockets;
using Npgsql;

namespace Hub.Domain.Storage;

/// <summary>
/// Tells a database outage (server stopped, crashed, restarting, unreachable, no connection to be had) from every
/// other database error. Doors answer an outage with 503 and a retry hint instead of 500; workers keep what they have.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>What a door tells a client to wait before asking again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public const string ProblemType = "database-unavailable";
    public const string Message = "The database is not reachable; try again shortly.";

    /// <summary>True when <paramref name="exception"/> (or one it wraps, e.g. in EF Core) means the server cannot be reached.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DatabaseUnavailableException:
                    return true;
                case PostgresException pg:
                    // The server answered: only its "going away / not yet up / too busy to connect" codes are an outage.
                    return IsOutageState(pg.SqlState);
                case NpgsqlException n when n.IsTransient || n.InnerException is SocketException or TimeoutException or IOException:
                    // Connection refused or reset, socket gone, no connection from the pool in time.
                    return true;
            }
        }
        return false;
    }

    /// <summary>08xxx connection exceptions; 57P01/02/03 admin or crash shutdown and "cannot connect now"; 53300 too many connections.</summary>
    public static bool IsOutageState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300";
}
