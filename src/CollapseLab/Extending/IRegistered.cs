namespace CollapseLab.Extending;

/// <summary>An entry of a <see cref="Registry{T}"/>: its name is what a spec writes to choose it.</summary>
public interface IRegistered
{
    string Name { get; }
}
