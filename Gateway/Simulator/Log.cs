using Microsoft.Extensions.Logging;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Simulator;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Simulator connected to MQTT broker {Host}:{Port} as {ClientId}")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId);

    [LoggerMessage(2, LogLevel.Warning, "Simulator cannot reach MQTT broker {Host}:{Port} ({Reason}); retrying in {DelayMs} ms")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string reason, long delayMs);

    [LoggerMessage(3, LogLevel.Warning, "Simulator lost its MQTT connection; reconnecting")]
    public static partial void ConnectionLost(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Realistic simulation of {Lines} lines started: seed {Seed}, speed {Speed}, batch size {BatchSize}, backfill {Backfill}")]
    public static partial void RealisticStarted(ILogger logger, int lines, int seed, double speed, int batchSize, Backfill backfill);

    [LoggerMessage(5, LogLevel.Information, "Backfill published {Items} items of the history since {From:u} in {Messages} messages in {ElapsedMs} ms")]
    public static partial void BackfillDone(ILogger logger, long items, long messages, DateTimeOffset from, long elapsedMs);

    [LoggerMessage(6, LogLevel.Information, "Load mode started: {Rate} items/s over {Lines} lines in messages of {BatchSize} items")]
    public static partial void LoadStarted(ILogger logger, int rate, int lines, int batchSize);

    [LoggerMessage(7, LogLevel.Information, "Load: {ItemsPerSecond} items/s ({MessagesPerSecond} msg/s) over the last {Seconds} s against a target of {Target} items/s; {Failed} messages failed, {Skipped} skipped behind")]
    public static partial void LoadRate(ILogger logger, long itemsPerSecond, long messagesPerSecond, double seconds, int target, long failed, long skipped);

    [LoggerMessage(8, LogLevel.Warning, "The broker refused a message on {Topic}: {ReasonCode} {ReasonString} ({Count} refused so far)")]
    public static partial void PublishRefused(ILogger logger, string topic, string reasonCode, string? reasonString, long count);

    [LoggerMessage(9, LogLevel.Warning, "Dropped {Items} queued items while the broker was unreachable (the queue holds at most {Limit})")]
    public static partial void QueueOverflow(ILogger logger, long items, int limit);

    [LoggerMessage(10, LogLevel.Error, "The simulator failed; it starts again in {DelayMs} ms")]
    public static partial void SimulatorFailed(ILogger logger, Exception exception, long delayMs);

    [LoggerMessage(11, LogLevel.Information, "Simulator stopped")]
    public static partial void Stopped(ILogger logger);
}
