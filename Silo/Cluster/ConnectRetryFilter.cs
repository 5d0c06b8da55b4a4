using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OutputMonitor.Silo;

/// <summary>
/// A gateway or web node that starts before any silo (or while the whole cluster restarts) keeps
/// trying to connect instead of failing its start: the order in which parts start does not matter.
/// </summary>
internal sealed partial class ConnectRetryFilter(IOptions<MembershipOptions> options, ILogger<ConnectRetryFilter> logger) : IClientConnectionRetryFilter
{
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        LogRetry(logger, attempt, exception.Message);
        try
        {
            await Task.Delay(options.Value.ConnectRetryDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo answered (attempt {Attempt}); retrying: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);
}
