namespace OutputMonitor.Registry;

/// <summary>The run-time changes of spec/api.md, each producing a new document to validate as a whole.</summary>
public static class RegistryChanges
{
    public static RegistryDocument UpsertEnterprise(RegistryDocument document, EnterpriseDefinition enterprise) =>
        document with { Enterprises = Upsert(document.Enterprises, enterprise, e => e.Id) };

    public static RegistryDocument UpsertRegion(RegistryDocument document, RegionDefinition region) =>
        document with { Regions = Upsert(document.Regions, region, r => r.Id) };

    public static RegistryDocument UpsertChain(RegistryDocument document, ChainDefinition chain) =>
        document with { Chains = Upsert(document.Chains, chain, c => c.Id) };

    public static RegistryDocument RemoveEnterprise(RegistryDocument document, string id) =>
        document with { Enterprises = [.. document.Enterprises.Where(e => e.Id != id)] };

    private static List<T> Upsert<T>(IReadOnlyList<T> items, T item, Func<T, string?> id)
    {
        var list = items.ToList();
        var index = list.FindIndex(existing => id(existing) == id(item));
        if (index >= 0)
        {
            list[index] = item;
        }
        else
        {
            list.Add(item);
        }

        return list;
    }
}
