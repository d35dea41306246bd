namespace CollapseLab.Storage;

/// <summary>
/// A run folder that cannot serve what was asked of it: no run there, a file, arm, metric, table or saved model it
/// lacks, or a run in the wrong state (complete, stopped). Bad input like a <see cref="Specs.SpecException"/>, but
/// about a run rather than a spec: reported as "where: what is wrong. what to do" with exit code 2.
/// </summary>
public sealed class RunFolderException : Exception
{
    public RunFolderException(string message) : base(message) { }

    public RunFolderException(string message, Exception inner) : base(message, inner) { }

    public RunFolderException() { }
}
