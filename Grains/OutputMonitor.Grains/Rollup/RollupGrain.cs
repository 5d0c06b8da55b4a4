using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OutputMonitor.Alerts;
using OutputMonitor.Diagnostics;
using OutputMonitor.Persistence;
using OutputMonitor.Registry;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;

namespace OutputMonitor.Rollup;

/// <summary>
/// What lines and aggregates share: the registry config, the event-time buckets, staged pushes to
/// the parents (one outbox each, idempotent by seq), coalesced state writes and the common part of
/// snapshots and history. Reentrant: every change happens in one synchronous turn, and awaiting a
/// write lets other calls join the next one.
/// </summary>
public abstract partial class RollupGrain<TState> : Grain, IScopeGrain, IRemindable
    where TState : RollupState, new()
{
    private readonly IPersistentState<TState> _persistent;
    private CoalescedWriter? _writer;
    private Task? _pushing;
    private IGrainTimer? _pushTimer;
    private bool _pushArmed;

    // When the last push round began (monotonic ms): pushes are spaced by at least the push
    // interval, and a change after a quiet spell goes up at once. Starts at activation, so an
    // activation's first push waits one interval.
    private long _lastPushTicks = Environment.TickCount64;
    private long _nextMaintenance;
    private TimeZoneInfo? _zone;

    // Dashboards: the web nodes watching this scope, and the throttle of the snapshots sent to them
    // (monotonic real time, as the grain timers run on it).
    private WatcherSet? _watchers;
    private IGrainTimer? _snapshotTimer;
    private bool _snapshotArmed;
    private long _lastSnapshotTicks = long.MinValue / 2;

    /// <summary>The reminder that evaluates the alert rules.</summary>
    private const string AlertReminder = "alerts";

    private readonly TimeSpan _evaluateInterval;
    private MonitorMetrics? _metrics;

    protected RollupGrain(IPersistentState<TState> persistent, TimeProvider clock, IOptions<RollupOptions> options, IOptions<AlertRuleOptions> alertOptions, ILogger logger)
    {
        _persistent = persistent;
        Clock = clock;
        Options = options.Value;
        _evaluateInterval = alertOptions.Value.EvaluateInterval;
        Logger = logger;
    }

    protected TState State => _persistent.State;

    protected TimeProvider Clock { get; }

    protected RollupOptions Options { get; }

    protected ILogger Logger { get; }

    /// <summary>The host's instruments (om.rollup.pushes, om.alerts.*, …).</summary>
    protected MonitorMetrics Metrics => _metrics ??= ServiceProvider.GetRequiredService<MonitorMetrics>();

    protected abstract ScopeId Scope { get; }

    protected ScopeConfig? Config => State.Config;

    protected TimeZoneInfo Zone => _zone ??= PlantCalendar.GetZone(Config?.TimeZone);

    private CoalescedWriter Writer => _writer ??= new CoalescedWriter(() => _persistent.WriteStateAsync(), WriteLinger);

    /// <summary>How long a write waits for more changes before it starts (none: a line's caller waits for it to acknowledge MQTT).</summary>
    protected virtual TimeSpan WriteLinger => TimeSpan.Zero;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The whole history first: a new parent's outbox starts from it.
        await History.LoadAsync(State);
        var config = await GrainFactory.GetRegistryGrain().GetConfigAsync(Scope);
        if (ApplyConfig(config))
        {
            await Writer.WriteAsync();
        }

        // The push timer is armed only while there is something to push: an idle scope costs nothing,
        // and what an earlier activation left pending goes up at once.
        _pushTimer = this.RegisterGrainTimer(_ => OnTimerAsync(), new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        _snapshotTimer = this.RegisterGrainTimer(_ => SendSnapshotAsync(), new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        if (State.Outboxes.Any(o => o.HasWork))
        {
            ArmPush();
        }

        await TryKeepAlertReminderAsync();
        Metrics.OpenAlertsHeld(State.Alerts.Open.Keys, +1);
    }

    /// <summary>
    /// The reminder is the alert rules' business, not ingestion's: a reminder service not ready yet
    /// (a cluster starting, Redis away) must not fail the activation that takes telemetry. Retried
    /// shortly, and at every activation until it is registered.
    /// </summary>
    private async Task TryKeepAlertReminderAsync()
    {
        try
        {
            await KeepAlertReminderAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReminderFailed(Logger, Scope, ex);
            _reminderRetry ??= this.RegisterGrainTimer(
                async _ =>
                {
                    _reminderRetry?.Dispose();
                    _reminderRetry = null;
                    await TryKeepAlertReminderAsync();
                },
                new GrainTimerCreationOptions(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        }
    }

    private IGrainTimer? _reminderRetry;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Metrics.OpenAlertsHeld(State.Alerts.Open.Keys, -1);
        try
        {
            await PushAsync();
        }
        catch (Exception ex)
        {
            // Nothing is lost: unsent changes are in the persisted outbox and go at the next activation.
            LogDeactivationPushFailed(Logger, Scope, ex);
        }
    }

    public Task FlushAsync() => PushAsync();

    public async Task ConfigureAsync(ScopeConfig? config)
    {
        if (ApplyConfig(config))
        {
            await Writer.WriteAsync();
        }

        // The parents are current when the registry's call returns, also when this activation had
        // applied the change already (it read the new config as it started).
        if (State.Outboxes.Any(o => o.HasWork))
        {
            await PushAsync();
        }

        // A scope's rules may have changed with it (plan, settings, or removed: its alerts clear).
        await EvaluateAlertsAsync();
        await TryKeepAlertReminderAsync();
        if (config is null)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// The rules' verdicts now; null for scopes without rules (regions, chains). A line or
    /// enterprise removed from the registry returns none, which clears its open alerts.
    /// </summary>
    protected virtual IReadOnlyList<AlertCondition>? EvaluateRules(DateTimeOffset now) => null;

    /// <summary>Since when the product knows this scope: the earlier of its first plant day with figures and when its rules began watching it.</summary>
    protected DateTimeOffset? KnownSince()
    {
        long? since = State.Alerts.WatchingSince;
        if (State.Buckets.Days.Count > 0)
        {
            var firstDay = PlantCalendar.DayStart(DateOnly.FromDayNumber(State.Buckets.Days.Keys.Min()), Zone).ToUnixTimeMilliseconds();
            since = since is { } watching ? Math.Min(watching, firstDay) : firstDay;
        }

        return since is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>Whether this kind of scope has alert rules (and so a reminder while it is in the registry).</summary>
    protected virtual bool HasAlertRules => false;

    /// <summary>The start of this scope's alert ids, <c>{enterprise}.{line}</c> or <c>{enterprise}</c>: the book is the first part.</summary>
    private string AlertIdPrefix => Scope.Kind == ScopeKind.Line ? $"{Scope.Id}.{Scope.LineId}" : Scope.Id;

    public async Task EvaluateAlertsAsync()
    {
        var now = Clock.GetUtcNow();
        var tracker = State.Alerts;
        var conditions = EvaluateRules(now);
        if (conditions is null)
        {
            return;
        }

        var openBefore = tracker.Open.Values.ToDictionary(a => a.Id, a => a.Kind, StringComparer.Ordinal);
        if (tracker.Apply(AlertIdPrefix, Scope.ToString(), conditions, now))
        {
            Metrics.AlertsChanged(openBefore, tracker.Open.Values.Select(a => (a.Id, a.Kind)));
            // Parents count open alerts; dashboards show them.
            MarkStatusChanged();
            SnapshotChanged();
            await WriteAsync();
        }

        await SendAlertChangesAsync();
    }

    /// <summary>Sends the changes the book has not confirmed (after they are durable here); on failure the next evaluation resends them.</summary>
    private async Task SendAlertChangesAsync()
    {
        var tracker = State.Alerts;
        if (tracker.Unsent.Count == 0)
        {
            return;
        }

        IReadOnlyList<Alert> changes = [.. tracker.Unsent];
        try
        {
            await GrainFactory.GetGrain<IAlertBookGrain>(Scope.Id).RecordAsync(changes);
            tracker.Confirmed(changes);
        }
        catch (Exception ex)
        {
            LogAlertSendFailed(Logger, Scope, ex);
        }
    }

    Task IRemindable.ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status) =>
        reminderName == AlertReminder ? EvaluateAlertsAsync() : Task.CompletedTask;

    /// <summary>
    /// A scope with rules keeps a reminder, which activates it to evaluate them even when no
    /// message ever comes again; a scope without (or removed) drops its reminder. Registered once,
    /// not at every activation: the reminder table is shared storage.
    /// </summary>
    private async Task KeepAlertReminderAsync()
    {
        var tracker = State.Alerts;
        var wanted = Config is not null && HasAlertRules ? (long)_evaluateInterval.TotalMilliseconds : 0;
        if (wanted > 0)
        {
            tracker.WatchingSince ??= Clock.GetUtcNow().ToUnixTimeMilliseconds();
        }

        if (tracker.ReminderPeriodMs == wanted)
        {
            return;
        }

        if (wanted > 0)
        {
            await this.RegisterOrUpdateReminder(AlertReminder, _evaluateInterval, _evaluateInterval);
        }
        else if (await this.GetReminder(AlertReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        tracker.ReminderPeriodMs = wanted;
        await Writer.WriteAsync();
    }

    public abstract Task<ScopeSnapshot?> GetSnapshotAsync();

    private WatcherSet Watchers => _watchers ??= new WatcherSet(Options.WatcherExpiry);

    public Task<bool> WatchAsync(IScopeWatcher watcher) => Task.FromResult(Watchers.Refresh(watcher));

    public Task UnwatchAsync(IScopeWatcher watcher)
    {
        Watchers.Remove(watcher);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Something a snapshot shows changed: watchers get the new snapshot at once, or when the
    /// snapshot interval since the last one has passed, whichever is later. Changes meanwhile coalesce.
    /// </summary>
    protected void SnapshotChanged()
    {
        if (_snapshotArmed || Watchers.Count == 0 || _snapshotTimer is null)
        {
            return;
        }

        _snapshotArmed = true;
        var wait = _lastSnapshotTicks + (long)Options.SnapshotInterval.TotalMilliseconds - Environment.TickCount64;
        _snapshotTimer.Change(TimeSpan.FromMilliseconds(Math.Max(0, wait)), Timeout.InfiniteTimeSpan);
    }

    private async Task SendSnapshotAsync()
    {
        _snapshotArmed = false;
        var watchers = Watchers.Live();
        if (watchers.Count == 0 || await GetSnapshotAsync() is not { } snapshot)
        {
            return;
        }

        _lastSnapshotTicks = Environment.TickCount64;
        foreach (var watcher in watchers)
        {
            _ = watcher.OnSnapshotAsync(snapshot);
        }

        Metrics.SnapshotSent(Scope.Kind, watchers.Count);
    }

    public Task<HistorySeries?> GetHistoryAsync(HistoryStep step, DateTimeOffset from, DateTimeOffset to)
    {
        if (Config is null)
        {
            return Task.FromResult<HistorySeries?>(null);
        }

        var fromMs = from.ToUnixTimeMilliseconds();
        var toMs = to.ToUnixTimeMilliseconds();
        var points = new List<HistoryPoint>();
        switch (step)
        {
            case HistoryStep.Minute:
                AddPoints(State.Buckets.Minutes, key => DateTimeOffset.FromUnixTimeMilliseconds(key * BucketSet.MillisecondsPerMinute));
                break;
            case HistoryStep.Hour:
                AddPoints(State.Buckets.Hours, key => DateTimeOffset.FromUnixTimeMilliseconds(key * BucketSet.MillisecondsPerHour));
                break;
            default:
                AddPoints(State.Buckets.Days, key => PlantCalendar.DayStart(DateOnly.FromDayNumber(key), Zone));
                break;
        }

        points.Sort((a, b) => a.T.CompareTo(b.T));
        var name = step switch { HistoryStep.Minute => "1m", HistoryStep.Hour => "1h", _ => "1d" };
        return Task.FromResult<HistorySeries?>(new HistorySeries(Scope.ToString(), name, points));

        void AddPoints<TKey>(Dictionary<TKey, Totals> buckets, Func<TKey, DateTimeOffset> start)
            where TKey : notnull
        {
            foreach (var (key, value) in buckets)
            {
                var t = start(key);
                var ms = t.ToUnixTimeMilliseconds();
                if (ms >= fromMs && ms < toMs)
                {
                    points.Add(new HistoryPoint(t, value.Good, value.Scrap, value.Tons, value.ValueCny));
                }
            }
        }
    }

    /// <summary>The status the parents see (plan, state, alerts, OEE inputs) as of <paramref name="now"/>.</summary>
    protected abstract ChildStatus CurrentStatus(DateTimeOffset now);

    /// <summary>Called when the config changed (after the outboxes were adjusted).</summary>
    protected virtual void OnConfigured(ScopeConfig? previous)
    {
    }

    /// <summary>Periodic housekeeping (about once a minute): prune what is past retention.</summary>
    protected virtual void OnMaintenance(DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = PlantCalendar.LocalDate(now, Zone).DayNumber;
        if (HistoryArchive.Prune(State, nowMs, today, Options) is { Count: > 0 } expired)
        {
            _ = History.RemoveAsync(expired);
        }

        if ((HistoryArchive.PlanFolds(State, nowMs, today) || State.Folding.Count > 0) && _folding is not { IsCompleted: false })
        {
            _folding = FoldHistoryAsync();
        }
    }

    private HistoryArchive History => _history ??= new HistoryArchive(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(MonitorServices.StorageName), this.GetGrainId(), Logger);

    private HistoryArchive? _history;
    private Task? _folding;

    /// <summary>Makes the planned folds durable in the state, writes their chunks, then records that they are done.</summary>
    private async Task FoldHistoryAsync()
    {
        try
        {
            await Writer.WriteAsync();
            await History.WriteFoldsAsync(State);
            await Writer.WriteAsync();
        }
        catch (Exception ex)
        {
            // The folds stay in the state; the next maintenance writes them again.
            LogHistoryFoldFailed(Logger, Scope, ex);
        }
    }

    /// <summary>
    /// Waits until every change made so far is durable. When a push is due and none is running, the
    /// outboxes are sealed first, so that the same write makes the push durable too, and the push is
    /// sent once it is: one write for a batch and its push instead of two.
    /// </summary>
    protected Task WriteAsync()
    {
        if (_pushing is { IsCompleted: false }
            || MillisecondsUntilPushDue() > 0
            || !State.Outboxes.Any(o => o.InFlight is null && o.HasWork))
        {
            return Writer.WriteAsync();
        }

        Seal();
        var durable = Writer.WriteAsync();
        _pushing = SendWhenDurableAsync(durable);
        return durable;
    }

    private async Task SendWhenDurableAsync(Task durable)
    {
        try
        {
            await durable;
            await SendInFlightAsync();
        }
        catch (Exception ex)
        {
            LogPushFailed(Logger, Scope, ex);
        }
        finally
        {
            // More arrived meanwhile, or the push failed and waits to be resent.
            if (State.Outboxes.Any(o => o.HasWork))
            {
                ArmPush();
            }
        }
    }

    /// <summary>Adds figures at an event time to this scope's buckets and to every active outbox.</summary>
    protected void Record(long timestamp, int dayNumber, Totals totals)
    {
        ArmPushUnlessTheNextWriteSealsIt();
        State.AddToHistory(timestamp, dayNumber, totals);
        foreach (var outbox in State.Outboxes)
        {
            if (outbox.Active)
            {
                outbox.Pending.Add(timestamp, dayNumber, totals);
            }
        }
    }

    /// <summary>Adds a child's bucket changes to this scope's buckets and to every active outbox.</summary>
    protected void Record(BucketSet delta, bool negate)
    {
        ArmPushUnlessTheNextWriteSealsIt();
        State.AddToHistory(delta, negate);
        foreach (var outbox in State.Outboxes)
        {
            if (outbox.Active)
            {
                outbox.Pending.AddAll(delta, negate);
            }
        }
    }

    protected void MarkStatusChanged()
    {
        foreach (var outbox in State.Outboxes)
        {
            outbox.StatusChanged = true;
        }

        ArmPushUnlessTheNextWriteSealsIt();
    }

    /// <summary>
    /// For changes that <see cref="WriteAsync"/> follows (ingest, apply): when a push is due and
    /// none is running, that write seals it, and a timer would only fire to find nothing to do.
    /// </summary>
    private void ArmPushUnlessTheNextWriteSealsIt()
    {
        if (_pushing is { IsCompleted: false } || MillisecondsUntilPushDue() > 0)
        {
            ArmPush();
        }
    }

    /// <summary>
    /// Schedules a push, unless one is scheduled already: one push interval after the previous
    /// round began, or at once if that is past. At most one round per interval, and no wait after a quiet spell.
    /// </summary>
    private void ArmPush()
    {
        if (!_pushArmed && _pushTimer is not null)
        {
            _pushArmed = true;
            _pushTimer.Change(TimeSpan.FromMilliseconds(Math.Max(0, MillisecondsUntilPushDue())), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>How long until the next push round may begin (one interval after the last began); 0 or less: now.</summary>
    private long MillisecondsUntilPushDue() => _lastPushTicks + (long)Options.PushInterval.TotalMilliseconds - Environment.TickCount64;

    /// <summary>The plant day number of an event time, cached for the current day.</summary>
    protected int DayNumberOf(long timestamp)
    {
        if (timestamp >= _cachedDayStart && timestamp < _cachedDayEnd)
        {
            return _cachedDayNumber;
        }

        var day = PlantCalendar.LocalDate(timestamp, Zone);
        _cachedDayStart = PlantCalendar.DayStart(day, Zone).ToUnixTimeMilliseconds();
        _cachedDayEnd = PlantCalendar.DayEnd(day, Zone).ToUnixTimeMilliseconds();
        _cachedDayNumber = day.DayNumber;
        return _cachedDayNumber;
    }

    private long _cachedDayStart;
    private long _cachedDayEnd = long.MinValue;
    private int _cachedDayNumber;

    /// <summary>The parts of a snapshot every scope has.</summary>
    protected ScopeSnapshot BaseSnapshot(DateTimeOffset now, GoodAndTons plan)
    {
        var config = Config!;
        var today = PlantCalendar.LocalDate(now, Zone);
        var nowMinute = BucketSet.MinuteOf(now.ToUnixTimeMilliseconds());
        var lastHour = State.Buckets.SumMinutes(nowMinute - 59, nowMinute);
        return new ScopeSnapshot
        {
            Scope = Scope.ToString(),
            Name = config.Name,
            NameEn = config.NameEn,
            AsOf = now,
            Day = today.ToString("yyyy-MM-dd"),
            Today = State.Buckets.Day(today.DayNumber),
            Plan = plan,
            RatePerHour = new GoodAndTons(lastHour.Good, lastHour.Tons),
        };
    }

    /// <summary>Adjusts outboxes to the new parents; true when anything changed.</summary>
    private bool ApplyConfig(ScopeConfig? config)
    {
        var previous = State.Config;
        if (previous is not null && config is not null && previous.Fingerprint() == config.Fingerprint())
        {
            return false;
        }

        // Removed (or unknown) and nothing sent anywhere: nothing to take back.
        if (previous is null && config is null && !State.Outboxes.Any(o => o.Active))
        {
            return false;
        }

        var newParents = config?.Parents ?? [];
        foreach (var outbox in State.Outboxes.Where(o => o.Active && !newParents.Contains(o.Parent)))
        {
            // Take back everything the parent has had from us, i.e. all but what is still pending.
            outbox.Pending.AddAll(State.Buckets, negate: true);
            outbox.Retiring = true;
        }

        foreach (var parent in newParents)
        {
            var outbox = State.Outboxes.Find(o => o.Parent == parent);
            if (outbox is null)
            {
                State.Outboxes.Add(new Outbox { Parent = parent, Pending = State.Buckets.Clone() });
            }
            else if (!outbox.Active)
            {
                outbox.Pending.AddAll(State.Buckets);
                outbox.Retiring = false;
                outbox.Retired = false;
            }
        }

        State.Config = config;
        _zone = null;
        _cachedDayEnd = long.MinValue;
        MarkStatusChanged();

        // Its callers write without sealing: the timer carries the change up.
        ArmPush();
        SnapshotChanged();
        OnConfigured(previous);
        return true;
    }

    /// <summary>Runs <see cref="OnMaintenance"/> at most once a minute: from the push timer, and from callers whose work may not arm it.</summary>
    protected void MaintainIfDue(DateTimeOffset now)
    {
        if (now.ToUnixTimeMilliseconds() >= _nextMaintenance && Config is not null)
        {
            _nextMaintenance = now.ToUnixTimeMilliseconds() + 60_000;
            OnMaintenance(now);
        }
    }

    private async Task OnTimerAsync()
    {
        _pushArmed = false;
        MaintainIfDue(Clock.GetUtcNow());

        try
        {
            await PushAsync();
        }
        catch (Exception ex)
        {
            LogPushFailed(Logger, Scope, ex);
        }
        finally
        {
            // More arrived meanwhile, or a push failed and waits to be resent.
            if (State.Outboxes.Any(o => o.HasWork))
            {
                ArmPush();
            }
        }
    }

    /// <summary>One push round at a time; a caller arriving during one waits and then runs its own.</summary>
    private async Task PushAsync()
    {
        while (_pushing is { IsCompleted: false } running)
        {
            try
            {
                await running;
            }
            catch
            {
                // The round's own caller reports it; this caller tries again below.
            }
        }

        var rounds = PushRoundsAsync();
        _pushing = rounds;
        await rounds;
    }

    /// <summary>
    /// Rounds until nothing is left: a round that resends an unanswered push leaves the changes
    /// collected meanwhile for the next one. Bounded, so a steady stream cannot hold a caller.
    /// </summary>
    private async Task PushRoundsAsync()
    {
        for (var round = 0; round < 3 && State.Outboxes.Any(o => o.HasWork); round++)
        {
            await PushRoundAsync();
        }
    }

    private async Task PushRoundAsync()
    {
        Seal();

        // A parent may only see what would survive a crash of this grain.
        await Writer.WriteAsync();
        await SendInFlightAsync();
    }

    /// <summary>Seals what each outbox collected into its next push (unless one is still unanswered).</summary>
    private void Seal()
    {
        _lastPushTicks = Environment.TickCount64;
        var now = Clock.GetUtcNow();
        ChildStatus? status = null;
        foreach (var outbox in State.Outboxes.Where(o => o.InFlight is null && o.HasWork))
        {
            outbox.InFlight = new RollupPush
            {
                Child = Scope,
                Seq = outbox.NextSeq++,
                Delta = outbox.Pending,
                Status = status ??= CurrentStatus(now),
                Retire = outbox.Retiring,
            };
            outbox.Pending = new BucketSet();
            outbox.StatusChanged = false;
        }
    }

    /// <summary>Sends every sealed push (made durable by the caller) and waits for the answers.</summary>
    private Task SendInFlightAsync() => Task.WhenAll([.. State.Outboxes.Where(o => o.InFlight is not null).Select(SendAsync)]);

    private async Task SendAsync(Outbox outbox)
    {
        var push = outbox.InFlight!;
        await GrainFactory.GetGrain<IAggregateGrain>(outbox.Parent.ToString()).ApplyAsync(push);
        Metrics.PushSent(Scope.Kind);
        if (ReferenceEquals(outbox.InFlight, push))
        {
            outbox.InFlight = null;
            if (push.Retire)
            {
                outbox.Retiring = false;
                outbox.Retired = true;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the alert reminder of {Scope} failed; retried in 10 s")]
    private static partial void LogReminderFailed(ILogger logger, ScopeId scope, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the alert changes of {Scope} to its alert book failed; they are resent at the next evaluation")]
    private static partial void LogAlertSendFailed(ILogger logger, ScopeId scope, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archiving the history of {Scope} failed; it is retried at the next maintenance")]
    private static partial void LogHistoryFoldFailed(ILogger logger, ScopeId scope, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push from {Scope} to its parents failed; it is retried")]
    private static partial void LogPushFailed(ILogger logger, ScopeId scope, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Push from {Scope} on deactivation failed; it goes at the next activation")]
    private static partial void LogDeactivationPushFailed(ILogger logger, ScopeId scope, Exception error);
}
