using System.Text;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Tests.Support;
using static OutputMonitor.Tests.Support.TestRegistry;

namespace OutputMonitor.Tests.Registry;

public class RegistryValidatorTests
{
    private static RegistryError Single(RegistryDocument document)
    {
        var errors = RegistryValidator.Validate(document);
        return Assert.Single(errors);
    }

    [Fact]
    public void A_valid_registry_has_no_errors() => Assert.Empty(RegistryValidator.Validate(Small()));

    [Theory]
    [InlineData("Upper")]
    [InlineData("-starts-with-dash")]
    [InlineData("has space")]
    [InlineData("../etc")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void A_malformed_enterprise_id_is_named(string id)
    {
        var document = Small() with { Enterprises = [Enterprise(id, "city-a", null, Production("p1"))] };
        var error = Single(document);
        Assert.Equal("enterprises[0].id", error.Field);
        Assert.Contains("not a valid id", error.Message);
    }

    [Theory]
    [InlineData("alerts")]
    [InlineData("deadletter")]
    public void Enterprise_ids_of_the_system_topics_are_reserved(string id) =>
        Assert.Equal(new RegistryError("enterprises[0].id", $"'{id}' is reserved for the system's own topics"), Single(Small() with { Enterprises = [Enterprise(id, "city-a", null)] }));

    [Fact]
    public void A_missing_id_is_required()
    {
        var document = Small() with { Chains = [.. Small().Chains, new ChainDefinition { Name = "x" }] };
        Assert.Equal(new RegistryError("chains[2].id", "is required"), Single(document));
    }

    [Fact]
    public void A_duplicate_region_id_is_refused()
    {
        var document = Small() with { Regions = [.. Small().Regions, Region("city-a", "prov")] };
        var error = Single(document);
        Assert.Equal("regions[3].id", error.Field);
        Assert.Contains("duplicate region id 'city-a'", error.Message);
    }

    [Fact]
    public void A_duplicate_chain_id_is_refused() =>
        Assert.Equal("chains[3].id", Single(Small() with { Chains = [.. Small().Chains, Chain("c"), Chain("c")] }).Field);

    [Fact]
    public void A_duplicate_enterprise_id_is_refused()
    {
        var document = Small() with { Enterprises = [.. Small().Enterprises, Enterprise("ent-2", "city-a", null)] };
        Assert.Equal("enterprises[3].id", Single(document).Field);
    }

    [Fact]
    public void A_duplicate_line_id_within_an_enterprise_is_refused()
    {
        var document = Small() with { Enterprises = [Enterprise("e", "city-a", null, Production("p1"), Shipment("p1"))] };
        var error = Single(document);
        Assert.Equal("enterprises[0].lines[1].id", error.Field);
        Assert.Contains("duplicate line id", error.Message);
    }

    [Fact]
    public void The_same_line_id_in_two_enterprises_is_fine() =>
        Assert.Empty(RegistryValidator.Validate(Small() with { Enterprises = [Enterprise("a", "city-a", null, Production("p1")), Enterprise("b", "city-a", null, Production("p1"))] }));

    [Fact]
    public void An_unknown_parent_is_named()
    {
        var document = Small() with { Regions = [.. Small().Regions, Region("zone", "nowhere")] };
        Assert.Equal(new RegistryError("regions[3].parent", "unknown parent region 'nowhere'"), Single(document));
    }

    [Fact]
    public void A_cycle_of_regions_is_refused()
    {
        var document = Small() with { Regions = [Region("a", "c"), Region("b", "a"), Region("c", "b"), .. Small().Regions] };
        var errors = RegistryValidator.Validate(document);
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("its own ancestor", e.Message));
        Assert.Equal(["regions[0].parent", "regions[1].parent", "regions[2].parent"], errors.Select(e => e.Field));
    }

    [Fact]
    public void A_region_that_is_its_own_parent_is_a_cycle() =>
        Assert.Contains("its own ancestor", Single(Small() with { Regions = [.. Small().Regions, Region("loop", "loop")] }).Message);

    [Fact]
    public void An_unknown_time_zone_is_named()
    {
        var document = Small("Mars/Olympus_Mons");
        Assert.Equal(new RegistryError("regions[0].timeZone", "unknown IANA time zone 'Mars/Olympus_Mons'"), Single(document));
    }

