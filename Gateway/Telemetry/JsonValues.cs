using System.Buffers;
using System.Text.Json;
using OutputMonitor.Telemetry;

namespace OutputMonitor.Gateway.Telemetry;

/// <summary>What a JSON number is, seen as an integer.</summary>
internal enum IntegerKind
{
    /// <summary>An integral value that fits in an <see cref="long"/> (<c>5</c>, <c>5.0</c>, <c>5e0</c>).</summary>
    Integer,

    /// <summary>A value with a fractional part (<c>1.5</c>, <c>1e-3</c>).</summary>
    NotInteger,

    /// <summary>An integral value above <see cref="long.MaxValue"/> (<c>1e400</c>, <c>99999999999999999999999</c>).</summary>
    TooLarge,

    /// <summary>An integral value below <see cref="long.MinValue"/>.</summary>
    TooSmall,
}

/// <summary>Token helpers for <see cref="Utf8JsonReader"/> that never throw on hostile input.</summary>
internal static class JsonValues
{
    private const int StackBufferChars = 512;

    /// <summary>Reads the current number token as an integer, exactly: <c>1.0</c> is 1, <c>1e400</c> is too large.</summary>
    public static IntegerKind ReadInteger(ref Utf8JsonReader reader, out long value)
    {
        if (reader.TryGetInt64(out value))
        {
            return IntegerKind.Integer;
        }

        if (!reader.HasValueSequence)
        {
            return ClassifyInteger(reader.ValueSpan, out value);
        }

        var sequence = reader.ValueSequence;
        var rented = ArrayPool<byte>.Shared.Rent((int)sequence.Length);
        try
        {
            sequence.CopyTo(rented);
            return ClassifyInteger(rented.AsSpan(0, (int)sequence.Length), out value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Classifies a JSON number (<c>-?int(.frac)?([eE][+-]?exp)?</c>, already validated by the reader) by its exact
    /// value, without floating point.
    /// </summary>
    public static IntegerKind ClassifyInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var i = 0;
        var negative = i < text.Length && text[i] == '-';
        if (negative)
        {
            i++;
        }

        var intStart = i;
        while (i < text.Length && IsDigit(text[i]))
        {
            i++;
        }

        var intLength = i - intStart;
        var fractionStart = i;
        var fractionLength = 0;
        if (i < text.Length && text[i] == '.')
        {
            fractionStart = ++i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            fractionLength = i - fractionStart;
        }

        long exponent = 0;
        if (i < text.Length && (text[i] | 0x20) == 'e')
        {
            i++;
            var exponentNegative = i < text.Length && text[i] == '-';
            if (i < text.Length && text[i] is (byte)'-' or (byte)'+')
            {
                i++;
            }

            while (i < text.Length && IsDigit(text[i]))
            {
                // Saturate: any exponent beyond a billion decides the answer just the same.
                exponent = Math.Min((exponent * 10) + (text[i] - '0'), 1_000_000_000);
                i++;
            }

            if (exponentNegative)
            {
                exponent = -exponent;
            }
        }

        var digitCount = intLength + fractionLength;
        if (i != text.Length || digitCount == 0)
        {
            return IntegerKind.NotInteger;
        }

        // Digit k (over the integer then the fraction digits) stands for digit * 10^(intLength - 1 - k + exponent).
        var first = -1;
        var last = -1;
        for (var k = 0; k < digitCount; k++)
        {
            if (Digit(text, k, intStart, intLength, fractionStart) != 0)
            {
                if (first < 0)
                {
                    first = k;
                }

                last = k;
            }
        }

        if (first < 0)
        {
            return IntegerKind.Integer;
        }

        if (intLength - 1 - last + exponent < 0)
        {
            return IntegerKind.NotInteger;
        }

        var topPower = intLength - 1 - first + exponent;
        if (topPower >= 19)
        {
            return negative ? IntegerKind.TooSmall : IntegerKind.TooLarge;
        }

        ulong magnitude = 0;
        for (var power = topPower; power >= 0; power--)
        {
            var k = intLength - 1 + exponent - power;
            magnitude = (magnitude * 10) + (ulong)(k <= last ? Digit(text, (int)k, intStart, intLength, fractionStart) : 0);
        }

        if (!negative)
        {
            if (magnitude > long.MaxValue)
            {
                return IntegerKind.TooLarge;
            }

            value = (long)magnitude;
            return IntegerKind.Integer;
        }

        if (magnitude > (ulong)long.MaxValue + 1)
        {
            return IntegerKind.TooSmall;
        }

        value = (long)(0 - magnitude);
        return IntegerKind.Integer;
    }

    /// <summary>
    /// False when the current string or property name holds a lone UTF-16 surrogate escape (<c>"\ud800"</c>), which
    /// would make the reader's string methods throw.
    /// </summary>
    public static bool HasValidEscapes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return true;
        }

        if (!reader.HasValueSequence)
        {
            return HasValidEscapes(reader.ValueSpan);
        }

        var sequence = reader.ValueSequence;
        var rented = ArrayPool<byte>.Shared.Rent((int)sequence.Length);
        try
        {
            sequence.CopyTo(rented);
            return HasValidEscapes(rented.AsSpan(0, (int)sequence.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Checks that every <c>\uD800</c>–<c>\uDBFF</c> escape is followed by a <c>\uDC00</c>–<c>\uDFFF</c> escape.</summary>
    public static bool HasValidEscapes(ReadOnlySpan<byte> raw)
    {
        var i = raw.IndexOf((byte)'\\');
        if (i < 0)
        {
            return true;
        }

        while (i < raw.Length)
        {
            if (raw[i] != '\\')
            {
                i++;
                continue;
            }

            if (i + 1 >= raw.Length)
            {
                return false;
            }

            if (raw[i + 1] != 'u')
            {
                i += 2;
                continue;
            }

            if (!TryEscapedUnit(raw, i, out var unit))
            {
                return false;
            }

            i += 6;
            if (char.IsLowSurrogate(unit))
            {
                return false;
            }

            if (char.IsHighSurrogate(unit))
            {
                if (!TryEscapedUnit(raw, i, out var low) || !char.IsLowSurrogate(low))
                {
                    return false;
                }

                i += 6;
            }
        }

        return true;
    }

    /// <summary>
    /// True when the current string is valid text of at most <paramref name="maxChars"/> UTF-16 chars; the string
    /// itself is only allocated when <paramref name="materialize"/> is set.
    /// </summary>
    public static bool TryReadBoundedString(ref Utf8JsonReader reader, int maxChars, bool materialize, out string? value)
    {
        value = null;
        if (!TryRawLength(ref reader, maxChars, out var raw))
        {
            return false;
        }

        if (!reader.ValueIsEscaped && raw <= maxChars)
        {
            // The payload is valid UTF-8, so there are no more chars than bytes.
            if (materialize)
            {
                value = reader.GetString();
            }

            return true;
        }

        var buffer = raw <= StackBufferChars ? stackalloc char[raw] : new char[raw];
        var length = reader.CopyString(buffer);
        if (length > maxChars)
        {
            return false;
        }

        if (materialize)
        {
            value = new string(buffer[..length]);
        }

        return true;
    }

    /// <summary>
    /// The message key (<see cref="Reading.KeyOf"/>) of the current string when it is valid text of 1 to
    /// <paramref name="maxChars"/> UTF-16 chars, as <see cref="TryReadBoundedString"/> checks it; hashed from
    /// the unescaped chars on the stack, without making a string of them.
    /// </summary>
    public static bool TryReadKey(ref Utf8JsonReader reader, int maxChars, TelemetryChannel channel, out ulong key)
    {
        key = 0;
        if (!TryRawLength(ref reader, maxChars, out var raw) || raw == 0)
        {
            return false;
        }

        // Valid UTF-8 and escapes never unescape to more chars than bytes.
        var buffer = raw <= StackBufferChars ? stackalloc char[raw] : new char[raw];
        var length = reader.CopyString(buffer);
        if (length > maxChars)
        {
            return false;
        }

        key = Reading.KeyOf(channel, buffer[..length]);
        return true;
    }

    /// <summary>The current string's length in raw bytes; false when it cannot be text of at most <paramref name="maxChars"/> chars or has a lone surrogate escape.</summary>
    private static bool TryRawLength(ref Utf8JsonReader reader, int maxChars, out int raw)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        raw = (int)Math.Min(length, int.MaxValue);

        // An escape takes at most 6 bytes per UTF-16 char.
        return length <= maxChars * 6L && HasValidEscapes(ref reader);
    }

    private static bool TryEscapedUnit(ReadOnlySpan<byte> raw, int at, out char unit)
    {
        unit = '\0';
        if (at + 6 > raw.Length || raw[at] != '\\' || raw[at + 1] != 'u')
        {
            return false;
        }

        var code = 0;
        for (var j = at + 2; j < at + 6; j++)
        {
            var hex = HexValue(raw[j]);
            if (hex < 0)
            {
                return false;
            }

            code = (code << 4) | hex;
        }

        unit = (char)code;
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static int Digit(ReadOnlySpan<byte> text, int k, int intStart, int intLength, int fractionStart) =>
        (k < intLength ? text[intStart + k] : text[fractionStart + k - intLength]) - '0';

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
