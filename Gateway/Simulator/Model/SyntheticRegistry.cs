using OutputMonitor.Registry;

namespace OutputMonitor.Simulator.Model;

/// <summary>
/// Synthetic production lines for load tests: line i is <c>sim-ent-{i/100}</c> / <c>line-{i%100}</c>,
/// in the zone <c>sim-zone</c> (under <c>henan</c> when the registry has it, so the province's
/// roll-up carries the load) and the chain <c>sim-chain</c>.
/// </summary>
public static class SyntheticRegistry
{
    public const string RegionId = "sim-zone";
    public const string ChainId = "sim-chain";
    public const string EnterprisePrefix = "sim-ent-";
    public const int LinesPerEnterprise = 100;

    public static string EnterpriseId(int index) => $"{EnterprisePrefix}{index / LinesPerEnterprise}";

    public static string LineId(int index) => $"line-{index % LinesPerEnterprise}";

    /// <summary>
    /// The registry with <paramref name="count"/> synthetic lines added. Synthetic entries already
    /// in it (a registry written before) are replaced, so applying it twice changes nothing.
    /// </summary>
    public static RegistryDocument WithSyntheticLines(RegistryDocument registry, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var enterprises = registry.Enterprises.Where(e => e.Id is null || !e.Id.StartsWith(EnterprisePrefix, StringComparison.Ordinal)).ToList();
        var regions = registry.Regions.Where(r => r.Id != RegionId).ToList();
        var chains = registry.Chains.Where(c => c.Id != ChainId).ToList();
        if (count == 0)
        {
            return registry with { Regions = regions, Chains = chains, Enterprises = enterprises };
        }

        var parent = regions.Any(r => r.Id == "henan") ? "henan" : null;
        regions.Add(new RegionDefinition
        {
            Id = RegionId,
            Name = "模拟负载园区",
            NameEn = "Simulated load zone",
            Parent = parent,
            TimeZone = parent is null ? PlantCalendar.DefaultTimeZone : null,
        });
        chains.Add(new ChainDefinition { Id = ChainId, Name = "模拟产业链", NameEn = "Simulated chain" });

        for (var first = 0; first < count; first += LinesPerEnterprise)
        {
            var number = first / LinesPerEnterprise;
            var lines = new List<LineDefinition>();
            for (var i = first; i < Math.Min(count, first + LinesPerEnterprise); i++)
            {
                lines.Add(new LineDefinition
                {
                    Id = LineId(i),
                    Name = $"模拟产线 {i % LinesPerEnterprise}",
                    NameEn = $"Simulated line {i % LinesPerEnterprise}",
                    Kind = LineKinds.Production,
                    UnitValueCny = 10m,
                    IdealRatePerHour = 3600,
                    Plan = new PlanDefinition { GoodPerDay = 60_000 },
                });
            }

            enterprises.Add(new EnterpriseDefinition
            {
                Id = EnterpriseId(first),
                Name = $"模拟企业 {number}",
                NameEn = $"Simulated enterprise {number}",
                Region = RegionId,
                Chain = ChainId,
                Lines = lines,
            });
        }

        return registry with { Regions = regions, Chains = chains, Enterprises = enterprises };
    }

    /// <summary>Writes the registry JSON of spec/api.md, after checking it as the system will.</summary>
    public static void Write(RegistryDocument registry, string path)
    {
        var errors = RegistryValidator.Validate(registry);
        if (errors.Count > 0)
        {
            throw new RegistryLoadException(path, errors);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, RegistryJson.Serialize(registry) + "\n");
    }
}
