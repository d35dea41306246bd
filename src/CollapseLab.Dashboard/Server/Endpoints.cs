using System.Text;
using System.Text.Json.Nodes;
using CollapseLab.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CollapseLab.Dashboard.Server;

/// <summary>Every route the dashboard answers (GET and HEAD only); anything else is 404, or 405 for other methods.</summary>
internal static class Endpoints
{
    private static readonly string[] Read = ["GET", "HEAD"];

    /// <summary>Dashboard pages: own scripts only (Vega compiles chart expressions, hence 'unsafe-eval'), no inline script, no other origin.</summary>
    public const string PagePolicy = "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>A run's own files: a sandbox (an origin of their own), no network; a report's inline scripts may run in it.</summary>
    private const string FilePolicy = "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

    public static void Map(WebApplication app, RunsDirectory runs, EventStreams streams)
    {
        app.MapMethods("/", Read, (HttpContext c) => Html(c, Pages.Index(runs)));
        app.MapMethods("/run/{id}", Read, (HttpContext c, string id) => runs.Run(id) is { } run ? Html(c, Pages.Run(run)) : NotFound(c));
        app.MapMethods("/api/runs", Read, (HttpContext c) =>
            Json(c, Escaping.ScriptJson(new JsonArray(runs.Runs().Select(s => (JsonNode?)SnapshotJson.Node(s)).ToArray()))));
        app.MapMethods("/api/runs/{id}", Read, (HttpContext c, string id) => runs.Run(id) is { } run ? Json(c, SnapshotJson.Write(run.Refresh())) : NotFound(c));
        app.MapMethods("/api/runs/{id}/charts", Read, (HttpContext c, string id) => runs.Run(id) is { } run ? Json(c, run.ChartsJson()) : NotFound(c));
        app.MapMethods("/api/runs/{id}/events", Read, (HttpContext c, string id) => runs.Run(id) is { } run ? streams.Serve(c, run) : NotFound(c));
        app.MapMethods("/static/{name}", Read, (HttpContext c, string name) => Assets.Find(name) is { } asset
            ? Send(c, asset.ContentType, asset.Bytes, cache: true) : NotFound(c));
        app.MapMethods("/files/{**path}", Read, (HttpContext c) => File(c, runs));
    }

    private static Task Html(HttpContext context, string html)
    {
        context.Response.Headers.ContentSecurityPolicy = PagePolicy;
        return Send(context, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));
    }

    private static Task Json(HttpContext context, string json) => Send(context, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json));

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Send(context, "text/plain; charset=utf-8", "Not found.\n"u8.ToArray());
    }

    private static async Task Send(HttpContext context, string type, byte[] body, bool cache = false)
    {
        context.Response.ContentType = type;
        context.Response.ContentLength = body.Length;
        context.Response.Headers.CacheControl = cache ? "max-age=3600" : "no-cache";
        try
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left mid-response.
        }
    }

    /// <summary>/files/PATH: a file (or folder listing) inside the runs folder; whatever resolves outside it is 404.</summary>
    private static async Task File(HttpContext context, RunsDirectory runs)
    {
        var relative = context.Request.Path.Value!["/files".Length..];
        if (runs.Resolve(relative) is not { } path)
        {
            await NotFound(context);
            return;
        }
        context.Response.Headers.ContentSecurityPolicy = FilePolicy;
        if (Directory.Exists(path))
        {
            await Send(context, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(Pages.Listing(runs, path)));
            return;
        }
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await NotFound(context);
            return;
        }
        await using (stream)
        {
            context.Response.ContentType = ContentType(path);
            context.Response.ContentLength = stream.Length;
            context.Response.Headers.CacheControl = "no-cache";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }
            try
            {
                await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The client left mid-download.
            }
        }
    }

    private static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" or ".htm" => "text/html; charset=utf-8",
        ".csv" => "text/csv; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".yaml" or ".yml" or ".txt" or ".log" or ".md" => "text/plain; charset=utf-8",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
