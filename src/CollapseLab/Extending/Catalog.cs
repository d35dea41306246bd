using CollapseLab.Curation;
using CollapseLab.Data;
using CollapseLab.Data.Sources;
using CollapseLab.Families;
using CollapseLab.Metrics;
using CollapseLab.Policies;
using CollapseLab.Specs;

namespace CollapseLab.Extending;

/// <summary>
/// Every registry a spec is read against: families (with the metrics and theory they bring), data sources,
/// policies, metrics and curation steps. Immutable and passed along with the spec, never global: a program adds
/// its own extensions with the With… methods (see ARCHITECTURE.md), and the built-in set is <see cref="BuiltIn"/>.
/// </summary>
public sealed class Catalog
{
    private readonly Dictionary<string, string> _metricOwners;

    private Catalog(Registry<FamilyRegistration> families, Registry<SourceRegistration> sources, Registry<PolicyRegistration> policies,
        Registry<Metric> metrics, Registry<CurationRegistration> curation, Dictionary<string, string> metricOwners)
    {
        Families = families;
        Sources = sources;
        Policies = policies;
        Metrics = metrics;
        Curation = curation;
        _metricOwners = metricOwners;
    }

    public static Catalog Empty { get; } = new(new("family"), new("data source"), new("policy"), new("metric"), new("curation step"), []);

    public static Catalog BuiltIn { get; } = BuiltInExtensions.Register(Empty);

    public Registry<FamilyRegistration> Families { get; }

    public Registry<SourceRegistration> Sources { get; }

    public Registry<PolicyRegistration> Policies { get; }

    /// <summary>Shared metrics and every family's own.</summary>
    public Registry<Metric> Metrics { get; }

    public Registry<CurationRegistration> Curation { get; }

    /// <summary>Adds a family with its own metrics (offered only with it) and theory.</summary>
    public Catalog WithFamily(FamilyRegistration family)
    {
        var owners = new Dictionary<string, string>(_metricOwners);
        foreach (var metric in family.Metrics)
        {
            owners[metric.Name] = family.Name;
        }
        return new(Families.With(family), Sources, Policies, Metrics.With(family.Metrics), Curation, owners);
    }

    public Catalog WithSource(SourceRegistration source) => new(Families, Sources.With(source), Policies, Metrics, Curation, _metricOwners);

    public Catalog WithPolicy(PolicyRegistration policy) => new(Families, Sources, Policies.With(policy), Metrics, Curation, _metricOwners);

    public Catalog WithMetric(Metric metric) => new(Families, Sources, Policies, Metrics.With(metric), Curation, _metricOwners);

    public Catalog WithCuration(CurationRegistration step) => new(Families, Sources, Policies, Metrics, Curation.With(step), _metricOwners);

    /// <summary>True when the registered <paramref name="family"/> declares <paramref name="capability"/>.</summary>
    public bool Provides(IFamily family, Capability capability) => Families[family.Name].Capabilities.Contains(capability);

    /// <summary>Names of the registered families that declare <paramref name="capability"/>.</summary>
    public IEnumerable<string> FamiliesWith(Capability capability) =>
        Families.All.Where(f => f.Capabilities.Contains(capability)).Select(f => f.Name);

    /// <summary>"needs a density over numeric rows; families with one: gaussian, gmm, kde", made from the registry.</summary>
    public string MissingCapability(Capability capability)
    {
        var with = FamiliesWith(capability).ToList();
        return $"needs {capability.Description}; families with one: {(with.Count == 0 ? "none registered" : string.Join(", ", with))}";
    }

    /// <summary>Why <paramref name="metric"/> cannot be computed for this family and data, or null when it can.</summary>
    public string? Unsupported(Metric metric, IFamily family, ExperimentData data)
    {
        if (_metricOwners.TryGetValue(metric.Name, out var owner) && owner != family.Name)
        {
            return $"is reported by the {owner} family only";
        }
        foreach (var capability in metric.Requires)
        {
            if (!Provides(family, capability))
            {
                return MissingCapability(capability);
            }
        }
        return metric.Unsupported(family, data);
    }

    /// <summary>Names of the metrics that can be computed for this family and data.</summary>
    public IEnumerable<string> AvailableMetrics(IFamily family, ExperimentData data) =>
        Metrics.All.Where(m => Unsupported(m, family, data) is null).Select(m => m.Name);

    /// <summary>
    /// The theory of the arm's family for a metric, or null where none applies. Closed forms assume each generation's
    /// samples reach the policy as drawn, so an arm with curation steps has none.
    /// </summary>
    public double[]? Predict(string metric, ArmSpec arm, int generations) => !arm.Curation.IsEmpty ? null :
        Families[arm.Family.Name].Theory.Select(t => t.Predict(metric, arm, generations)).FirstOrDefault(p => p is not null);
}
