using OutputMonitor.Scopes;

namespace OutputMonitor.Registry;

/// <summary>
/// Checks a whole registry document: ids, references, cycles, time zones, plans and alert settings.
/// A change is applied to a copy and validated as a whole, so nothing of a refused change is kept.
/// </summary>
public static class RegistryValidator
{
    public const int MaxNameLength = 200;
    public const int MaxMinutes = 7 * 24 * 60;

    /// <summary>Enterprise ids that would make telemetry topics ambiguous with the system's own (om/v1/alerts/…, om/v1/deadletter/…).</summary>
    public static readonly IReadOnlyList<string> ReservedEnterpriseIds = ["alerts", "deadletter"];

    public static IReadOnlyList<RegistryError> Validate(RegistryDocument document)
    {
        var errors = new List<RegistryError>();
        if (document.Regions is null || document.Chains is null || document.Enterprises is null)
        {
            errors.Add(new("$", "'regions', 'chains' and 'enterprises' must be arrays"));
            return errors;
        }

        var regions = ValidateRegions(document.Regions, errors);
        var chains = ValidateChains(document.Chains, errors);
        ValidateEnterprises(document.Enterprises, regions, chains, errors);
        return errors;
    }

    private static Dictionary<string, RegionDefinition> ValidateRegions(IReadOnlyList<RegionDefinition> regions, List<RegistryError> errors)
    {
        var byId = new Dictionary<string, RegionDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < regions.Count; i++)
        {
            var path = $"regions[{i}]";
            var region = regions[i];
            if (region is null)
            {
                errors.Add(new(path, "must be an object"));
                continue;
            }

            if (CheckId(region.Id, $"{path}.id", errors) && !byId.TryAdd(region.Id!, region))
            {
                errors.Add(new($"{path}.id", $"duplicate region id '{region.Id}'"));
            }

            CheckNames(region.Name, region.NameEn, path, errors);
            if (region.TimeZone is not null && !PlantCalendar.IsKnownTimeZone(region.TimeZone))
            {
                errors.Add(new($"{path}.timeZone", $"unknown IANA time zone '{Truncate(region.TimeZone)}'"));
            }
        }

        for (var i = 0; i < regions.Count; i++)
        {
            var region = regions[i];
            if (region?.Parent is null)
            {
                continue;
            }

            if (!byId.ContainsKey(region.Parent))
            {
                errors.Add(new($"regions[{i}].parent", $"unknown parent region '{Truncate(region.Parent)}'"));
            }
            else if (HasCycle(region, byId))
            {
                errors.Add(new($"regions[{i}].parent", $"region '{region.Id}' is its own ancestor (a cycle through '{region.Parent}')"));
            }
        }

