using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace OutputMonitor.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> on 127.0.0.1 and a free port, with no persistence to disk, stopped at
/// the end. CI installs the package (.ci/run); a missing binary fails the test with that hint.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private readonly string? _directory;
    private Process? _process;

    public RedisServer()
    {
    }

    private RedisServer(string directory) => _directory = directory;

    /// <summary>
    /// A server that writes every change to its append-only file before answering (as production
    /// runs it), so that it can be killed and restarted without losing anything.
    /// </summary>
    public static RedisServer Durable() => new(Path.Combine(Path.GetTempPath(), $"om-redis-{Guid.NewGuid():N}"));

    public int Port { get; } = FreePort();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "yes" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_directory is null)
        {
            start.ArgumentList.Add("--appendonly");
            start.ArgumentList.Add("no");
        }
        else
        {
            Directory.CreateDirectory(_directory);
            foreach (var argument in new[] { "--appendonly", "yes", "--appendfsync", "always", "--dir", _directory })
            {
                start.ArgumentList.Add(argument);
            }
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: run 'apt-get install -y redis-server' (.ci/run does)", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        await WaitUntilReadyAsync();
    }

    public async Task FlushAllAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true");
        await connection.GetServer(ConnectionString).FlushAllDatabasesAsync();
    }

    /// <summary>SIGKILL, then the same server again on the same port (a durable one with all it had).</summary>
    public async Task RestartAsync()
    {
        Kill();
        await InitializeAsync();
    }

    public Task DisposeAsync()
    {
        Kill();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && _process is { HasExited: false })
            {
                // Polls a process becoming ready; there is no event to wait on.
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort() => FreePorts.Next();
}
