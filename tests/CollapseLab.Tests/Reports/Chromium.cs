using System.Diagnostics;
using System.Text.Json;

namespace CollapseLab.Tests.Reports;

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

    /// <summary>The browser's path; fails the test, saying what to install, when it or playwright-core is missing.</summary>
    private static string Require()
    {
        var browser = Environment.GetEnvironmentVariable("COLLAPSELAB_CHROMIUM") ?? Executable;
        Assert.True(File.Exists(browser), $"headless-browser test: no Chromium at {browser} (scripts/deps.sh installs it; Debian: apt-get install -y chromium; or set COLLAPSELAB_CHROMIUM).");
        Assert.True(Directory.Exists(Path.Combine(RepositoryRoot(), "reports", "node_modules", "playwright-core")),
            "headless-browser test: reports/node_modules/playwright-core is missing (run 'npm ci' in reports/; the build does it).");
        return browser;
    }

    /// <summary>Starts <c>node reports/SCRIPT PAGE SCREENSHOT BROWSER EXTRA…</c> with its output redirected, once the browser is known to be there.</summary>
    public static Process StartScript(string script, string page, string screenshot, params string[] extra)
    {
        var browser = Require();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(RepositoryRoot(), "reports"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])[script, page, screenshot, browser, .. extra])
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    /// <summary>Opens <paramref name="report"/>, saves a full-page screenshot, and returns what the page did.</summary>
    public static BrowserCheck Open(string report, string screenshot)
    {
        using var process = StartScript("check-report.mjs", report, screenshot);
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
