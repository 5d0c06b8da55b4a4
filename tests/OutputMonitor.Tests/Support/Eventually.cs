namespace OutputMonitor.Tests.Support;

/// <summary>
/// Waits for a condition that another process or thread brings about (a broker delivering, a
/// gateway acknowledging), checking it often, and fails with a message at the deadline.
/// </summary>
public static class Eventually
{
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => HoldsAsync(condition, timeout, () => what);

    /// <param name="what">Built at the deadline, so it can tell what was last seen.</param>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout.TotalSeconds} s waiting for: {(DateTime.UtcNow < deadline ? "" : what())}");
            await Task.Delay(20);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);
}
