using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using MQTTnet;
using MQTTnet.Protocol;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// The load of the <c>dashboard</c> and <c>soak</c> commands: MQTT publishers at a steady rate of
/// single-reading QoS 1 messages (<c>good</c> 1 each), and SignalR clients whose snapshots are timed
/// against the publish of the message they are as fresh as.
/// </summary>
internal static class DashboardLoad
{
    public const string LinePath = "dashboard: line scope";
    public const string EnterprisePath = "dashboard: enterprise scope";

    /// <summary>The <paramref name="q"/> quantile of sorted samples (NaN when there are none).</summary>
    public static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// The load's publishers (under <paramref name="topicRoot"/>) sending its rate between them for
    /// <paramref name="duration"/>; the number sent.
    /// </summary>
    public static async Task<long> PublishAsync(DashboardLoadSettings load, int port, TimeSpan duration, PublishLog log, string topicRoot) =>
        (await Task.WhenAll(Enumerable.Range(0, load.Publishers).Select(p => PublishAsync(p, load.Publishers, port, load.Registry, load.Rate, duration, log, topicRoot)))).Sum();

    /// <summary>
    /// The load's SignalR clients of the product's hub; client <c>i</c> subscribes to enterprise
    /// <c>i</c> mod E and two of its lines. Every snapshot is timed into <paramref name="latencies"/>.
    /// </summary>
    public static async Task<DashboardClients> ConnectAsync(DashboardLoadSettings load, int httpPort, PublishLog log, Latencies latencies)
    {
        var registry = load.Registry;
        var clients = new DashboardClients();
        for (var i = 0; i < load.Clients; i++)
        {
            var enterprise = registry.Document.Enterprises[i % registry.Enterprises];
            var connection = new HubConnectionBuilder().WithUrl($"http://127.0.0.1:{httpPort}/hubs/monitor").Build();
            connection.On<JsonElement>("snapshot", snapshot =>
            {
                var now = Stopwatch.GetTimestamp();
                var scope = snapshot.GetProperty("scope").GetString()!;
                var good = snapshot.GetProperty("today").GetProperty("good").GetInt64();
                latencies.Seen(scope, good);
                if (good > 0)
                {
                    latencies.Add(scope.StartsWith("line:", StringComparison.Ordinal) ? LinePath : EnterprisePath, log.TicksOf(scope, good), now);
                }
            });
            // Alerts are not timed, but a message without a handler costs the client an exception each.
            connection.On<JsonElement>("alert", _ => { });
            clients.Connections.Add(connection);
            await connection.StartAsync();
            var lines = enterprise.Lines;
            foreach (var scope in (string[])[$"enterprise:{enterprise.Id}", $"line:{enterprise.Id}/{lines[i % lines.Count].Id}", $"line:{enterprise.Id}/{lines[(i + 1) % lines.Count].Id}"])
            {
                await connection.InvokeAsync<JsonElement>("Subscribe", scope);
                clients.Scopes.Add(scope);
            }
        }

        return clients;
    }

    /// <summary>Whether every scope's last snapshot equals what was published to it, waiting up to <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitExactAsync(IEnumerable<string> scopes, Latencies latencies, PublishLog log, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (scopes.All(s => latencies.LastGood(s) == log.Count(s)))
            {
                return true;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>One publisher: every <paramref name="count"/>-th line from <paramref name="index"/>, so each line has one publisher and keeps its order.</summary>
    private static async Task<long> PublishAsync(int index, int count, int port, GeneratedRegistry registry, int rate, TimeSpan duration, PublishLog log, string topicRoot)
    {
        await using var mqtt = await Mqtt.ConnectAsync(port, $"bench-publisher-{index}");
        var lines = registry.Lines.Where((_, i) => i % count == index).ToArray();
        var perSecond = rate / (double)count;
        using var inFlight = new SemaphoreSlim(256);
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            if (sent >= due)
            {
                await Task.Delay(1);
                continue;
            }

            var line = lines[sent % lines.Length];
            var n = log.Next(line);
            var body = Encoding.UTF8.GetBytes($"{{\"id\":\"m{n}\",\"ts\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},\"good\":1}}");
            var message = new MqttApplicationMessageBuilder().WithTopic($"{topicRoot}{line.Enterprise}/{line.Line}/output").WithPayload(body).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await inFlight.WaitAsync();
            pending.Add(PublishOneAsync(mqtt, message, inFlight));
            sent++;
            if (pending.Count > 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
        return sent;
    }

    private static async Task PublishOneAsync(Mqtt mqtt, MqttApplicationMessage message, SemaphoreSlim inFlight)
    {
        try
        {
            await mqtt.Client.PublishAsync(message);
        }
        finally
        {
            inFlight.Release();
        }
    }
}

/// <summary>The options of the load both commands share; <c>rate</c> and <c>warmup</c> have each command's own default.</summary>
internal sealed record DashboardLoadSettings(int Rate, int Clients, GeneratedRegistry Registry, int Publishers, TimeSpan Warmup)
{
    public static DashboardLoadSettings From(CommandLine options, int rate, int warmupSeconds) => new(
        options.Int("rate", rate),
        options.Int("clients", 50),
        GeneratedRegistry.Create(options.Int("lines", 1000)),
        options.Int("publishers", 4),
        TimeSpan.FromSeconds(options.Int("warmup", warmupSeconds)));

    public string Describe() =>
        $"{Rate:N0} msg/s (1 reading each, QoS 1) from {Publishers} publishers over {Registry.Describe()}; {Clients} SignalR clients, each on 1 enterprise + 2 of its lines; warm-up {Warmup.TotalSeconds} s";
}

/// <summary>The SignalR clients of a run and the scopes they subscribed to (a scope once per client).</summary>
internal sealed class DashboardClients : IAsyncDisposable
{
    public List<HubConnection> Connections { get; } = [];

    public HashSet<string> Scopes { get; } = new(StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in Connections)
        {
            await connection.DisposeAsync();
        }
    }
}

/// <summary>
/// When each message was published: by message number, and the n-th message of each line and
/// enterprise. <see cref="Forget"/> drops what was published before an instant (a long run would
/// otherwise hold every timestamp); the counts stay.
/// </summary>
internal sealed class PublishLog
{
    private readonly Dictionary<string, Times> _byScope = new(StringComparer.Ordinal);
    private readonly Times _byMessage = new();
    private readonly Lock _lock = new();

