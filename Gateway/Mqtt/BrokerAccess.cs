using OutputMonitor.Alerts;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>What an ACL rule grants on its topic filter: receiving (and subscribing), publishing, or both.</summary>
[Flags]
internal enum TopicRights
{
    Read = 1,
    Write = 2,
}

/// <summary>One ACL rule: an MQTT topic filter and the rights on the topics it matches (as a Mosquitto ACL line).</summary>
internal sealed record TopicRule(TopicRights Rights, string Filter)
{
    /// <summary>The filter's levels, split once: a device's every publish is checked against them.</summary>
    public string[] Levels { get; } = Filter.Split('/');
}

/// <summary>Who is connected to the embedded broker, and what that allows.</summary>
internal enum BrokerClientKind
{
    /// <summary>The system's own clients (gateway, alert publisher): everything.</summary>
    System,

    /// <summary>The demo's simulator: telemetry for every enterprise, nothing else.</summary>
    Simulator,

    /// <summary>No credentials (only where <c>Mqtt:AllowAnonymous</c>): telemetry for every enterprise; reads everything (loopback only).</summary>
    Anonymous,

    /// <summary>A login of <c>Mqtt:Devices</c>: its rules only.</summary>
    Device,
}

/// <summary>
/// A logged-in client of the embedded broker and its topic ACL. Devices get the rules of
/// <see cref="DeviceRules"/>, the same rules the Mosquitto ACL file is written from; under
/// <c>om/v1/deadletter</c> and <c>om/v1/alerts</c> only the system publishes, whatever the rules.
/// </summary>
internal sealed class BrokerClient
{
    public static readonly BrokerClient Anonymous = new(BrokerClientKind.Anonymous, "(anonymous)", []);

    private BrokerClient(BrokerClientKind kind, string username, IReadOnlyList<TopicRule> rules)
    {
        Kind = kind;
        Username = username;
        Rules = rules;
    }

    public BrokerClientKind Kind { get; }

    public string Username { get; }

    public IReadOnlyList<TopicRule> Rules { get; }

    /// <summary>Identifies the owner of a client id's session: another login may not take it over.</summary>
    public string Owner => $"{Kind}:{Username}";

    public static BrokerClient System(string username) => new(BrokerClientKind.System, username, []);

    public static BrokerClient Simulator(string username) => new(BrokerClientKind.Simulator, username, []);

    public static BrokerClient Device(MqttDevice device) => new(BrokerClientKind.Device, device.Username!, DeviceRules.For(device));

    public bool MayPublish(string topic)
    {
        if (Kind == BrokerClientKind.System)
        {
            return true;
        }

        if (string.IsNullOrEmpty(topic) || TelemetryTopics.IsSystemTopic(topic))
        {
            return false;
        }

        if (Kind != BrokerClientKind.Device)
        {
            return topic.StartsWith(TelemetryTopics.Prefix, StringComparison.Ordinal);
        }

        var levels = topic.Split('/');
        return Rules.Any(r => r.Rights.HasFlag(TopicRights.Write) && TopicFilters.Matches(levels, r.Levels));
    }

    public bool MaySubscribe(string filter) => Kind switch
    {
        BrokerClientKind.System or BrokerClientKind.Anonymous => true,
        BrokerClientKind.Device => TopicFilters.WithoutShare(filter) is { Length: > 0 } inner && CoveredByReadRule(inner.Split('/')),
        _ => false,
    };

    private bool CoveredByReadRule(string[] levels) => Rules.Any(r => r.Rights.HasFlag(TopicRights.Read) && TopicFilters.Covers(r.Levels, levels));
}

/// <summary>The ACL of a device login, for the embedded broker and the Mosquitto ACL file alike.</summary>
internal static class DeviceRules
{
    /// <summary>
    /// Publishing under <c>om/v1/{enterprise}/{line}/…</c> for its lines (any line when none are
    /// listed); receiving its enterprise's telemetry, dead letters and alerts, and nothing else.
    /// </summary>
    public static IReadOnlyList<TopicRule> For(MqttDevice device)
    {
        var enterprise = device.Enterprise!;
        var rules = new List<TopicRule>();
        if (device.Lines.Count == 0)
        {
            rules.Add(new TopicRule(TopicRights.Write, $"{TelemetryTopics.Prefix}{enterprise}/+/#"));
        }
        else
        {
            rules.AddRange(device.Lines.Distinct(StringComparer.Ordinal).Select(line => new TopicRule(TopicRights.Write, $"{TelemetryTopics.Prefix}{enterprise}/{line}/#")));
        }

        rules.Add(new TopicRule(TopicRights.Read, $"{TelemetryTopics.Prefix}{enterprise}/#"));
        rules.Add(new TopicRule(TopicRights.Read, $"{TelemetryTopics.DeadLetterRoot}/{enterprise}/#"));
        rules.Add(new TopicRule(TopicRights.Read, $"{AlertTopics.Root}/{enterprise}/#"));
        return rules;
    }
}

/// <summary>MQTT topic filters as ACL rules.</summary>
internal static class TopicFilters
{
    private const string SharePrefix = "$share/";

    /// <summary>Whether a filter's levels match a topic's (no wildcards in it): "x/#" matches "x" too, as MQTT and Mosquitto have it.</summary>
    public static bool Matches(string[] topicLevels, string[] filterLevels) => !topicLevels.Any(l => l is "+" or "#") && Covers(filterLevels, topicLevels);

    /// <summary>The filter a shared subscription <c>$share/{group}/{filter}</c> takes messages of; other filters as they are.</summary>
    public static string WithoutShare(string filter)
    {
        if (!filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return filter;
        }

        var groupEnd = filter.IndexOf('/', SharePrefix.Length);
        return groupEnd < 0 ? "" : filter[(groupEnd + 1)..];
    }

    /// <summary>
    /// Whether every topic <paramref name="subscription"/> matches is matched by <paramref name="rule"/>,
    /// level by level: a wildcard in the subscription is only covered by a wildcard in the rule, so
    /// <c>#</c>, <c>om/v1/#</c> or <c>om/v1/+/…</c> never reach past an enterprise's own topics.
    /// </summary>
    public static bool Covers(string[] ruleLevels, string[] levels)
    {
        for (var i = 0; i < ruleLevels.Length; i++)
        {
            if (ruleLevels[i] == "#")
            {
                return true;
            }

            if (i == levels.Length)
            {
                // The rule asks for more levels than the subscription has ("x/#" covering "x" returned above).
                return false;
            }

            if (levels[i] == "#" || (levels[i] == "+" && ruleLevels[i] != "+") || (ruleLevels[i] != "+" && ruleLevels[i] != levels[i]))
            {
                return false;
            }
        }

        return levels.Length == ruleLevels.Length;
    }
}
