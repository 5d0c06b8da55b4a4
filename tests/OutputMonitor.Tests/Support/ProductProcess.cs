using System.Diagnostics;

namespace OutputMonitor.Tests.Support;

/// <summary>The product's parts that run as processes of their own in cluster mode.</summary>
public enum ProductPart
{
    Silo,
    Gateway,
    Web,
}

/// <summary>
/// A real part executable (e.g. Gateway/bin/…/OutputMonitor.Gateway.dll) in its own process, built
/// beside these tests, to be killed with SIGKILL or stopped with SIGTERM as an operator would.
/// </summary>
public sealed class ProductProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private ProductProcess(Process process) => _process = process;

    public static ProductProcess Start(ProductPart part, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var assembly = PartAssembly(part);
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // The part's folder, where its content (the web's wwwroot) is.
            WorkingDirectory = Path.Combine(WebProduct.RepositoryRoot, part.ToString()),
        };
        start.ArgumentList.Add(assembly);
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"the {part} did not start");
        var started = new ProductProcess(process);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
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

    /// <summary>SIGTERM, as systemd stops a unit: the host drains and leaves the cluster; killed if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var signal = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false }))
        {
            await signal!.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    /// <summary>The part built beside these tests (same configuration).</summary>
    internal static string PartAssembly(ProductPart part)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(WebProduct.RepositoryRoot, part.ToString(), "bin", configuration, "net10.0", $"OutputMonitor.{part}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first", path);
    }
}
