using System.Buffers;
using System.Text;
using OutputMonitor.Gateway.Telemetry;
using OutputMonitor.Telemetry;
using static OutputMonitor.Tests.Gateway.ParserKit;

namespace OutputMonitor.Tests.Gateway;

public class TelemetryTopicsTests
{
    private static readonly string Id63 = "a" + new string('b', 61) + "9";
    private static readonly string Id64 = Id63 + "x";

    [Theory]
    [InlineData("om/v1/joincare/api-line-2/output", "joincare", "api-line-2", TelemetryChannel.Output)]
    [InlineData("om/v1/hnic/boke-vessel/shipment", "hnic", "boke-vessel", TelemetryChannel.Shipment)]
    [InlineData("om/v1/a/b/state", "a", "b", TelemetryChannel.State)]
    [InlineData("om/v1/0/9-/sensor", "0", "9-", TelemetryChannel.Sensor)]
    public void A_telemetry_topic_gives_enterprise_line_and_channel(string topic, string enterprise, string line, TelemetryChannel channel)
    {
        Assert.True(TelemetryTopics.TryParse(topic, out var address, out var reason));
        Assert.Equal(new TopicAddress(enterprise, line, channel), address);
        Assert.Equal(string.Empty, reason);
    }

    [Fact]
    public void Ids_of_63_chars_are_accepted()
    {
        Assert.Equal(63, Id63.Length);
        Assert.True(TelemetryTopics.TryParse($"om/v1/{Id63}/{Id63}/output", out var address, out _));
        Assert.Equal(Id63, address.Enterprise);
        Assert.Equal(Id63, address.Line);
    }