        return byId;
    }

    private static bool HasCycle(RegionDefinition start, Dictionary<string, RegionDefinition> byId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start.Id! };
        var parent = start.Parent;
        while (parent is not null && byId.TryGetValue(parent, out var next))
        {
            if (!seen.Add(parent))
            {
                return true;
            }

            parent = next.Parent;
        }

        return false;
    }

    private static HashSet<string> ValidateChains(IReadOnlyList<ChainDefinition> chains, List<RegistryError> errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < chains.Count; i++)
        {
            var path = $"chains[{i}]";
            var chain = chains[i];
            if (chain is null)
            {
                errors.Add(new(path, "must be an object"));
                continue;
            }

            if (CheckId(chain.Id, $"{path}.id", errors) && !ids.Add(chain.Id!))
            {
                errors.Add(new($"{path}.id", $"duplicate chain id '{chain.Id}'"));
            }

            CheckNames(chain.Name, chain.NameEn, path, errors);
        }

        return ids;
    }

    private static void ValidateEnterprises(IReadOnlyList<EnterpriseDefinition> enterprises, Dictionary<string, RegionDefinition> regions, HashSet<string> chains, List<RegistryError> errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < enterprises.Count; i++)
        {
            var path = $"enterprises[{i}]";
            var enterprise = enterprises[i];
            if (enterprise is null)
            {
                errors.Add(new(path, "must be an object"));
                continue;
            }

            if (CheckId(enterprise.Id, $"{path}.id", errors) && !ids.Add(enterprise.Id!))
            {
                errors.Add(new($"{path}.id", $"duplicate enterprise id '{enterprise.Id}'"));
            }

            if (enterprise.Id is not null && ReservedEnterpriseIds.Contains(enterprise.Id))
            {
                errors.Add(new($"{path}.id", $"'{enterprise.Id}' is reserved for the system's own topics"));
            }

            CheckNames(enterprise.Name, enterprise.NameEn, path, errors);
            if (string.IsNullOrEmpty(enterprise.Region))
            {
                errors.Add(new($"{path}.region", "is required"));
            }
            else if (!regions.ContainsKey(enterprise.Region))
            {
                errors.Add(new($"{path}.region", $"unknown region '{Truncate(enterprise.Region)}'"));
            }

            if (enterprise.Chain is not null && !chains.Contains(enterprise.Chain))
            {
                errors.Add(new($"{path}.chain", $"unknown chain '{Truncate(enterprise.Chain)}'"));
            }

            ValidateAlerts(enterprise.Alerts, $"{path}.alerts", errors);
            if (enterprise.Lines is null)
            {
                errors.Add(new($"{path}.lines", "must be an array"));
                continue;
            }

            var lineIds = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < enterprise.Lines.Count; j++)
            {
                ValidateLine(enterprise.Lines[j], $"{path}.lines[{j}]", lineIds, errors);
            }
        }
    }

    private static void ValidateLine(LineDefinition? line, string path, HashSet<string> lineIds, List<RegistryError> errors)
    {
        if (line is null)
        {
            errors.Add(new(path, "must be an object"));
            return;
        }

        if (CheckId(line.Id, $"{path}.id", errors) && !lineIds.Add(line.Id!))
        {
            errors.Add(new($"{path}.id", $"duplicate line id '{line.Id}' in this enterprise"));
        }

        CheckNames(line.Name, line.NameEn, path, errors);
        if (line.Kind is not (LineKinds.Production or LineKinds.Shipment))
        {
            errors.Add(new($"{path}.kind", $"must be '{LineKinds.Production}' or '{LineKinds.Shipment}'"));
        }

        if (line.UnitValueCny is < 0)
        {
            errors.Add(new($"{path}.unitValueCny", "must be >= 0"));
        }

        if (line.IdealRatePerHour is { } rate && (!double.IsFinite(rate) || rate <= 0))
        {
            errors.Add(new($"{path}.idealRatePerHour", "must be a finite number > 0"));
        }

        if (line.Plan is { } plan)
        {
            CheckNotNegative(plan.GoodPerDay, $"{path}.plan.goodPerDay", errors);
            CheckNotNegative(plan.GoodPerWeek, $"{path}.plan.goodPerWeek", errors);
            CheckNotNegative(plan.GoodPerMonth, $"{path}.plan.goodPerMonth", errors);
            CheckNotNegative(plan.GoodPerYear, $"{path}.plan.goodPerYear", errors);
            CheckNotNegative(plan.TonsPerDay, $"{path}.plan.tonsPerDay", errors);
            CheckNotNegative(plan.TonsPerWeek, $"{path}.plan.tonsPerWeek", errors);
            CheckNotNegative(plan.TonsPerMonth, $"{path}.plan.tonsPerMonth", errors);
            CheckNotNegative(plan.TonsPerYear, $"{path}.plan.tonsPerYear", errors);
        }

        ValidateAlerts(line.Alerts, $"{path}.alerts", errors);
    }

    private static void ValidateAlerts(AlertSettings? alerts, string path, List<RegistryError> errors)
    {
        if (alerts is null)
        {
            return;
        }

        if (alerts.ShortfallPeriod is not null && !PlanPeriods.All.Contains(alerts.ShortfallPeriod))
        {
            errors.Add(new($"{path}.shortfallPeriod", "must be one of day, week, month, year"));
        }

        if (alerts.ShortfallTolerance is { } tolerance && (!double.IsFinite(tolerance) || tolerance < 0 || tolerance > 1))
        {
            errors.Add(new($"{path}.shortfallTolerance", "must be between 0 and 1"));
        }

        if (alerts.GraceMinutes is < 0 or > MaxMinutes)
        {
            errors.Add(new($"{path}.graceMinutes", $"must be between 0 and {MaxMinutes}"));
        }

        if (alerts.StaleAfterMinutes is < 1 or > MaxMinutes)
        {
            errors.Add(new($"{path}.staleAfterMinutes", $"must be between 1 and {MaxMinutes}"));
        }
    }

    private static bool CheckId(string? id, string path, List<RegistryError> errors)
    {
        if (string.IsNullOrEmpty(id))
        {
            errors.Add(new(path, "is required"));
            return false;
        }

        if (!ScopeId.IsValidId(id))
        {
            errors.Add(new(path, $"'{Truncate(id)}' is not a valid id (^[a-z0-9][a-z0-9-]{{0,62}}$)"));
            return false;
        }

        return true;
    }

    private static void CheckNames(string? name, string? nameEn, string path, List<RegistryError> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new($"{path}.name", "is required"));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(new($"{path}.name", $"must be at most {MaxNameLength} characters"));
        }

        if (nameEn is { Length: > MaxNameLength })
        {
            errors.Add(new($"{path}.nameEn", $"must be at most {MaxNameLength} characters"));
        }
    }

    private static void CheckNotNegative(long? value, string path, List<RegistryError> errors)
    {
        if (value is < 0)
        {
            errors.Add(new(path, "must be >= 0"));
        }
    }

    private static void CheckNotNegative(decimal? value, string path, List<RegistryError> errors)
    {
        if (value is < 0)
        {
            errors.Add(new(path, "must be >= 0"));
        }
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
