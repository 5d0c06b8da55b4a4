using OutputMonitor.Benchmarks;

using var allocations = AllocationTypeSampler.StartIfAsked();
var exitCode = await BenchmarkCommands.RunAsync(args);
allocations?.Print();
return exitCode;
