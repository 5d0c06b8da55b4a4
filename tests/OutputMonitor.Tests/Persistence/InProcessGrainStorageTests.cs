using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OutputMonitor.Lines;
using OutputMonitor.Silo.Storage;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Tests.Persistence;

/// <summary>The one-process start's grain storage behaves as a real store: copies, not references, and ETags checked.</summary>
public sealed class InProcessGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("deadletter", "ent-1");
    private readonly InProcessGrainStorage _storage;

    public InProcessGrainStorageTests()
    {
        var services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(DeadLetterGrainState).Assembly)).BuildServiceProvider();
        _storage = new InProcessGrainStorage(new PooledGrainStorageSerializer(services.GetRequiredService<Serializer>()));
    }

    [Fact]
    public async Task A_written_state_reads_back_as_a_copy_that_later_changes_do_not_reach()
    {
        var written = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState());
        written.State!.Counts["malformed_json"] = 3;
        await _storage.WriteStateAsync("deadletters", Grain, written);
        written.State!.Counts["malformed_json"] = 99;

        var read = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState());
        await _storage.ReadStateAsync("deadletters", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(3, read.State!.Counts["malformed_json"]);
    }

    [Fact]
    public async Task A_missing_state_reads_as_absent()
    {
        var read = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState());
        await _storage.ReadStateAsync("deadletters", Grain, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_and_changes_nothing()
    {
        var first = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState());
        await _storage.WriteStateAsync("deadletters", Grain, first);
        var stale = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState()) { ETag = first.ETag };
        await _storage.WriteStateAsync("deadletters", Grain, first);

        stale.State!.Newest.Add(new DeadLetter("bad_topic", "x", "om/v1/x", null, "{}", DateTimeOffset.UnixEpoch));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("deadletters", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("deadletters", Grain, new GrainState<DeadLetterGrainState>(new DeadLetterGrainState())));

        var read = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState());
        await _storage.ReadStateAsync("deadletters", Grain, read);
        Assert.Empty(read.State!.Newest);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task Clearing_removes_the_state()
    {
        var state = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState());
        await _storage.WriteStateAsync("deadletters", Grain, state);
        await _storage.ClearStateAsync("deadletters", Grain, state);

        var read = new GrainState<DeadLetterGrainState>(new DeadLetterGrainState());
        await _storage.ReadStateAsync("deadletters", Grain, read);
        Assert.False(read.RecordExists);
        Assert.False(state.RecordExists);
    }
}
