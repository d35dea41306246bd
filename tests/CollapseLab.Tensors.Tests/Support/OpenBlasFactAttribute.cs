using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Tests.Support;

/// <summary>A fact that is skipped, with the package to install, when libopenblas cannot be loaded.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenBlasFactAttribute : FactAttribute
{
    public OpenBlasFactAttribute()
    {
        if (!OpenBlasGemm.IsAvailable)
        {
            Skip = "libopenblas.so.0 not found (Debian: apt-get install libopenblas0-pthread)";
        }
    }
}

/// <summary>A theory that is skipped, with the package to install, when libopenblas cannot be loaded.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenBlasTheoryAttribute : TheoryAttribute
{
    public OpenBlasTheoryAttribute()
    {
        if (!OpenBlasGemm.IsAvailable)
        {
            Skip = "libopenblas.so.0 not found (Debian: apt-get install libopenblas0-pthread)";
        }
    }
}
