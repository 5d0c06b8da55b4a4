using OutputMonitor.Scopes;

namespace OutputMonitor.Registry;

/// <summary>
/// A validated registry with its look-ups: effective time zones, children and the <see cref="ScopeConfig"/>
/// of every scope. Build one per registry version; it is immutable.
/// </summary>
public sealed class RegistryIndex
{
    private readonly Dictionary<string, RegionDefinition> _regions;
    private readonly Dictionary<string, ChainDefinition> _chains;
    private readonly Dictionary<string, EnterpriseDefinition> _enterprises;
    private readonly Dictionary<string, string> _zones = new(StringComparer.Ordinal);
    private readonly Dictionary<ScopeId, ScopeConfig> _configs = [];

    public RegistryIndex(RegistryDocument document)
    {
        Document = document;
        _regions = document.Regions.ToDictionary(r => r.Id!, StringComparer.Ordinal);
        _chains = document.Chains.ToDictionary(c => c.Id!, StringComparer.Ordinal);
        _enterprises = document.Enterprises.ToDictionary(e => e.Id!, StringComparer.Ordinal);
        Build();
    }

    public RegistryDocument Document { get; }

    public IReadOnlyDictionary<ScopeId, ScopeConfig> Configs => _configs;

    public IEnumerable<EnterpriseDefinition> Enterprises => _enterprises.Values;

    public int LineCount { get; private set; }

    public ScopeConfig? Find(ScopeId scope) => _configs.GetValueOrDefault(scope);

    public bool Contains(ScopeId scope) => _configs.ContainsKey(scope);

    public bool ContainsLine(string enterpriseId, string lineId) => _configs.ContainsKey(ScopeId.Line(enterpriseId, lineId));

    /// <summary>Every line at or below <paramref name="scope"/>.</summary>
    public IEnumerable<ScopeId> LinesBelow(ScopeId scope)
    {
        if (!_configs.TryGetValue(scope, out var config))
        {
            yield break;
        }

        if (scope.Kind == ScopeKind.Line)
        {
            yield return scope;
            yield break;
        }

        foreach (var child in config.Children)
        {
            foreach (var line in LinesBelow(child.Scope))
            {
                yield return line;
            }
        }
    }

    /// <summary>The scope and every scope its figures roll up into (a line's enterprise, its regions up to the province, its chain).</summary>
    public IReadOnlySet<ScopeId> ScopeAndAbove(ScopeId scope)
    {
        var found = new HashSet<ScopeId>();
        var queue = new Queue<ScopeId>([scope]);
        while (queue.TryDequeue(out var next))
        {
            if (found.Add(next) && _configs.TryGetValue(next, out var config))
            {
                foreach (var parent in config.Parents)
                {
                    queue.Enqueue(parent);
                }
            }
        }

        return found;
    }

    /// <summary>Aggregate scopes ordered so that every scope comes before the scopes it rolls up into.</summary>
    public IReadOnlyList<ScopeId> AggregatesBottomUp()
    {
        var ordered = new List<ScopeId>();
        ordered.AddRange(_enterprises.Keys.Select(ScopeId.Enterprise));
        ordered.AddRange(_regions.Keys.OrderByDescending(Depth).Select(ScopeId.Region));
        ordered.AddRange(_chains.Keys.Select(ScopeId.Chain));
        return ordered;
    }

    private int Depth(string regionId)
    {
        var depth = 0;
        for (var parent = _regions[regionId].Parent; parent is not null; parent = _regions[parent].Parent)
        {
            depth++;
        }

        return depth;
    }

    private string ZoneOf(string regionId)
    {
        if (_zones.TryGetValue(regionId, out var zone))
        {
            return zone;
        }

        var region = _regions[regionId];
        zone = region.TimeZone ?? (region.Parent is null ? PlantCalendar.DefaultTimeZone : ZoneOf(region.Parent));
        _zones[regionId] = zone;
        return zone;
    }

    private void Build()
    {
        var regionChildren = _regions.Keys.ToDictionary(id => id, _ => new List<ChildRef>(), StringComparer.Ordinal);
        var chainChildren = _chains.Keys.ToDictionary(id => id, _ => new List<ChildRef>(), StringComparer.Ordinal);
        foreach (var region in Document.Regions.Where(r => r.Parent is not null))
        {
            regionChildren[region.Parent!].Add(new ChildRef(ScopeId.Region(region.Id!), region.Name!, region.NameEn));
        }

        foreach (var enterprise in Document.Enterprises)
        {
            var child = new ChildRef(ScopeId.Enterprise(enterprise.Id!), enterprise.Name!, enterprise.NameEn);
            regionChildren[enterprise.Region!].Add(child);
            if (enterprise.Chain is not null)
            {
                chainChildren[enterprise.Chain].Add(child);
            }
        }

        foreach (var region in Document.Regions)
        {
            var scope = ScopeId.Region(region.Id!);
            _configs[scope] = new ScopeConfig
            {
                Scope = scope,
                Name = region.Name!,
                NameEn = region.NameEn,
                TimeZone = ZoneOf(region.Id!),
                Parents = region.Parent is null ? [] : [ScopeId.Region(region.Parent)],
                Children = regionChildren[region.Id!],
            };
        }

        foreach (var chain in Document.Chains)
        {
            var scope = ScopeId.Chain(chain.Id!);

            // A chain runs across regions: its plant day is its enterprises' when they share a zone.
            var zones = Document.Enterprises.Where(e => e.Chain == chain.Id).Select(e => ZoneOf(e.Region!)).Distinct().ToList();
            _configs[scope] = new ScopeConfig
            {
                Scope = scope,
                Name = chain.Name!,
                NameEn = chain.NameEn,
                TimeZone = zones.Count == 1 ? zones[0] : PlantCalendar.DefaultTimeZone,
                Children = chainChildren[chain.Id!],
            };
        }

        foreach (var enterprise in Document.Enterprises)
        {
            var scope = ScopeId.Enterprise(enterprise.Id!);
            var zone = ZoneOf(enterprise.Region!);
            List<ScopeId> parents = [ScopeId.Region(enterprise.Region!)];
            if (enterprise.Chain is not null)
            {
                parents.Add(ScopeId.Chain(enterprise.Chain));
            }

            _configs[scope] = new ScopeConfig
            {
                Scope = scope,
                Name = enterprise.Name!,
                NameEn = enterprise.NameEn,
                TimeZone = zone,
                Parents = parents,
                Children = [.. enterprise.Lines.Select(l => new ChildRef(ScopeId.Line(enterprise.Id!, l.Id!), l.Name!, l.NameEn))],
                EnterpriseAlerts = enterprise.Alerts,
                Lines = enterprise.Lines,
            };

            foreach (var line in enterprise.Lines)
            {
                var lineScope = ScopeId.Line(enterprise.Id!, line.Id!);
                LineCount++;
                _configs[lineScope] = new ScopeConfig
                {
                    Scope = lineScope,
                    Name = line.Name!,
                    NameEn = line.NameEn,
                    TimeZone = zone,
                    Parents = [scope],
                    Line = line,
                    EnterpriseAlerts = enterprise.Alerts,
                };
            }
        }
    }
}
