using System.ComponentModel.DataAnnotations;

namespace OutputMonitor.Simulator;

/// <summary>
/// The telemetry simulator (configuration section <c>Simulator</c>). Realistic pacing by default;
/// load mode when <see cref="MessagesPerSecond"/> is set. Validated at start.
/// </summary>
public sealed class SimulatorOptions : IValidatableObject
{
    public const string Section = "Simulator";

    /// <summary>Runs the simulator; when false, <c>AddOutputMonitorSimulator</c> registers nothing.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The broker to publish to. Unset, it falls back to <c>Mqtt:Host</c>, then 127.0.0.1.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Unset, it falls back to <c>Mqtt:Port</c>, then 1883.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// Time acceleration of the realistic patterns: 1 is real time, 60 plays an hour a minute.
    /// Event timestamps stay on the real clock (never in the future), so above 1 the rates exceed
    /// the lines' ideal rates: for demos and tests only.
    /// </summary>
    [Range(0.001, 100_000.0)]
    public double Speed { get; set; } = 1;

    /// <summary>Null: realistic pacing. A number: load mode, this many telemetry items a second in total, spread over the lines.</summary>
    [Range(1, 10_000_000)]
    public int? MessagesPerSecond { get; set; }

    /// <summary>Items per MQTT message; above 1 every message is a JSON array (one line and channel per message).</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 1;

    /// <summary>
    /// Load mode: this many synthetic production lines (<c>sim-ent-{i/100}</c> / <c>line-{i%100}</c>) in addition
    /// to the registry's. The system must know them: start it with a registry written by <c>--write-registry FILE</c>.
    /// </summary>
    [Range(0, 100_000)]
    public int SyntheticLines { get; set; }

    /// <summary>The registry whose lines are simulated. Unset, it falls back to <c>Registry:Path</c>, then the demo registry.</summary>
    public string? RegistryPath { get; set; }

    /// <summary>
    /// Realistic mode: at start, publish the history so far (in time slices, as batches of up to 1000
    /// items) with past event timestamps, so dashboards and alert rules see a realistic day (or
    /// period, <see cref="BackfillPeriods"/>) at once. Replaying is safe: the same seed gives the same
    /// ids, which the system counts once.
    /// </summary>
    public bool Backfill { get; set; } = true;

    /// <summary>
    /// With <see cref="Backfill"/>: each line's alert period so far (<c>alerts.shortfallPeriod</c>:
    /// the plant day, the week from Monday, the month or the year), but at most the last 7 plant days
    /// (the contract refuses older <c>ts</c>); false: the plant day only. A system counts a repeated
    /// id once only while it remembers it (<c>Rollup:DedupeWindow</c>, 24 h): against a system whose
    /// state outlives the simulator (Redis), restart the simulator with false, or days older than
    /// that count twice. The one-command start keeps state in memory, so every start is fresh.
    /// </summary>
    public bool BackfillPeriods { get; set; } = true;

    /// <summary>The pace of the backfill, in items a second.</summary>
    [Range(100, 10_000_000)]
    public int BackfillItemsPerSecond { get; set; } = 20_000;

    public int Seed { get; set; } = 2026;

    [Range(0, 2)]
    public int QoS { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!double.IsFinite(Speed))
        {
            yield return new ValidationResult("Simulator:Speed must be a finite number", [nameof(Speed)]);
        }

        if (Username is null && Password is not null)
        {
            yield return new ValidationResult("Simulator:Password is set without Simulator:Username", [nameof(Password)]);
        }
    }
}
