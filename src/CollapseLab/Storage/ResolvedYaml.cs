using System.Globalization;
using YamlDotNet.Serialization;

namespace CollapseLab.Storage;

/// <summary>Writes a resolved spec (nested dictionaries, lists and scalars) as YAML with invariant numbers.</summary>
public static class ResolvedYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithIndentedSequences()
        .Build();

    public static string Write(object resolved) => Serializer.Serialize(Normalize(resolved));

    private static object Normalize(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IDictionary<string, object> map => map.ToDictionary(kv => kv.Key, kv => Normalize(kv.Value)),
        System.Collections.IEnumerable list and not string => list.Cast<object>().Select(Normalize).ToList(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value,
    };
}
