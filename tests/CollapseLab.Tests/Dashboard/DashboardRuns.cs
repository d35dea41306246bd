using System.Net;
using System.Net.Sockets;
using System.Text;
using CollapseLab.Running;
using CollapseLab.Specs;

namespace CollapseLab.Tests.Dashboard;

/// <summary>
/// Runs for the live-view tests: a real run that advances only when the test lets it (each generation of each chain
/// waits on a gate after it is written to progress.csv), and raw HTTP requests that no client library normalises.
/// </summary>
internal sealed class GatedRun : IDisposable
{
    private readonly SemaphoreSlim _gate = new(0);
    private readonly Thread _thread;
    private Exception? _failure;

    public GatedRun(string runs, string yaml)
    {
        var spec = TestSpecs.Load(yaml);
        var options = new RunnerOptions(RunnerOptions.DefaultCheckpointInterval, _ =>
        {
            if (!_gate.Wait(TimeSpan.FromSeconds(120)))
            {
                throw new TimeoutException("the test never let the run continue");
            }
        });
        Session = RunSession.Start(spec, runs, 1, options);
        _thread = new Thread(() =>
        {
            try
            {
                Session.Execute(CancellationToken.None);
            }
            catch (Exception e)
            {
                _failure = e;
            }
        });
        _thread.Start();
    }

    public RunSession Session { get; }

    public string Id => Session.Folder.Id;

    /// <summary>Lets <paramref name="generations"/> more generations finish (over all chains).</summary>
    public void Advance(int generations) => _gate.Release(generations);

    /// <summary>Lets the run finish and waits for it.</summary>
    public void Finish()
    {
        _gate.Release(1_000_000);
        Assert.True(_thread.Join(TimeSpan.FromSeconds(120)), "the run did not finish");
        Assert.Null(_failure);
    }

    /// <summary>Lines of progress.csv (header included), waiting until there are at least <paramref name="lines"/>.</summary>
    public int WaitForProgress(int lines)
    {
        var path = Session.Folder.File(CollapseLab.Storage.ProgressLog.FileName);
        for (var i = 0; i < 600; i++)
        {
            var n = File.Exists(path) ? File.ReadAllLines(path).Length : 0;
            if (n >= lines)
            {
                return n;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"progress.csv never reached {lines} lines");
    }

    public void Dispose()
    {
        _gate.Release(1_000_000);
        _thread.Join(TimeSpan.FromSeconds(60));
        _gate.Dispose();
    }

    /// <summary>A small Gaussian spec: <paramref name="arms"/> named arms, one replicate, <paramref name="generations"/> generations.</summary>
    public static string Spec(int generations, string description = "gated run for live-view tests", params string[] arms)
    {
        var yaml = new StringBuilder();
        yaml.Append($"name: live\ndescription: {Quote(description)}\nseed: 3\ngenerations: {generations}\nreplicates: 1\n");
        yaml.Append("data: { source: gaussian, dim: 1, std: 1.0, train: 20, test: 200 }\nmodel: { family: gaussian, estimator: mle }\n");
        yaml.Append("metrics: [variance, kl]\narms:\n");
        var policies = new[] { "replace", "accumulate" };
        for (var i = 0; i < arms.Length; i++)
        {
            yaml.Append($"  - name: {Quote(arms[i])}\n    policy: {{ kind: {policies[i % policies.Length]} }}\n");
        }
        return yaml.ToString();
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string text) =>
        "\"" + string.Concat(text.Select(c => c switch
        {
            '\\' => "\\\\",
            '"' => "\\\"",
            _ when char.IsControl(c) => $"\\u{(int)c:x4}",
            _ => c.ToString(),
        })) + "\"";
}

internal static class RawHttp
{
    /// <summary>Sends <paramref name="target"/> exactly as given (no dot-segment removal, no re-encoding); returns status and body.</summary>
    public static async Task<(int Status, string Text)> Send(Uri server, string target, string method = "GET", string? host = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Parse(server.Host), server.Port);
        var stream = tcp.GetStream();
        var request = $"{method} {target} HTTP/1.1\r\nHost: {host ?? server.Authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text);
    }
}