    [Fact]
    public void An_enterprise_id_of_64_chars_is_refused()
    {
        Assert.False(TelemetryTopics.TryParse($"om/v1/{Id64}/line-1/output", out var address, out var reason));
        Assert.Null(address);
        Assert.Contains("enterprise", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_id_of_64_chars_is_refused()
    {
        Assert.False(TelemetryTopics.TryParse($"om/v1/acme/{Id64}/output", out _, out var reason));
        Assert.Contains("line", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("om/v1/acme/line-1", "om/v1/{enterprise}/{line}/{channel}")]
    [InlineData("om/v1/acme", "om/v1/{enterprise}/{line}/{channel}")]
    [InlineData("om/v1/", "om/v1/{enterprise}/{line}/{channel}")]
    [InlineData("om/v1/acme/line-1/output/extra", "om/v1/{enterprise}/{line}/{channel}")]
    [InlineData("om/v1/acme/line-1/output/", "om/v1/{enterprise}/{line}/{channel}")]
    [InlineData("om/v1/#", "om/v1/{enterprise}/{line}/{channel}")]
    [InlineData("om/v1//line-1/output", "enterprise")]
    [InlineData("om/v1/+/line-1/output", "enterprise")]
    [InlineData("om/v1/../line-1/output", "enterprise")]
    [InlineData("om/v1/Acme/line-1/output", "enterprise")]
    [InlineData("om/v1/-acme/line-1/output", "enterprise")]
    [InlineData("om/v1/acmé/line-1/output", "enterprise")]
    [InlineData("om/v1/工厂/line-1/output", "enterprise")]
    [InlineData("om/v1/acme\n/line-1/output", "enterprise")]
    [InlineData("om/v1/ac me/line-1/output", "enterprise")]
    [InlineData("om/v1/acme//output", "line")]
    [InlineData("om/v1/acme/#/output", "line")]
    [InlineData("om/v1/acme/../output", "line")]
    [InlineData("om/v1/acme/Line-1/output", "line")]
    [InlineData("om/v1/acme/line_1/output", "line")]
    [InlineData("om/v1/acme/line-1/Output", "channel")]
    [InlineData("om/v1/acme/line-1/outputs", "channel")]
    [InlineData("om/v1/acme/line-1/+", "channel")]
    [InlineData("om/v1/acme/line-1/#", "channel")]
    [InlineData("om/v1/acme/line-1/", "channel")]
    [InlineData("om/v1/acme/line-1/output\0", "channel")]
    [InlineData("om/v1/acme/line-1/deadletter", "channel")]
    [InlineData("om/v2/acme/line-1/output", "om/v1/")]
    [InlineData("/om/v1/acme/line-1/output", "om/v1/")]
    [InlineData("OM/V1/acme/line-1/output", "om/v1/")]
    [InlineData("", "empty")]
    public void A_malformed_topic_is_refused_with_a_reason_naming_the_part(string topic, string named)
    {
        Assert.False(TelemetryTopics.TryParse(topic, out var address, out var reason));
        Assert.Null(address);
        Assert.Contains(named, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("om/v1/acme/line-1")]
    [InlineData("om/v1/acme/line-1/output/extra")]
    [InlineData("om/v1//line-1/output")]
    [InlineData("om/v1/+/line-1/output")]
    [InlineData("om/v1/../line-1/output")]
    [InlineData("om/v1/ACME/line-1/output")]
    [InlineData("om/v1/acme/line-1/telemetry")]
    [InlineData("om/v1/工厂/line-1/output")]
    [InlineData("something/else")]
    public void A_message_on_a_malformed_topic_is_rejected_whole_with_bad_topic(string topic)
    {
        var message = Parse(topic, """{"id":"a","ts":$ts,"good":5}""");

        var rejection = WholeMessageRejection(message, RejectionCodes.BadTopic);
        Assert.Null(message.Address);
        Assert.False(message.IsSystemTopic);
        Assert.Equal(Json("""{"id":"a","ts":$ts,"good":5}"""), rejection.Payload);
    }

    [Fact]
    public void The_reason_of_a_bad_topic_does_not_echo_the_topic()
    {
        var topic = "om/v1/" + new string('X', 5000) + "/line-1/output";

        var rejection = WholeMessageRejection(Parse(topic, "{}"), RejectionCodes.BadTopic);

        Assert.DoesNotContain("XX", rejection.Reason, StringComparison.Ordinal);
        Assert.True(rejection.Reason.Length < 80, rejection.Reason);
    }

    [Theory]
    [InlineData("om/v1/deadletter/unrouted")]
    [InlineData("om/v1/deadletter/joincare/api-line-2/output")]
    [InlineData("om/v1/deadletter")]
    [InlineData("om/v1/alerts/joincare/api-line-2")]
    [InlineData("om/v1/alerts/joincare/api-line-2/output")]
    [InlineData("om/v1/alerts")]
    public void System_topics_are_recognised(string topic) => Assert.True(TelemetryTopics.IsSystemTopic(topic));

    [Theory]
    [InlineData("om/v1/joincare/api-line-2/output")]
    [InlineData("om/v1/alerts-x/line-1/output")]
    [InlineData("om/v1/deadletters/line-1/output")]
    [InlineData("om/v1/deadletter-x/line-1/state")]
    [InlineData("om/v2/deadletter/unrouted")]
    [InlineData("deadletter/unrouted")]
    [InlineData("")]
    public void Other_topics_are_not_system_topics(string topic) => Assert.False(TelemetryTopics.IsSystemTopic(topic));

    [Theory]
    [InlineData("om/v1/deadletter/unrouted", "not json at all")]
    [InlineData("om/v1/deadletter/joincare/api-line-2/output", """{"code":"schema_violation"}""")]
    [InlineData("om/v1/alerts/joincare/api-line-2", """{"id":"a","ts":$ts,"good":5}""")]
    public void Messages_on_system_topics_are_ignored_without_rejection(string topic, string payload)
    {
        var message = Parse(topic, payload);

        Assert.True(message.IsSystemTopic);
        Assert.Null(message.Address);
        Assert.Empty(message.Readings);
        Assert.Empty(message.Rejections);
    }

    [Fact]
    public void A_system_topic_is_not_a_telemetry_topic_even_when_it_has_its_shape()
    {
        // "alerts" as an enterprise would otherwise make this om/v1/{enterprise}/{line}/{channel}.
        Assert.False(TelemetryTopics.TryParse("om/v1/alerts/joincare/output", out _, out var reason));
        Assert.Contains("reserved", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dead_letter_topic_of_an_address_names_its_line_and_channel() =>
        Assert.Equal(
            "om/v1/deadletter/joincare/api-line-2/shipment",
            TelemetryTopics.DeadLetterTopic(new TopicAddress("joincare", "api-line-2", TelemetryChannel.Shipment)));

    [Fact]
    public void The_dead_letter_topic_without_an_address_is_unrouted() =>
        Assert.Equal("om/v1/deadletter/unrouted", TelemetryTopics.DeadLetterTopic(null));

    [Theory]
    [InlineData(TelemetryChannel.Output)]
    [InlineData(TelemetryChannel.Shipment)]
    [InlineData(TelemetryChannel.State)]
    [InlineData(TelemetryChannel.Sensor)]
    public void Dead_letter_topics_are_system_topics_so_the_gateway_never_reads_its_own_output(TelemetryChannel channel)
    {
        var topic = TelemetryTopics.DeadLetterTopic(new TopicAddress("joincare", "api-line-2", channel));

        Assert.True(TelemetryTopics.IsSystemTopic(topic));
        Assert.True(Parser().Parse(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("garbage"))).IsSystemTopic);
    }

    [Fact]
    public void The_unrouted_dead_letter_topic_is_a_system_topic() =>
        Assert.True(TelemetryTopics.IsSystemTopic(TelemetryTopics.DeadLetterTopic(null)));

    [Theory]
    [InlineData("line:joincare/api-line-2", "om/v1/alerts/joincare/api-line-2")]
    [InlineData("enterprise:joincare", "om/v1/alerts/joincare")]
    public void Alert_topics_name_enterprise_and_line_and_are_system_topics(string scope, string expected)
    {
        var topic = OutputMonitor.Alerts.AlertTopics.For(scope);

        Assert.Equal(expected, topic);
        Assert.True(TelemetryTopics.IsSystemTopic(topic!));
    }

    [Theory]
    [InlineData("region:henan")]
    [InlineData("chain:biomedical")]
    [InlineData("line:Bad/x")]
    [InlineData("nonsense")]
    public void Scopes_that_carry_no_alerts_have_no_alert_topic(string scope) =>
        Assert.Null(OutputMonitor.Alerts.AlertTopics.For(scope));

    [Fact]
    public void The_subscription_covers_everything_under_the_prefix()
    {
        Assert.Equal("om/v1/#", TelemetryTopics.Subscription);
        Assert.Equal("om/v1/", TelemetryTopics.Prefix);
    }

    [Theory]
    [InlineData(TelemetryChannel.Output, "output")]
    [InlineData(TelemetryChannel.Shipment, "shipment")]
    [InlineData(TelemetryChannel.State, "state")]
    [InlineData(TelemetryChannel.Sensor, "sensor")]
    public void Channel_names_round_trip(TelemetryChannel channel, string name)
    {
        Assert.Equal(name, TelemetryTopics.ChannelName(channel));
        Assert.True(TelemetryTopics.TryParseChannel(name, out var parsed));
        Assert.Equal(channel, parsed);
    }
}