    [Fact]
    public void An_enterprise_in_an_unknown_region_is_refused() =>
        Assert.Equal(new RegistryError("enterprises[0].region", "unknown region 'atlantis'"), Single(Small() with { Enterprises = [Enterprise("e", "atlantis", null)] }));

    [Fact]
    public void An_enterprise_without_a_region_is_refused() =>
        Assert.Equal(new RegistryError("enterprises[0].region", "is required"), Single(Small() with { Enterprises = [new EnterpriseDefinition { Id = "e", Name = "E" }] }));

    [Fact]
    public void An_enterprise_in_an_unknown_chain_is_refused() =>
        Assert.Equal(new RegistryError("enterprises[0].chain", "unknown chain 'nope'"), Single(Small() with { Enterprises = [Enterprise("e", "city-a", "nope")] }));

    [Theory]
    [InlineData("goodPerDay")]
    [InlineData("goodPerWeek")]
    [InlineData("goodPerMonth")]
    [InlineData("goodPerYear")]
    [InlineData("tonsPerDay")]
    [InlineData("tonsPerWeek")]
    [InlineData("tonsPerMonth")]
    [InlineData("tonsPerYear")]
    public void A_negative_plan_is_named(string field)
    {
        var plan = field switch
        {
            "goodPerDay" => new PlanDefinition { GoodPerDay = -1 },
            "goodPerWeek" => new PlanDefinition { GoodPerWeek = -1 },
            "goodPerMonth" => new PlanDefinition { GoodPerMonth = -1 },
            "goodPerYear" => new PlanDefinition { GoodPerYear = -1 },
            "tonsPerDay" => new PlanDefinition { TonsPerDay = -0.5m },
            "tonsPerWeek" => new PlanDefinition { TonsPerWeek = -1 },
            "tonsPerMonth" => new PlanDefinition { TonsPerMonth = -1 },
            _ => new PlanDefinition { TonsPerYear = -1 },
        };
        var document = Small() with { Enterprises = [Enterprise("e", "city-a", null, Production("p1") with { Plan = plan })] };
        Assert.Equal(new RegistryError($"enterprises[0].lines[0].plan.{field}", "must be >= 0"), Single(document));
    }

    [Fact]
    public void A_bad_kind_is_refused() =>
        Assert.Equal("enterprises[0].lines[0].kind", Single(Small() with { Enterprises = [Enterprise("e", "city-a", null, Production("p1") with { Kind = "warehouse" })] }).Field);

    [Fact]
    public void A_negative_unit_value_is_refused() =>
        Assert.Equal("enterprises[0].lines[0].unitValueCny", Single(Small() with { Enterprises = [Enterprise("e", "city-a", null, Production("p1", unitValue: -1m))] }).Field);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void An_ideal_rate_must_be_finite_and_positive(double rate) =>
        Assert.Equal("enterprises[0].lines[0].idealRatePerHour", Single(Small() with { Enterprises = [Enterprise("e", "city-a", null, Production("p1", ideal: rate))] }).Field);

    [Fact]
    public void Alert_settings_are_checked()
    {
        var alerts = new AlertSettings { ShortfallPeriod = "fortnight", ShortfallTolerance = 1.5, GraceMinutes = -1, StaleAfterMinutes = 0 };
        var document = Small() with { Enterprises = [Enterprise("e", "city-a", null, Production("p1") with { Alerts = alerts })] };
        Assert.Equal(
            ["enterprises[0].lines[0].alerts.shortfallPeriod", "enterprises[0].lines[0].alerts.shortfallTolerance", "enterprises[0].lines[0].alerts.graceMinutes", "enterprises[0].lines[0].alerts.staleAfterMinutes"],
            RegistryValidator.Validate(document).Select(e => e.Field));
    }

    [Fact]
    public void Names_are_required_and_bounded()
    {
        var document = Small() with { Chains = [.. Small().Chains, new ChainDefinition { Id = "c", Name = " " }, new ChainDefinition { Id = "d", Name = new string('x', 201) }] };
        Assert.Equal([new RegistryError("chains[2].name", "is required"), new RegistryError("chains[3].name", "must be at most 200 characters")], RegistryValidator.Validate(document));
    }

