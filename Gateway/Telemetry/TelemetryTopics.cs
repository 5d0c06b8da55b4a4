using System.Diagnostics.CodeAnalysis;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Gateway.Telemetry;

/// <summary>The line and channel a telemetry topic addresses.</summary>
public sealed record TopicAddress(string Enterprise, string Line, TelemetryChannel Channel);

/// <summary>The MQTT topics of spec/telemetry.md.</summary>
public static class TelemetryTopics
{
    public const string Prefix = "om/v1/";

    /// <summary>Everything under <c>om/v1/</c>, so that messages on bad topics are dead-lettered rather than never seen.</summary>
    public const string Subscription = "om/v1/#";

    /// <summary>Where rejections without a usable topic go.</summary>
    public const string UnroutedDeadLetterTopic = "om/v1/deadletter/unrouted";

    internal const string DeadLetterRoot = "om/v1/deadletter";
    private const string AlertsRoot = Alerts.AlertTopics.Root;

    internal const string IdRule = "^[a-z0-9][a-z0-9-]{0,62}$";

    public static string DeadLetterTopic(TopicAddress? address) =>
        address is null ? UnroutedDeadLetterTopic : $"{DeadLetterRoot}/{address.Enterprise}/{address.Line}/{ChannelName(address.Channel)}";

    /// <summary>
    /// True for <c>om/v1/deadletter</c> and <c>om/v1/alerts</c> and everything below them: the system's own output,
    /// which the gateway ignores (dead-lettering it would loop).
    /// </summary>
    public static bool IsSystemTopic(string topic) => IsUnder(topic, DeadLetterRoot) || IsUnder(topic, AlertsRoot);

    /// <summary>The channel as it is written in topics: <c>output</c>, <c>shipment</c>, <c>state</c>, <c>sensor</c>.</summary>
    public static string ChannelName(TelemetryChannel channel) => channel switch
    {
        TelemetryChannel.Output => "output",
        TelemetryChannel.Shipment => "shipment",
        TelemetryChannel.State => "state",
        TelemetryChannel.Sensor => "sensor",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "not a telemetry channel"),
    };

    public static bool TryParseChannel(ReadOnlySpan<char> text, out TelemetryChannel channel)
    {
        switch (text)
        {
            case "output":
                channel = TelemetryChannel.Output;
                return true;
            case "shipment":
                channel = TelemetryChannel.Shipment;
                return true;
            case "state":
                channel = TelemetryChannel.State;
                return true;
            case "sensor":
                channel = TelemetryChannel.Sensor;
                return true;
            default:
                channel = default;
                return false;
        }
    }

    /// <summary>
    /// Parses <c>om/v1/{enterprise}/{line}/{channel}</c>. On failure <paramref name="reason"/> names what is wrong
    /// without echoing the topic.
    /// </summary>
    public static bool TryParse(string topic, [NotNullWhen(true)] out TopicAddress? address, out string reason)
    {
        address = null;
        if (string.IsNullOrEmpty(topic))
        {
            reason = "topic is empty";
            return false;
        }

        if (!topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            reason = "topic must start with om/v1/";
            return false;
        }

        if (IsSystemTopic(topic))
        {
            reason = "topic is reserved for the system's own output";
            return false;
        }

        var rest = topic.AsSpan(Prefix.Length);
        var first = rest.IndexOf('/');
        var second = first < 0 ? -1 : rest[(first + 1)..].IndexOf('/');
        if (second < 0 || rest[(first + 1 + second + 1)..].Contains('/'))
        {
            reason = "topic must be om/v1/{enterprise}/{line}/{channel}";
            return false;
        }

        var enterprise = rest[..first];
        var line = rest.Slice(first + 1, second);
        var channelText = rest[(first + 1 + second + 1)..];
        if (!IsValidId(enterprise))
        {
            reason = $"enterprise id in topic must match {IdRule}";
            return false;
        }

        if (!IsValidId(line))
        {
            reason = $"line id in topic must match {IdRule}";
            return false;
        }

        if (!TryParseChannel(channelText, out var channel))
        {
            reason = "channel in topic must be one of output, shipment, state, sensor";
            return false;
        }

        address = new TopicAddress(enterprise.ToString(), line.ToString(), channel);
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// A registry id, <c>^[a-z0-9][a-z0-9-]{0,62}$</c>, checked by hand: the regex's <c>$</c> would also accept a
    /// trailing line feed.
    /// </summary>
    internal static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > 63 || !IsLowerAlphanumeric(id[0]))
        {
            return false;
        }

        foreach (var c in id[1..])
        {
            if (!IsLowerAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    private static bool IsUnder(string topic, string root) =>
        topic is not null
        && topic.StartsWith(root, StringComparison.Ordinal)
        && (topic.Length == root.Length || topic[root.Length] == '/');
}
