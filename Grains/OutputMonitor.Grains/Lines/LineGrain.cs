using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using OutputMonitor.Alerts;
using OutputMonitor.Registry;
using OutputMonitor.Rollup;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Lines;

/// <summary>
/// One production or shipment line: counts each reading once (dedupe by id), buckets it by event
/// time in its plant day, tracks state, seq gaps and sensors, and pushes its changes to its enterprise.
/// </summary>
[Reentrant]
public sealed partial class LineGrain(
    [PersistentState("line", MonitorServices.StorageName)] IPersistentState<LineGrainState> state,
    [FromKeyedServices(MonitorServices.ClockKey)] TimeProvider clock,
    [FromKeyedServices(MonitorServices.StorageName)] IGrainStorage storage,
    IOptions<RollupOptions> options,
    IOptions<AlertRuleOptions> alertOptions,
    ILogger<LineGrain> logger)
    : RollupGrain<LineGrainState>(state, clock, options, alertOptions, logger), ILineGrain
{
    /// <summary>Sensors kept per line; names past it are ignored.</summary>
    public const int MaxSensors = 256;

    private ScopeId? _scope;
    private DedupeArchive? _archive;

    private DedupeArchive Archive => _archive ??= new DedupeArchive(storage, this.GetGrainId(), Logger);

    protected override ScopeId Scope => _scope ??= ScopeId.FromLineKey(this.GetPrimaryKeyString());

    private LineDefinition? Line => Config?.Line;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Archive.LoadAsync(State.Dedupe);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<IngestResult> IngestAsync(IReadOnlyList<Reading> readings)
    {
        if (Line is not { } line)
        {
            return new IngestResult { UnknownLine = true };
        }

        // A line heard from once a day never arms its push timer long enough to expire its ids there.
        MaintainIfDue(Clock.GetUtcNow());
        var nowMs = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var unitValue = line.UnitValueCny ?? 0m;
        int accepted = 0, duplicates = 0;
        var statusChanged = false;

        // Readings of one minute (a batch mostly is) are added up first and recorded once.
        var minute = new MinuteSum();
        foreach (var reading in readings)
        {
            if (!State.Dedupe.TryAdd(reading.Key, nowMs))
            {
                duplicates++;
                continue;
            }

            accepted++;
            TrackSeq(reading);
            if (State.LastSeen is not { } seen || reading.Timestamp > seen)
            {
                State.LastSeen = reading.Timestamp;
            }

            switch (reading.Channel)
            {
                case TelemetryChannel.Output:
                    AddToMinute(ref minute, reading.Timestamp, new Totals(reading.Good, reading.Scrap, 0m, reading.Good * unitValue));
                    break;
                case TelemetryChannel.Shipment:
                    AddToMinute(ref minute, reading.Timestamp, new Totals(0, 0, reading.Tons, reading.Tons * unitValue));
                    break;
                case TelemetryChannel.State:
                    State.Timeline.Add(reading.Timestamp, reading.State);
                    statusChanged = true;
                    break;
                case TelemetryChannel.Sensor:
                    RecordSensors(reading);
                    break;
            }
        }

        if (minute.Started)
        {
            Record(minute.Timestamp, minute.Day, minute.Totals);
        }

        State.Duplicates += duplicates;
        State.LastArrival = nowMs;
        if (statusChanged)
        {
            MarkStatusChanged();
        }

        if (accepted > 0 || duplicates > 0)
        {
            SnapshotChanged();

            // Full segments leave the state for chunks of their own before it is written.
            await Archive.ArchiveAsync(State.Dedupe, nowMs);
            await WriteAsync();
            Metrics.ReadingsIngested(line.Kind ?? LineKinds.Production, accepted, duplicates);
        }

        // A stale line is heard again, or a down one changed state: clear now, not at the next reminder.
        var open = State.Alerts.Open;
        if (open.ContainsKey(AlertKinds.Stale) || (statusChanged && open.ContainsKey(AlertKinds.Down)))
        {
            await EvaluateAlertsAsync();
        }

        return new IngestResult { Accepted = accepted, Duplicates = duplicates };
    }

    public override Task<ScopeSnapshot?> GetSnapshotAsync()
    {
        if (Line is not { } line)
        {
            return Task.FromResult<ScopeSnapshot?>(null);
        }

        var now = Clock.GetUtcNow();
        var today = PlantCalendar.LocalDate(now, Zone);
        var snapshot = BaseSnapshot(now, PlanMath.PerDay(line.Plan, today));
        var (durations, oee) = DayFigures(now, today, snapshot.Today);
        var current = State.Timeline.Current;
        return Task.FromResult<ScopeSnapshot?>(snapshot with
        {
            Kind = line.Kind,
            Oee = oee,
            State = current is { } c ? LineStates.ToWire(c.State) : null,
            StateSince = current is { } since ? DateTimeOffset.FromUnixTimeMilliseconds(since.Timestamp) : null,
            LastSeen = State.LastSeen is { } seen ? DateTimeOffset.FromUnixTimeMilliseconds(seen) : null,
            TimeInState = durations
                .Where(d => d.Key != LineState.Unknown)
                .ToDictionary(d => LineStates.ToWire(d.Key)!, d => Math.Round(d.Value, 3)),
            SeqGaps = State.SeqGaps,
            Duplicates = State.Duplicates,
            Sensors = State.Sensors.ToDictionary(s => s.Key, s => s.Value.Value, StringComparer.Ordinal),
            ActiveAlerts = State.Alerts.Open.Count,
        });
    }

    protected override bool HasAlertRules => true;

    /// <summary>
    /// Shortfall (units for production lines, tons for shipment lines) against the period's plan;
    /// stale while the plan expects work and the line is not in maintenance; down for longer than the grace.
    /// </summary>
    protected override IReadOnlyList<AlertCondition> EvaluateRules(DateTimeOffset now)
    {
        if (Line is not { } line)
        {
            return [];
        }

        var settings = EffectiveAlertSettings.Resolve(line.Alerts, Config!.EnterpriseAlerts);
        var figure = line.Kind == LineKinds.Shipment ? ShortfallFigure.Tons : ShortfallFigure.Good;
        var name = Config.Name;
        List<AlertCondition> conditions = [];
        var shortfall = ShortfallRule.Evaluate(State.Buckets, figure, first => ShortfallRule.PeriodPlan(line.Plan, figure, settings.Period, first), settings, Zone, now, KnownSince());
        if (shortfall is not null)
        {
            conditions.Add(ShortfallRule.Condition(shortfall, figure == ShortfallFigure.Tons ? AlertKinds.ShipmentShortfall : AlertKinds.OutputShortfall, name, figure));
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var current = State.Timeline.Current;
        var todayPlan = PlanMath.PerDay(line.Plan, PlantCalendar.LocalDate(now, Zone));
        var planExpectsWork = figure == ShortfallFigure.Tons ? todayPlan.Tons > 0 : todayPlan.Good > 0;
        if (planExpectsWork && current?.State != LineState.Maintenance)
        {
            // Never heard from: silent since the rules began watching it.
            var heard = State.LastArrival ?? State.Alerts.WatchingSince ?? nowMs;
            var silent = nowMs - heard >= (long)settings.StaleAfter.TotalMilliseconds;
            var lastArrival = State.LastArrival is { } arrival ? DateTimeOffset.FromUnixTimeMilliseconds(arrival) : (DateTimeOffset?)null;
            conditions.Add(new AlertCondition(
                AlertKinds.Stale,
                AlertSeverities.Warning,
                silent,
                silent,
                lastArrival is { } last
                    ? $"{name}：自 {Local(last)} 起 {(int)settings.StaleAfter.TotalMinutes} 分钟以上没有数据"
                    : $"{name}：{(int)settings.StaleAfter.TotalMinutes} 分钟以上没有收到任何数据",
                new AlertDetails { LastSeen = lastArrival }));
        }

        if (current is { State: LineState.Down } down)
        {
            var since = DateTimeOffset.FromUnixTimeMilliseconds(down.Timestamp);
            conditions.Add(new AlertCondition(
                AlertKinds.Down,
                AlertSeverities.Critical,
                true,
                now - since > settings.Grace,
                $"{name}：自 {Local(since)} 起停机，超过 {(int)settings.Grace.TotalMinutes} 分钟",
                new AlertDetails { Since = since }));
        }

        return conditions;

        // Plant-local, as the people on the line read the time.
        string Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override ChildStatus CurrentStatus(DateTimeOffset now)
    {
        if (Line is not { } line)
        {
            return new ChildStatus();
        }

        var today = PlantCalendar.LocalDate(now, Zone);
        var nowMs = now.ToUnixTimeMilliseconds();
        OeeInputs? oee = null;
        if (line.IdealRatePerHour is { } ideal)
        {
            var durations = State.Timeline.Durations(PlantCalendar.DayStart(today, Zone).ToUnixTimeMilliseconds(), nowMs);
            oee = new OeeInputs
            {
                Day = today.DayNumber,
                AsOf = nowMs,
                RunningSeconds = durations.GetValueOrDefault(LineState.Running),
                MaintenanceSeconds = durations.GetValueOrDefault(LineState.Maintenance),
                IdealRatePerHour = ideal,
                StateAtAsOf = State.Timeline.StateAt(nowMs),
            };
        }

        return new ChildStatus
        {
            PlanPerDay = PlanMath.PerDay(line.Plan, today),
            State = State.Timeline.Current?.State ?? LineState.Unknown,
            ActiveAlerts = State.Alerts.Open.Count,
            Oee = oee,
        };
    }

    protected override void OnMaintenance(DateTimeOffset now)
    {
        base.OnMaintenance(now);
        var nowMs = now.ToUnixTimeMilliseconds();
        if (State.Dedupe.Expire(nowMs, Options.DedupeWindow, Options.MaxDedupeIdsPerLine) is { Count: > 0 } expired)
        {
            _ = Archive.RemoveAsync(expired);
        }

        State.Timeline.Prune(nowMs - (long)TimeSpan.FromDays(8).TotalMilliseconds);
    }

    /// <summary>Time in each state and OEE over the plant day so far.</summary>
    private (Dictionary<LineState, double> Durations, OeeFigures? Oee) DayFigures(DateTimeOffset now, DateOnly today, Totals todayTotals)
    {
        var dayStart = PlantCalendar.DayStart(today, Zone);
        var durations = State.Timeline.Durations(dayStart.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds());
        if (Line?.IdealRatePerHour is not { } ideal)
        {
            return (durations, null);
        }

        var running = durations.GetValueOrDefault(LineState.Running);
        var planned = (now - dayStart).TotalSeconds - durations.GetValueOrDefault(LineState.Maintenance);
        return (durations, PlanMath.Oee(running, planned, ideal * running / 3600, todayTotals.Good, todayTotals.Scrap));
    }

    /// <summary>Adds to the running minute's sum, recording the sum of the previous minute (or plant day) first.</summary>
    private void AddToMinute(ref MinuteSum minute, long timestamp, Totals totals)
    {
        var minuteOf = BucketSet.MinuteOf(timestamp);
        var day = DayNumberOf(timestamp);
        if (minute.Started && (minute.Minute != minuteOf || minute.Day != day))
        {
            Record(minute.Timestamp, minute.Day, minute.Totals);
            minute = default;
        }

        if (!minute.Started)
        {
            minute = new MinuteSum { Started = true, Minute = minuteOf, Day = day, Timestamp = timestamp };
        }

        minute.Totals += totals;
    }

    private struct MinuteSum
    {
        public bool Started;
        public long Minute;
        public int Day;
        public long Timestamp;
        public Totals Totals;
    }

    private void TrackSeq(Reading reading)
    {
        if (reading.Seq is not { } seq)
        {
            return;
        }

        if (!State.MaxSeq.TryGetValue(reading.Channel, out var max))
        {
            State.MaxSeq[reading.Channel] = seq;
        }
        else if (seq > max)
        {
            State.SeqGaps += seq - max - 1;
            State.MaxSeq[reading.Channel] = seq;
        }
        else if (State.SeqGaps > 0)
        {
            // A late message fills one of the gaps counted when a later seq arrived first.
            State.SeqGaps--;
        }
    }

    private void RecordSensors(Reading reading)
    {
        foreach (var value in reading.Values ?? [])
        {
            if (State.Sensors.TryGetValue(value.Name, out var existing))
            {
                if (existing.Timestamp <= reading.Timestamp)
                {
                    State.Sensors[value.Name] = new SensorSample(value.Value, reading.Timestamp);
                }
            }
            else if (State.Sensors.Count < MaxSensors)
            {
                State.Sensors[value.Name] = new SensorSample(value.Value, reading.Timestamp);
            }
        }
    }
}