    /// <summary>Messages published so far.</summary>
    public long Published
    {
        get
        {
            lock (_lock)
            {
                return _byMessage.Count;
            }
        }
    }

    public long Next(LineRef line)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            Of($"line:{line.Enterprise}/{line.Line}").Ticks.Add(now);
            Of($"enterprise:{line.Enterprise}").Ticks.Add(now);
            _byMessage.Ticks.Add(now);
            return _byMessage.Count - 1;
        }
    }

    public long TicksOfMessage(long n)
    {
        lock (_lock)
        {
            return _byMessage.TicksOf(n + 1);
        }
    }

    /// <summary>When the <paramref name="good"/>-th message of a scope was published (0: unknown or forgotten).</summary>
    public long TicksOf(string scope, long good)
    {
        lock (_lock)
        {
            return _byScope.TryGetValue(scope, out var times) ? times.TicksOf(good) : 0;
        }
    }

    public long Count(string scope)
    {
        lock (_lock)
        {
            return _byScope.TryGetValue(scope, out var times) ? times.Count : 0;
        }
    }

    /// <summary>Drops the times of messages published before <paramref name="ticks"/>.</summary>
    public void Forget(long ticks)
    {
        lock (_lock)
        {
            _byMessage.Forget(ticks);
            foreach (var times in _byScope.Values)
            {
                times.Forget(ticks);
            }
        }
    }

    private Times Of(string scope)
    {
        if (!_byScope.TryGetValue(scope, out var times))
        {
            _byScope[scope] = times = new Times();
        }

        return times;
    }

    /// <summary>The publish times of one scope's messages, the first <see cref="_dropped"/> forgotten.</summary>
    private sealed class Times
    {
        private long _dropped;

        public List<long> Ticks { get; } = [];

        public long Count => _dropped + Ticks.Count;

        public long TicksOf(long n) => n > _dropped && n <= Count ? Ticks[(int)(n - _dropped - 1)] : 0;

        public void Forget(long before)
        {
            var n = 0;
            while (n < Ticks.Count && Ticks[n] < before)
            {
                n++;
            }

            Ticks.RemoveRange(0, n);
            _dropped += n;
        }
    }
}

/// <summary>
/// Latency samples per path (from <see cref="From"/> on), the highest total seen per scope, and the
/// snapshots whose publish time was unknown (forgotten by the <see cref="PublishLog"/>: older than its retention).
/// </summary>
internal sealed class Latencies
{
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastGood = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _unmatched;

    public long From { get; set; } = long.MaxValue;

    public void Add(string path, long published, long received)
    {
        if (published == 0)
        {
            if (received >= From)
            {
                Interlocked.Increment(ref _unmatched);
            }

            return;
        }

        if (published < From)
        {
            return;
        }

        lock (_lock)
        {
            if (!_samples.TryGetValue(path, out var list))
            {
                _samples[path] = list = [];
            }

            list.Add((received - published) * 1000.0 / Stopwatch.Frequency);
        }
    }

    public void Seen(string scope, long good)
    {
        lock (_lock)
        {
            _lastGood[scope] = Math.Max(good, _lastGood.GetValueOrDefault(scope));
        }
    }

    public long LastGood(string scope)
    {
        lock (_lock)
        {
            return _lastGood.GetValueOrDefault(scope);
        }
    }

    /// <summary>The samples so far, sorted, per path (by name).</summary>
    public IReadOnlyList<(string Name, double[] Sorted)> Sorted()
    {
        lock (_lock)
        {
            return SortedSamples();
        }
    }

    /// <summary>The samples so far, sorted, per path, and the unmatched snapshots; both start again from none.</summary>
    public (IReadOnlyList<(string Name, double[] Sorted)> Samples, long Unmatched) Drain()
    {
        lock (_lock)
        {
            var sorted = SortedSamples();
            _samples.Clear();
            return (sorted, Interlocked.Exchange(ref _unmatched, 0));
        }
    }

    private List<(string Name, double[] Sorted)> SortedSamples() =>
        [.. _samples.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.Order().ToArray()))];
}

/// <summary>First-chance and unobserved exceptions of this process, counted by type, message and place.</summary>
internal sealed class ExceptionTally
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public ExceptionTally()
    {
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => Count($"{e.Exception.GetType().Name}: {Short(e.Exception.Message)} @ {e.Exception.TargetSite?.DeclaringType?.Name}.{e.Exception.TargetSite?.Name}");
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            var inner = e.Exception.InnerException ?? e.Exception;
            Count($"unobserved {inner.GetType().Name}: {Short(inner.Message)} @ {inner.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
        };
    }

    /// <summary>Prints the ten most frequent (after a collection, so that unobserved task exceptions show).</summary>
    public void Print()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        foreach (var (what, count) in _counts.OrderByDescending(e => e.Value).Take(10))
        {
            Console.WriteLine($"exceptions: {count:N0} × {what}");
        }
    }

    private static string Short(string message) => message[..Math.Min(100, message.Length)];

    private void Count(string what) => _counts.AddOrUpdate(what, 1, (_, n) => n + 1);
}
