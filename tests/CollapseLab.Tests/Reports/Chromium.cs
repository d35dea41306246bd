using System.Diagnostics;
using System.Text.Json;

namespace CollapseLab.Tests.Reports;

/// <summary>A test that needs the system Chromium (Debian: apt-get install -y chromium); skipped, saying so, without it.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Missing() is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>What reports/check-report.mjs saw when it opened a report in headless Chromium.</summary>
internal sealed record BrowserCheck(int Charts, int Drawn, int Failed, bool Ready, string[] ConsoleErrors, string[] PageErrors,
    string[] Requests, string[] Dialogs, JsonElement Injected, string[] SampleText, int Images, double FirstScreenMs, double DrawMs);

/// <summary>Drives the system Chromium through reports/check-report.mjs (playwright-core with executablePath, no browser download).</summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "reports", "package.json")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (reports/package.json) above " + AppContext.BaseDirectory);
    }

    public static string? Missing()
    {
        var browser = Environment.GetEnvironmentVariable("COLLAPSELAB_CHROMIUM") ?? Executable;
        if (!File.Exists(browser))
        {
            return $"headless-browser test skipped: no Chromium at {browser} (Debian: apt-get install -y chromium; or set COLLAPSELAB_CHROMIUM).";
        }
        if (!Directory.Exists(Path.Combine(RepositoryRoot(), "reports", "node_modules", "playwright-core")))
        {
            return "headless-browser test skipped: reports/node_modules/playwright-core is missing (run 'npm ci' in reports/; the build does it).";
        }
        return null;
    }

    /// <summary>Opens <paramref name="report"/>, saves a full-page screenshot, and returns what the page did.</summary>
    public static BrowserCheck Open(string report, string screenshot)
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(root, "reports"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "check-report.mjs", report, screenshot, Environment.GetEnvironmentVariable("COLLAPSELAB_CHROMIUM") ?? Executable })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"check-report.mjs did not finish within 120 s for {report}");
        }
        var text = stdout.Result.Trim();
        Assert.True(process.ExitCode == 0 && text.StartsWith('{'), $"check-report.mjs failed ({process.ExitCode}): {stderr.Result}\n{text}");
        return JsonSerializer.Deserialize<BrowserCheck>(text, CaseInsensitive)!;
    }

    /// <summary>Where screenshots are kept for a person to look at: TestResults/screenshots beside the test assembly.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
