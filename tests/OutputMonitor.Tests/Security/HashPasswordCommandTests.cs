using System.Diagnostics;
using OutputMonitor.Silo.Security;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Security;

/// <summary><c>OutputMonitor.Web hash-password</c>: a password on standard input, its <c>$7$</c> hash on standard output, no host started.</summary>
public sealed class HashPasswordCommandTests
{
    [Fact]
    public async Task It_prints_the_hash_of_the_password_read_from_standard_input_and_exits()
    {
        var (exitCode, output, _) = await RunAsync("correct horse 电池\n");

        Assert.Equal(0, exitCode);
        var hash = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("$7$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("correct horse 电池", hash));
    }

    [Fact]
    public async Task No_password_is_an_error()
    {
        var (exitCode, output, error) = await RunAsync("");

        Assert.Equal(1, exitCode);
        Assert.Equal("", output.Trim());
        Assert.Contains("hash-password", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_password_is_refused_and_one_at_the_limit_is_hashed()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(1, OutputMonitor.Web.Hosting.HashPasswordCommand.Run(new string('x', OutputMonitor.Web.Security.UserStore.MaxPasswordLength + 1), output, error));
        Assert.Equal("", output.ToString());
        Assert.Contains("1 to 1024 characters", error.ToString(), StringComparison.Ordinal);

        Assert.Equal(0, OutputMonitor.Web.Hosting.HashPasswordCommand.Run(new string('x', OutputMonitor.Web.Security.UserStore.MaxPasswordLength), output, error));
        Assert.StartsWith("$7$", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string input)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { ProductProcess.PartAssembly(ProductPart.Web), "hash-password" },
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output, await error);
    }
}
