namespace Hub.Domain;

/// <summary>Base of the errors Hub reports to people; each door maps them (problem details, a chat reply, an McpException).</summary>
public abstract class HubException(string type, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A stable, short error type such as "validation" or "not-found".</summary>
    public string Type { get; } = type;
}

public sealed class HubValidationException(string field, string message) : HubException("validation", message)
{
    public string Field { get; } = field;
}

public sealed class HubNotFoundException(string what, string message) : HubException("not-found", message)
{
    public string What { get; } = what;
}

public class HubConflictException(string type, string message) : HubException(type, message);

/// <summary>The caller is known and may see the thing, but not change it (REST 403; MCP "Not allowed").</summary>
public sealed class HubForbiddenException(string message) : HubException("forbidden", message);
