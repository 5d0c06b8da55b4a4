using System.Diagnostics;

namespace OutputMonitor.Tests.Support;

/// <summary>The real gateway executable (Gateway/bin/…/OutputMonitor.Gateway.dll) in its own process, to be killed with SIGKILL.</summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private GatewayProcess(Process process) => _process = process;

    public static GatewayProcess Start(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(GatewayAssembly());
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the gateway did not start");
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => gateway.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => $"[pid {_process.Id}, exited: {(_process.HasExited ? _process.ExitCode.ToString() : "no")}]{Environment.NewLine}{string.Join(Environment.NewLine, _output)}";

    public bool HasExited => _process.HasExited;

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 40 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>SIGKILL: no drain, no disconnect, nothing acknowledged that was not already.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    /// <summary>The gateway built beside these tests (same configuration), found from the solution root.</summary>
    private static string GatewayAssembly()
    {
        var testOutput = AppContext.BaseDirectory;
        var configuration = testOutput.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(testOutput);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OutputMonitor.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("solution root not found"), "Gateway", "bin", configuration, "net10.0", "OutputMonitor.Gateway.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first", path);
    }
}
