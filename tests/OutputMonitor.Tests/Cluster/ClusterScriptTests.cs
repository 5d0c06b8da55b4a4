using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OutputMonitor.Registry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Cluster;

/// <summary>
/// <c>scripts/cluster</c> as an operator runs it: it starts a cluster of separate processes on
/// loopback (Redis, Mosquitto, silos, a gateway on the shared subscription, a web node), the cluster
/// counts what a device publishes to that Mosquitto, and <c>stop</c> leaves nothing running.
/// </summary>
public sealed class ClusterScriptTests : IAsyncLifetime
{
    private readonly ClusterScript _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.StopAndDeleteAsync();

    [Fact]
    public async Task A_started_cluster_counts_telemetry_from_its_broker_once_and_stop_leaves_no_process()
    {
        var started = await _cluster.RunAsync("start", "--silos", "2", "--gateways", "1", "--webs", "1", "--timeout", "100");
        Assert.Contains("cluster ready", started, StringComparison.Ordinal);
        var settings = _cluster.Settings();
        var mqttPort = int.Parse(settings["MQTT_PORT"]);
        using var web = new HttpClient { BaseAddress = new Uri(settings["WEB_URLS"].Split(',')[0]), Timeout = TimeSpan.FromSeconds(10) };

        // The same message twice, then another: when the last is counted, the repeat was seen (one
        // gateway keeps a line's order) and must not have counted.
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const string Topic = "om/v1/joincare/api-line-2/output";
        await MqttTestClient.MosquittoPubAsync(mqttPort, Topic, $$"""{"id":"script-1","ts":{{ts}},"good":123,"scrap":4}""");
        await MqttTestClient.MosquittoPubAsync(mqttPort, Topic, $$"""{"id":"script-1","ts":{{ts}},"good":123,"scrap":4}""");
        await MqttTestClient.MosquittoPubAsync(mqttPort, Topic, $$"""{"id":"script-2","ts":{{ts}},"good":1,"scrap":0}""");

        // The line counts at once; its enterprise when the line's next push arrives (a 250 ms timer).
        (long Good, long Scrap) line = (-1, -1), enterprise = (-1, -1);
        await Eventually.HoldsAsync(
            async () =>
            {
                line = await TodayAsync(web, "line:joincare/api-line-2");
                enterprise = await TodayAsync(web, "enterprise:joincare");
                return line.Good >= 124 && enterprise.Good >= 124;
            },
            TimeSpan.FromSeconds(30),
            "the published readings in GET /api/snapshot on the web node");
        Assert.Equal((124, 4), line);
        Assert.Equal((124, 4), enterprise);

        // Every part read the registry the script was given (its plant days are the test run's).
        var regions = (await web.GetFromJsonAsync<JsonElement>("/api/registry")).GetProperty("regions").EnumerateArray();
        var topZones = regions.Where(r => !r.TryGetProperty("parent", out var parent) || parent.ValueKind == JsonValueKind.Null).Select(r => r.GetProperty("timeZone").GetString()).ToList();
        Assert.NotEmpty(topZones);
        Assert.All(topZones, zone => Assert.Equal(TestRegistry.RealClockTimeZone, zone));

        var processes = _cluster.Pids();
        Assert.Equal(6, processes.Count);
        var stopped = await _cluster.RunAsync("stop");
        Assert.Contains("stopped", stopped, StringComparison.Ordinal);
        Assert.All(processes, pid => Assert.False(ClusterScript.IsAlive(pid), $"process {pid} outlived stop"));
        Assert.Empty(_cluster.ProcessesOfThisCluster(settings["REDIS"]));
    }

    private static async Task<(long Good, long Scrap)> TodayAsync(HttpClient web, string scope)
    {
        using var response = await web.GetAsync($"/api/snapshot/{scope}");
        if (!response.IsSuccessStatusCode)
        {
            return (-1, -1);
        }

        var today = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("today");
        return (today.GetProperty("good").GetInt64(), today.GetProperty("scrap").GetInt64());
    }
}

/// <summary>
/// Runs <c>scripts/cluster</c> on a run directory of its own, on the binaries these tests were
/// built with (<c>--no-build</c>, same configuration), and stops whatever it started at the end.
/// </summary>
internal sealed class ClusterScript
{
    private static readonly string Root = FindRoot();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"om-cluster-{Guid.NewGuid():N}");

    // The demo registry, its zones on the real clock's (TestRegistry.RealClockTimeZone), for every part the script starts.
    private readonly string _registryFile = Path.Combine(Path.GetTempPath(), $"om-cluster-registry-{Guid.NewGuid():N}.json");

    /// <summary>Debug or Release: the configuration of this test assembly, so the parts are the ones just built.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Runs a command of the script and returns its output; fails the test with it if the script fails.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        start.ArgumentList.Add(Path.Combine(Root, "scripts", "cluster"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (arguments is ["start", ..])
        {
            await File.WriteAllTextAsync(_registryFile, RegistryJson.Serialize(TestRegistry.OnTheRealClock(RegistryJson.LoadDemo())));
            start.Environment["Registry__Path"] = _registryFile;
            start.ArgumentList.Add("--no-build");
            start.ArgumentList.Add("--configuration");
            start.ArgumentList.Add(Configuration);
        }

        start.Environment["OM_CLUSTER_DIR"] = _directory;
        start.Environment["OM_CLUSTER_STOP_TIMEOUT"] = "20";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"scripts/cluster {string.Join(' ', arguments)} did not finish in 150 s:{Environment.NewLine}{output}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"scripts/cluster {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{output}");
        return output.ToString();
    }

    /// <summary>The cluster's cluster.env: ports, counts, the web nodes' addresses.</summary>
    public Dictionary<string, string> Settings() =>
        File.ReadAllLines(Path.Combine(_directory, "cluster.env"))
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    /// <summary>The processes the script started, from its pid files ("PID STARTTIME").</summary>
    public IReadOnlyList<int> Pids() =>
        [.. Directory.EnumerateFiles(Path.Combine(_directory, "pids"), "*.pid").Select(file => int.Parse(File.ReadAllText(file).Split(' ')[0]))];

    /// <summary>Live processes whose command line names this cluster's run directory or its Redis (every part does).</summary>
    public IReadOnlyList<string> ProcessesOfThisCluster(string redis) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Where(path => int.TryParse(Path.GetFileName(path), out var pid) && pid != Environment.ProcessId)
            .Select(path => (Path: path, CommandLine: ReadCommandLine(path)))
            .Where(p => p.CommandLine.Contains(_directory, StringComparison.Ordinal) || p.CommandLine.Contains(redis, StringComparison.Ordinal))
            .Where(p => IsAlive(int.Parse(Path.GetFileName(p.Path))))
            .Select(p => $"{Path.GetFileName(p.Path)}: {p.CommandLine}")];

    /// <summary>Alive and not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Stops whatever is still running (after a failed test) and deletes the run directory.</summary>
    public async Task StopAndDeleteAsync()
    {
        if (File.Exists(Path.Combine(_directory, "cluster.env")))
        {
            try
            {
                await RunAsync("stop");
            }
            catch (Exception)
            {
                // Best effort after a failed test: the test's own assertion says what went wrong.
            }
        }

        File.Delete(_registryFile);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string ReadCommandLine(string process)
    {
        try
        {
            return File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OutputMonitor.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("solution root not found");
    }
}
