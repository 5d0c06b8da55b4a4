using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace OutputMonitor.Gateway.Telemetry;

/// <summary>UTF-8 checks and the text excerpts that dead letters carry.</summary>
internal static class Utf8Payload
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Drops a leading UTF-8 byte order mark, which RFC 8259 lets a parser ignore.</summary>
    public static ReadOnlySequence<byte> WithoutByteOrderMark(ReadOnlySequence<byte> bytes)
    {
        if (bytes.Length < 3)
        {
            return bytes;
        }

        Span<byte> head = stackalloc byte[3];
        bytes.Slice(0, 3).CopyTo(head);
        return head.SequenceEqual(ByteOrderMark) ? bytes.Slice(3) : bytes;
    }

    /// <summary>True when the bytes are well-formed UTF-8, also when a character straddles two segments.</summary>
    public static bool IsValidUtf8(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            return Utf8.IsValid(bytes.FirstSpan);
        }

        Span<byte> pending = stackalloc byte[4];
        var pendingLength = 0;
        foreach (var memory in bytes)
        {
            var span = memory.Span;
            if (pendingLength > 0)
            {
                // Complete the character that the previous segment began.
                var needed = SequenceLength(pending[0]) - pendingLength;
                var take = Math.Min(needed, span.Length);
                span[..take].CopyTo(pending[pendingLength..]);
                pendingLength += take;
                span = span[take..];
                if (take < needed)
                {
                    continue;
                }

                if (!Utf8.IsValid(pending[..pendingLength]))
                {
                    return false;
                }

                pendingLength = 0;
            }

            var tail = IncompleteTailLength(span);
            if (!Utf8.IsValid(span[..^tail]))
            {
                return false;
            }

            span[^tail..].CopyTo(pending);
            pendingLength = tail;
        }

        return pendingLength == 0;
    }

    /// <summary>
    /// The bytes as text (invalid UTF-8 becomes U+FFFD), cut at <paramref name="maxChars"/> UTF-16 chars without
    /// splitting a surrogate pair. Decodes no more than the prefix it needs.
    /// </summary>
    public static string Excerpt(in ReadOnlySequence<byte> bytes, int maxChars)
    {
        // One UTF-16 char never takes more than 3 bytes, so this prefix always holds maxChars chars when cut.
        var maxBytes = (maxChars * 3L) + 3;
        var text = Encoding.UTF8.GetString(bytes.Length > maxBytes ? bytes.Slice(0, maxBytes) : bytes);
        if (text.Length <= maxChars)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text[..cut];
    }

    private static int SequenceLength(byte lead) => lead switch
    {
        < 0xC2 => 0,
        < 0xE0 => 2,
        < 0xF0 => 3,
        < 0xF5 => 4,
        _ => 0,
    };

    /// <summary>How many bytes at the end begin a multi-byte character that the span does not complete.</summary>
    private static int IncompleteTailLength(ReadOnlySpan<byte> span)
    {
        for (var back = 1; back <= 3 && back <= span.Length; back++)
        {
            var b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            return SequenceLength(b) > back ? back : 0;
        }

        return 0;
    }
}
