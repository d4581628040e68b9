namespace Hub.Host.Cli;

public sealed class CliUsageException(string message) : Exception(message);
