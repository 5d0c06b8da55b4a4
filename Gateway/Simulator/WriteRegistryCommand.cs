using Microsoft.Extensions.Configuration;
using OutputMonitor.Registry;
using OutputMonitor.Simulator.Model;

namespace OutputMonitor.Simulator;

/// <summary>
/// <c>--write-registry FILE</c>: writes the registry (<c>Simulator:RegistryPath</c>, else the demo
/// registry) plus <c>Simulator:SyntheticLines</c> synthetic lines to FILE and exits, so that the
/// system can be started with <c>Registry:Path=FILE</c> for a load test.
/// </summary>
public static class WriteRegistryCommand
{
    public const string Switch = "--write-registry";

    /// <summary>Runs the command if <paramref name="args"/> asks for it; returns the exit code, or null to run normally.</summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error)
    {
        var index = Array.FindIndex(args, a => a == Switch || a.StartsWith(Switch + "=", StringComparison.Ordinal));
        if (index < 0)
        {
            return null;
        }

        var inline = args[index].Length > Switch.Length;
        var file = inline ? args[index][(Switch.Length + 1)..] : index + 1 < args.Length ? args[index + 1] : "";
        if (file.Length == 0 || file.StartsWith("--", StringComparison.Ordinal))
        {
            error.WriteLine($"usage: {Switch} FILE [--Simulator:SyntheticLines=N] [--Simulator:RegistryPath=BASE.json]");
            return 2;
        }

        var rest = args.Where((_, i) => i != index && (inline || i != index + 1)).ToArray();
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(rest).Build();
        var options = configuration.GetSection(SimulatorOptions.Section).Get<SimulatorOptions>() ?? new SimulatorOptions();
        if (options.SyntheticLines is < 0 or > 100_000)
        {
            error.WriteLine("Simulator:SyntheticLines must be between 0 and 100000");
            return 2;
        }

        try
        {
            var registry = RegistryJson.Load(options.RegistryPath ?? configuration["Registry:Path"]);
            var written = SyntheticRegistry.WithSyntheticLines(registry, options.SyntheticLines);
            SyntheticRegistry.Write(written, file);
            output.WriteLine($"wrote {file}: {written.Enterprises.Count} enterprises, {written.Enterprises.Sum(e => e.Lines.Count)} lines ({options.SyntheticLines} synthetic)");
            return 0;
        }
        catch (Exception ex) when (ex is RegistryLoadException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
    }
}
