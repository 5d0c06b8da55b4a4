using System.Buffers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Tests.Gateway;

/// <summary>Shared fixtures of the parser tests: a fixed clock, the demo topics and assertion helpers.</summary>
internal static class ParserKit
{
    public const string OutputTopic = "om/v1/joincare/api-line-2/output";
    public const string ShipmentTopic = "om/v1/hnic/boke-vessel/shipment";
    public const string StateTopic = "om/v1/joincare/api-line-2/state";
    public const string SensorTopic = "om/v1/joincare/api-line-2/sensor";

    /// <summary>The ts of the spec's examples: 2025-03-26T01:35:03.120Z.</summary>
    public const long Ts = 1742952903120;

    /// <summary>The server clock of every test: 30 s after <see cref="Ts"/>.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(Ts + 30_000);

    public static long NowMs => Now.ToUnixTimeMilliseconds();

    public static TelemetryParser Parser(DateTimeOffset? now = null) => new(new FakeTimeProvider(now ?? Now));

    public static string TopicOf(string channel) => $"om/v1/joincare/api-line-2/{channel}";

    /// <summary>Replaces <c>$ts</c> with <see cref="Ts"/>, so that payloads in tests stay readable.</summary>
    public static string Json(string json) => json.Replace("$ts", Ts.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public static TelemetryMessage Parse(string topic, string json) => Parse(topic, Encoding.UTF8.GetBytes(Json(json)));

    public static TelemetryMessage Parse(string topic, byte[] payload) => Parser().Parse(topic, new ReadOnlySequence<byte>(payload));

    /// <summary>The payload as a sequence of segments of <paramref name="segmentSize"/> bytes.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] payload, int segmentSize) =>
        Split(payload, [.. Enumerable.Range(1, Math.Max(0, (payload.Length - 1) / segmentSize)).Select(i => i * segmentSize)]);

    /// <summary>The payload as a sequence cut at the given offsets (ascending, inside the payload).</summary>
    public static ReadOnlySequence<byte> Split(byte[] payload, params int[] cuts)
    {
        if (payload.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        int[] bounds = [0, .. cuts, payload.Length];
        var first = new Segment(payload.AsMemory(0, bounds[1]), 0);
        var last = first;
        for (var i = 1; i < bounds.Length - 1; i++)
        {
            last = last.Append(payload.AsMemory(bounds[i], bounds[i + 1] - bounds[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>The key a reading of <paramref name="id"/> carries (output channel unless told).</summary>
    public static ulong KeyOf(string id, TelemetryChannel channel = TelemetryChannel.Output) => Reading.KeyOf(channel, id);

    public static Reading SingleReading(TelemetryMessage message)
    {
        Assert.True(message.Rejections.Count == 0, message.Rejections.Count == 0 ? null : $"unexpected rejection: {message.Rejections[0]}");
        return Assert.Single(message.Readings);
    }

    public static Rejection SingleRejection(TelemetryMessage message)
    {
        Assert.Empty(message.Readings);
        return Assert.Single(message.Rejections);
    }

    /// <summary>A rejection of the whole message: no readings, one rejection without an index.</summary>
    public static Rejection WholeMessageRejection(TelemetryMessage message, string code)
    {
        var rejection = SingleRejection(message);
        Assert.Equal(code, rejection.Code);
        Assert.Null(rejection.Index);
        return rejection;
    }

    /// <summary>Readings compare by value, sensor values included.</summary>
    public static void AssertSameReadings(IReadOnlyList<Reading> expected, IReadOnlyList<Reading> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i] with { Values = null }, actual[i] with { Values = null });
            Assert.Equal(expected[i].Values ?? [], actual[i].Values ?? []);
        }
    }

    /// <summary>Two parses gave the same readings and rejections.</summary>
    public static void AssertSameResult(TelemetryMessage expected, TelemetryMessage actual)
    {
        Assert.Equal(expected.Address, actual.Address);
        Assert.Equal(expected.IsSystemTopic, actual.IsSystemTopic);
        AssertSameReadings(expected.Readings, actual.Readings);
        Assert.Equal(expected.Rejections, actual.Rejections);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
