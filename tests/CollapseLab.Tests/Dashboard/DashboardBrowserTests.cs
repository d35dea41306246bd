using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CollapseLab.Dashboard.Server;
using CollapseLab.Tests.Reports;
using Xunit.Abstractions;

namespace CollapseLab.Tests.Dashboard;

/// <summary>What reports/check-dashboard.mjs saw on a dashboard page.</summary>
internal sealed record DashboardCheck(bool Ready, int Points, int GrownTo, bool Grew, int Navigations, int Charts, string[] ConsoleErrors,
    string[] PageErrors, string[] Requests, string[] Dialogs, JsonElement Injected, string Text);

/// <summary>The dashboard in headless Chromium (the system's, through playwright-core as the report tests drive it).</summary>
public sealed class DashboardBrowserTests(ITestOutputHelper log)
{
    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    [Fact]
    public async Task AChartGainsGenerations_AsTheRunProgresses_WithoutReload()
    {
        var runs = RunFolders.NewDirectory("dashboard-live");
        using var run = new GatedRun(runs, GatedRun.Spec(generations: 40, arms: ["replace", "accumulate"]));
        run.Advance(3);
        run.WaitForProgress(5);
        await using var server = await DashboardServer.StartAsync(runs, IPAddress.Loopback, 0, TimeSpan.FromMilliseconds(100));

        var check = Open(new Uri(server.Address, $"/run/{run.Id}"), "dashboard-live.png", grow: () => run.Advance(5));
        run.Finish();

        log.WriteLine($"points in the first chart: {check.Points} → {check.GrownTo}");
        Assert.True(check.Ready, string.Join("\n", check.PageErrors));
        Assert.True(check.Grew, $"the chart did not gain generations: {check.Points} → {check.GrownTo}");
        Assert.Equal(1, check.Navigations);
        Assert.True(check.Charts >= 2, $"expected a chart per metric, got {check.Charts}");
        Assert.Empty(check.ConsoleErrors);
        Assert.Empty(check.PageErrors);
        Assert.Empty(check.Requests);
    }

    [Fact]
    public async Task ScriptInArmNamesDescriptionsAndAlarms_StaysInert()
    {
        var runs = RunFolders.NewDirectory("dashboard-xss");
        using var run = new GatedRun(runs, GatedRun.Spec(generations: 6, description: HostileText.Samples[2], arms: [HostileText.Samples[0], HostileText.Samples[1]]));
        run.Finish();
        File.WriteAllText(run.Session.Folder.File("alarms.csv"),
            "arm,replicate,generation,signal,rule,value,threshold,action\n" +
            $"{CollapseLab.Storage.CsvExporter.Quote(HostileText.Samples[0])},0,3,\"<img src=x onerror=\"\"window.__collapselabInjected='alarm'\"\">\",cusum,1.5,1.2,<script>window.__collapselabInjected='action'</script>\n");
        await using var server = await DashboardServer.StartAsync(runs, IPAddress.Loopback, 0, TimeSpan.FromMilliseconds(100));

        var check = Open(new Uri(server.Address, $"/run/{run.Id}"), "dashboard-hostile.png", grow: null);

        Assert.True(check.Ready, string.Join("\n", check.PageErrors));
        Assert.Equal(JsonValueKind.Null, check.Injected.ValueKind);
        Assert.Empty(check.Dialogs);
        Assert.Empty(check.Requests);
        Assert.Empty(check.ConsoleErrors);
        Assert.Empty(check.PageErrors);
        // Shown as the characters they are.
        Assert.Contains(HostileText.Samples[0], check.Text, StringComparison.Ordinal);
        Assert.Contains("<script>window.__collapselabInjected='action'</script>", check.Text, StringComparison.Ordinal);
    }

    /// <summary>Runs check-dashboard.mjs on <paramref name="url"/>; with <paramref name="grow"/>, calls it once the first chart is drawn.</summary>
    private DashboardCheck Open(Uri url, string screenshotName, Action? grow)
    {
        var screenshot = Chromium.ScreenshotPath(screenshotName);
        using var process = Chromium.StartScript("check-dashboard.mjs", url.ToString(), screenshot, grow is null ? [] : ["grow"]);
        var stderr = process.StandardError.ReadToEndAsync();
        string? json = null;
        var reading = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith("READY", StringComparison.Ordinal))
                {
                    grow?.Invoke();
                }
                else if (line.StartsWith('{'))
                {
                    json = line;
                }
            }
        });
        if (!process.WaitForExit(150_000) || !reading.Wait(10_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"check-dashboard.mjs did not finish within 150 s for {url}");
        }
        log.WriteLine($"screenshot: {screenshot}");
        Assert.True(process.ExitCode == 0 && json is not null, $"check-dashboard.mjs failed ({process.ExitCode}): {stderr.Result}");
        return JsonSerializer.Deserialize<DashboardCheck>(json!, CaseInsensitive)!;
    }
}
