namespace OutputMonitor.Snapshots;

/// <summary>
/// Additive figures of one bucket. Tons and money are decimal so that sums are exact in any order:
/// every scope equals the sum of its lines to the last digit.
/// </summary>
/// <remarks>
/// Fields at zero are not serialized (a production line's buckets have no tons, a shipment line's no
/// units): every state write carries a line's open buckets, and a 16-byte decimal zero in each was
/// the largest part of them. A reader fills a missing field with zero, so states stored with every
/// field read the same, and older silos read these.
/// </remarks>
[GenerateSerializer, Immutable, OmitDefaultMemberValues, Alias("om.Totals")]
public readonly record struct Totals
{
    public Totals(long good, long scrap, decimal tons, decimal valueCny)
    {
        Good = good;
        Scrap = scrap;
        Tons = tons;
        ValueCny = valueCny;
    }

    [Id(0)] public long Good { get; init; }
    [Id(1)] public long Scrap { get; init; }
    [Id(2)] public decimal Tons { get; init; }
    [Id(3)] public decimal ValueCny { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsZero => Good == 0 && Scrap == 0 && Tons == 0 && ValueCny == 0;

    public static Totals operator +(Totals a, Totals b) => new(a.Good + b.Good, a.Scrap + b.Scrap, a.Tons + b.Tons, a.ValueCny + b.ValueCny);

    public static Totals operator -(Totals a) => new(-a.Good, -a.Scrap, -a.Tons, -a.ValueCny);

    public static Totals Add(Totals a, Totals b) => a + b;

    public static Totals Negate(Totals a) => -a;
}
