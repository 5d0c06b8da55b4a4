using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OutputMonitor.Alerts;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;
using OutputMonitor.Web.Hubs;

namespace OutputMonitor.Tests.Web;

/// <summary>The hub of spec/api.md with the .NET SignalR client: subscribe, push, throttle, resync.</summary>
public sealed class HubTests(TestWebApp app) : IClassFixture<TestWebApp>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly List<HubConnection> _connections = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Subscribe_returns_the_snapshot_now_and_then_pushes_each_change()
    {
        var (connection, inbox) = await ConnectAsync();
        var first = await connection.InvokeAsync<JsonElement>("Subscribe", "line:ent-1/p1");
        Assert.Equal("line:ent-1/p1", first.GetProperty("scope").GetString());
        var before = Good(first);

        await IngestAsync("ent-1", "p1", 7);

        var pushed = await inbox.WaitForAsync("line:ent-1/p1", s => Good(s) == before + 7);
        Assert.Equal("p1 线", pushed.GetProperty("name").GetString());
        Assert.True(pushed.TryGetProperty("asOf", out _));
    }

    [Fact]
    public async Task Aggregates_push_what_their_lines_added()
    {
        await Rollups.FlushAllAsync(app.Grains);
        var (connection, inbox) = await ConnectAsync();
        var before = Good(await connection.InvokeAsync<JsonElement>("Subscribe", "region:city-b"));

        await IngestAsync("ent-3", "p2", 11);

        await inbox.WaitForAsync("region:city-b", s => Good(s) == before + 11);
    }

    [Fact]
    public async Task Only_subscribed_scopes_are_received()
    {
        var (connection, inbox) = await ConnectAsync();
        var before = Good(await connection.InvokeAsync<JsonElement>("Subscribe", "line:ent-2/p1"));

        // ent-1/p1 changes first; the subscribed line's change is then the proof that everything sent has arrived.
        await IngestAsync("ent-1", "p1", 3);
        await app.Grains.GetScopeGrain(ScopeId.Parse("line:ent-1/p1")).FlushAsync();
        await IngestAsync("ent-2", "p1", 5);
        await inbox.WaitForAsync("line:ent-2/p1", s => Good(s) == before + 5);

        Assert.Equal(["line:ent-2/p1"], inbox.Scopes);
    }

    [Fact]
    public async Task Unsubscribe_stops_the_pushes_of_that_scope()
    {
        var (connection, inbox) = await ConnectAsync();
        await connection.InvokeAsync<JsonElement>("Subscribe", "line:ent-1/s1");
        var before = Good(await connection.InvokeAsync<JsonElement>("Subscribe", "line:ent-3/p1"));
        await connection.InvokeAsync("Unsubscribe", "line:ent-1/s1");

        await IngestAsync("ent-1", "s1", 0, tons: 12.5m);
        await IngestAsync("ent-3", "p1", 2);
        await inbox.WaitForAsync("line:ent-3/p1", s => Good(s) == before + 2);

        Assert.DoesNotContain("line:ent-1/s1", inbox.Scopes);
    }

    [Fact]
    public async Task A_flood_of_changes_is_throttled_to_four_snapshots_a_second_and_none_is_lost()
    {
        var (connection, inbox) = await ConnectAsync();
        var before = Good(await connection.InvokeAsync<JsonElement>("Subscribe", "line:ent-3/p2"));
        var line = app.Grains.GetLineGrain("ent-3", "p2");

        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            await line.IngestAsync([Reading.Output(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, 1)]);
            sent++;
        }

        await inbox.WaitForAsync("line:ent-3/p2", s => Good(s) == before + sent);
        var elapsed = clock.Elapsed;

        var received = inbox.Count("line:ent-3/p2");
        Assert.True(sent > 100, $"the flood sent only {sent} changes");
        Assert.InRange(received, 2, (int)(elapsed.TotalSeconds * 4) + 1);
    }

    [Fact]
    public async Task A_new_connection_gets_a_fresh_snapshot_at_once()
    {
        await Rollups.FlushAllAsync(app.Grains);
        var (first, _) = await ConnectAsync();
        var before = Good(await first.InvokeAsync<JsonElement>("Subscribe", "enterprise:ent-3"));
        await first.StopAsync();

        await IngestAsync("ent-3", "p1", 9);
        await app.Grains.GetScopeGrain(ScopeId.Parse("line:ent-3/p1")).FlushAsync();

        // What an automatic reconnect does: a new connection subscribes again and is current at once.
        var (second, inbox) = await ConnectAsync();
        Assert.Equal(before + 9, Good(await second.InvokeAsync<JsonElement>("Subscribe", "enterprise:ent-3")));
        await IngestAsync("ent-3", "p1", 1);
        await inbox.WaitForAsync("enterprise:ent-3", s => Good(s) == before + 10);
    }

    [Fact]
    public async Task A_reactivated_grain_is_watched_again_and_its_snapshot_resent()
    {
        var (connection, inbox) = await ConnectAsync();
        var before = Good(await connection.InvokeAsync<JsonElement>("Subscribe", "line:ent-2/p1"));

        // What a silo failure does to a watched grain: a new activation that knows no watchers.
        await app.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await IngestAsync("ent-2", "p1", 4);
        await app.Services.GetRequiredService<ScopeWatch>().RefreshAsync();

        await inbox.WaitForAsync("line:ent-2/p1", s => Good(s) == before + 4);
        await IngestAsync("ent-2", "p1", 1);
        await inbox.WaitForAsync("line:ent-2/p1", s => Good(s) == before + 5);
    }

    [Fact]
    public async Task Alert_changes_reach_the_dashboards_of_their_scope_and_the_scopes_above_it_only()
    {
        var (_, aboveAlerts) = await ConnectWithAlertsAsync("region:city-b");
        var (_, lineAlerts) = await ConnectWithAlertsAsync("line:ent-3/p1");
        var (elsewhere, elsewhereAlerts) = await ConnectWithAlertsAsync("region:city-a");
        await app.Services.GetRequiredService<ScopeWatch>().RefreshAsync();

        var raised = new Alert
        {
            Id = "ent-3.p1.down.hub",
            Scope = "line:ent-3/p1",
            Kind = "down",
            Severity = "critical",
            Status = AlertStatuses.Active,
            Message = "p1 is down",
            RaisedAt = DateTimeOffset.UtcNow,
        };
        await app.Grains.GetGrain<IAlertBookGrain>("ent-3").RecordAsync([raised]);
        await app.Grains.GetGrain<IAlertBookGrain>("ent-3").RecordAsync([raised with { Status = AlertStatuses.Cleared, ClearedAt = DateTimeOffset.UtcNow }]);

        await Eventually.HoldsAsync(() => aboveAlerts.Count == 2 && lineAlerts.Count == 2, Deadline, "both changes at the city and the line");
        Assert.Equal(["active", "cleared"], aboveAlerts.Select(a => a.GetProperty("status").GetString()));
        Assert.Equal("ent-3.p1.down.hub", lineAlerts.First().GetProperty("id").GetString());

        // The other city's dashboard got neither: a round trip on its connection delivers anything sent to it before.
        await elsewhere.InvokeAsync<JsonElement>("Subscribe", "region:city-a");
        Assert.Empty(elsewhereAlerts);
    }

    [Fact]
    public async Task A_rule_reporting_an_acknowledged_alert_again_is_pushed_as_stored_with_its_acknowledgement()
    {
        var (_, alerts) = await ConnectWithAlertsAsync("line:ent-3/p2");
        await app.Services.GetRequiredService<ScopeWatch>().RefreshAsync();
        var book = app.Grains.GetGrain<IAlertBookGrain>("ent-3");
        var raised = HistoryAndAlertApiTests.Alert("ent-3.p2.stale.hub", "line:ent-3/p2", AlertStatuses.Active, DateTimeOffset.UtcNow);
        await book.RecordAsync([raised]);
        await book.AcknowledgeAsync(raised.Id, "值班员", DateTimeOffset.UtcNow);

        // The rule does not know of the acknowledgement: it reports the alert as it last saw it.
        await book.RecordAsync([raised with { Status = AlertStatuses.Cleared, ClearedAt = DateTimeOffset.UtcNow }]);

        await Eventually.HoldsAsync(() => alerts.Count == 3, Deadline, "raised, acknowledged and cleared");
        var cleared = alerts.Last();
        Assert.Equal(("cleared", "值班员"), (cleared.GetProperty("status").GetString(), cleared.GetProperty("acknowledgedBy").GetString()));
    }

    [Theory]
    [InlineData("bogus", "Malformed scope")]
    [InlineData("line:ent-1", "Malformed scope")]
    [InlineData("region:../etc", "Malformed scope")]
    [InlineData("region:nowhere", "Unknown scope")]
    [InlineData("line:ent-1/ghost", "Unknown scope")]
    public async Task Bad_scopes_are_refused_with_a_clear_error(string scope, string error)
    {
        var (connection, _) = await ConnectAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", scope));
        Assert.Contains(error, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("region:nowhere")]
    [InlineData("line:ent-1/p1")]
    public async Task Unsubscribing_from_a_scope_not_held_changes_nothing(string scope)
    {
        var (connection, inbox) = await ConnectAsync();
        var before = Good(await connection.InvokeAsync<JsonElement>("Subscribe", "line:ent-3/p1"));

        await connection.InvokeAsync("Unsubscribe", scope);

        await IngestAsync("ent-3", "p1", 6);
        await inbox.WaitForAsync("line:ent-3/p1", s => Good(s) == before + 6);
    }

    [Fact]
    public async Task An_oversized_scope_is_refused_without_echoing_it()
    {
        var (connection, _) = await ConnectAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", "region:" + new string('a', 100_000)));
        Assert.True(refused.Message.Length < 300);
    }

    [Fact]
    public async Task A_connection_holds_at_most_the_subscription_limit()
    {
        var (connection, _) = await ConnectAsync();
        var lines = Enumerable.Range(0, MonitorHub.MaxSubscriptionsPerConnection).Select(i => $"line:{TestWebApp.WideEnterprise}/l{i}").ToList();
        foreach (var scope in lines)
        {
            await connection.InvokeAsync<JsonElement>("Subscribe", scope);
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", "region:prov"));
        Assert.Contains("At most 200", refused.Message, StringComparison.Ordinal);

        // A scope already held may be asked for again; one let go makes room.
        await connection.InvokeAsync<JsonElement>("Subscribe", lines[0]);
        await connection.InvokeAsync("Unsubscribe", lines[1]);
        await connection.InvokeAsync<JsonElement>("Subscribe", "region:prov");
    }

    [Fact]
    public async Task Unknown_scopes_take_no_room_and_leave_no_watch()
    {
        var (connection, _) = await ConnectAsync();
        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", $"region:ghost-{i}"));
        }

        Assert.DoesNotContain(app.Services.GetRequiredService<ScopeWatch>().Watched, s => s.Id.StartsWith("ghost-", StringComparison.Ordinal));
    }

    private async Task IngestAsync(string enterprise, string line, long good, decimal tons = 0m)
    {
        var reading = tons > 0
            ? Reading.Shipment(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, tons)
            : Reading.Output(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, good);
        var result = await app.Grains.GetLineGrain(enterprise, line).IngestAsync([reading]);
        Assert.Equal(1, result.Accepted);
    }

    private async Task<(HubConnection Connection, ConcurrentQueue<JsonElement> Alerts)> ConnectWithAlertsAsync(string scope)
    {
        var (connection, _) = await ConnectAsync();
        var alerts = new ConcurrentQueue<JsonElement>();
        connection.On<JsonElement>(MonitorHub.AlertMessage, alert => alerts.Enqueue(alert.Clone()));
        await connection.InvokeAsync<JsonElement>("Subscribe", scope);
        return (connection, alerts);
    }

    private static long Good(JsonElement snapshot) => snapshot.GetProperty("today").GetProperty("good").GetInt64();

    private async Task<(HubConnection Connection, SnapshotInbox Inbox)> ConnectAsync()
    {
        var connection = app.CreateHubConnection();
        var inbox = new SnapshotInbox();
        connection.On<JsonElement>(MonitorHub.SnapshotMessage, inbox.Add);
        await connection.StartAsync();
        _connections.Add(connection);
        return (connection, inbox);
    }

    /// <summary>The snapshots one connection received, by scope.</summary>
    private sealed class SnapshotInbox
    {
        private readonly ConcurrentQueue<JsonElement> _received = new();

        public IReadOnlyList<string> Scopes => [.. _received.Select(s => s.GetProperty("scope").GetString()!).Distinct()];

        public void Add(JsonElement snapshot) => _received.Enqueue(snapshot.Clone());

        public int Count(string scope) => _received.Count(s => s.GetProperty("scope").GetString() == scope);

        public async Task<JsonElement> WaitForAsync(string scope, Func<JsonElement, bool> condition)
        {
            JsonElement found = default;
            await Eventually.HoldsAsync(
                () =>
                {
                    found = _received.LastOrDefault(s => s.GetProperty("scope").GetString() == scope && condition(s));
                    return found.ValueKind != JsonValueKind.Undefined;
                },
                Deadline,
                $"a snapshot of {scope} with the expected figures");
            return found;
        }
    }
}
