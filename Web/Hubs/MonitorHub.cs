using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using OutputMonitor.Scopes;
using OutputMonitor.Snapshots;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Hubs;

/// <summary>
/// The dashboards' hub (spec/api.md): <c>Subscribe(scope)</c> returns the snapshot now, then
/// <c>snapshot</c> messages follow whenever it changes, at most 4 a second; <c>alert</c> messages on
/// every change of an alert in or below a subscribed scope. Connecting needs a key
/// (<c>access_token</c>) unless anonymous reads are allowed; a key subscribes only to scopes it covers.
/// </summary>
[Authorize(Policy = AuthPolicies.Read)]
public sealed class MonitorHub(IGrainFactory grains, ScopeWatch watch, RegistryIndexCache registry) : Hub
{
    public const string Path = "/hubs/monitor";

    /// <summary>The server-to-client message names of spec/api.md.</summary>
    public const string SnapshotMessage = "snapshot";

    public const string AlertMessage = "alert";

    /// <summary>Scopes one connection may hold at once: a dashboard needs tens, not thousands.</summary>
    public const int MaxSubscriptionsPerConnection = 200;

    public static string GroupOf(ScopeId scope) => scope.ToString();

    public async Task<ScopeSnapshot> Subscribe(string scope)
    {
        if (!ScopeId.TryParse(scope, out var id))
        {
            throw new HubException($"Malformed scope '{Web.Api.Problems.Clip(scope ?? "")}': region:{{id}}, chain:{{id}}, enterprise:{{id}} or line:{{enterprise}}/{{line}}.");
        }

        if (Context.User is { } user && !await Caller.Of(user).CoversAsync(id, registry))
        {
            throw new HubException($"Forbidden scope '{Web.Api.Problems.Clip(scope!)}': it is outside the scopes of this key or sign-in.");
        }

        var subscribed = Subscriptions;
        if (!subscribed.Contains(id) && subscribed.Count >= MaxSubscriptionsPerConnection)
        {
            throw new HubException($"At most {MaxSubscriptionsPerConnection} scopes per connection.");
        }

        // Join and watch before reading, so no change between the read and the first push is missed.
        if (subscribed.Add(id))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(id));
            await watch.AddAsync(id);
        }

        if (await grains.GetScopeGrain(id).GetSnapshotAsync() is { } snapshot)
        {
            return snapshot;
        }

        await Unsubscribe(scope);
        throw new HubException($"Unknown scope '{id}': it is not in the registry.");
    }

    public async Task Unsubscribe(string scope)
    {
        if (ScopeId.TryParse(scope, out var id) && Subscriptions.Remove(id))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(id));
            await watch.RemoveAsync(id);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var id in Subscriptions)
        {
            await watch.RemoveAsync(id);
        }

        Subscriptions.Clear();
        await base.OnDisconnectedAsync(exception);
    }

    // A connection's calls run one at a time (MaximumParallelInvocationsPerClient = 1), so a plain set is safe.
    private HashSet<ScopeId> Subscriptions => Context.Items.TryGetValue(nameof(Subscriptions), out var set)
        ? (HashSet<ScopeId>)set!
        : (HashSet<ScopeId>)(Context.Items[nameof(Subscriptions)] = new HashSet<ScopeId>());
}
