using OutputMonitor.Benchmarks;

return await BenchmarkCommands.RunAsync(args);
