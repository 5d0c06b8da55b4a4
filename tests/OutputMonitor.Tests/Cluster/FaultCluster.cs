using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using MQTTnet;
using MQTTnet.Protocol;
using OutputMonitor.Registry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Cluster;

/// <summary>
/// The product in cluster mode, every part its own process on loopback: a durable redis-server, a
/// persistent Mosquitto, silos, a gateway on the external broker and a web node; a device publishing
/// a steady stream with duplicates; and a dashboard client on the hub. For fault drills.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    /// <summary>The line the stream goes to and the scopes above it whose totals must equal it.</summary>
    public static readonly string[] StreamScopes = ["line:ent-1/p1", "enterprise:ent-1", "region:city-a", "region:prov", "chain:chain-x"];

    private readonly string _registryFile;
    private readonly string _clusterId = $"fault-{Guid.NewGuid():N}";
    private readonly (int Silo, int Gateway, int Health)[] _siloPorts;
    private readonly ProductProcess?[] _silos;
    private ProductProcess? _gateway;
    private ProductProcess? _web;
    private readonly DeviceStream _stream;
    private HubConnection? _dashboard;
    private readonly ConcurrentDictionary<string, long> _dashboardGood = new(StringComparer.Ordinal);

    private FaultCluster(RedisServer redis, MosquittoBroker broker, string registryFile, int silos)
    {
        Redis = redis;
        Broker = broker;
        _registryFile = registryFile;
        _siloPorts = [.. Enumerable.Range(0, silos).Select(_ => (MosquittoBroker.FreePort(), MosquittoBroker.FreePort(), MosquittoBroker.FreePort()))];
        GatewayHealthPort = MosquittoBroker.FreePort();
        _silos = new ProductProcess?[silos];
        WebPort = MosquittoBroker.FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}"), Timeout = TimeSpan.FromSeconds(10) };
        _stream = new DeviceStream(broker.Port);
    }

    public RedisServer Redis { get; }

    public MosquittoBroker Broker { get; }

    public int WebPort { get; }

    /// <summary>Where the gateway serves <c>/healthz</c> and <c>/readyz</c> (<c>Health:Port</c>).</summary>
    public int GatewayHealthPort { get; }

    /// <summary>Where silo <paramref name="index"/> serves <c>/healthz</c> and <c>/readyz</c>.</summary>
    public int SiloHealthPort(int index) => _siloPorts[index].Health;

    public HttpClient Http { get; }

    /// <summary>
    /// ent-1/p1 takes the stream; ent-2/p1 reports down once, with a grace of 0 for its enterprise,
    /// to hold one open alert through every fault. No plans: no shortfall or stale alerts come and go.
    /// </summary>
    public static async Task<FaultCluster> StartAsync(int silos)
    {
        var redis = RedisServer.Durable();
        var broker = MosquittoBroker.Persistent();
        await redis.InitializeAsync();
        await broker.InitializeAsync();
        var registry = new RegistryDocument
        {
            Regions = [TestRegistry.Region("prov", null), TestRegistry.Region("city-a", "prov"), TestRegistry.Region("city-b", "prov")],
            Chains = [TestRegistry.Chain("chain-x")],
            Enterprises =
            [
                TestRegistry.Enterprise("ent-1", "city-a", "chain-x", TestRegistry.Production("p1")),
                TestRegistry.Enterprise("ent-2", "city-b", null, TestRegistry.Production("p1")) with { Alerts = new AlertSettings { GraceMinutes = 0 } },
            ],
        };
        var registryFile = Path.Combine(Path.GetTempPath(), $"om-fault-registry-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(registryFile, RegistryJson.Serialize(TestRegistry.OnTheRealClock(registry)));
        var cluster = new FaultCluster(redis, broker, registryFile, silos);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster.StartSilo(i);
            }

            cluster.StartGateway();
            cluster.StartWeb();
            await cluster.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            await cluster.ConnectDashboardAsync();
            return cluster;
        }
        catch
        {
            // The caller gets no cluster to dispose: stop the parts here, or they outlive the test run.
            await cluster.DisposeAsync();
            throw;
        }
    }

    private Dictionary<string, string> Common() => new()
    {
        ["Orleans:Clustering"] = "redis",
        ["Orleans:ClusterId"] = _clusterId,
        ["Orleans:ServiceId"] = _clusterId,
        ["Redis:ConnectionString"] = Redis.ConnectionString,
        ["Registry:Path"] = _registryFile,
        ["Alerts:EvaluateInterval"] = "00:00:02",
        ["Alerts:WatchAllAtStart"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:OutputMonitor"] = "Information",
    };

    public void StartSilo(int index)
    {
        var settings = Common();
        settings["Orleans:SiloPort"] = _siloPorts[index].Silo.ToString();
        settings["Orleans:GatewayPort"] = _siloPorts[index].Gateway.ToString();
        settings["Health:Port"] = _siloPorts[index].Health.ToString();
        _silos[index] = ProductProcess.Start(ProductPart.Silo, settings);
    }

    public void KillSilo(int index) => _silos[index]!.Kill();

    public void StartGateway()
    {
        var settings = Common();
        settings["Mqtt:Host"] = Broker.Host;
        settings["Mqtt:Port"] = Broker.Port.ToString();
        settings["Mqtt:ClientId"] = $"{_clusterId}-gateway";
        settings["Health:Port"] = GatewayHealthPort.ToString();

        // One gateway, on a plain subscription: Mosquitto keeps it over its own restart, not a $share one.
        settings["Mqtt:SharedGroup"] = "";
        _gateway = ProductProcess.Start(ProductPart.Gateway, settings);
    }

    public void KillGateway() => _gateway!.Kill();

    public void StartWeb()
    {
        var settings = Common();
        settings["Urls"] = $"http://127.0.0.1:{WebPort}";
        // The drills poll every scope every 20 ms until the totals are exact: far beyond a dashboard's rate.
        settings["RateLimit:PermitLimit"] = "1000000";
        _web = ProductProcess.Start(ProductPart.Web, settings);
    }

    public void KillWeb() => _web!.Kill();

    /// <summary>SIGTERM to every part (web, gateway, silos), as an operator stopping the service.</summary>
    public async Task StopAllAsync()
    {
        await _web!.StopAsync(TimeSpan.FromSeconds(30));
        await _gateway!.StopAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(_silos.Select(s => s!.StopAsync(TimeSpan.FromSeconds(30))));
    }

    public void StartAll()
    {
        for (var i = 0; i < _silos.Length; i++)
        {
            StartSilo(i);
        }

        StartGateway();
        StartWeb();
    }

    public string Logs => string.Join(
        Environment.NewLine + Environment.NewLine,
        _silos.Select((s, i) => $"silo-{i + 1}: {s?.Output}").Append($"gateway: {_gateway?.Output}").Append($"web: {_web?.Output}"));

    public DeviceStream Stream => _stream;

    /// <summary>Waits until every part says it is ready on its <c>/readyz</c>: the web node, the gateway (broker connected) and each running silo.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var parts = new List<Uri> { new($"http://127.0.0.1:{WebPort}/readyz"), new($"http://127.0.0.1:{GatewayHealthPort}/readyz") };
        parts.AddRange(_siloPorts.Where((_, i) => _silos[i] is { HasExited: false }).Select(p => new Uri($"http://127.0.0.1:{p.Health}/readyz")));
        var waiting = parts;
        await Eventually.HoldsAsync(
            async () =>
            {
                var answers = await Task.WhenAll(parts.Select(async uri => (uri, ready: await IsReadyAsync(uri))));
                waiting = [.. answers.Where(a => !a.ready).Select(a => a.uri)];
                return waiting.Count == 0;
            },
            timeout,
            () => $"every part is ready (not: {string.Join(", ", waiting)}); the parts wrote:{Environment.NewLine}{Logs}");
    }

    private async Task<bool> IsReadyAsync(Uri readyz)
    {
        try
        {
            return (await Http.GetAsync(readyz)).IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until every scope above the stream's line shows exactly <paramref name="expected"/>
    /// units over HTTP and the dashboard client has been sent the line's exact figure.
    /// </summary>
    public async Task WaitForExactTotalsAsync(long expected, TimeSpan timeout)
    {
        var seen = new Dictionary<string, long?>();
        await Eventually.HoldsAsync(
            async () =>
            {
                foreach (var scope in StreamScopes)
                {
                    seen[scope] = await GoodAsync(scope);
                }

                return seen.Values.All(v => v == expected) && _dashboardGood.GetValueOrDefault(StreamScopes[0]) == expected;
            },
            timeout,
            () => $"every scope at {expected} (saw {string.Join(", ", seen.Select(s => $"{s.Key}={s.Value}"))}, dashboard {_dashboardGood.GetValueOrDefault(StreamScopes[0])}; "
                + $"dead letters: {Fetch("/api/deadletters?enterprise=ent-1&limit=3")}; readiness: {Fetch("/readyz")}); the parts wrote:{Environment.NewLine}{Logs}");

        // For a failure message, written once.
        string Fetch(string path)
        {
            try
            {
                return Http.GetStringAsync(path).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return ex.Message;
            }
        }
    }

    /// <summary>Today's good units of a scope over HTTP; null while the web node or cluster cannot answer.</summary>
    public async Task<long?> GoodAsync(string scope)
    {
        try
        {
            using var json = JsonDocument.Parse(await Http.GetStringAsync($"/api/snapshot/{scope}"));
            return json.RootElement.GetProperty("today").GetProperty("good").GetInt64();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The ids of the open alerts of a scope; null while the web node cannot answer.</summary>
    public async Task<IReadOnlyList<string>?> OpenAlertIdsAsync(string scope)
    {
        try
        {
            var alerts = await Http.GetFromJsonAsync<JsonElement>($"/api/alerts?scope={scope}&status=open");
            return [.. alerts.EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>A .NET SignalR client on the web node, subscribed to the stream's line again after every reconnect.</summary>
    private async Task ConnectDashboardAsync()
    {
        _dashboard = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{WebPort}/hubs/monitor")
            .WithAutomaticReconnect(new EveryQuarterSecond())
            .Build();
        _dashboard.On<JsonElement>("snapshot", Accept);
        _dashboard.Reconnected += async _ => Accept(await _dashboard.InvokeAsync<JsonElement>("Subscribe", StreamScopes[0]));
        await _dashboard.StartAsync();
        Accept(await _dashboard.InvokeAsync<JsonElement>("Subscribe", StreamScopes[0]));

        void Accept(JsonElement snapshot) =>
            _dashboardGood[snapshot.GetProperty("scope").GetString()!] = snapshot.GetProperty("today").GetProperty("good").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }

        foreach (var part in _silos.Append(_gateway).Append(_web))
        {
            part?.Dispose();
        }

        Http.Dispose();
        await Broker.DisposeAsync();
        await Redis.DisposeAsync();
        File.Delete(_registryFile);
    }

    /// <summary>Reconnects for as long as the test runs: a web node may be down for a while.</summary>
    private sealed class EveryQuarterSecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromMilliseconds(250);
    }
}

/// <summary>
/// A device publishing output messages (1 unit each, ids <c>m-0</c>, <c>m-1</c>, …) at QoS 1 as fast as
/// the broker acknowledges, every 10th sent twice; across a broker restart it reconnects and sends
/// the unacknowledged message again. <see cref="Distinct"/> counts the ids the broker acknowledged.
/// </summary>
public sealed class DeviceStream(int port) : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private CancellationTokenSource? _running;
    private Task? _publishing;
    private long _next;

    public long Distinct => Interlocked.Read(ref _next);

    public void Start()
    {
        _running = new CancellationTokenSource();
        var token = _running.Token;
        _publishing = Task.Run(() => PublishAsync(token));
    }

    /// <summary>Waits until the broker has acknowledged <paramref name="more"/> more distinct messages than now: the stream flowed that much.</summary>
    public Task AcknowledgedAsync(long more, TimeSpan timeout)
    {
        var target = Distinct + more;
        return Eventually.HoldsAsync(() => Task.FromResult(Distinct >= target), timeout, () => $"{more} more messages acknowledged by the broker ({Distinct} of {target})");
    }

    /// <summary>Stops after the message in hand is acknowledged; returns how many distinct ids were.</summary>
    public async Task<long> StopAsync()
    {
        _running?.Cancel();
        if (_publishing is not null)
        {
            await _publishing;
        }

        return Distinct;
    }

    private async Task PublishAsync(CancellationToken stop)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (!stop.IsCancellationRequested)
        {
            var n = _next;
            var message = new MqttApplicationMessageBuilder()
                .WithTopic("om/v1/ent-1/p1/output")
                .WithPayload($"{{\"id\":\"m-{n}\",\"ts\":{now},\"good\":1}}")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            for (var copies = n % 10 == 0 ? 2 : 1; copies > 0;)
            {
                if (await TrySendAsync(message))
                {
                    copies--;
                }
            }

            Interlocked.Increment(ref _next);
        }
    }

    private async Task<bool> TrySendAsync(MqttApplicationMessage message)
    {
        try
        {
            if (!_client.IsConnected)
            {
                await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"device-{port}").WithCleanSession(false).Build());
            }

            var result = await _client.PublishAsync(message);
            return result.IsSuccess;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // The broker is restarting: connect again and resend (the gateway dedupes what it had).
            await Task.Delay(100);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
    }
}
