namespace OutputMonitor.Persistence;

/// <summary>
/// Group commit for a grain's state: at most one write in flight; callers that arrive while one is
/// running share the next write, which starts when it ends and covers everything they changed.
/// A caller's task completes when a write that began after its call has finished. With a
/// <paramref name="linger"/>, a write waits that long before it starts, to take in more callers.
/// Must be used from the grain's own scheduler (single-threaded).
/// </summary>
internal sealed class CoalescedWriter(Func<Task> write, TimeSpan linger = default)
{
    private TaskCompletionSource? _waiting;
    private bool _running;

    public bool IsWriting => _running;

    public Task WriteAsync()
    {
        _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _waiting.Task;
        if (!_running)
        {
            _ = RunAsync();
        }

        return task;
    }

    private async Task RunAsync()
    {
        _running = true;
        try
        {
            while (_waiting is not null)
            {
                if (linger > TimeSpan.Zero)
                {
                    await Task.Delay(linger);
                }

                var batch = _waiting;
                _waiting = null;
                try
                {
                    await write();
                    batch.SetResult();
                }
                catch (Exception ex)
                {
                    batch.SetException(ex);
                }
            }
        }
        finally
        {
            _running = false;
        }
    }
}
