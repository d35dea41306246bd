namespace CollapseLab.Families;

/// <summary>A model that is a Gaussian mixture (a single Gaussian is one component), so closed-form L2 and per-component metrics apply.</summary>
public interface IMixtureForm : IModel
{
    Mixture.GaussianComponents Components { get; }
}
