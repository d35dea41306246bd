using System.Collections.Immutable;
using CollapseLab.Specs;

namespace CollapseLab.Extending;

/// <summary>
/// The entries of one kind of extension (families, data sources, policies, metrics, curation steps) by the name a
/// spec uses. Immutable: <see cref="With"/> returns a new registry, so a program or a test adds its own entries
/// without touching anyone else's.
/// </summary>
public sealed class Registry<T> where T : IRegistered
{
    private readonly ImmutableDictionary<string, T> _byName;
    private readonly ImmutableList<string> _order;

    /// <param name="kind">What the entries are, for messages ("family", "data source").</param>
    public Registry(string kind) : this(kind, ImmutableDictionary<string, T>.Empty, []) { }

    private Registry(string kind, ImmutableDictionary<string, T> byName, ImmutableList<string> order)
    {
        Kind = kind;
        _byName = byName;
        _order = order;
    }

    public string Kind { get; }

    /// <summary>Names in registration order.</summary>
    public IReadOnlyList<string> Names => _order;

    public IEnumerable<T> All => _order.Select(n => _byName[n]);

    public T? Find(string name) => _byName.GetValueOrDefault(name);

    public T this[string name] => _byName.TryGetValue(name, out var entry)
        ? entry
        : throw new KeyNotFoundException($"no {Kind} named '{name}' is registered.{Suggestions.DidYouMean(name, _order)}");

    public Registry<T> With(T entry) => _byName.ContainsKey(entry.Name)
        ? throw new ArgumentException($"a {Kind} named '{entry.Name}' is already registered")
        : new Registry<T>(Kind, _byName.Add(entry.Name, entry), _order.Add(entry.Name));

    public Registry<T> With(IEnumerable<T> entries) => entries.Aggregate(this, (registry, entry) => registry.With(entry));

    /// <summary>The entry a spec key names (with <paramref name="fallback"/> when absent); an unknown name is a located error with a suggestion.</summary>
    public T Read(SpecReader reader, string key, string? fallback) => _byName[reader.Choice(key, fallback, _order)];
}
