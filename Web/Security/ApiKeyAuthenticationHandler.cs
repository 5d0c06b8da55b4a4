using System.Security.Claims;
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
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys, IProblemDetailsService problems)
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

        Claim[] claims =
        [
            new(ClaimTypes.Name, entry.Name),
            new(ClaimTypes.Role, entry.Role),
            .. entry.Scopes.Select(s => new Claim(Caller.ScopeClaim, s.ToString())),
        ];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

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
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This API key's role may not do this.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
