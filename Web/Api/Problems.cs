using Microsoft.AspNetCore.Http.HttpResults;

namespace OutputMonitor.Web.Api;

/// <summary>The RFC 7807 answers the API gives, one place for their wording.</summary>
public static class Problems
{
    public static ProblemHttpResult BadScope(string scope) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Malformed scope",
        detail: $"'{Clip(scope)}' is not a scope: region:{{id}}, chain:{{id}}, enterprise:{{id}} or line:{{enterprise}}/{{line}}.");

    public static ProblemHttpResult UnknownScope(string scope) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown scope",
        detail: $"'{Clip(scope)}' is not in the registry.");

    /// <summary>A 403 for a scope the caller's key does not cover.</summary>
    public static ProblemHttpResult ForbiddenScope(string scope) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden scope",
        detail: $"'{Clip(scope)}' is outside the scopes of this key or sign-in.");

    /// <summary>A 400 naming the query parameter or body field at fault (in <c>field</c>).</summary>
    public static ProblemHttpResult BadField(string field, string detail, string? title = null) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: title ?? $"Bad '{field}'",
        detail: detail,
        extensions: new Dictionary<string, object?> { ["field"] = field });

    /// <summary>Echoes at most 100 characters of what a client sent.</summary>
    public static string Clip(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
