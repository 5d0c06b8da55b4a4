using Microsoft.Extensions.Hosting;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// <c>silo</c>: the product silo alone on the given loopback ports, for the client benchmark. Prints
/// <c>READY</c> once started, and ends when its stdin closes (the parent ended or let it go).
/// </summary>
internal static class SiloCommand
{
    public const string ReadyLine = "READY ";

    public static async Task<int> RunAsync(CommandLine options)
    {
        var siloPort = options.Int("silo-port", 0);
        var gatewayPort = options.Int("gateway-port", 0);
        if (siloPort == 0 || gatewayPort == 0)
        {
            throw new ArgumentException("silo needs --silo-port and --gateway-port");
        }

        using var host = BenchHosts.BuildSilo(siloPort, gatewayPort, options.Span("push-interval"));
        await host.StartAsync();
        Console.Out.WriteLine($"{ReadyLine}gateway=127.0.0.1:{gatewayPort} pid={Environment.ProcessId}");
        Console.Out.Flush();

        // The parent keeps our stdin open while it needs us. Console reads block, so they get a thread
        // of their own rather than one of the thread pool's (two on this machine). A graceful stop would
        // deactivate every grain into the in-memory storage that is itself stopping: end at once instead.
        var stdinClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            Console.In.ReadToEnd();
            stdinClosed.SetResult();
        })
        { IsBackground = true, Name = "stdin" }.Start();
        await stdinClosed.Task;
        Environment.Exit(0);
        return 0;
    }
}
