namespace Hub.Domain.Engines;

/// <summary>A source to fetch, as engines see it when they say whether they take it.</summary>
public sealed record ImportSource(Uri Url, SourceKind Kind);
