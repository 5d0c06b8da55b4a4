using System.Text.Json;
using System.Text.Json.Serialization;

namespace OutputMonitor.Registry;

/// <summary>Reads and writes the registry JSON of spec/api.md.</summary>
public static class RegistryJson
{
    /// <summary>Registry files are small; anything larger is refused rather than parsed.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 16,
        WriteIndented = true,
    };

    /// <summary>Parses and validates; returns the document or the errors that refuse it.</summary>
    public static (RegistryDocument? Document, IReadOnlyList<RegistryError> Errors) Parse(Stream json)
    {
        RegistryDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<RegistryDocument>(json, Options);
        }
        catch (JsonException ex)
        {
            return (null, [new(ex.Path ?? "$", $"malformed JSON: {ex.Message}")]);
        }

        if (document is null)
        {
            return (null, [new("$", "the registry must be a JSON object")]);
        }

        var errors = RegistryValidator.Validate(document);
        return errors.Count == 0 ? (document, errors) : (null, errors);
    }

    /// <summary>Loads the file at <paramref name="path"/>, or the shipped demo registry when it is null or empty.</summary>
    public static RegistryDocument Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return LoadDemo();
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new RegistryLoadException(path, [new("Registry:Path", $"file '{path}' does not exist")]);
        }

        if (file.Length > MaxFileBytes)
        {
            throw new RegistryLoadException(path, [new("Registry:Path", $"file is larger than {MaxFileBytes} bytes")]);
        }

        using var stream = file.OpenRead();
        var (document, errors) = Parse(stream);
        return document ?? throw new RegistryLoadException(path, errors);
    }

    /// <summary>Null when <see cref="Load"/> would succeed for <paramref name="path"/>; else why not (for start-up validation).</summary>
    public static string? Check(string? path)
    {
        try
        {
            Load(path);
            return null;
        }
        catch (RegistryLoadException ex)
        {
            return ex.Message;
        }
    }

    public static RegistryDocument LoadDemo()
    {
        using var stream = typeof(RegistryJson).Assembly.GetManifestResourceStream("OutputMonitor.Registry.demo-registry.json")
            ?? throw new InvalidOperationException("the demo registry is not embedded in this build");
        var (document, errors) = Parse(stream);
        return document ?? throw new RegistryLoadException("demo registry", errors);
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
