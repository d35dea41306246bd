using CollapseLab.Dashboard.Live;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CollapseLab.Dashboard.Server;

/// <summary>
/// Server-sent events of one run: an `update` event (the run and its charts as JSON) whenever the run's files change,
/// polled every interval, and a comment line every 15 s so proxies keep the connection. A client that goes away ends
/// its loop (the request is aborted, or a write fails), and nothing else notices.
/// </summary>
internal sealed class EventStreams(TimeSpan pollInterval) : IDisposable
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stopping = new();
    private int _active;

    /// <summary>Streams open right now.</summary>
    public int Active => Volatile.Read(ref _active);

    public void Stop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();

    public async Task Serve(HttpContext context, LiveRun run)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Interlocked.Increment(ref _active);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = stop.Token;
        try
        {
            await response.WriteAsync("retry: 2000\n\n", token);
            long sent = -1;
            var quietSince = DateTime.UtcNow;
            while (!token.IsCancellationRequested)
            {
                var snapshot = await Task.Run(() => run.Refresh(), token);
                if (snapshot.Version != sent)
                {
                    var charts = await Task.Run(run.ChartsJson, token);
                    await response.WriteAsync($"event: update\ndata: {{\"run\":{SnapshotJson.Write(snapshot)},\"charts\":{charts}}}\n\n", token);
                    sent = snapshot.Version;
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > KeepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", token);
                    quietSince = DateTime.UtcNow;
                }
                await response.Body.FlushAsync(token);
                await Task.Delay(pollInterval, token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client left (or the server is stopping): nothing to clean up beyond this stream.
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}
