using System.Diagnostics;
using OutputMonitor.Silo.Security;

namespace OutputMonitor.Tests.Security;

public class PasswordHashTests
{
    [Fact]
    public void A_hash_verifies_its_password_and_no_other()
    {
        var hash = PasswordHash.Create("correct horse", iterations: 1_000);

        Assert.StartsWith("$7$1000$", hash);
        Assert.True(PasswordHash.Verify("correct horse", hash));
        Assert.False(PasswordHash.Verify("correct hors", hash));
        Assert.False(PasswordHash.Verify("", hash));
        Assert.False(PasswordHash.Verify(null, hash));
    }

    [Fact]
    public void Two_hashes_of_one_password_differ_by_their_salt()
    {
        Assert.NotEqual(PasswordHash.Create("same", 1_000), PasswordHash.Create("same", 1_000));
    }

    [Fact]
    public void A_hash_written_by_mosquitto_passwd_verifies()
    {
        var file = Path.GetTempFileName();
        try
        {
            using (var tool = Process.Start(new ProcessStartInfo("mosquitto_passwd", ["-c", "-b", file, "device-1", "s3cret pass"]) { RedirectStandardError = true })!)
            {
                tool.WaitForExit();
                Assert.Equal(0, tool.ExitCode);
            }

            var hash = File.ReadAllText(file).Trim().Split(':', 2)[1];

            Assert.True(PasswordHash.Verify("s3cret pass", hash));
            Assert.False(PasswordHash.Verify("s3cret pas", hash));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("$6$abc$def")]
    [InlineData("$7$$c2FsdA==$aGFzaA==")]
    [InlineData("$7$0$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$7$99999999999$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$7$-5$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$7$101$not base64!$AAAA")]
    [InlineData("$7$101$c2FsdHNhbHRzYWx0$c2hvcnQ=")]
    [InlineData("$7$101$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$extra")]
    public void A_malformed_hash_is_refused_and_never_verifies(string? encoded)
    {
        Assert.False(PasswordHash.IsWellFormed(encoded, out var problem));
        Assert.Contains("$7$", problem);
        Assert.False(PasswordHash.Verify("anything", encoded));
    }
}
