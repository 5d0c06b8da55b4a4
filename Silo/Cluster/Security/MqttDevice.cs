using OutputMonitor.Scopes;

namespace OutputMonitor.Silo.Security;

/// <summary>
/// One device login of <c>Mqtt:Devices</c>: a credential for a whole enterprise (no
/// <see cref="Lines"/>) or for some of its lines. The same entries drive the embedded broker and the
/// Mosquitto password and ACL files (<c>mosquitto-files</c>).
/// </summary>
public sealed class MqttDevice
{
    public string? Username { get; set; }

    /// <summary>A <c>$7$</c> hash (<see cref="PasswordHash"/>): <c>hash-password</c> or <c>mosquitto_passwd</c> make one.</summary>
    public string? PasswordHash { get; set; }

    public string? Enterprise { get; set; }

    /// <summary>The lines it may publish for; empty: every line of <see cref="Enterprise"/>.</summary>
    public List<string> Lines { get; set; } = [];
}

/// <summary>The start-time checks of <c>Mqtt:Devices</c>, each error naming its entry.</summary>
public static class MqttDeviceValidation
{
    /// <summary>The login the gateway (and a co-hosted alert publisher) gets for the run at the embedded broker where <c>Mqtt:Username</c> is unset.</summary>
    public const string GatewayUsername = "om-gateway";

    /// <summary>The login the demo's co-hosted simulator gets for the run where anonymous clients are refused.</summary>
    public const string SimulatorUsername = "om-simulator";

    /// <summary>The logins the system makes for its own clients of the embedded broker.</summary>
    public static readonly IReadOnlySet<string> ReservedUsernames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { GatewayUsername, SimulatorUsername };

    /// <summary>Topic levels of the system's own output under om/v1/: never an enterprise of a device.</summary>
    private static readonly HashSet<string> ReservedEnterprises = new(StringComparer.Ordinal) { "deadletter", "alerts" };

    /// <summary>
    /// Every problem of <paramref name="devices"/>; none when valid. <paramref name="systemUsername"/>
    /// (<c>Mqtt:Username</c>, the gateway's login) is reserved too.
    /// </summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<MqttDevice> devices, string? systemUsername)
    {
        var errors = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < devices.Count; i++)
        {
            var device = devices[i];
            var entry = $"{MqttOptions.Section}:{nameof(MqttOptions.Devices)}:{i}";
            if (!IsValidUsername(device.Username))
            {
                errors.Add($"{entry}:Username '{device.Username}' must be 1-128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            else if (ReservedUsernames.Contains(device.Username) || string.Equals(device.Username, systemUsername, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{entry}:Username '{device.Username}' is reserved for the system's own clients");
            }
            else if (!seen.TryAdd(device.Username, i))
            {
                errors.Add($"{entry}:Username '{device.Username}' repeats {MqttOptions.Section}:{nameof(MqttOptions.Devices)}:{seen[device.Username]}");
            }

            if (!Security.PasswordHash.IsWellFormed(device.PasswordHash, out var problem))
            {
                errors.Add($"{entry}:PasswordHash {problem}");
            }

            if (!ScopeId.IsValidId(device.Enterprise))
            {
                errors.Add($"{entry}:Enterprise '{device.Enterprise}' must match ^[a-z0-9][a-z0-9-]{{0,62}}$");
            }
            else if (ReservedEnterprises.Contains(device.Enterprise))
            {
                errors.Add($"{entry}:Enterprise '{device.Enterprise}' is a topic level of the system's own output, not an enterprise");
            }

            for (var l = 0; l < device.Lines.Count; l++)
            {
                if (!ScopeId.IsValidId(device.Lines[l]))
                {
                    errors.Add($"{entry}:Lines:{l} '{device.Lines[l]}' must match ^[a-z0-9][a-z0-9-]{{0,62}}$");
                }
            }
        }

        return errors;
    }

    /// <summary>
    /// Letters, digits, '.', '_', '-': nothing that could break a Mosquitto password file (':'), its
    /// ACL file (spaces, line breaks) or a topic pattern ('+', '#', '/').
    /// </summary>
    private static bool IsValidUsername([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? username)
    {
        if (username is null || username.Length is 0 or > 128 || !char.IsAsciiLetterOrDigit(username[0]))
        {
            return false;
        }

        foreach (var c in username)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