    [Fact]
    public void Null_entries_are_refused_not_crashed_on()
    {
        var (document, errors) = RegistryJson.Parse(Utf8("""{ "regions": [null], "chains": [], "enterprises": [ { "id": "e", "name": "E", "region": "r", "lines": [null] } ] }"""));
        Assert.Null(document);
        Assert.Contains(new RegistryError("regions[0]", "must be an object"), errors);
        Assert.Contains(new RegistryError("enterprises[0].lines[0]", "must be an object"), errors);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("""{ "regions": "henan" }""")]
    [InlineData("""{ "enterprises": [ { "lines": [ { "idealRatePerHour": "fast" } ] } ] }""")]
    public void Malformed_json_is_an_error_with_its_path(string json)
    {
        var (document, errors) = RegistryJson.Parse(Utf8(json));
        Assert.Null(document);
        var error = Assert.Single(errors);
        Assert.StartsWith("$", error.Field);
        Assert.StartsWith("malformed JSON", error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_as_malformed()
    {
        var json = "{ \"regions\": [ { \"id\": \"a\", \"name\": \"b\", \"x\": " + new string('[', 200) + new string(']', 200) + " } ] }";
        var (document, errors) = RegistryJson.Parse(Utf8(json));
        Assert.Null(document);
        Assert.StartsWith("malformed JSON", Assert.Single(errors).Message);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_load_error()
    {
        var ex = Assert.Throws<RegistryLoadException>(() => RegistryJson.Load("/nonexistent/registry.json"));
        Assert.Equal("Registry:Path", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void An_invalid_file_fails_to_load_with_every_error()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, RegistryJson.Serialize(Small() with { Chains = [Chain("c"), Chain("c")], Enterprises = [Enterprise("e", "nowhere", null)] }));
            var ex = Assert.Throws<RegistryLoadException>(() => RegistryJson.Load(path));
            Assert.Equal(["chains[1].id", "enterprises[0].region"], ex.Errors.Select(e => e.Field));
            Assert.Contains("enterprises[0].region", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_demo_registry_is_valid_and_as_large_as_promised()
    {
        var document = RegistryJson.LoadDemo();
        var index = new RegistryIndex(document);
        Assert.True(document.Enterprises.Count >= 15);
        Assert.True(index.LineCount >= 40);
        Assert.True(document.Chains.Count >= 5);
        foreach (var city in new[] { "zhengzhou", "jiaozuo", "jiyuan", "pingdingshan" })
        {
            Assert.Equal("henan", document.Regions.Single(r => r.Id == city).Parent);
        }

        Assert.Contains(document.Regions, r => r.Id == "jinan-hitech");
        Assert.Equal(["region:henan", "region:shandong"], document.Regions.Where(r => r.Parent is null).Select(r => $"region:{r.Id}").Order());
    }

    [Fact]
    public void The_demo_registry_has_the_bauxite_chain_with_the_12_million_ton_plan()
    {
        var hnic = RegistryJson.LoadDemo().Enterprises.Single(e => e.Id == "hnic");
        Assert.Equal(["boke-mine", "boke-rail", "boke-wharf", "boke-vessel"], hnic.Lines.Select(l => l.Id));
        Assert.All(hnic.Lines, l => Assert.Equal(LineKinds.Shipment, l.Kind));
        var vessel = hnic.Lines.Single(l => l.Id == "boke-vessel");
        Assert.Equal(12_000_000m, vessel.Plan!.TonsPerYear);
        Assert.Equal("month", vessel.Alerts!.ShortfallPeriod);
    }

    [Fact]
    public void The_index_gives_zones_parents_and_children()
    {
        var index = new RegistryIndex(Small("Europe/Berlin"));
        var line = index.Find(ScopeId.Line("ent-3", "p2"))!;
        Assert.Equal("Europe/Berlin", line.TimeZone);
        Assert.Equal([ScopeId.Enterprise("ent-3")], line.Parents);
        Assert.Equal([ScopeId.Region("city-b"), ScopeId.Chain("chain-y")], index.Find(ScopeId.Enterprise("ent-3"))!.Parents);
        Assert.Equal(["region:city-a", "region:city-b"], index.Find(ScopeId.Region("prov"))!.Children.Select(c => c.Scope.ToString()));
        Assert.Equal(["enterprise:ent-1", "enterprise:ent-2"], index.Find(ScopeId.Chain("chain-x"))!.Children.Select(c => c.Scope.ToString()));
        Assert.Equal(5, index.LinesBelow(ScopeId.Region("prov")).Count());
    }

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));
}
