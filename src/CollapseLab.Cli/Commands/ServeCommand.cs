using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using CollapseLab.Dashboard.Server;

namespace CollapseLab.Cli.Commands;

/// <summary>`collapse serve`: the read-only live dashboard of a runs folder, on loopback unless --host says otherwise.</summary>
internal static class ServeCommand
{
    public const int DefaultPort = 8765;

    public static Command Build()
    {
        var port = new Option<int>("--port", "-p") { Description = $"TCP port (0: any free port; default {DefaultPort}).", DefaultValueFactory = _ => DefaultPort };
        var host = new Option<string>("--host") { Description = "Address to listen on (default 127.0.0.1, this machine only). Anything else is reachable by others, who can then read every run: there is no login.", DefaultValueFactory = _ => "127.0.0.1" };
        var runs = CommonOptions.Runs();
        var command = new Command("serve", "Serve a live web dashboard of the runs folder: runs, progress, alarms and the report's charts, updated as generations complete (server-sent events). Read-only; Ctrl+C stops it.")
        {
            port, host, runs,
        };
        command.SetAction(parsed =>
        {
            var portNumber = parsed.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                throw new CommandLineException($"--port {portNumber}: give a TCP port from 1 to 65535, or 0 for any free one.");
            }
            var address = Address(parsed.GetValue(host)!);
            var error = parsed.InvocationConfiguration.Error;
            if (!IPAddress.IsLoopback(address))
            {
                error.WriteLine($"warning: --host {address}: the dashboard has no login; anyone who can reach this address can read every run under the runs folder.");
            }
            DashboardServer server;
            try
            {
                server = DashboardServer.StartAsync(parsed.GetValue(runs)!, address, portNumber).GetAwaiter().GetResult();
            }
            catch (DashboardBindException e)
            {
                throw new CommandLineException(e.Message, e);
            }
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            try
            {
                parsed.InvocationConfiguration.Output.WriteLine($"serving {server.Runs.Root} at {server.Address} (read-only; Ctrl+C stops)");
                DashboardServer.WaitAsync(stop.Token).GetAwaiter().GetResult();
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return CollapseCli.Ok;
        });
        return command;
    }

    private static IPAddress Address(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        return IPAddress.TryParse(host, out var address)
            ? address
            : throw new CommandLineException($"--host {host}: give an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).");
    }
}
