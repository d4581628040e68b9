namespace Hub.Chaos.Tests.Support;

/// <summary>
/// The scenarios run one after another: each one loads the machine on purpose (processes killed, databases
/// stopped, 150 readers), and two at once would only measure each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}
