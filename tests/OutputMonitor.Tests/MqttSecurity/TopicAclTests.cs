using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Tests.MqttSecurity;

/// <summary>The topic ACL of each kind of client, as rules on topics and filters.</summary>
public sealed class TopicAclTests
{
    private static readonly BrokerClient Enterprise = BrokerClient.Device(new MqttDevice { Username = "d", PasswordHash = "x", Enterprise = "ent-1" });
    private static readonly BrokerClient Line = BrokerClient.Device(new MqttDevice { Username = "l", PasswordHash = "x", Enterprise = "ent-1", Lines = ["p1"] });

    [Theory]
    [InlineData("om/v1/ent-1/p1/output", true, true)]
    [InlineData("om/v1/ent-1/p2/output", true, false)]
    [InlineData("om/v1/ent-1/p1", true, true)]
    [InlineData("om/v1/ent-1", false, false)]
    [InlineData("om/v1/ent-2/p1/output", false, false)]
    [InlineData("om/v1/ent-10/p1/output", false, false)]
    [InlineData("om/v1/deadletter/ent-1/p1/output", false, false)]
    [InlineData("om/v1/alerts/ent-1/p1", false, false)]
    [InlineData("other/ent-1/p1/output", false, false)]
    public void A_device_publishes_only_under_its_enterprise_and_lines(string topic, bool enterprise, bool line)
    {
        Assert.Equal(enterprise, Enterprise.MayPublish(topic));
        Assert.Equal(line, Line.MayPublish(topic));
    }

    [Theory]
    [InlineData("om/v1/ent-1/#", true)]
    [InlineData("om/v1/ent-1/+/output", true)]
    [InlineData("om/v1/ent-1", true)]
    [InlineData("om/v1/deadletter/ent-1/#", true)]
    [InlineData("om/v1/alerts/ent-1/#", true)]
    [InlineData("om/v1/alerts/ent-1", true)]
    [InlineData("$share/g/om/v1/ent-1/#", true)]
    [InlineData("#", false)]
    [InlineData("+", false)]
    [InlineData("om/#", false)]
    [InlineData("om/v1/#", false)]
    [InlineData("om/v1/+", false)]
    [InlineData("om/v1/+/p1/output", false)]
    [InlineData("om/v1/ent-2/#", false)]
    [InlineData("om/v1/ent-1x/#", false)]
    [InlineData("om/v1/deadletter/#", false)]
    [InlineData("om/v1/deadletter/+/p1/output", false)]
    [InlineData("om/v1/alerts/#", false)]
    [InlineData("$share/g/om/v1/#", false)]
    [InlineData("$share/g", false)]
    [InlineData("", false)]
    public void A_device_subscribes_only_within_its_enterprise(string filter, bool allowed)
    {
        Assert.Equal(allowed, Enterprise.MaySubscribe(filter));
        Assert.Equal(allowed, Line.MaySubscribe(filter));
    }

    [Theory]
    [InlineData("om/v1/ent-2/p1/output", true)]
    [InlineData("om/v1/anything", true)]
    [InlineData("om/v1/deadletter/ent-1/p1/output", false)]
    [InlineData("om/v1/deadletter", false)]
    [InlineData("om/v1/alerts/ent-1", false)]
    [InlineData("elsewhere/x", false)]
    public void Anonymous_clients_and_the_simulator_publish_telemetry_only(string topic, bool allowed)
    {
        Assert.Equal(allowed, BrokerClient.Anonymous.MayPublish(topic));
        Assert.Equal(allowed, BrokerClient.Simulator("om-simulator").MayPublish(topic));
    }

    [Fact]
    public void The_system_publishes_and_subscribes_everywhere_and_the_simulator_subscribes_nowhere()
    {
        var system = BrokerClient.System("om-gateway");

        Assert.True(system.MayPublish("om/v1/deadletter/ent-1/p1/output"));
        Assert.True(system.MayPublish("om/v1/alerts/ent-1/p1"));
        Assert.True(system.MaySubscribe("$share/om-gateway/om/v1/#"));
        Assert.False(BrokerClient.Simulator("om-simulator").MaySubscribe("om/v1/#"));
    }
}
