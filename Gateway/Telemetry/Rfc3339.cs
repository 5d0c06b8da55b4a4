namespace OutputMonitor.Gateway.Telemetry;

/// <summary>
/// RFC 3339 date-times (<c>2025-03-26T08:15:03.120+08:00</c>) read straight from UTF-8, without allocating.
/// </summary>
internal static class Rfc3339
{
    public enum Result
    {
        Ok,
        Invalid,
        NoOffset,
    }

    /// <summary>Longest text worth looking at: 35 chars with nanoseconds; the rest is slack for long fractions.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Parses <c>YYYY-MM-DD(T|t| )hh:mm:ss[.fraction](Z|z|±hh:mm)</c> into Unix epoch milliseconds (fractions below
    /// a millisecond are dropped). A leap second (<c>:60</c>) counts as the first instant of the next minute.
    /// </summary>
    public static Result TryParse(ReadOnlySpan<byte> text, out long epochMilliseconds)
    {
        epochMilliseconds = 0;
        if (text.Length < 19 || text.Length > MaxLength
            || !TryDigits(text, 0, 4, out var year) || text[4] != '-'
            || !TryDigits(text, 5, 2, out var month) || text[7] != '-'
            || !TryDigits(text, 8, 2, out var day) || text[10] is not ((byte)'T' or (byte)'t' or (byte)' ')
            || !TryDigits(text, 11, 2, out var hour) || text[13] != ':'
            || !TryDigits(text, 14, 2, out var minute) || text[16] != ':'
            || !TryDigits(text, 17, 2, out var second))
        {
            return Result.Invalid;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return Result.Invalid;
        }

        var i = 19;
        long fractionTicks = 0;
        if (i < text.Length && text[i] == '.')
        {
            var start = ++i;
            var scale = TimeSpan.TicksPerSecond / 10;
            while (i < text.Length && IsDigit(text[i]))
            {
                fractionTicks += (text[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == start)
            {
                return Result.Invalid;
            }
        }

        if (i == text.Length)
        {
            return Result.NoOffset;
        }

        long offsetTicks;
        if (text[i] is (byte)'Z' or (byte)'z' && i + 1 == text.Length)
        {
            offsetTicks = 0;
        }
        else if (text[i] is (byte)'+' or (byte)'-' && i + 6 == text.Length
            && TryDigits(text, i + 1, 2, out var offsetHours) && text[i + 3] == ':'
            && TryDigits(text, i + 4, 2, out var offsetMinutes)
            && offsetHours <= 23 && offsetMinutes <= 59)
        {
            offsetTicks = ((offsetHours * 60L) + offsetMinutes) * TimeSpan.TicksPerMinute;
            if (text[i] == '-')
            {
                offsetTicks = -offsetTicks;
            }
        }
        else
        {
            return Result.Invalid;
        }

        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified).Ticks
            + (second == 60 ? TimeSpan.TicksPerSecond : 0)
            + fractionTicks;
        var sinceEpoch = local - offsetTicks - DateTime.UnixEpoch.Ticks;
        epochMilliseconds = Math.DivRem(sinceEpoch, TimeSpan.TicksPerMillisecond, out var remainder)
            - (remainder < 0 ? 1 : 0);
        return Result.Ok;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
