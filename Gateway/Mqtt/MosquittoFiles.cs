using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OutputMonitor.Silo;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Gateway.Mqtt;

/// <summary>
/// The Mosquitto password file and ACL file of the same <c>Mqtt:Devices</c> the embedded broker
/// enforces, plus the system's login (<c>Mqtt:Username</c>/<c>Password</c>, the gateways' and
/// alert publishers'), so that one configuration drives both brokers.
/// </summary>
public static class MosquittoFiles
{
    public const string PasswordFileName = "passwd";
    public const string AclFileName = "acl";

    /// <summary>The password file: <c>user:$7$…</c> lines (the system's password hashed now, the devices' as configured).</summary>
    public static string PasswordFile(MqttOptions options)
    {
        var text = new StringBuilder().Append(options.Username).Append(':').Append(PasswordHash.Create(options.Password!)).Append('\n');
        foreach (var device in options.Devices)
        {
            text.Append(device.Username).Append(':').Append(device.PasswordHash).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The ACL file: the system may do everything under om/v1/, each device exactly what the embedded broker lets it.</summary>
    public static string AclFile(MqttOptions options)
    {
        var text = new StringBuilder()
            .Append("# Written by 'mosquitto-files' from Mqtt:Devices: regenerate it rather than edit it.\n")
            .Append("# Nothing is allowed that is not listed; only the system publishes under om/v1/deadletter and om/v1/alerts.\n\n")
            .Append("# The system: gateways (which subscribe to all of om/v1/, shared or not) and alert publishers.\n")
            .Append("user ").Append(options.Username).Append('\n')
            .Append("topic readwrite om/v1/#\n");
        for (var i = 0; i < options.Devices.Count; i++)
        {
            var device = options.Devices[i];
            var lines = device.Lines.Count == 0 ? "every line" : $"lines {string.Join(", ", device.Lines)}";
            text.Append("\n# Mqtt:Devices:").Append(i).Append(": enterprise ").Append(device.Enterprise).Append(", ").Append(lines).Append('\n')
                .Append("user ").Append(device.Username).Append('\n');
            foreach (var rule in DeviceRules.For(device))
            {
                text.Append("topic ").Append(rule.Rights == TopicRights.Write ? "write" : "read").Append(' ').Append(rule.Filter).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The problems that stop the files being written; none when they can be.</summary>
    public static IReadOnlyList<string> Check(MqttOptions options)
    {
        var errors = MqttDeviceValidation.Validate(options.Devices, options.Username).ToList();
        if (string.IsNullOrEmpty(options.Username) || string.IsNullOrEmpty(options.Password))
        {
            errors.Insert(0, "Mqtt:Username and Mqtt:Password (the gateways' and alert publishers' login at Mosquitto) must be set");
        }

        return errors;
    }
}

/// <summary>
/// <c>mosquitto-files --out DIR</c>: writes DIR/passwd and DIR/acl from the configuration the
/// gateway would start with (appsettings.json, environment, <c>--Mqtt:…</c> arguments) and exits.
/// </summary>
public static class MosquittoFilesCommand
{
    public const string Name = "mosquitto-files";

    /// <summary>Runs the command if <paramref name="args"/> asks for it; returns the exit code, or null to run normally.</summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] != Name)
        {
            return null;
        }

        var outIndex = Array.IndexOf(args, "--out");
        if (outIndex < 0 || outIndex + 1 >= args.Length || args[outIndex + 1].StartsWith("--", StringComparison.Ordinal))
        {
            error.WriteLine($"usage: {Name} --out DIR [--Mqtt:Devices:0:Username=… …]: writes DIR/{MosquittoFiles.PasswordFileName} and DIR/{MosquittoFiles.AclFileName}");
            return 2;
        }

        var directory = args[outIndex + 1];
        var rest = args.Where((_, i) => i != 0 && i != outIndex && i != outIndex + 1).ToArray();
        var options = Host.CreateApplicationBuilder(rest).Configuration.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        var errors = MosquittoFiles.Check(options);
        if (errors.Count > 0)
        {
            foreach (var problem in errors)
            {
                error.WriteLine(problem);
            }

            return 1;
        }

        try
        {
            Directory.CreateDirectory(directory);
            Write(Path.Combine(directory, MosquittoFiles.PasswordFileName), MosquittoFiles.PasswordFile(options));
            Write(Path.Combine(directory, MosquittoFiles.AclFileName), MosquittoFiles.AclFile(options));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine(ex.Message);
            return 1;
        }

        output.WriteLine($"wrote {Path.Combine(directory, MosquittoFiles.PasswordFileName)} and {Path.Combine(directory, MosquittoFiles.AclFileName)}: the system's login '{options.Username}' and {options.Devices.Count} devices");
        return 0;
    }

    /// <summary>Readable by the owner and its group only (chown root:mosquitto): the password file holds hashes.</summary>
    private static void Write(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }
    }
}
