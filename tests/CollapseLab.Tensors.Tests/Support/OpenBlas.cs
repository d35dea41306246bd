using CollapseLab.Tensors.Kernels;

namespace CollapseLab.Tensors.Tests.Support;

/// <summary>OpenBLAS for the tests that compare it: scripts/deps.sh installs it, so a missing library fails the test with the package to install.</summary>
public static class OpenBlas
{
    public static OpenBlasGemm Create(int threads, OpenBlasThreading threading = OpenBlasThreading.Tiles) =>
        OpenBlasGemm.TryCreate(threads, threading)
        ?? throw new InvalidOperationException("libopenblas.so.0 not found: install it with scripts/deps.sh (Debian: apt-get install libopenblas0-pthread).");
}
