using System.Text;
using OutputMonitor.Web.Api;

namespace OutputMonitor.Tests.Operations;

/// <summary>The CSV the reports are written in: RFC 4180 quoting, formula injection defused, UTF-8 with a BOM.</summary>
public sealed class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData("", "")]
    public void Fields_are_quoted_only_when_they_must_be(string field, string written)
    {
        Assert.Equal(written + "\r\n", new Csv().Row([field]).ToString());
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("a=b", "a=b")]
    [InlineData("健康元", "健康元")]
    public void Text_a_spreadsheet_would_run_is_prefixed(string text, string defused)
    {
        Assert.Equal(defused, Csv.Defuse(text));
    }

    [Fact]
    public void Rows_end_in_crlf_and_the_bytes_start_with_the_utf8_bom()
    {
        var bytes = new Csv().Row(["a", null, "健康元"]).Row(["b"]).ToUtf8();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal("a,,健康元\r\nb\r\n", Encoding.UTF8.GetString(bytes[3..]));
    }
}
