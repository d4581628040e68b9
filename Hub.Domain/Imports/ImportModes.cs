namespace Hub.Domain.Imports;

public static class ImportModes
{
    /// <summary>File it at once into the best-matching library.</summary>
    public const string Auto = "auto";

    /// <summary>Wait in the review inbox until someone approves it.</summary>
    public const string Review = "review";

    public static bool IsValid(string? mode) => mode is Auto or Review;
}
