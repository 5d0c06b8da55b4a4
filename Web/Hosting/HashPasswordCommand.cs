using System.Text;
using OutputMonitor.Silo.Security;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Hosting;

/// <summary>
/// <c>dotnet run --project Web -- hash-password</c>: reads one password from standard input (typed
/// without echo at a terminal, or one line of a pipe), prints its <c>$7$</c> hash for
/// <c>Auth:Users:N:PasswordHash</c> and exits without starting the host.
/// </summary>
public static class HashPasswordCommand
{
    public const string Name = "hash-password";

    /// <summary>Runs the command when <paramref name="args"/> asks for it; false, with nothing done, otherwise.</summary>
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args is not [Name])
        {
            return false;
        }

        var password = Console.IsInputRedirected ? Console.In.ReadLine()?.TrimEnd('\r') : ReadWithoutEcho();
        exitCode = Run(password, Console.Out, Console.Error);
        return true;
    }

    internal static int Run(string? password, TextWriter output, TextWriter error)
    {
        if (string.IsNullOrEmpty(password) || password.Length > UserStore.MaxPasswordLength)
        {
            error.WriteLine($"{Name}: give a password of 1 to {UserStore.MaxPasswordLength} characters on standard input (one line).");
            return 1;
        }

        output.WriteLine(PasswordHash.Create(password));
        return 0;
    }

    private static string ReadWithoutEcho()
    {
        Console.Error.Write("Password: ");
        var typed = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return typed.ToString();
    }
}
