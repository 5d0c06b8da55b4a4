namespace OutputMonitor.Benchmarks;

/// <summary>The sub-commands: <c>core</c>, <c>breakdown</c>, <c>e2e</c>, <c>dashboard</c> and <c>soak</c> (what a person runs), <c>silo</c> and <c>memory</c> (children they start).</summary>
internal static class BenchmarkCommands
{
    public const string Usage = """
        usage:
          core   [--lines N] [--batch B] [--seconds S] [--inflight K] [--push-interval hh:mm:ss.fff]
                 [--memory-lines 10000,100000] [--heavy-lines 1000] [--only ingest|client|memory]
          breakdown [--lines N] [--batch B] [--seconds S] [--inflight K] [--push-interval ...]
                 where the time and memory go (per-reading work, state-write cost, storage writes, timers)
          e2e    [--messages N] [--lines L] [--batched-messages M] [--batch 100] [--window 500] [--gateway-dll PATH]
                 MQTT (mosquitto) → gateway exe → silo, against the raw broker's QoS 1 rate
          dashboard [--rate 10000] [--clients 50] [--lines 1000] [--publishers 4] [--warmup 5] [--seconds 20]
                 publish-to-dashboard latency (p50/p99) through the one-process product, against plain MQTT
          soak   [--minutes 10] [--rate 2000] [--lines 1000] [--clients 50] [--publishers 4] [--interval 30] [--warmup 30] [--retention 60]
                 a long steady run of the dashboard load: a row per interval (rate, latency, memory, GC, threads)
          silo   --silo-port P --gateway-port G [--push-interval ...]          (started by 'core')
          memory --lines N --readings R [--batch B] [--inflight K] [--spread hour|day] [--push-interval ...]
                                                                                (started by 'core')
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        try
        {
            var options = CommandLine.Parse(args.AsSpan(1));
            return args[0] switch
            {
                "core" => await CoreCommand.RunAsync(CoreSettings.From(options)),
                "breakdown" => await BreakdownCommand.RunAsync(CoreSettings.From(options)),
                "silo" => await SiloCommand.RunAsync(options),
                "memory" => await MemoryCommand.RunAsync(MemorySettings.From(options)),
                "e2e" => await E2ECommand.RunAsync(options),
                "dashboard" => await DashboardCommand.RunAsync(options),
                "soak" => await SoakCommand.RunAsync(options),
                _ => Fail($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

/// <summary><c>--name value</c> pairs.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static CommandLine Parse(ReadOnlySpan<string> args)
    {
        var line = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            }

            line._values[args[i][2..]] = args[++i];
        }

        return line;
    }

    public int Int(string name, int fallback, int min = 1) =>
        _values.TryGetValue(name, out var text)
            ? int.TryParse(text, out var value) && value >= min ? value : throw new ArgumentException($"--{name} must be an integer >= {min}")
            : fallback;

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public TimeSpan? Span(string name) =>
        _values.TryGetValue(name, out var text)
            ? TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero ? value : throw new ArgumentException($"--{name} must be a time span such as 00:00:00.250")
            : null;

    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> fallback) =>
        _values.TryGetValue(name, out var text)
            ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.TryParse(t, out var v) && v > 0 ? v : throw new ArgumentException($"--{name} must be a comma-separated list of positive integers"))]
            : fallback;
}
