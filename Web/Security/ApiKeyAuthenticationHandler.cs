using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OutputMonitor.Web.Security;

/// <summary>
/// <c>Authorization: Bearer {key}</c>, or the same key as <c>access_token</c> on the hub's path
/// (browsers cannot set headers on WebSockets). No key: anonymous; a key not configured: failed,
/// and refused even where anonymous reads are allowed. Challenges and refusals are problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Set on the request when a key was presented that is not configured.</summary>
    public const string RejectedKeyItem = "om:rejected-key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented) is not { } entry)
        {
            Context.Items[RejectedKeyItem] = true;
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var principal = Caller.Principal(SchemeName, entry.Name, entry.Role, entry.Scopes);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>Whether the request carries credentials for this scheme rather than the sign-in cookie (see <see cref="SessionCookie"/>).</summary>
    public static bool IsPresented(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || PresentedKey(request) is not null;

    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments(Hubs.MonitorHub.Path) && request.Query["access_token"] is [{ Length: > 0 } token] ? token : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = Context.Items.ContainsKey(RejectedKeyItem)
            ? "The API key is not valid."
            : "An API key is needed: Authorization: Bearer {key} (access_token on the hub).";
        await AuthProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "This API key's role may not do this.");
}

/// <summary>The problem bodies of refused requests, the same for keys, the sign-in cookie and the rate limits.</summary>
public static class AuthProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    /// <summary>429 with <c>Retry-After</c> in whole seconds.</summary>
    public static Task TooManyAsync(HttpContext context, TimeSpan? retryAfter, string detail)
    {
        if (retryAfter is { } wait)
        {
            SetRetryAfter(context.Response, wait);
        }

        return WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", detail);
    }

    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
