using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CollapseLab.Dashboard.Server;

/// <summary>A bind that failed: the address is taken or cannot be used. The CLI reports it as bad input (exit 2).</summary>
public sealed class DashboardBindException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// `collapse serve`: a read-only web dashboard of one runs folder on Kestrel. Only GET and HEAD are answered (anything
/// else is 405); pages, the run API, server-sent events and the folder's files are all it serves. It binds to
/// loopback unless told otherwise, and accepts only Host headers naming the address it listens on (so a web page
/// elsewhere cannot reach it through DNS rebinding).
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, RunsDirectory runs, Uri address, EventStreams streams)
    {
        _app = app;
        Runs = runs;
        Address = address;
        Streams = streams;
    }

    public RunsDirectory Runs { get; }

    /// <summary>Where it listens, e.g. http://127.0.0.1:8765/ (the actual port when 0 was asked for).</summary>
    public Uri Address { get; }

    internal EventStreams Streams { get; }

    /// <summary>Starts serving <paramref name="runsDirectory"/> on <paramref name="host"/>:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<DashboardServer> StartAsync(string runsDirectory, IPAddress host, int port, TimeSpan? pollInterval = null)
    {
        var runs = new RunsDirectory(runsDirectory);
        var streams = new EventStreams(pollInterval ?? TimeSpan.FromMilliseconds(500));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = runs.Root, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(host, port);
        });
        var app = builder.Build();
        var allowedHosts = AllowedHosts(host);
        app.Use(async (context, next) =>
        {
            var response = context.Response;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers.XFrameOptions = "DENY";
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                response.Headers.Allow = "GET, HEAD";
                await response.WriteAsync("This dashboard is read-only: only GET and HEAD are answered.\n");
                return;
            }
            if (allowedHosts is not null && !allowedHosts.Contains(context.Request.Host.Host))
            {
                response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                await response.WriteAsync("Unknown Host header: open the dashboard at the address 'collapse serve' printed.\n");
                return;
            }
            await next(context);
        });
        Endpoints.Map(app, runs, streams);
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is IOException or AddressInUseException or SocketException)
        {
            await app.DisposeAsync();
            var taken = e is AddressInUseException || e.InnerException is AddressInUseException
                || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
            throw new DashboardBindException(taken
                ? $"--port {port}: port {port} on {host} is already in use (another 'collapse serve'?). Pick another with --port, or --port 0 for any free one."
                : $"--host {host} --port {port}: cannot listen there ({e.Message}).", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal) + "/");
        return new DashboardServer(app, runs, address, streams);
    }

    /// <summary>Host names a browser uses for a loopback address; null (any) when listening on every interface.</summary>
    private static HashSet<string>? AllowedHosts(IPAddress host)
    {
        if (host.Equals(IPAddress.Any) || host.Equals(IPAddress.IPv6Any))
        {
            return null;
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { host.ToString(), $"[{host}]" };
        if (IPAddress.IsLoopback(host))
        {
            names.UnionWith(["localhost", "127.0.0.1", "[::1]"]);
        }
        return names;
    }

    /// <summary>Waits until <paramref name="stop"/> fires.</summary>
    public static async Task WaitAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Streams.Stop();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(patience.Token);
        await _app.DisposeAsync();
        Streams.Dispose();
    }
}
