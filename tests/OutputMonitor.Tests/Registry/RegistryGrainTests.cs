using Microsoft.Extensions.Time.Testing;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Telemetry;
using OutputMonitor.Tests.Support;
using static OutputMonitor.Tests.Support.TestRegistry;

namespace OutputMonitor.Tests.Registry;

/// <summary>Run-time registry changes: validated whole, applied all or nothing, and followed by the roll-ups.</summary>
public sealed class RegistryGrainTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 10, 0, 0, TimeSpan.FromHours(8));
    private MonitorCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MonitorCluster.StartAsync(Small(), new FakeTimeProvider(Now));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task The_registry_starts_from_the_configured_file()
    {
        var document = await _cluster.Registry.GetDocumentAsync();
        Assert.Equal(["ent-1", "ent-2", "ent-3"], document.Enterprises.Select(e => e.Id));
        Assert.Equal(1, await _cluster.Registry.GetVersionAsync());
    }

    [Fact]
    public async Task An_invalid_upsert_is_refused_with_relative_fields_and_changes_nothing()
    {
        var before = RegistryJson.Serialize(await _cluster.Registry.GetDocumentAsync());
        var bad = Enterprise("ent-2", "atlantis", "chain-x", Production("p1", goodPerDay: -4), Production("p1"));

        var result = await _cluster.Registry.UpsertEnterpriseAsync(bad);

        Assert.False(result.Applied);
        Assert.Equal(["region", "lines[0].plan.goodPerDay", "lines[1].id"], result.Errors.Select(e => e.Field));
        Assert.Equal(before, RegistryJson.Serialize(await _cluster.Registry.GetDocumentAsync()));
        Assert.Equal(1, await _cluster.Registry.GetVersionAsync());
        Assert.Equal("region:city-b", (await _cluster.Registry.GetConfigAsync(ScopeId.Enterprise("ent-2")))!.Parents[0].ToString());
    }

    [Fact]
    public async Task A_new_enterprise_counts_at_once_and_rolls_up()
    {
        var result = await _cluster.Registry.UpsertEnterpriseAsync(Enterprise("ent-new", "city-a", "chain-y", Production("l1", unitValue: 3m)));
        Assert.True(result.Applied);
        Assert.Equal(2, result.Version);

        await _cluster.IngestAsync("ent-new", "l1", Reading.Output("a", Now, good: 12));
        await _cluster.FlushAsync();

        Assert.Equal(12, (await _cluster.SnapshotAsync("region:prov")).Today.Good);
        Assert.Equal(36m, (await _cluster.SnapshotAsync("chain:chain-y")).Today.ValueCny);
        Assert.Contains("enterprise:ent-new", (await _cluster.SnapshotAsync("region:city-a")).Children.Select(c => c.Scope));
    }

    /// <remarks>
    /// Deactivated first: the grains then learn of the change as new activations, whose config
    /// comes from the registry, not from their stored state; their outboxes say where their figures went.
    /// </remarks>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Moving_an_enterprise_moves_all_its_figures_between_regions_and_chains(bool deactivatedFirst)
    {
        await _cluster.IngestAsync("ent-2", "p1", Reading.Output("a", Now, good: 40), Reading.Output("b", Now.AddDays(-1), good: 2));
        await _cluster.FlushAsync();
        Assert.Equal(40, (await _cluster.SnapshotAsync("region:city-b")).Today.Good);
        if (deactivatedFirst)
        {
            await _cluster.DeactivateAllAsync();
        }

        var moved = Enterprise("ent-2", "city-a", "chain-y", Production("p1", unitValue: 2.5m, goodPerDay: 800));
        Assert.True((await _cluster.Registry.UpsertEnterpriseAsync(moved)).Applied);
        await _cluster.FlushAsync();

        Assert.Equal(0, (await _cluster.SnapshotAsync("region:city-b")).Today.Good);
        Assert.Equal(40, (await _cluster.SnapshotAsync("region:city-a")).Today.Good);
        Assert.Equal(0, (await _cluster.SnapshotAsync("chain:chain-x")).Today.Good);
        Assert.Equal(40, (await _cluster.SnapshotAsync("chain:chain-y")).Today.Good);
        Assert.Equal(40, (await _cluster.SnapshotAsync("region:prov")).Today.Good);
        Assert.DoesNotContain("enterprise:ent-2", (await _cluster.SnapshotAsync("region:city-b")).Children.Select(c => c.Scope));

        // Yesterday moved too.
        var days = (await _cluster.Grains.GetScopeGrain(ScopeId.Region("city-a")).GetHistoryAsync(Snapshots.HistoryStep.Day, Now.AddDays(-3), Now.AddDays(1)))!.Points;
        Assert.Equal([2L, 40L], days.Select(p => p.Good));

        // And it keeps counting in its new place.
        await _cluster.IngestAsync("ent-2", "p1", Reading.Output("c", Now, good: 1));
        await _cluster.FlushAsync();
        Assert.Equal(41, (await _cluster.SnapshotAsync("region:city-a")).Today.Good);
        Assert.Equal(0, (await _cluster.SnapshotAsync("region:city-b")).Today.Good);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deleting_an_enterprise_takes_its_figures_out_of_every_roll_up(bool deactivatedFirst)
    {
        await _cluster.IngestAsync("ent-3", "p1", Reading.Output("a", Now, good: 9));
        await _cluster.IngestAsync("ent-2", "p1", Reading.Output("a", Now, good: 1));
        await _cluster.FlushAsync();
        Assert.Equal(10, (await _cluster.SnapshotAsync("region:city-b")).Today.Good);
        if (deactivatedFirst)
        {
            await _cluster.DeactivateAllAsync();
        }

        Assert.True((await _cluster.Registry.DeleteEnterpriseAsync("ent-3")).Applied);
        await _cluster.FlushAsync();

        Assert.Equal(1, (await _cluster.SnapshotAsync("region:city-b")).Today.Good);
        Assert.Equal(1, (await _cluster.SnapshotAsync("region:prov")).Today.Good);
        Assert.Equal(0, (await _cluster.SnapshotAsync("chain:chain-y")).Today.Good);
        Assert.Null(await _cluster.Grains.GetScopeGrain(ScopeId.Enterprise("ent-3")).GetSnapshotAsync());
        Assert.True((await _cluster.IngestAsync("ent-3", "p1", Reading.Output("b", Now, good: 5))).UnknownLine);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Removing_a_line_takes_its_figures_out_of_its_enterprise(bool deactivatedFirst)
    {
        await _cluster.IngestAsync("ent-3", "p2", Reading.Output("a", Now, good: 30));
        await _cluster.IngestAsync("ent-3", "p1", Reading.Output("a", Now, good: 3));
        await _cluster.FlushAsync();
        if (deactivatedFirst)
        {
            await _cluster.DeactivateAllAsync();
        }

        Assert.True((await _cluster.Registry.UpsertEnterpriseAsync(Enterprise("ent-3", "city-b", "chain-y", Production("p1", unitValue: 1m, ideal: 60, goodPerDay: 1000)))).Applied);
        await _cluster.FlushAsync();

        Assert.Equal(3, (await _cluster.SnapshotAsync("enterprise:ent-3")).Today.Good);
        Assert.Equal(3, (await _cluster.SnapshotAsync("region:prov")).Today.Good);
    }

    [Fact]
    public async Task Deleting_an_unknown_enterprise_is_not_found()
    {
        var result = await _cluster.Registry.DeleteEnterpriseAsync("ghost");
        Assert.True(result.NotFound);
        Assert.False(result.Applied);
        Assert.Equal(1, await _cluster.Registry.GetVersionAsync());
    }

    [Fact]
    public async Task A_region_upsert_that_would_make_a_cycle_is_refused()
    {
        var result = await _cluster.Registry.UpsertRegionAsync(Region("prov", "city-a", "Asia/Shanghai"));
        Assert.False(result.Applied);
        Assert.Contains(result.Errors, e => e.Message.Contains("its own ancestor", StringComparison.Ordinal));
        Assert.Empty((await _cluster.Registry.GetConfigAsync(ScopeId.Region("prov")))!.Parents);
    }

    [Fact]
    public async Task Changing_a_region_time_zone_reaches_the_lines_below_it()
    {
        Assert.True((await _cluster.Registry.UpsertRegionAsync(Region("prov", null, "Europe/Berlin"))).Applied);
        Assert.Equal("Europe/Berlin", (await _cluster.Registry.GetConfigAsync(ScopeId.Line("ent-3", "p2")))!.TimeZone);

        // 10:00 in Shanghai is 03:00 in Berlin on the same date.
        Assert.Equal("2026-04-01", (await _cluster.SnapshotAsync("line:ent-3/p2")).Day);
        Assert.Equal("Europe/Berlin", (await _cluster.Registry.GetConfigAsync(ScopeId.Region("city-b")))!.TimeZone);
    }

    [Fact]
    public async Task A_chain_rename_shows_in_its_snapshot()
    {
        Assert.True((await _cluster.Registry.UpsertChainAsync(new ChainDefinition { Id = "chain-x", Name = "新名", NameEn = "Renamed" })).Applied);
        var snapshot = await _cluster.SnapshotAsync("chain:chain-x");
        Assert.Equal(("新名", "Renamed"), (snapshot.Name, snapshot.NameEn));
    }
}
