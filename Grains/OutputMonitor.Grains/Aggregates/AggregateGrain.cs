using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OutputMonitor.Alerts;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Aggregates;

/// <summary>
/// An enterprise, region or chain: the sum of the pushes of its children, applied once each, with
/// each child's recent days and status for the children list and the enterprise's OEE.
/// </summary>
[Reentrant]
public sealed class AggregateGrain(
    [PersistentState("aggregate", MonitorServices.StorageName)] IPersistentState<AggregateGrainState> state,
    [FromKeyedServices(MonitorServices.ClockKey)] TimeProvider clock,
    IOptions<RollupOptions> options,
    IOptions<AlertRuleOptions> alertOptions,
    ILogger<AggregateGrain> logger)
    : RollupGrain<AggregateGrainState>(state, clock, options, alertOptions, logger), IAggregateGrain
{
    /// <summary>Days of each child kept for the children list (today and the two before).</summary>
    private const int ChildDaysKept = 3;

    private ScopeId? _scope;

    protected override ScopeId Scope => _scope ??= ScopeId.Parse(this.GetPrimaryKeyString());

    // An enterprise of 100 lines takes hundreds of pushes a second; one write per few of them, not per one.
    protected override TimeSpan WriteLinger => Options.AggregateWriteLinger;

    public async Task ApplyAsync(RollupPush push)
    {
        if (Config is null)
        {
            // Removed from the registry: its children are being retired too.
            return;
        }

        var child = push.Child;
        if (push.Seq <= State.ChildSeqs.GetValueOrDefault(child))
        {
            // A retry of a push already applied: answer once it is durable.
            await WriteAsync();
            return;
        }

        State.ChildSeqs[child] = push.Seq;
        Record(push.Delta, negate: false);
        if (push.Retire)
        {
            State.ChildDays.Remove(child);
            State.ChildStatuses.Remove(child);
            MarkStatusChanged();
        }
        else
        {
            AddChildDays(child, push.Delta);
            if (!State.ChildStatuses.TryGetValue(child, out var previous) || previous != push.Status)
            {
                State.ChildStatuses[child] = push.Status;
                MarkStatusChanged();
            }
        }

        SnapshotChanged();
        await WriteAsync();
    }

    public override Task<ScopeSnapshot?> GetSnapshotAsync()
    {
        if (Config is not { } config)
        {
            return Task.FromResult<ScopeSnapshot?>(null);
        }

        var now = Clock.GetUtcNow();
        var today = PlantCalendar.LocalDate(now, Zone).DayNumber;
        var plan = default(GoodAndTons);
        foreach (var status in State.ChildStatuses.Values)
        {
            plan += status.PlanPerDay;
        }

        var children = config.Children.Select(childRef =>
        {
            var child = childRef.Scope;
            var status = State.ChildStatuses.GetValueOrDefault(child);
            return new ChildSnapshot
            {
                Scope = child.ToString(),
                Name = childRef.Name,
                NameEn = childRef.NameEn,
                Today = ChildDay(child, today),
                Plan = status?.PlanPerDay ?? default,
                State = child.Kind == ScopeKind.Line && status is not null ? LineStates.ToWire(status.State) : null,
                ActiveAlerts = status?.ActiveAlerts ?? 0,
            };
        }).ToList();

        return Task.FromResult<ScopeSnapshot?>(BaseSnapshot(now, plan) with
        {
            Oee = Scope.Kind == ScopeKind.Enterprise ? EnterpriseOee(now, today) : null,
            ActiveAlerts = State.Alerts.Open.Count + State.ChildStatuses.Values.Sum(s => s.ActiveAlerts),
            Children = children,
        });
    }

    protected override ChildStatus CurrentStatus(DateTimeOffset now)
    {
        var plan = default(GoodAndTons);
        var alerts = State.Alerts.Open.Count;
        foreach (var status in State.ChildStatuses.Values)
        {
            plan += status.PlanPerDay;
            alerts += status.ActiveAlerts;
        }

        return new ChildStatus { PlanPerDay = plan, ActiveAlerts = alerts };
    }

    protected override bool HasAlertRules => Scope.Kind == ScopeKind.Enterprise;

    /// <summary>
    /// An enterprise's own shortfalls: its units against the sum of its production lines' plans,
    /// its tons against the sum of its shipment lines' plans, with the enterprise's alert settings.
    /// </summary>
    protected override IReadOnlyList<AlertCondition>? EvaluateRules(DateTimeOffset now)
    {
        if (!HasAlertRules)
        {
            return null;
        }

        if (Config is not { } config)
        {
            return [];
        }

        var settings = EffectiveAlertSettings.Resolve(null, config.EnterpriseAlerts);
        List<AlertCondition> conditions = [];
        foreach (var (figure, kind, lineKind) in new[]
        {
            (ShortfallFigure.Good, AlertKinds.OutputShortfall, LineKinds.Production),
            (ShortfallFigure.Tons, AlertKinds.ShipmentShortfall, LineKinds.Shipment),
        })
        {
            var lines = config.Lines.Where(l => l.Kind == lineKind).ToList();
            var reading = ShortfallRule.Evaluate(
                State.Buckets, figure, first => lines.Sum(l => ShortfallRule.PeriodPlan(l.Plan, figure, settings.Period, first)), settings, Zone, now, KnownSince());
            if (reading is not null)
            {
                conditions.Add(ShortfallRule.Condition(reading, kind, config.Name, figure));
            }
        }

        return conditions;
    }

    protected override void OnMaintenance(DateTimeOffset now)
    {
        base.OnMaintenance(now);
        var oldest = PlantCalendar.LocalDate(now, Zone).DayNumber - ChildDaysKept + 1;
        foreach (var days in State.ChildDays.Values)
        {
            foreach (var day in days.Keys.Where(d => d < oldest).ToList())
            {
                days.Remove(day);
            }
        }
    }

    private Totals ChildDay(ScopeId child, int day) =>
        State.ChildDays.TryGetValue(child, out var days) ? days.GetValueOrDefault(day) : default;

    private void AddChildDays(ScopeId child, BucketSet delta)
    {
        if (delta.Days.Count == 0)
        {
            return;
        }

        if (!State.ChildDays.TryGetValue(child, out var days))
        {
            State.ChildDays[child] = days = [];
        }

        var oldest = PlantCalendar.LocalDate(Clock.GetUtcNow(), Zone).DayNumber - ChildDaysKept + 1;
        foreach (var (day, totals) in delta.Days)
        {
            if (day >= oldest)
            {
                days[day] = days.GetValueOrDefault(day) + totals;
            }
        }
    }

    /// <summary>
    /// The enterprise's OEE over its lines with an ideal rate, weighted by planned time: sums of
    /// running time, planned time, ideal output and good and scrap, each line's running and
    /// maintenance time carried forward from its last push while that state lasts.
    /// </summary>
    private OeeFigures? EnterpriseOee(DateTimeOffset now, int today)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var elapsed = (now - PlantCalendar.DayStart(DateOnly.FromDayNumber(today), Zone)).TotalSeconds;
        double running = 0, planned = 0, ideal = 0;
        long good = 0, scrap = 0;
        var any = false;
        foreach (var (child, status) in State.ChildStatuses)
        {
            if (status.Oee is not { } inputs || inputs.Day != today)
            {
                continue;
            }

            any = true;
            var since = Math.Max(0, nowMs - inputs.AsOf) / 1000.0;
            var lineRunning = inputs.RunningSeconds + (inputs.StateAtAsOf == LineState.Running ? since : 0);
            var lineMaintenance = inputs.MaintenanceSeconds + (inputs.StateAtAsOf == LineState.Maintenance ? since : 0);
            var day = ChildDay(child, today);
            running += lineRunning;
            planned += elapsed - lineMaintenance;
            ideal += inputs.IdealRatePerHour * lineRunning / 3600;
            good += day.Good;
            scrap += day.Scrap;
        }

        return any ? PlanMath.Oee(running, planned, ideal, good, scrap) : null;
    }
}
