using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputMonitor.Registry;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Simulator;

/// <summary>
/// Runs the simulator: generation comes from <see cref="RealisticSession"/> or <see cref="LoadGenerator"/>,
/// publishing from <see cref="MqttTelemetryPublisher"/>. Nothing here stops the host: a broker that
/// is down is waited for (realistic telemetry is queued meanwhile, like a device's store-and-forward),
/// and any other failure is logged and the simulation starts again.
/// </summary>
internal sealed class SimulatorService(IOptions<SimulatorOptions> options, TimeProvider time, ILogger<SimulatorService> logger) : BackgroundService
{
    /// <summary>Realistic items kept while the broker is unreachable; the oldest go first beyond it.</summary>
    public const int MaxQueuedItems = 1_000_000;

    private static readonly TimeSpan StepPeriod = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LoadTick = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan RatePeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly Queue<SimMessage> _queue = new();
    private long _queuedItems;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Do not hold up the host's start.
        await Task.Yield();
        var settings = options.Value;
        await using var publisher = new MqttTelemetryPublisher(settings, logger, time);
        var connection = publisher.MaintainConnectionAsync(stoppingToken);
        var backfill = RealisticSession.BackfillOf(settings);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var registry = RegistryJson.Load(settings.RegistryPath);
                if (settings.MessagesPerSecond is { } rate)
                {
                    await RunLoadAsync(publisher, registry, settings, rate, stoppingToken);
                }
                else
                {
                    await RunRealisticAsync(publisher, registry, settings, backfill, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.SimulatorFailed(logger, ex, (long)RetryDelay.TotalMilliseconds);
                backfill = Backfill.None; // the history went out already (or is being replayed live)
                try
                {
                    await Task.Delay(RetryDelay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await connection;
        Log.Stopped(logger);
    }

    private async Task RunRealisticAsync(MqttTelemetryPublisher publisher, RegistryDocument registry, SimulatorOptions settings, Backfill backfill, CancellationToken cancellationToken)
    {
        var session = new RealisticSession(registry, settings, time.GetUtcNow(), backfill);
        Log.RealisticStarted(logger, session.Model.Simulations.Count, settings.Seed, settings.Speed, settings.BatchSize, backfill);
        if (backfill != Backfill.None)
        {
            var started = time.GetTimestamp();
            long items = 0, messages = 0;
            while (session.NextBackfillSlice() is { } slice)
            {
                foreach (var message in slice)
                {
                    Enqueue(message);
                    (items, messages) = (items + message.Items, messages + 1);
                }

                // One slice at a time, at the backfill's pace, waiting out a broker that is away.
                while (_queue.Count > 0)
                {
                    await DrainAsync(publisher, cancellationToken);
                    var ahead = TimeSpan.FromSeconds((double)items / settings.BackfillItemsPerSecond) - time.GetElapsedTime(started);
                    if (_queue.Count > 0 || ahead > TimeSpan.Zero)
                    {
                        await Task.Delay(_queue.Count > 0 ? StepPeriod : ahead, time, cancellationToken);
                    }
                }
            }

            Log.BackfillDone(logger, items, messages, DateTimeOffset.FromUnixTimeMilliseconds(session.Model.EmitsFromMs), (long)time.GetElapsedTime(started).TotalMilliseconds);
        }

        using var timer = new PeriodicTimer(StepPeriod, time);
        do
        {
            foreach (var message in session.Step(time.GetUtcNow()))
            {
                Enqueue(message);
            }

            await DrainAsync(publisher, cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task RunLoadAsync(MqttTelemetryPublisher publisher, RegistryDocument registry, SimulatorOptions settings, int rate, CancellationToken cancellationToken)
    {
        var lines = SimLine.FromRegistry(SyntheticRegistry.WithSyntheticLines(registry, settings.SyntheticLines), settings.Seed);
        var generator = new LoadGenerator(lines, settings.Seed, settings.BatchSize, RealisticSession.RunTag(time.GetUtcNow()));
        Log.LoadStarted(logger, rate, lines.Count, settings.BatchSize);
        try
        {
            using var timer = new PeriodicTimer(LoadTick, time);
            while (true)
            {
                await publisher.WaitConnectedAsync(cancellationToken);
                var pacer = new LoadPacer(rate, settings.BatchSize);
                var started = time.GetTimestamp();
                var (lastLog, lastItems, lastMessages, lastFailed) = (started, publisher.SentItems, publisher.SentMessages, publisher.Failed);
                while (publisher.IsConnected && await timer.WaitForNextTickAsync(cancellationToken))
                {
                    var due = pacer.Due(time.GetElapsedTime(started));
                    var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
                    for (var i = 0; i < due && publisher.IsConnected; i++)
                    {
                        await publisher.PublishPipelinedAsync(generator.Next(nowMs), cancellationToken);
                    }

                    var elapsed = time.GetElapsedTime(lastLog);
                    if (elapsed >= RatePeriod)
                    {
                        var (items, messages, failed) = (publisher.SentItems, publisher.SentMessages, publisher.Failed);
                        Log.LoadRate(
                            logger,
                            (long)((items - lastItems) / elapsed.TotalSeconds),
                            (long)((messages - lastMessages) / elapsed.TotalSeconds),
                            Math.Round(elapsed.TotalSeconds, 1),
                            rate,
                            failed - lastFailed,
                            pacer.Skipped);
                        (lastLog, lastItems, lastMessages, lastFailed) = (time.GetTimestamp(), items, messages, failed);
                    }
                }
            }
        }
        finally
        {
            await publisher.DrainAsync(TimeSpan.FromSeconds(5));
        }
    }

    private void Enqueue(SimMessage message)
    {
        _queue.Enqueue(message);
        _queuedItems += message.Items;
        long dropped = 0;
        while (_queuedItems > MaxQueuedItems && _queue.Count > 1)
        {
            var oldest = _queue.Dequeue();
            _queuedItems -= oldest.Items;
            dropped += oldest.Items;
        }

        if (dropped > 0)
        {
            Log.QueueOverflow(logger, dropped, MaxQueuedItems);
        }
    }

    /// <summary>Publishes queued messages in order until the queue is empty or the broker is away.</summary>
    private async Task DrainAsync(MqttTelemetryPublisher publisher, CancellationToken cancellationToken)
    {
        while (_queue.Count > 0 && publisher.IsConnected)
        {
            var message = _queue.Peek();
            if (await publisher.PublishAsync(message, cancellationToken) == PublishOutcome.Failed)
            {
                return;
            }

            _queue.Dequeue();
            _queuedItems -= message.Items;
        }
    }
}
