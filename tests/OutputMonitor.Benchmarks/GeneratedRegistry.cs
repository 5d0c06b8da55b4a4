using OutputMonitor.Registry;

namespace OutputMonitor.Benchmarks;

/// <summary>One line of a generated registry: its enterprise and line ids.</summary>
internal readonly record struct LineRef(string Enterprise, string Line);

/// <summary>
/// A registry of the given size: a province (Asia/Shanghai) with a few cities, a few industry
/// chains, enterprises of <see cref="LinesPerEnterprise"/> production lines each (every fourth
/// enterprise in no chain). Lines carry a unit value, an ideal rate and a daily plan, as the demo's do.
/// </summary>
internal sealed class GeneratedRegistry
{
    public const int LinesPerEnterprise = 100;
    public const int Cities = 4;
    public const int Chains = 3;

    private GeneratedRegistry(RegistryDocument document, LineRef[] lines)
    {
        Document = document;
        Lines = lines;
    }

    public RegistryDocument Document { get; }

    public IReadOnlyList<LineRef> Lines { get; }

    public int Enterprises => Document.Enterprises.Count;

    public string Describe() =>
        $"{Lines.Count:N0} lines in {Enterprises:N0} enterprises ({LinesPerEnterprise} lines each), 1 province + {Cities} cities, {Chains} chains";

    public static GeneratedRegistry Create(int lineCount)
    {
        var lines = new LineRef[lineCount];
        var enterprises = new List<EnterpriseDefinition>();
        for (var e = 0; e * LinesPerEnterprise < lineCount; e++)
        {
            var enterpriseId = $"ent-{e:D5}";
            var count = Math.Min(LinesPerEnterprise, lineCount - (e * LinesPerEnterprise));
            var definitions = new LineDefinition[count];
            for (var l = 0; l < count; l++)
            {
                var lineId = $"line-{l:D3}";
                lines[(e * LinesPerEnterprise) + l] = new LineRef(enterpriseId, lineId);
                definitions[l] = new LineDefinition
                {
                    Id = lineId,
                    Name = $"{l + 1} 号线",
                    NameEn = $"Line {l + 1}",
                    Kind = LineKinds.Production,
                    UnitValueCny = 2.5m + (l % 10),
                    IdealRatePerHour = 600,
                    Plan = new PlanDefinition { GoodPerDay = 10_000 },
                };
            }

            enterprises.Add(new EnterpriseDefinition
            {
                Id = enterpriseId,
                Name = $"企业 {e + 1}",
                NameEn = $"Enterprise {e + 1}",
                Region = $"city-{(e % Cities) + 1}",
                Chain = e % 4 == 3 ? null : $"chain-{(e % Chains) + 1}",
                Lines = definitions,
            });
        }

        var document = new RegistryDocument
        {
            Regions =
            [
                new RegionDefinition { Id = "prov", Name = "省", NameEn = "Province", TimeZone = PlantCalendar.DefaultTimeZone },
                .. Enumerable.Range(1, Cities).Select(c => new RegionDefinition { Id = $"city-{c}", Name = $"市 {c}", NameEn = $"City {c}", Parent = "prov" }),
            ],
            Chains = [.. Enumerable.Range(1, Chains).Select(c => new ChainDefinition { Id = $"chain-{c}", Name = $"产业链 {c}", NameEn = $"Chain {c}" })],
            Enterprises = enterprises,
        };

        var errors = RegistryValidator.Validate(document);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"generated registry is invalid: {errors[0].Field}: {errors[0].Message}");
        }

        return new GeneratedRegistry(document, lines);
    }
}
