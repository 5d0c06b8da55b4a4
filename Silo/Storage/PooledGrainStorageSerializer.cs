using Orleans.Serialization;
using Orleans.Storage;

namespace OutputMonitor.Silo.Storage;

/// <summary>
/// Grain state in Orleans' binary format, byte for byte what <see cref="OrleansGrainStorageSerializer"/>
/// writes and reads, but written through Orleans' pooled buffer into one array of the state's size.
/// Orleans' own writes into a new buffer that starts at 256 bytes and doubles as it fills: about
/// three times the state's size in garbage with every write, and the stored copy keeps the last
/// buffer, up to twice the state's size. A line writes its state with every batch, so on the
/// single-reading ingest path that was most of what the silo allocated.
/// </summary>
public sealed class PooledGrainStorageSerializer(Serializer serializer) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(serializer.SerializeToArray(input));

    public T? Deserialize<T>(BinaryData input) => serializer.Deserialize<T>(input.ToMemory().Span);
}
