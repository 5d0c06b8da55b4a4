using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OutputMonitor.Silo.Storage;

namespace OutputMonitor.Benchmarks;

/// <summary>
/// Counts what the product's grain storage serializes: writes, bytes and serializer time per state
/// type. It wraps the storage's serializer (a diagnostic for <c>breakdown</c>; <c>core</c> runs without it).
/// </summary>
internal sealed class StorageWriteCounter
{
    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    /// <summary>Replaces the silo's in-process grain storage with one whose serializer counts (the same store and format).</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddKeyedSingleton<IGrainStorage>(MonitorServices.StorageName, (provider, _) =>
            new InProcessGrainStorage(new CountingSerializer(new PooledGrainStorageSerializer(provider.GetRequiredService<Serializer>()), this)));

    public IReadOnlyDictionary<string, (long Writes, long Bytes, TimeSpan Time)> Snapshot() =>
        _tallies.ToDictionary(t => t.Key, t => t.Value.Read(), StringComparer.Ordinal);

    private void Count(string type, long bytes, long ticks) => _tallies.GetOrAdd(type, _ => new Tally()).Add(bytes, ticks);

    private sealed class Tally
    {
        private long _writes;
        private long _bytes;
        private long _ticks;

        public void Add(long bytes, long ticks)
        {
            Interlocked.Increment(ref _writes);
            Interlocked.Add(ref _bytes, bytes);
            Interlocked.Add(ref _ticks, ticks);
        }

        public (long Writes, long Bytes, TimeSpan Time) Read() =>
            (Interlocked.Read(ref _writes), Interlocked.Read(ref _bytes), TimeSpan.FromSeconds(Interlocked.Read(ref _ticks) / (double)Stopwatch.Frequency));
    }

    private sealed class CountingSerializer(IGrainStorageSerializer inner, StorageWriteCounter counter) : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input)
        {
            var started = Stopwatch.GetTimestamp();
            var data = inner.Serialize(input);
            counter.Count(typeof(T).Name, data.ToMemory().Length, Stopwatch.GetTimestamp() - started);
            return data;
        }

        public T? Deserialize<T>(BinaryData input) => inner.Deserialize<T>(input);
    }
}
