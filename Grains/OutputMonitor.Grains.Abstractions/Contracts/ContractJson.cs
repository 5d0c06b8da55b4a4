using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OutputMonitor.Contracts;

/// <summary>
/// The JSON of spec/api.md: camelCase, nulls left out (except the fields the contract writes as
/// null), enums as strings, UTC times, non-ASCII text (Chinese names) as it is, not \u-escaped.
/// One setup for HTTP, the hub, MQTT alerts and webhooks, so that an alert is the same JSON on
/// every channel.
/// </summary>
public static class ContractJson
{
    /// <summary>Ready-made options (ASP.NET Core's web defaults plus <see cref="Apply"/>), for serializing outside the web app.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Sets the contract's rules on options that start from the web defaults (as ASP.NET Core's do).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        // ASP.NET Core's HTTP default, stated here so that serializers outside the web app write the
        // same bytes: the JSON is a response or message body, never embedded in HTML.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new UtcTimeJsonConverter());
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
