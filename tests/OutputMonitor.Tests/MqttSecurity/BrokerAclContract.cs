using MQTTnet;
using MQTTnet.Formatter;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.MqttSecurity;

/// <summary>
/// The device credentials and topic ACLs of issue 7, the same cases for each broker: the embedded
/// one (<see cref="EmbeddedBrokerAclTests"/>) and Mosquitto with the generated files
/// (<see cref="MosquittoAclTests"/>). "Not delivered" is shown by a marker published after the
/// denied message: the watcher (subscribed to everything) gets the marker, and would have got the
/// denied message first.
/// </summary>
public abstract class BrokerAclContract<TWorld>(TWorld world)
    where TWorld : AclWorld
{
    protected TWorld World => world;

    [Fact]
    public async Task A_wrong_password_is_refused() =>
        Assert.Equal(world.RefusedLogin, await MqttTestClient.TryConnectAsync(world.Port, "ent1-all", "not-the-password"));

    [Fact]
    public async Task An_unknown_username_is_refused() =>
        Assert.Equal(world.RefusedLogin, await MqttTestClient.TryConnectAsync(world.Port, "no-such-device", "pw-ent1-secret"));

    [Fact]
    public async Task A_client_without_credentials_is_refused() =>
        Assert.Equal(world.RefusedLogin, await MqttTestClient.TryConnectAsync(world.Port, null, null));

    [Fact]
    public async Task A_device_publishing_under_its_own_enterprise_is_counted()
    {
        var before = await world.GoodAsync("ent-1", "p1");
        await using var device = await world.DeviceAsync("ent1-all");

        var result = await device.PublishAsync("om/v1/ent-1/p1/output", AclLogins.Output(7));

        Assert.True(result.IsSuccess, $"PUBACK {result.ReasonCode}");
        await world.CountedAsync("ent-1", "p1", before, 7);
        Assert.Equal(7, await world.GoodAsync("ent-1", "p1") - before);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task A_device_publishing_for_another_enterprise_is_neither_delivered_nor_counted(MqttProtocolVersion version)
    {
        var before = await world.GoodAsync("ent-2", "p1");
        await using var device = await world.DeviceAsync("ent1-all", version);

        var denied = AclLogins.Output(1000);
        var result = await device.PublishAsync("om/v1/ent-2/p1/output", denied);
        var marker = await world.MarkAsync("om/v1/ent-2/p1/output");

        // MQTT 3.1.1 has no reason code in a PUBACK: the message is dropped.
        Assert.Equal(version == MqttProtocolVersion.V500 ? world.DeniedPublish : MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.DoesNotContain(world.Watcher.Received, m => m.Payload == denied);
        await world.CountedAsync("ent-2", "p1", before, 1);
        Assert.Equal(1, await world.GoodAsync("ent-2", "p1") - before);
    }

    [Theory]
    [InlineData("om/v1/deadletter/ent-1/p1/output")]
    [InlineData("om/v1/deadletter/unrouted")]
    [InlineData("om/v1/alerts/ent-1/p1")]
    [InlineData("om/v1/alerts/ent-1")]
    public async Task A_device_cannot_publish_dead_letters_or_alerts_even_of_its_own_enterprise(string topic)
    {
        await using var device = await world.DeviceAsync("ent1-all");

        var forged = $"{{\"forged\":\"{Guid.NewGuid():N}\"}}";
        var result = await device.PublishAsync(topic, forged);
        await world.MarkAsync("om/v1/ent-1/p1/output");

        Assert.Equal(world.DeniedPublish, result.ReasonCode);
        Assert.DoesNotContain(world.Watcher.Received, m => m.Payload == forged);
    }

    [Fact]
    public async Task A_line_credential_publishes_its_line_but_not_another_line_of_its_enterprise()
    {
        var p1 = await world.GoodAsync("ent-3", "p1");
        var p2 = await world.GoodAsync("ent-3", "p2");
        await using var device = await world.DeviceAsync("ent3-p1");

        var denied = AclLogins.Output(500);
        var deniedResult = await device.PublishAsync("om/v1/ent-3/p2/output", denied);
        var allowedResult = await device.PublishAsync("om/v1/ent-3/p1/output", AclLogins.Output(3));
        await world.MarkAsync("om/v1/ent-3/p2/output");

        Assert.Equal(world.DeniedPublish, deniedResult.ReasonCode);
        Assert.True(allowedResult.IsSuccess, $"PUBACK {allowedResult.ReasonCode}");
        Assert.DoesNotContain(world.Watcher.Received, m => m.Payload == denied);
        await world.CountedAsync("ent-3", "p1", p1, 3);
        await world.CountedAsync("ent-3", "p2", p2, 1);
        Assert.Equal(1, await world.GoodAsync("ent-3", "p2") - p2);
    }

    [Theory]
    [InlineData("#")]
    [InlineData("om/v1/#")]
    [InlineData("om/v1/+/p1/output")]
    [InlineData("om/v1/+/+/+")]
    [InlineData("+/v1/ent-2/#")]
    [InlineData("om/v1/ent-2/#")]
    [InlineData("om/v1/deadletter/#")]
    [InlineData("om/v1/deadletter/+/p1/output")]
    [InlineData("om/v1/alerts/+/p1")]
    [InlineData("$share/spy/om/v1/ent-2/#")]
    [InlineData("$share/spy/om/v1/#")]
    public async Task A_subscription_reaching_past_its_enterprise_receives_nothing_of_others(string filter)
    {
        await using var device = await world.DeviceAsync("ent1-all");

        var code = await device.SubscribeAsync(filter);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await device.SubscribeAsync("om/v1/ent-1/#"));
        await world.MarkAsync("om/v1/ent-2/p1/output");
        await world.Watcher.PublishAsync("om/v1/deadletter/ent-2/p1/output", "{\"code\":\"schema_violation\"}");
        await world.Watcher.PublishAsync("om/v1/alerts/ent-2/p1", "{\"id\":\"ent-2.p1.down.1\"}");
        var marker = await world.MarkAsync("om/v1/ent-1/p1/output");
        await Eventually.HoldsAsync(() => device.Received.Any(m => m.Payload == marker), AclWorld.Timeout, "the device gets its own enterprise's marker");

        Assert.Equal(world.DeniedSubscription(filter), code);
        Assert.All(device.Received, m => Assert.StartsWith("om/v1/ent-1/", m.Topic, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_device_receives_its_own_enterprises_telemetry_dead_letters_and_alerts()
    {
        await using var device = await world.DeviceAsync("ent3-p1");
        string[] filters = ["om/v1/ent-3/#", "om/v1/deadletter/ent-3/#", "om/v1/alerts/ent-3/#"];
        foreach (var filter in filters)
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await device.SubscribeAsync(filter));
        }

        string[] topics = ["om/v1/ent-3/p2/state", "om/v1/deadletter/ent-3/p2/output", "om/v1/alerts/ent-3/p2", "om/v1/alerts/ent-3"];
        var payloads = topics.Select(_ => $"{{\"n\":\"{Guid.NewGuid():N}\"}}").ToArray();
        for (var i = 0; i < topics.Length; i++)
        {
            await world.Watcher.PublishAsync(topics[i], payloads[i]);
        }

        await Eventually.HoldsAsync(() => payloads.All(p => device.Received.Any(m => m.Payload == p)), AclWorld.Timeout, "all four arrive");
    }
}

public sealed class EmbeddedBrokerAclTests(EmbeddedAclWorld world) : BrokerAclContract<EmbeddedAclWorld>(world), IClassFixture<EmbeddedAclWorld>
{
    [Fact]
    public async Task A_refused_publish_is_counted_on_the_meter()
    {
        var before = World.Status.BrokerDenials;
        await using var device = await World.DeviceAsync("ent2-all");

        await device.PublishAsync("om/v1/ent-1/p1/output", AclLogins.Output(1));

        Assert.Equal(before + 1, World.Status.BrokerDenials);
    }

    [Theory]
    [InlineData("om/v1/deadletter/ent-1/p1/output")]
    [InlineData("om/v1/alerts/ent-1/p1")]
    public async Task An_anonymous_client_publishes_telemetry_but_not_dead_letters_or_alerts(string topic)
    {
        await using var watcher = await MqttTestClient.ConnectAsync(World.OpenPort, "om/v1/#", AclLogins.SystemUser, AclLogins.SystemPassword);
        await using var anonymous = await MqttTestClient.ConnectAsync(World.OpenPort, null, null, null, MqttProtocolVersion.V500, null);

        var forged = $"{{\"forged\":\"{Guid.NewGuid():N}\"}}";
        var denied = await anonymous.PublishAsync(topic, forged);
        var telemetry = AclLogins.Output(1);
        var allowed = await anonymous.PublishAsync("om/v1/ent-1/p1/output", telemetry);
        await Eventually.HoldsAsync(() => watcher.Received.Any(m => m.Payload == telemetry), AclWorld.Timeout, "the anonymous telemetry arrives");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, denied.ReasonCode);
        Assert.True(allowed.IsSuccess, $"PUBACK {allowed.ReasonCode}");
        Assert.DoesNotContain(watcher.Received, m => m.Payload == forged);
    }

    /// <summary>The spec's clients send no client id unless told to (mosquitto_pub): the broker assigns one.</summary>
    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task Mosquitto_pub_without_a_client_id_is_counted(string version)
    {
        var before = await World.GoodAsync("ent-1", "p1");

        await MqttTestClient.MosquittoPubAsync(World.OpenPort, "om/v1/ent-1/p1/output", AclLogins.Output(5), "-V", version);

        await World.CountedAsync("ent-1", "p1", before, 5);
    }

    [Fact]
    public async Task Another_login_cannot_take_over_a_client_ids_session()
    {
        await using var owner = await MqttTestClient.ConnectAsync(World.Port, null, "ent1-all", AclLogins.PasswordOf("ent1-all"), MqttProtocolVersion.V500, "shared-id-1");

        // Taking it over would inherit its subscriptions (a persistent session) and cut the owner off.
        var code = await MqttTestClient.TryConnectAsync(World.Port, "ent2-all", AclLogins.PasswordOf("ent2-all"), clientId: "shared-id-1");
        var gatewayId = await MqttTestClient.TryConnectAsync(World.Port, "ent2-all", AclLogins.PasswordOf("ent2-all"), clientId: "acl-gateway");

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, code);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, gatewayId);
        Assert.True(World.Status.BrokerConnected);
    }

    [Fact]
    public async Task A_will_outside_the_devices_ACL_is_not_published()
    {
        var will = $"{{\"will\":\"{Guid.NewGuid():N}\"}}";
        var device = await MqttTestClient.ConnectAsync(World.Port, null, "ent1-all", AclLogins.PasswordOf("ent1-all"), MqttProtocolVersion.V500, null,
            options => options.WithWillTopic("om/v1/ent-2/p1/state").WithWillPayload(will).WithWillQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce));
        var denials = World.Status.BrokerDenials;

        device.Abort();
        await Eventually.HoldsAsync(() => World.Status.BrokerDenials > denials, AclWorld.Timeout, "the will is refused");
        await World.MarkAsync("om/v1/ent-2/p1/output");

        Assert.DoesNotContain(World.Watcher.Received, m => m.Payload == will);
    }
}

public sealed class MosquittoAclTests(MosquittoAclWorld world) : BrokerAclContract<MosquittoAclWorld>(world), IClassFixture<MosquittoAclWorld>;
