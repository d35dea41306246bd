using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CollapseLab.Cli;
using CollapseLab.Dashboard.Server;
using CollapseLab.Tests.Reports;

namespace CollapseLab.Tests.Dashboard;

/// <summary>One served runs folder for the server tests: a real small run, a folder outside it and symbolic links.</summary>
public sealed class ServedRuns : IAsyncLifetime
{
    public string Runs { get; } = RunFolders.NewDirectory("dashboard");

    public string Outside { get; } = RunFolders.NewDirectory("dashboard-outside");

    public string Secret { get; } = $"TOP-SECRET-{Guid.NewGuid():N}";

    public string Run { get; private set; } = "";

    public DashboardServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Run = RunFolders.DefaultRun(Runs, generations: 4, replicates: 2).Id;
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), Secret);
        File.WriteAllText(Path.Combine(Outside, CollapseLab.Storage.RunFolder.SpecFile), "name: outside\ngenerations: 1\nreplicates: 1\n");
        Directory.CreateSymbolicLink(Path.Combine(Runs, "link-out"), Outside);
        File.CreateSymbolicLink(Path.Combine(Runs, Run, "secret-link.txt"), Path.Combine(Outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(Runs, Run, "inside-link.yaml"), Path.Combine("..", Run, CollapseLab.Storage.RunFolder.SpecFile));
        File.CreateSymbolicLink(Path.Combine(Runs, "loop"), Path.Combine(Runs, "loop"));
        Server = await DashboardServer.StartAsync(Runs, IPAddress.Loopback, 0, TimeSpan.FromMilliseconds(100));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>`collapse serve` over real sockets: read-only, only its folder, loopback by default, and it keeps serving.</summary>
public sealed class DashboardServerTests(ServedRuns served) : IClassFixture<ServedRuns>
{
    private readonly string _runs = served.Runs;
    private readonly string _outside = served.Outside;
    private readonly string _secret = served.Secret;
    private readonly string _run = served.Run;
    private readonly DashboardServer _server = served.Server;

    [Fact]
    public async Task Traversal_EncodedForms_AbsolutePaths_AndSymlinksOut_Get404()
    {
        var outsideRelative = Path.GetRelativePath(_runs, Path.Combine(_outside, "secret.txt")).Replace('\\', '/');
        var targets = new[]
        {
            $"/files/{outsideRelative}",
            $"/files/{_run}/../../{Path.GetFileName(_outside)}/secret.txt",
            "/files/../../../../etc/passwd",
            "/files/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/files/..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/files/%252e%252e/%252e%252e/etc/passwd",
            "/files/..%5c..%5c..%5cetc%5cpasswd",
            "/files//etc/passwd",
            "/files/%2fetc%2fpasswd",
            $"/files/{Uri.EscapeDataString(Path.Combine(_outside, "secret.txt"))}",
            $"/files{Path.Combine(_outside, "secret.txt")}",
            "/files/link-out/secret.txt",
            $"/files/{_run}/secret-link.txt",
            "/files/loop",
            "/files/loop/x",
            "/run/link-out",
            "/api/runs/link-out",
            "/api/runs/link-out/events",
            "/run/..%2f..%2fetc",
            "/api/runs/..%2f..%2fetc/charts",
            "/static/..%2f..%2fetc%2fpasswd",
            "/nothing-here",
        };
        foreach (var target in targets)
        {
            var (status, text) = await RawHttp.Send(_server.Address, target);
            Assert.True(status == 404, $"{target}: expected 404, got {status}");
            Assert.DoesNotContain(_secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("root:x:0:0", text, StringComparison.Ordinal);
        }
        // A link that stays inside the folder is followed.
        var inside = await RawHttp.Send(_server.Address, $"/files/{_run}/inside-link.yaml");
        Assert.Equal(200, inside.Status);
        Assert.Contains("generations: 4", inside.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingWrites_EveryOtherMethodIs405()
    {
        foreach (var method in new[] { "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND" })
        {
            foreach (var target in new[] { "/", $"/run/{_run}", "/api/runs", $"/api/runs/{_run}/events", $"/files/{_run}/spec.yaml", "/nothing-here" })
            {
                var (status, text) = await RawHttp.Send(_server.Address, target, method);
                Assert.True(status == 405, $"{method} {target}: expected 405, got {status}");
                Assert.Contains("Allow: GET, HEAD", text, StringComparison.Ordinal);
            }
        }
        var before = Directory.GetFileSystemEntries(_runs, "*", SearchOption.AllDirectories).Order().ToList();
        Assert.Equal(200, (await RawHttp.Send(_server.Address, $"/files/{_run}/spec.yaml", "HEAD")).Status);
        Assert.Equal(before, Directory.GetFileSystemEntries(_runs, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public async Task BindsToLoopbackByDefault_AndRefusesForeignHostHeaders()
    {
        var parsed = CollapseCli.Build().Parse(["serve"]);
        Assert.Equal("127.0.0.1", parsed.GetValue<string>("--host"));
        Assert.Equal("127.0.0.1", _server.Address.Host);
        // A page elsewhere that rebinds its DNS name to 127.0.0.1 sends its own Host header.
        Assert.Equal(421, (await RawHttp.Send(_server.Address, "/", host: "attacker.example:80")).Status);
        Assert.Equal(200, (await RawHttp.Send(_server.Address, "/", host: $"localhost:{_server.Address.Port}")).Status);
    }

    [Fact]
    public async Task TwoHundredConcurrentRequests_AllAnswered()
    {
        using var client = new HttpClient { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(60) };
        var targets = new[] { "/", $"/run/{_run}", $"/api/runs/{_run}", $"/api/runs/{_run}/charts", "/static/vega-lite.min.js", $"/files/{_run}/metrics.csv", "/api/runs", $"/files/{_run}/" };
        var requests = Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await client.GetAsync(targets[i % targets.Length]);
            var body = await response.Content.ReadAsByteArrayAsync();
            return (response.StatusCode, body.Length);
        });
        var results = await Task.WhenAll(requests);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(results, r => Assert.True(r.Length > 0));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task ClientsThatLeaveMidStream_AreLetGo_AndTheServerKeepsServing()
    {
        File.WriteAllBytes(Path.Combine(_runs, _run, "big.bin"), new byte[32 << 20]);
        var clients = new List<TcpClient>();
        for (var i = 0; i < 20; i++)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _server.Address.Port);
            var target = i % 4 == 0 ? $"/files/{_run}/big.bin" : $"/api/runs/{_run}/events";
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {_server.Address.Authority}\r\n\r\n"));
            var buffer = new byte[4096];
            var seen = new StringBuilder();
            while (!seen.ToString().Contains(i % 4 == 0 ? "\r\n\r\n" : "event: update", StringComparison.Ordinal))
            {
                var n = await tcp.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(n > 0, "the server closed the stream early");
                seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            clients.Add(tcp);
        }
        Assert.True(_server.Streams.Active > 0);
        foreach (var tcp in clients)
        {
            tcp.Client.LingerState = new LingerOption(true, 0);   // reset, not a polite close
            tcp.Dispose();
        }
        for (var i = 0; i < 200 && _server.Streams.Active > 0; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(0, _server.Streams.Active);
        using var client = new HttpClient { BaseAddress = _server.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/run/{_run}")).StatusCode);
        using var events = await client.GetStreamAsync($"/api/runs/{_run}/events");
        using var reader = new StreamReader(events);
        Assert.StartsWith("event: update", await ReadEvent(reader), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventStream_FollowsARunAsItProgresses()
    {
        using var run = new GatedRun(_runs, GatedRun.Spec(generations: 20, arms: ["replace"]));
        run.WaitForProgress(2);
        using var client = new HttpClient { BaseAddress = _server.Address, Timeout = Timeout.InfiniteTimeSpan };
        using var events = await client.GetStreamAsync($"/api/runs/{run.Id}/events");
        using var reader = new StreamReader(events);
        var first = Done(await ReadEvent(reader));
        run.Advance(5);
        long later;
        do
        {
            later = Done(await ReadEvent(reader));
        }
        while (later < first + 5);
        Assert.True(later > first);
        run.Finish();
        string status;
        do
        {
            status = Status(await ReadEvent(reader));
        }
        while (status != "complete");
    }

    [Fact]
    public async Task PortInUse_IsBadInput_NamingThePort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var error = new StringWriter();
        var code = await Task.Run(() => CollapseCli.Run(["serve", "--runs", _runs, "--port", $"{port}"], new StringWriter(), error));
        Assert.Equal(CollapseCli.BadInput, code);
        Assert.Contains($"--port {port}", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("already in use", error.ToString(), StringComparison.Ordinal);

        Assert.Equal(CollapseCli.BadInput, CollapseCli.Run(["serve", "--runs", _runs, "--host", "not-an-address"], new StringWriter(), error));
        Assert.Contains("--host not-an-address", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(CollapseCli.BadInput, CollapseCli.Run(["serve", "--runs", Path.Combine(_runs, "missing")], new StringWriter(), error));
        Assert.Contains("--runs", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunText_IsEscaped_AndPagesCarryAStrictPolicy()
    {
        using var run = new GatedRun(_runs, GatedRun.Spec(generations: 3, description: HostileText.Samples[2], arms: [HostileText.Samples[0], HostileText.Samples[1]]));
        run.Finish();
        using var client = new HttpClient { BaseAddress = _server.Address };
        foreach (var page in new[] { "/", $"/run/{run.Id}" })
        {
            using var response = await client.GetAsync(page);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(Endpoints.PagePolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.DoesNotContain("<script>window", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
            var scripts = html.Split("<script").Length - 1;
            Assert.Equal(page == "/" ? 0 : VegaScripts + 1, scripts);
            Assert.Equal(scripts, html.Split("<script src=\"/static/").Length - 1);
        }
        var json = await client.GetStringAsync($"/api/runs/{run.Id}");
        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(HostileText.Samples[0], doc.RootElement.GetProperty("latest")[0].GetProperty("arm").GetString());
    }

    [Fact]
    public async Task RunFiles_AreServedSandboxed_WithTheirOwnTypes()
    {
        using var client = new HttpClient { BaseAddress = _server.Address };
        using var report = await client.GetAsync($"/files/{_run}/report.html");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html", report.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("sandbox allow-scripts; default-src 'none'", report.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", report.Headers.GetValues("X-Content-Type-Options").Single());
        using var csv = await client.GetAsync($"/files/{_run}/summary.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("arm,generation,metric", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var listing = await client.GetAsync($"/files/{_run}/");
        Assert.Contains($"href=\"/files/{_run}/summary.csv\"", await listing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static readonly int VegaScripts = CollapseLab.Reports.VegaLibraries.Files.Length;

    private static async Task<string> ReadEvent(StreamReader reader)
    {
        var text = new StringBuilder();
        while (true)
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0 && text.ToString().Contains("event: update", StringComparison.Ordinal))
            {
                return text.ToString();
            }
            if (line.Length == 0)
            {
                text.Clear();   // a retry or keep-alive block
            }
            if (line.Length > 0)
            {
                text.AppendLine(line);
            }
        }
    }

    private static JsonElement Run(string eventText)
    {
        var data = eventText.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        using var doc = JsonDocument.Parse(data);
        return doc.RootElement.GetProperty("run").Clone();
    }

    private static long Done(string eventText) => Run(eventText).GetProperty("done").GetInt64();

    private static string Status(string eventText) => Run(eventText).GetProperty("status").GetString()!;
}
