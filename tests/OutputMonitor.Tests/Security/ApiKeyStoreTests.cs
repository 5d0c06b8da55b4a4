using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Tests.Security;

/// <summary>Keys are kept as SHA-256 hashes and compared in constant time.</summary>
public sealed class ApiKeyStoreTests
{
    private static ApiKeyStore Store(params ApiKeyOptions[] keys) =>
        new(Options.Create(new AuthOptions { ApiKeys = [.. keys] }), new ConfigurationBuilder().Build());

    [Fact]
    public void A_configured_key_is_found_with_its_role_scopes_and_name()
    {
        var store = Store(
            new ApiKeyOptions { Key = "first-key", Role = Roles.Admin },
            new ApiKeyOptions { Key = "second-key", Role = Roles.Viewer, Scopes = ["region:city-a"], Name = "wall" });

        var found = store.Find("second-key");

        Assert.NotNull(found);
        Assert.Equal((Roles.Viewer, "wall", "region:city-a"), (found.Role, found.Name, found.Scopes.Single().ToString()));
        Assert.Equal("admin key 0", store.Find("first-key")!.Name);
    }

    [Theory]
    [InlineData("second-ke")]
    [InlineData("second-key ")]
    [InlineData("SECOND-KEY")]
    [InlineData("")]
    public void Anything_but_the_exact_key_is_not_found(string presented) =>
        Assert.Null(Store(new ApiKeyOptions { Key = "second-key", Role = Roles.Admin }).Find(presented));

    [Fact]
    public void Keys_are_kept_as_sha256_hashes_never_as_text()
    {
        var store = Store(new ApiKeyOptions { Key = "kept-key", Role = Roles.Admin });

        var entry = store.Find("kept-key")!;

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("kept-key")), entry.Hash);
        Assert.DoesNotContain("kept-key", entry.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_comparer_tells_equal_hashes_from_different_ones()
    {
        Assert.True(ApiKeyStore.HashesEqual(ApiKeyStore.Hash("a"), ApiKeyStore.Hash("a")));
        Assert.False(ApiKeyStore.HashesEqual(ApiKeyStore.Hash("a"), ApiKeyStore.Hash("b")));
        // Hashes are always 32 bytes: the comparison takes as long for any key length.
        Assert.Equal(32, ApiKeyStore.Hash("").Length);
        Assert.Equal(32, ApiKeyStore.Hash(new string('k', 10_000)).Length);
    }

    [Fact]
    public void The_comparison_is_constant_time()
    {
        // Timing is too noisy to measure in a test; the code is read instead: Find compares with
        // HashesEqual only, and HashesEqual is CryptographicOperations.FixedTimeEquals.
        var find = Calls(typeof(ApiKeyStore).GetMethod(nameof(ApiKeyStore.Find))!);
        var comparer = Calls(typeof(ApiKeyStore).GetMethod(nameof(ApiKeyStore.HashesEqual))!);

        Assert.Contains($"{nameof(ApiKeyStore)}.{nameof(ApiKeyStore.HashesEqual)}", find);
        Assert.DoesNotContain(find, call => call.Contains("Equal", StringComparison.Ordinal) && !call.EndsWith(nameof(ApiKeyStore.HashesEqual), StringComparison.Ordinal));
        Assert.Equal([$"{nameof(CryptographicOperations)}.{nameof(CryptographicOperations.FixedTimeEquals)}"], comparer.Where(c => !c.StartsWith("ReadOnlySpan", StringComparison.Ordinal)));
    }

    /// <summary>The methods a method calls, as "Type.Method", read from its IL (call and callvirt).</summary>
    private static List<string> Calls(System.Reflection.MethodInfo method)
    {
        var il = method.GetMethodBody()!.GetILAsByteArray()!;
        var calls = new List<string>();
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is 0x28 or 0x6F)
            {
                try
                {
                    var callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1), method.DeclaringType!.GetGenericArguments(), null);
                    if (callee is not null)
                    {
                        calls.Add($"{callee.DeclaringType!.Name.Split('`')[0]}.{callee.Name}");
                        i += 4;
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or BadImageFormatException)
                {
                    // Not a call's token: a byte of another instruction.
                }
            }
        }

        return calls;
    }
}
