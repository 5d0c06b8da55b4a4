using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutputMonitor.Alerts;
using OutputMonitor.Silo;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Delivery;

/// <summary>The one-command start (Web's hosting: co-hosted silo, embedded broker): alert changes reach MQTT subscribers there.</summary>
public sealed class OneProcessDeliveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Alert_changes_reach_an_mqtt_subscriber_as_get_api_alerts_writes_them()
    {
        await using var product = await WebProduct.StartAsync(TestRegistry.Small());
        using var http = new HttpClient { BaseAddress = new Uri(product.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestWebApp.AdminKey);
        await using var subscriber = await MqttTestClient.ConnectAsync(product.MqttPort, "om/v1/alerts/#");
        var raised = SampleAlerts.Raised("ent-1.p1.down.web", "line:ent-1/p1") with { Message = "p1 停机超过 30 分钟" };

        await product.Grains.GetGrain<IAlertBookGrain>("ent-1").RecordAsync([raised]);
        await Eventually.HoldsAsync(() => subscriber.Received.Count == 1, Timeout, "the raised alert published");
        Assert.Equal(await ApiJsonAsync(http, raised.Id), subscriber.Received.Single().Payload);

        var ack = await http.PostAsync($"/api/alerts/{raised.Id}/ack", new StringContent("""{ "by": "张经理" }""", Encoding.UTF8, "application/json"));
        ack.EnsureSuccessStatusCode();
        await Eventually.HoldsAsync(() => subscriber.Received.Count == 2, Timeout, "the acknowledgement published");

        var published = subscriber.Received.ToArray();
        Assert.Equal("om/v1/alerts/ent-1/p1", published[1].Topic);
        Assert.Equal(await ApiJsonAsync(http, raised.Id), published[1].Payload);
        Assert.Equal("张经理", SampleAlerts.Field(published[1].Payload, "acknowledgedBy"));
    }

    [Fact]
    public async Task Where_the_embedded_broker_refuses_anonymous_clients_the_silo_logs_in_as_the_in_process_gateway_does()
    {
        await using var product = await WebProduct.StartAsync(TestRegistry.Small(), new Dictionary<string, string?> { ["Mqtt:AllowAnonymous"] = "false" });
        var login = product.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
        await using var subscriber = await MqttTestClient.ConnectAsync(product.MqttPort, "om/v1/alerts/#", login.Username, login.Password);

        await product.Grains.GetGrain<IAlertBookGrain>("ent-3").RecordAsync([SampleAlerts.Raised("ent-3.p1.down.login", "line:ent-3/p1")]);

        await Eventually.HoldsAsync(() => subscriber.Received.Count == 1, Timeout, "the alert published");
        Assert.Equal("om/v1/alerts/ent-3/p1", subscriber.Received.Single().Topic);
    }

    /// <summary>The alert as <c>GET /api/alerts</c> writes it, to the byte.</summary>
    private static async Task<string> ApiJsonAsync(HttpClient http, string id)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/alerts?scope=line:ent-1/p1"));
        return json.RootElement.EnumerateArray().Single(a => a.GetProperty("id").GetString() == id).GetRawText();
    }
}
