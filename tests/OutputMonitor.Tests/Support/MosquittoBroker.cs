using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutputMonitor.Tests.Support;

/// <summary>
/// A real <c>mosquitto</c> on 127.0.0.1 and a free port, stopped at the end. Anonymous by default;
/// with users, a password file (and an optional ACL file) is written for it; or given files as they are. Queues are raised so
/// that the broker never drops messages silently under test load.
/// </summary>
public sealed class MosquittoBroker : IAsyncLifetime
{
    private readonly Dictionary<string, string> _users;
    private readonly string? _acl;
    private string? _passwordFile;
    private bool _persistent;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"om-mosquitto-{Guid.NewGuid():N}");
    private Process? _process;

    public MosquittoBroker()
        : this(new Dictionary<string, string>(), null)
    {
    }

    private MosquittoBroker(Dictionary<string, string> users, string? acl)
    {
        _users = users;
        _acl = acl;
    }

    /// <summary>A broker that refuses anonymous clients: these users, and the ACL file's rules if given.</summary>
    public static MosquittoBroker WithUsers(Dictionary<string, string> users, string? acl = null) => new(users, acl);

    /// <summary>
    /// A broker that refuses anonymous clients and uses these files as they are: a password file
    /// (<c>user:$7$…</c> lines) and an ACL file, e.g. those <c>mosquitto-files</c> writes.
    /// </summary>
    public static MosquittoBroker WithFiles(string passwordFile, string aclFile) => new(new Dictionary<string, string>(), aclFile) { _passwordFile = passwordFile };

    /// <summary>An anonymous broker that keeps sessions and queued messages on disk across a graceful restart.</summary>
    public static MosquittoBroker Persistent() => new(new Dictionary<string, string>(), null) { _persistent = true };

    public int Port { get; private set; } = FreePort();

    public string Host => "127.0.0.1";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var config = new StringBuilder()
            .AppendLine($"listener {Port} 127.0.0.1")
            .AppendLine(_persistent ? $"persistence true{Environment.NewLine}persistence_location {_directory}/" : "persistence false")
            .AppendLine("max_queued_messages 1000000")
            .AppendLine("max_inflight_messages 0")
            .AppendLine("log_dest stderr")
            .AppendLine("log_type error");
        if (_users.Count == 0 && _passwordFile is null)
        {
            config.AppendLine("allow_anonymous true");
        }
        else
        {
            var passwords = Path.Combine(_directory, "passwords");
            if (_passwordFile is not null)
            {
                await File.WriteAllTextAsync(passwords, _passwordFile);
            }

            foreach (var (user, password) in _users)
            {
                await RunAsync("mosquitto_passwd", File.Exists(passwords) ? ["-b", passwords, user, password] : ["-c", "-b", passwords, user, password]);
            }

            config.AppendLine("allow_anonymous false").AppendLine($"password_file {passwords}");
            if (_acl is not null)
            {
                var aclFile = Path.Combine(_directory, "acl");
                await File.WriteAllTextAsync(aclFile, _acl);
                config.AppendLine($"acl_file {aclFile}");
            }
        }

        var configFile = Path.Combine(_directory, "mosquitto.conf");
        await File.WriteAllTextAsync(configFile, config.ToString());

        // Run as root, mosquitto drops to its own user before reading these files.
        await RunAsync("chmod", ["-R", _persistent ? "a+rwX" : "a+rX", _directory]);
        await StartAsync(configFile);
    }

    /// <summary>Stops the broker (as a crash would) and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        Kill();
        await StartAsync(Path.Combine(_directory, "mosquitto.conf"));
    }

    /// <summary>Kills the broker and leaves it down, until <see cref="StartAgainAsync"/>.</summary>
    public void Stop() => Kill();

    /// <summary>Starts a stopped broker again on the same port.</summary>
    public Task StartAgainAsync() => StartAsync(Path.Combine(_directory, "mosquitto.conf"));

    /// <summary>SIGTERM (a persistent broker writes its sessions and queues to disk), then starts it again on the same port.</summary>
    public async Task RestartGracefullyAsync()
    {
        if (_process is { HasExited: false } running)
        {
            using (var signal = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", running.Id.ToString() }, UseShellExecute = false }))
            {
                await signal!.WaitForExitAsync();
            }

            await running.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        Kill();
        await StartAsync(Path.Combine(_directory, "mosquitto.conf"));
    }

    public Task DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }

        return Task.CompletedTask;
    }

    private async Task StartAsync(string configFile)
    {
        try
        {
            _process = Process.Start(new ProcessStartInfo("mosquitto") { ArgumentList = { "-c", configFile }, RedirectStandardError = true, UseShellExecute = false })
                ?? throw new InvalidOperationException("mosquitto did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("mosquitto is not installed: run 'apt-get install -y mosquitto mosquitto-clients' (.ci/run does)", ex);
        }

        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                // Polls a process becoming ready; there is no event to wait on.
                await Task.Delay(25);
            }
        }
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

    private static async Task RunAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    internal static int FreePort() => FreePorts.Next();
}
