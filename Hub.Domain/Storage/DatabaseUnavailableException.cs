namespace Hub.Domain.Storage;

public sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
