using System.Text;

namespace OutputMonitor.Web.Api;

/// <summary>
/// RFC 4180 CSV for spreadsheets: CRLF rows, fields quoted when they hold a comma, quote or line
/// break (quotes doubled), text that a spreadsheet would run as a formula (starting with
/// <c>= + - @</c>, tab or CR) prefixed with <c>'</c>, and a UTF-8 byte order mark so that Excel
/// reads Chinese names as UTF-8.
/// </summary>
public sealed class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private readonly StringBuilder _text = new();

    public Csv Row(IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                _text.Append(',');
            }

            first = false;
            AppendField(field ?? "");
        }

        _text.Append("\r\n");
        return this;
    }

    /// <summary>The document, with the UTF-8 byte order mark first.</summary>
    public byte[] ToUtf8() => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(_text.ToString())];

    public override string ToString() => _text.ToString();

    /// <summary>A text cell defused: what a spreadsheet would take for a formula gets a leading apostrophe.</summary>
    public static string Defuse(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private void AppendField(string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _text.Append(field);
            return;
        }

        _text.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
