using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>The demo simulator's login at the embedded broker, made for the run where anonymous clients are refused.</summary>
internal sealed record SimulatorLogin(string Username, string Password);

/// <summary>A login's outcome: the client, or why it was refused (for the log; never sent to the client).</summary>
internal readonly record struct LoginResult(BrokerClient? Client, string Refusal);

/// <summary>
/// Who may log in to the embedded broker: the system's own clients (the gateway and the alert
/// publisher with <c>Mqtt:Username</c>/<c>Password</c>, made for the run when unset; the demo's
/// simulator), the devices of <c>Mqtt:Devices</c> by their PBKDF2 hashes, and anonymous clients
/// where <c>Mqtt:AllowAnonymous</c>. PBKDF2 is slow by design: a verified password is remembered
/// (by username and a keyed SHA-256 of the password), concurrent logins with the same password share
/// one verification, and each device login gets at most <see cref="MaxAttemptsPerWindow"/>
/// verifications a <see cref="AttemptWindow"/>, so neither a reconnect storm nor a guessing client
/// can keep the CPU busy.
/// </summary>
internal sealed class BrokerLogins : IDisposable
{
    public const int MaxAttemptsPerWindow = 10;

    public static readonly TimeSpan AttemptWindow = TimeSpan.FromMinutes(1);

    private readonly MqttOptions _options;
    private readonly SimulatorLogin? _simulator;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (MqttDevice Device, BrokerClient Client)> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<bool>> _verifying = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Attempts> _attempts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _hashing = new(Environment.ProcessorCount);

    // A per-run key: what is remembered of a password is worthless outside this process.
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private long _verifications;

    public BrokerLogins(IOptions<MqttOptions> options, TimeProvider time, SimulatorLogin? simulator = null)
    {
        _options = options.Value;
        _time = time;
        _simulator = simulator;
        foreach (var device in _options.Devices)
        {
            _devices[device.Username!] = (device, BrokerClient.Device(device));
        }

        System = BrokerClient.System(_options.Username ?? "");
        Simulator = _simulator is null ? null : BrokerClient.Simulator(_simulator.Username);
    }

    private BrokerClient System { get; }

    private BrokerClient? Simulator { get; }

    /// <summary>How many PBKDF2 verifications ran (for tests of the cache).</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>The client a connection's (already authenticated) username stands for; null for none.</summary>
    public BrokerClient? ClientOf(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return _options.AnonymousAllowed ? BrokerClient.Anonymous : null;
        }

        if (username == _options.Username)
        {
            return System;
        }

        if (username == _simulator?.Username)
        {
            return Simulator;
        }

        return _devices.TryGetValue(username, out var device) ? device.Client : null;
    }

    public async ValueTask<LoginResult> LoginAsync(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username))
        {
            return _options.AnonymousAllowed && string.IsNullOrEmpty(password)
                ? new LoginResult(BrokerClient.Anonymous, "")
                : new LoginResult(null, "no credentials (Mqtt:AllowAnonymous is false)");
        }

        if (username == _options.Username)
        {
            return SecretMatches(password, _options.Password) ? new LoginResult(System, "") : new LoginResult(null, "wrong password");
        }

        if (_simulator is not null && username == _simulator.Username)
        {
            return SecretMatches(password, _simulator.Password) ? new LoginResult(Simulator, "") : new LoginResult(null, "wrong password");
        }

        if (!_devices.TryGetValue(username, out var device))
        {
            // No hash to verify: refused at once, and nothing is kept of an unknown name.
            return new LoginResult(null, "unknown username");
        }

        var digest = HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(password ?? ""));
        if (_verified.TryGetValue(username, out var known) && CryptographicOperations.FixedTimeEquals(known, digest))
        {
            return new LoginResult(device.Client, "");
        }

        var attempts = _attempts.GetOrAdd(username, _ => new Attempts());
        if (!attempts.TryTake(_time.GetUtcNow()))
        {
            return new LoginResult(null, $"more than {MaxAttemptsPerWindow} password checks within {AttemptWindow.TotalSeconds:0} s");
        }

        var key = $"{username}\n{Convert.ToHexString(digest)}";
        var verification = _verifying.GetOrAdd(key, _ => VerifyAsync(username, digest, password, device.Device.PasswordHash));
        bool verified;
        try
        {
            verified = await verification;
        }
        finally
        {
            _verifying.TryRemove(KeyValuePair.Create(key, verification));
        }

        if (!verified)
        {
            return new LoginResult(null, "wrong password");
        }

        attempts.GiveBack();
        return new LoginResult(device.Client, "");
    }

    public void Dispose() => _hashing.Dispose();

    /// <summary>Remembers a verified password before the waiting logins go on, so a login arriving just after finds it.</summary>
    private async Task<bool> VerifyAsync(string username, byte[] digest, string? password, string? hash)
    {
        await _hashing.WaitAsync();
        try
        {
            Interlocked.Increment(ref _verifications);
            if (!PasswordHash.Verify(password, hash))
            {
                return false;
            }

            _verified[username] = digest;
            return true;
        }
        finally
        {
            _hashing.Release();
        }
    }

    private static bool SecretMatches(string? presented, string? expected) =>
        expected is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? "")), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>Password checks of one device login in the current window.</summary>
    private sealed class Attempts
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _windowStart;
        private int _count;

        public bool TryTake(DateTimeOffset now)
        {
            lock (_lock)
            {
                if (now - _windowStart >= AttemptWindow)
                {
                    _windowStart = now;
                    _count = 0;
                }

                if (_count >= MaxAttemptsPerWindow)
                {
                    return false;
                }

                _count++;
                return true;
            }
        }

        /// <summary>A check that succeeded does not count against the login.</summary>
        public void GiveBack()
        {
            lock (_lock)
            {
                _count = Math.Max(0, _count - 1);
            }
        }
    }
}
