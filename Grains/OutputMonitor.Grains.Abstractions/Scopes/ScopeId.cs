using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OutputMonitor.Scopes;

public enum ScopeKind
{
    Region,
    Chain,
    Enterprise,
    Line,
}

/// <summary>
/// A scope as spec/api.md writes it: <c>region:{id}</c>, <c>chain:{id}</c>, <c>enterprise:{id}</c>,
/// <c>line:{enterprise}/{line}</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.ScopeId")]
public readonly partial record struct ScopeId(ScopeKind Kind, string Id, string? LineId = null)
{
    /// <summary>Registry ids: lower-case letters, digits and dashes, 1 to 63 characters.</summary>
    public static readonly Regex IdPattern = RegistryIdRegex();

    public static ScopeId Region(string id) => new(ScopeKind.Region, id);

    public static ScopeId Chain(string id) => new(ScopeKind.Chain, id);

    public static ScopeId Enterprise(string id) => new(ScopeKind.Enterprise, id);

    public static ScopeId Line(string enterpriseId, string lineId) => new(ScopeKind.Line, enterpriseId, lineId);

    /// <summary>The key of a line grain: <c>{enterprise}/{line}</c>.</summary>
    public string ToLineKey() => Kind == ScopeKind.Line ? $"{Id}/{LineId}" : throw new InvalidOperationException($"{this} is not a line");

    public static bool IsValidId([NotNullWhen(true)] string? id) => id is not null && IdPattern.IsMatch(id);

    public static bool TryParse([NotNullWhen(true)] string? text, out ScopeId scope)
    {
        scope = default;
        if (text is null)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var rest = text[(colon + 1)..];
        switch (text[..colon])
        {
            case "region" when IsValidId(rest):
                scope = Region(rest);
                return true;
            case "chain" when IsValidId(rest):
                scope = Chain(rest);
                return true;
            case "enterprise" when IsValidId(rest):
                scope = Enterprise(rest);
                return true;
            case "line":
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0 && IsValidId(rest[..slash]) && IsValidId(rest[(slash + 1)..]))
                {
                    scope = Line(rest[..slash], rest[(slash + 1)..]);
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    public static ScopeId Parse(string text) =>
        TryParse(text, out var scope) ? scope : throw new FormatException($"'{text}' is not a scope (region:{{id}}, chain:{{id}}, enterprise:{{id}}, line:{{enterprise}}/{{line}})");

    /// <summary>Parses a line grain key, <c>{enterprise}/{line}</c>.</summary>
    public static ScopeId FromLineKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? Line(key[..slash], key[(slash + 1)..]) : throw new FormatException($"'{key}' is not a line key");
    }

    public override string ToString() => Kind switch
    {
        ScopeKind.Region => $"region:{Id}",
        ScopeKind.Chain => $"chain:{Id}",
        ScopeKind.Enterprise => $"enterprise:{Id}",
        _ => $"line:{Id}/{LineId}",
    };

    // \z, not $: $ also matches before a trailing newline.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryIdRegex();
}
