using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutputMonitor.Gateway;
using OutputMonitor.Gateway.Mqtt;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Tests.MqttSecurity;

/// <summary><c>Mqtt:Devices</c> is checked at start, each error naming its entry; the same entries make the Mosquitto files.</summary>
public sealed class DeviceConfigurationTests
{
    [Theory]
    [InlineData("Mqtt:Devices:1:Username", "bad user", "Mqtt:Devices:1:Username 'bad user' must be")]
    [InlineData("Mqtt:Devices:1:Username", "a:b", "Mqtt:Devices:1:Username 'a:b' must be")]
    [InlineData("Mqtt:Devices:1:Username", "ENT1-ALL", "Mqtt:Devices:1:Username 'ENT1-ALL' repeats Mqtt:Devices:0")]
    [InlineData("Mqtt:Devices:1:Username", "om-gateway", "Mqtt:Devices:1:Username 'om-gateway' is reserved")]
    [InlineData("Mqtt:Devices:1:Username", "om-simulator", "Mqtt:Devices:1:Username 'om-simulator' is reserved")]
    [InlineData("Mqtt:Devices:1:Username", AclLogins.SystemUser, $"Mqtt:Devices:1:Username '{AclLogins.SystemUser}' is reserved")]
    [InlineData("Mqtt:Devices:1:PasswordHash", "plain-password", "Mqtt:Devices:1:PasswordHash is not a $7$ hash")]
    [InlineData("Mqtt:Devices:1:PasswordHash", "$7$101$abc", "Mqtt:Devices:1:PasswordHash is not a $7$ hash")]
    [InlineData("Mqtt:Devices:1:Enterprise", "Ent_2", "Mqtt:Devices:1:Enterprise 'Ent_2' must match")]
    [InlineData("Mqtt:Devices:1:Enterprise", "alerts", "Mqtt:Devices:1:Enterprise 'alerts' is a topic level of the system's own output")]
    [InlineData("Mqtt:Devices:1:Enterprise", "deadletter", "Mqtt:Devices:1:Enterprise 'deadletter' is a topic level")]
    [InlineData("Mqtt:Devices:1:Lines:0", "p/1", "Mqtt:Devices:1:Lines:0 'p/1' must match")]
    [InlineData("Mqtt:Devices:1:Lines:0", "+", "Mqtt:Devices:1:Lines:0 '+' must match")]
    public async Task The_start_is_refused_on_a_bad_device_entry_naming_it(string key, string value, string expected)
    {
        var settings = AclLogins.Settings();
        settings["Mqtt:Port"] = "1"; // never bound: the start stops at validation
        settings[key] = value;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOutputMonitorGateway();
        using var host = builder.Build();

        var refused = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_devices_are_valid() => Assert.Empty(MqttDeviceValidation.Validate(AclLogins.Options().Devices, AclLogins.SystemUser));

    [Fact]
    public void The_command_writes_the_password_and_acl_files_of_the_configuration()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"om-mosquitto-files-{Guid.NewGuid():N}");
        var args = new List<string> { MosquittoFilesCommand.Name, "--out", directory };
        args.AddRange(AclLogins.Settings().Select(s => $"--{s.Key}={s.Value}"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            Assert.Equal(0, MosquittoFilesCommand.TryRun([.. args], output, error));

            var passwords = File.ReadAllLines(Path.Combine(directory, MosquittoFiles.PasswordFileName));
            Assert.Equal([AclLogins.SystemUser, "ent1-all", "ent2-all", "ent3-p1"], passwords.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
            Assert.True(PasswordHash.Verify(AclLogins.SystemPassword, passwords[0][(passwords[0].IndexOf(':', StringComparison.Ordinal) + 1)..]));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(directory, MosquittoFiles.PasswordFileName)));
            }

            var acl = File.ReadAllText(Path.Combine(directory, MosquittoFiles.AclFileName));
            Assert.Contains("user ent3-p1\ntopic write om/v1/ent-3/p1/#\ntopic read om/v1/ent-3/#\ntopic read om/v1/deadletter/ent-3/#\ntopic read om/v1/alerts/ent-3/#\n", acl, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void The_command_refuses_a_bad_configuration_naming_the_entry()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = MosquittoFilesCommand.TryRun([MosquittoFilesCommand.Name, "--out", Path.GetTempPath(), "--Mqtt:Devices:0:Username=d", "--Mqtt:Devices:0:PasswordHash=x", "--Mqtt:Devices:0:Enterprise=e"], output, error);

        Assert.Equal(1, code);
        Assert.Contains("Mqtt:Username and Mqtt:Password", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Mqtt:Devices:0:PasswordHash is not a $7$ hash", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_arguments_run_the_gateway() => Assert.Null(MosquittoFilesCommand.TryRun(["--Mqtt:Port=1883"], TextWriter.Null, TextWriter.Null));
}
