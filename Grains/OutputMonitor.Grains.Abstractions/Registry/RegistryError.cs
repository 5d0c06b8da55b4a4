namespace OutputMonitor.Registry;

/// <summary>One reason a registry or a change to it was refused; <see cref="Field"/> is a JSON path such as <c>enterprises[2].lines[0].plan.goodPerDay</c>.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("om.RegistryError")]
public sealed record RegistryError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown when the registry file named by <c>Registry:Path</c> cannot be used.</summary>
public sealed class RegistryLoadException(string source, IReadOnlyList<RegistryError> errors)
    : Exception($"Registry '{source}' is invalid: {string.Join("; ", errors.Take(20))}{(errors.Count > 20 ? $" (and {errors.Count - 20} more)" : "")}")
{
    public IReadOnlyList<RegistryError> Errors { get; } = errors;
}
