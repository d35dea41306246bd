namespace CollapseLab.Storage;

/// <summary>
/// An index store that cannot be used: a malformed --store / COLLAPSELAB_STORE, or a database that does not answer.
/// Bad input (exit 2), with the host and port or the part of the URL to change.
/// </summary>
public sealed class StoreException : Exception
{
    public StoreException(string message) : base(message) { }

    public StoreException(string message, Exception inner) : base(message, inner) { }

    public StoreException() { }
}
