using System.Security.Cryptography;
using System.Text;

namespace OutputMonitor.Silo.Security;

/// <summary>
/// Salted PBKDF2-HMAC-SHA512 password hashes in Mosquitto's <c>$7$</c> format
/// (<c>$7${iterations}${salt base64}${hash base64}</c>), so one hash serves the embedded broker, a
/// Mosquitto password file (<c>mosquitto_passwd</c> writes the same format) and the login page.
/// </summary>
public static class PasswordHash
{
    /// <summary>Iterations of new hashes; Mosquitto 2.0's own tool uses 101, which is far too few for people's passwords.</summary>
    public const int DefaultIterations = 100_000;

    /// <summary>Verifying costs the iterations; above this a stored hash is refused rather than used to stall the host.</summary>
    public const int MaxIterations = 10_000_000;

    private const string Prefix = "$7$";
    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether <paramref name="encoded"/> is a hash this class can verify; says why not otherwise.</summary>
    public static bool IsWellFormed(string? encoded, out string problem)
    {
        problem = TryParse(encoded, out _, out _, out _) ? "" : "is not a $7$ hash: $7${iterations}${salt base64}${hash base64} (make one with hash-password or mosquitto_passwd)";
        return problem.Length == 0;
    }

    /// <summary>Whether <paramref name="password"/> matches; false (never an exception) for a malformed hash. Constant time in the hash compare.</summary>
    public static bool Verify(string? password, string? encoded)
    {
        if (password is null || !TryParse(encoded, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        if (encoded is null || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = encoded[Prefix.Length..].Split('$');
        return parts.Length == 3
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out iterations)
            && iterations is >= 1 and <= MaxIterations
            && TryBase64(parts[1], out salt) && salt.Length > 0
            && TryBase64(parts[2], out hash) && hash.Length is >= 32 and <= HashBytes;
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
