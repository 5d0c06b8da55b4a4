using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OutputMonitor.Scopes;

namespace OutputMonitor.Web.Security;

/// <summary>A configured key as kept in memory: its SHA-256, never the key itself.</summary>
public sealed record ApiKeyEntry(byte[] Hash, string Role, IReadOnlyList<ScopeId> Scopes, string Name);

/// <summary>
/// The keys of <c>Auth:ApiKeys</c>, hashed at start. A presented key is hashed and compared with
/// every stored hash in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>), all
/// of them, so neither the comparison nor the loop tells how close a guess was.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly IReadOnlyList<ApiKeyEntry> _entries;

    public ApiKeyStore(IOptions<AuthOptions> options, IConfiguration configuration)
    {
        var auth = options.Value;
        _entries =
        [
            .. auth.ApiKeys.Select((k, i) => new ApiKeyEntry(
                Hash(k.Key!), k.Role!, [.. k.Scopes.Select(ScopeId.Parse)], string.IsNullOrWhiteSpace(k.Name) ? $"{k.Role} key {i}" : k.Name.Trim())),
        ];
        AnonymousRead = auth.AllowAnonymousRead ?? ListenAddresses.Of(configuration).All(ListenAddresses.IsLoopback);
    }

    /// <summary>Whether reads without a key are allowed (<c>Auth:AllowAnonymousRead</c>, or loopback only when unset).</summary>
    public bool AnonymousRead { get; }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The comparer: constant time, whatever the bytes.</summary>
    public static bool HashesEqual(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> presented) =>
        CryptographicOperations.FixedTimeEquals(stored, presented);

    /// <summary>The entry of a presented key, or null.</summary>
    public ApiKeyEntry? Find(string presented)
    {
        var hash = Hash(presented);
        ApiKeyEntry? found = null;
        foreach (var entry in _entries)
        {
            if (HashesEqual(entry.Hash, hash))
            {
                found = entry;
            }
        }

        return found;
    }
}
