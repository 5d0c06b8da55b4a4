using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OutputMonitor.Gateway.Ingestion;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Ingestion;

/// <summary>
/// The gateway's round goes to the silo's ingest router in one call, which answers per line: a line
/// that fails is sent again alone, one its grain does not know is dead-lettered, and a line with
/// more readings than a call takes goes in several calls.
/// </summary>
public sealed class IngestRouterTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Writes of this line's state fail while armed, as a store that is briefly away would make them.
    private readonly FailingWrites _failing = new("ent-3/p2");
    private readonly Task<ProductHosts> _hosts;

    public IngestRouterTests() => _hosts = ProductHosts.StartSiloAsync(TestRegistry.Small(), configure: _failing.Decorate);

    public async ValueTask DisposeAsync() => await (await _hosts).DisposeAsync();

    [Fact]
    public async Task The_router_answers_each_line_in_order_and_one_bad_line_does_not_fail_the_others()
    {
        var grains = (await _hosts).Grains;
        var now = DateTimeOffset.UtcNow;
        var outcomes = await grains.GetIngestRouterGrain().IngestAsync(
        [
            new LineReadings("ent-1", "p1", [Reading.Output("r-1", now, 4), Reading.Output("r-2", now, 5)]),
            new LineReadings("ent-9", "nowhere", [Reading.Output("r-3", now, 1)]),
            new LineReadings("ent-1", "s1", null!),
            new LineReadings("ent-2", "p1", [Reading.Output("r-5", now, 6), Reading.Output("r-1", now, 6)]),
        ]);

        Assert.Equal(4, outcomes.Count);
        Assert.Equal(new IngestResult { Accepted = 2 }, outcomes[0].Result);
        Assert.True(outcomes[1].Result!.UnknownLine);
        Assert.Null(outcomes[2].Result);
        Assert.False(string.IsNullOrEmpty(outcomes[2].Error));
        Assert.Equal(new IngestResult { Accepted = 2 }, outcomes[3].Result);

        // The same ids again: counted once.
        var again = await grains.GetIngestRouterGrain().IngestAsync([new LineReadings("ent-1", "p1", [Reading.Output("r-1", now, 4), Reading.Output("r-6", now, 1)])]);
        Assert.Equal(new IngestResult { Accepted = 1, Duplicates = 1 }, Assert.Single(again).Result);
        Assert.Equal(10, (await grains.GetLineGrain("ent-1", "p1").GetSnapshotAsync())!.Today.Good);
        Assert.Equal(12, (await grains.GetLineGrain("ent-2", "p1").GetSnapshotAsync())!.Today.Good);
    }

    [Fact]
    public async Task A_line_that_fails_is_sent_again_alone_and_the_lines_beside_it_are_not()
    {
        var hosts = await _hosts;
        var (status, device) = await StartGatewayAsync(hosts, "Gateway:MaxRetryDelay", "00:00:00.100");
        await using var _ = device;

        var now = DateTimeOffset.UtcNow;
        _failing.Arm(3);
        await Task.WhenAll(Enumerable.Range(0, 40).SelectMany(i => new[]
        {
            device.PublishAsync("om/v1/ent-3/p1/output", Output($"p1-{i}", now, 1)),
            device.PublishAsync("om/v1/ent-3/p2/output", Output($"p2-{i}", now, 2)),
        }));

        await Eventually.HoldsAsync(() => status.Messages == 80, Timeout, "80 messages acknowledged");
        Assert.Equal(3, _failing.Failed);
        Assert.True(status.Retries >= 1, "the failing line was retried");
        var beside = (await hosts.Grains.GetLineGrain("ent-3", "p1").GetSnapshotAsync())!;
        Assert.Equal((40L, 0L), (beside.Today.Good, beside.Duplicates));
        Assert.Equal(80, (await hosts.Grains.GetLineGrain("ent-3", "p2").GetSnapshotAsync())!.Today.Good);
        Assert.Equal(0, status.DeadLetters.Values.Sum());
    }

    [Fact]
    public async Task A_line_with_more_readings_than_a_call_takes_goes_in_several_calls_and_counts_once()
    {
        var hosts = await _hosts;
        var (status, device) = await StartGatewayAsync(hosts, "Gateway:MaxReadingsPerCall", "40");
        await using var _ = device;

        var now = DateTimeOffset.UtcNow;
        string Batch(string prefix, int from) => $"[{string.Join(',', Enumerable.Range(from, 100).Select(i => Output($"{prefix}-{i}", now, 1)))}]";
        foreach (var from in new[] { 0, 100, 200 })
        {
            await device.PublishAsync("om/v1/ent-1/p1/output", Batch("a", from));
            await device.PublishAsync("om/v1/ent-2/p1/output", Batch("b", from));
            await device.PublishAsync("om/v1/ent-9/p1/output", Batch("c", from));
        }

        await Eventually.HoldsAsync(() => status.Messages == 9, Timeout, "9 messages acknowledged");
        Assert.Equal(300, (await hosts.Grains.GetLineGrain("ent-1", "p1").GetSnapshotAsync())!.Today.Good);
        Assert.Equal(300, (await hosts.Grains.GetLineGrain("ent-2", "p1").GetSnapshotAsync())!.Today.Good);
        Assert.Equal(600, status.Readings);

        // 300 readings a line, at most 40 a call: at least 8 calls each (more if the messages came in several rounds).
        Assert.True(status.GrainCalls >= 16, $"{status.GrainCalls} line calls");
        Assert.Equal(3, status.DeadLetters.GetValueOrDefault(RejectionCodes.UnknownLine));
    }

    [Fact]
    public async Task A_lines_messages_that_keep_coming_wait_for_each_other_and_share_its_call()
    {
        var hosts = await _hosts;
        var (status, device) = await StartGatewayAsync(hosts, "Gateway:BatchLinger", "00:00:01");
        await using var _ = device;

        var now = DateTimeOffset.UtcNow;
        string Load(int i) => JsonSerializer.Serialize(new { id = $"v-{i}", ts = now.ToUnixTimeMilliseconds(), tons = 2.5 });

        // A first message, so that the calls below find the path warm (a cold first call holds up what follows it).
        await device.PublishAsync("om/v1/ent-1/s1/shipment", Load(0));
        await Eventually.HoldsAsync(() => status.Messages == 1, Timeout, "the first message acknowledged");
        var callsBefore = status.GrainCalls;

        // One after another, each awaiting its PUBACK: without the linger, most went in a call of their own.
        for (var i = 1; i <= 60; i++)
        {
            await device.PublishAsync("om/v1/ent-1/s1/shipment", Load(i));
        }

        await Eventually.HoldsAsync(() => status.Messages == 61, Timeout, "61 messages acknowledged");
        Assert.Equal(152.5m, (await hosts.Grains.GetLineGrain("ent-1", "s1").GetSnapshotAsync())!.Today.Tons);

        // One call; a second if a pause in the publishing outlasted a tick (100 ms).
        var calls = status.GrainCalls - callsBefore;
        Assert.True(calls <= 2, $"{calls} line calls for 60 messages");
    }

    /// <summary>
    /// A gateway on its own embedded broker, with one partition (the lines' messages share its calls,
    /// so a failing line has company) and one more setting; and a device connected to it.
    /// </summary>
    private static async Task<(GatewayStatus Status, MqttTestClient Device)> StartGatewayAsync(ProductHosts hosts, string setting, string value)
    {
        var port = MosquittoBroker.FreePort();
        var gateway = await hosts.StartGatewayAsync(new() { ["Mqtt:Port"] = port.ToString(), ["Mqtt:ClientId"] = "router-gw", ["Gateway:Partitions"] = "1", [setting] = value });
        var status = ProductHosts.StatusOf(gateway);
        await Eventually.HoldsAsync(() => status.BrokerConnected, Timeout, "the gateway connects to the embedded broker");
        return (status, await MqttTestClient.ConnectAsync(port));
    }

    private static string Output(string id, DateTimeOffset ts, long good) =>
        JsonSerializer.Serialize(new { id, ts = ts.ToUnixTimeMilliseconds(), good });

    /// <summary>The silo's own grain storage, as the product registers it, where the next writes of one line's state fail once armed.</summary>
    private sealed class FailingWrites(string lineKey)
    {
        private int _remaining;
        private int _failed;

        public int Failed => Volatile.Read(ref _failed);

        public void Arm(int failures) => Volatile.Write(ref _remaining, failures);

        private bool FailsNow(string stateName, GrainId grainId)
        {
            if (stateName != "line" || grainId.Key.ToString() != lineKey || Interlocked.Decrement(ref _remaining) < 0)
            {
                return false;
            }

            Interlocked.Increment(ref _failed);
            return true;
        }

        /// <summary>Wraps the storage the silo registered (the product's in-process store) in this fault.</summary>
        public void Decorate(IServiceCollection services)
        {
            var product = services.Last(d => d.IsKeyedService && Equals(d.ServiceKey, MonitorServices.StorageName) && d.ServiceType == typeof(IGrainStorage));
            var create = product.KeyedImplementationFactory ?? throw new InvalidOperationException("the grain storage is not registered by a factory");
            services.AddKeyedSingleton<IGrainStorage>(MonitorServices.StorageName, (provider, key) => new Storage((IGrainStorage)create(provider, key), this));
        }

        private sealed class Storage(IGrainStorage inner, FailingWrites faults) : IGrainStorage
        {
            public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

            public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
                faults.FailsNow(stateName, grainId)
                    ? Task.FromException(new IOException($"the store refused the write of {grainId}"))
                    : inner.WriteStateAsync(stateName, grainId, grainState);

            public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
        }
    }
}
