namespace CollapseLab.Specs;

/// <summary>
/// Bad input, reported to the user as "where: what is wrong. what to change" with exit code 2. Thrown for specs
/// and the data files they name; a run folder that cannot serve a command throws
/// <see cref="Storage.RunFolderException"/> instead.
/// </summary>
public sealed class SpecException : Exception
{
    public SpecException(string message) : base(message) { }

    public SpecException(SourceLocation where, string key, string message)
        : base($"{where}: {(key.Length > 0 ? $"'{key}': " : "")}{message}")
    {
        Where = where;
        Key = key;
    }

    public SpecException(string message, Exception inner) : base(message, inner) { }

    public SpecException() { }

    public SourceLocation? Where { get; }

    public string? Key { get; }
}
