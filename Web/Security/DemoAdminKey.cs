using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace OutputMonitor.Web.Security;

/// <summary>
/// The one-command demo's own admin key: where no <c>Auth:ApiKeys</c> are configured and the web app
/// listens on loopback only, a key is made at start (never stored) and its link printed, so that
/// whoever started the demo can acknowledge alerts and change the registry from the pages.
/// </summary>
public sealed class DemoAdminKey
{
    public const string Name = "demo admin";

    /// <summary>The key made for this run; null where keys are configured or the app is not on loopback.</summary>
    public string? Key { get; private set; }

    internal sealed class AddWhereNoneConfigured(DemoAdminKey demo, IConfiguration configuration) : IPostConfigureOptions<AuthOptions>
    {
        public void PostConfigure(string? name, AuthOptions options)
        {
            if (options.ApiKeys.Count > 0 || !ListenAddresses.Of(configuration).All(ListenAddresses.IsLoopback))
            {
                return;
            }

            demo.Key ??= $"demo-{Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant()}";
            options.ApiKeys.Add(new ApiKeyOptions { Key = demo.Key, Role = Roles.Admin, Name = Name });
        }
    }
}
