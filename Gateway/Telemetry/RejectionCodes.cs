namespace OutputMonitor.Gateway.Telemetry;

/// <summary>The rejection codes of spec/telemetry.md, exactly as they go on the wire.</summary>
public static class RejectionCodes
{
    /// <summary>The topic is not <c>om/v1/{enterprise}/{line}/{channel}</c>, or an id or the channel is malformed.</summary>
    public const string BadTopic = "bad_topic";

    /// <summary>The enterprise or line is not in the registry (decided by the line grain, not by the parser).</summary>
    public const string UnknownLine = "unknown_line";

    /// <summary>The message is over 256 KiB, or a batch holds more than 1000 items.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>Not UTF-8 JSON, or neither an object nor an array of objects.</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>A required field is missing, or a field has the wrong type.</summary>
    public const string SchemaViolation = "schema_violation";

    /// <summary>A number outside its range, or not finite.</summary>
    public const string ValueOutOfRange = "value_out_of_range";

    /// <summary><c>ts</c> is unparsable, too far in the future or too old.</summary>
    public const string TimestampOutOfRange = "timestamp_out_of_range";

    public static IReadOnlyList<string> All { get; } =
    [
        BadTopic,
        UnknownLine,
        PayloadTooLarge,
        MalformedJson,
        SchemaViolation,
        ValueOutOfRange,
        TimestampOutOfRange,
    ];
}
