using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OutputMonitor.Registry;
using OutputMonitor.Web.Hosting;
using OutputMonitor.Web.Security;

namespace OutputMonitor.Web.Api;

/// <summary>
/// Signing people in and out (an addition to spec/api.md): <c>POST /api/login</c> with a name and
/// password of <c>Auth:Users</c> sets the sign-in cookie (<see cref="SessionCookie"/>);
/// <c>POST /api/logout</c> removes it. JSON for the page's script; a plain form post works too,
/// answered with a redirect, so the page signs in without script.
/// </summary>
public static partial class LoginEndpoints
{
    public const string LoginPath = "/api/login";

    public const string LogoutPath = "/api/logout";

    public const string LoginPage = "/login.html";

    /// <summary>A name, a password and a return path: a few hundred bytes.</summary>
    public const int MaxBodyBytes = 4096;

    /// <param name="Return">Form posts only: the same-origin path to go to once signed in.</param>
    public sealed record LoginRequest(string? Name, string? Password, string? Return = null);

    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Security").AllowAnonymous();
        group.MapPost(LoginPath, LoginAsync)
            .Accepts<LoginRequest>("application/json", "application/x-www-form-urlencoded")
            .Produces<MeEndpoints.Me>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("Login")
            .WithSummary("Signs a person of Auth:Users in: sets the sign-in cookie and answers as GET /api/me does; 401 for a wrong name or password (the same answer for both), 429 after too many attempts from one address or for one name. A form post is answered with a redirect to its 'return' path, or back to the login page.");
        group.MapPost(LogoutPath, (Delegate)LogoutAsync)
            .WithName("Logout")
            .WithSummary("Signs out: removes the sign-in cookie (a signed-in browser sends the X-Requested-With header, as for every change).");
        return routes;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, UserStore users, LoginRateLimiter limiter, RegistryIndexCache registry, ILoggerFactory loggers)
    {
        var request = context.Request;
        var form = IsUrlEncodedForm(request);
        if (form && !SameOrigin(request))
        {
            // A form is the one sign-in another site's page could post (JSON needs a preflight): no signing a browser into someone else's account.
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-origin sign-in", detail: "Sign in from this site's own login page.");
        }

        if (!form && !request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The body must be JSON (application/json) or a form (application/x-www-form-urlencoded).");
        }

        var (body, problem) = form ? await ReadFormAsync(request) : await RequestBody.ReadJsonAsync<LoginRequest>(request, MaxBodyBytes, RegistryJson.Options);
        if (problem is not null)
        {
            return problem;
        }

        if ((Required(body!.Name, "name", UserStore.MaxNameLength) ?? Required(body.Password, "password", UserStore.MaxPasswordLength)) is { } missing)
        {
            return missing;
        }

        var logger = loggers.CreateLogger(typeof(LoginEndpoints).FullName!);
        var name = body.Name!.Trim();
        var returnTo = RedirectHttpResult.IsLocalUrl(body.Return) && body.Return!.StartsWith('/') ? body.Return : "/";
        if (limiter.TryAcquire(context.Connection.RemoteIpAddress, name) is { } wait)
        {
            LogThrottled(logger, Problems.Clip(name), context.Connection.RemoteIpAddress?.ToString());
            AuthProblems.SetRetryAfter(context.Response, wait);
            return form
                ? BackToLoginPage("throttled", returnTo)
                : TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: "Too many sign-in attempts from this address or for this name; try again later.");
        }

        if (users.Verify(name, body.Password!) is not { } user)
        {
            LogRefused(logger, Problems.Clip(name), context.Connection.RemoteIpAddress?.ToString());
            return form
                ? BackToLoginPage("invalid", returnTo)
                : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused", detail: "The name or the password is not right.");
        }

        var principal = Caller.Principal(SessionCookie.SchemeName, user.Name, user.Role, user.Scopes, new Claim(SessionCookie.StampClaim, user.Stamp));
        await context.SignInAsync(SessionCookie.SchemeName, principal);
        LogSignedIn(logger, user.Name, user.Role);
        return form ? TypedResults.LocalRedirect(returnTo) : TypedResults.Ok(await MeEndpoints.DescribeAsync(Caller.Of(principal), registry));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context)
    {
        await context.SignOutAsync(SessionCookie.SchemeName);
        return TypedResults.NoContent();
    }

    private static bool IsUrlEncodedForm(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>Browsers name the page's origin on every POST; none (curl, old browsers) is not a cross-site page.</summary>
    private static bool SameOrigin(HttpRequest request) =>
        request.Headers.Origin is not [{ } origin]
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));

    private static async Task<(LoginRequest? Value, ProblemHttpResult? Problem)> ReadFormAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, RequestBody.TooLarge(MaxBodyBytes));
        }

        try
        {
            // Limits per key and value bound a body without a length too (chunked).
            var form = await request.ReadFormAsync(new FormOptions { KeyLengthLimit = 64, ValueCountLimit = 8, ValueLengthLimit = MaxBodyBytes }, request.HttpContext.RequestAborted);
            return (new LoginRequest(Single(form, "name"), Single(form, "password"), Single(form, "return")), null);
        }
        catch (InvalidDataException ex)
        {
            return (null, Problems.BadField("$", $"The form is not readable: {Problems.Clip(ex.Message)}", "Malformed form"));
        }
    }

    private static string? Single(IFormCollection form, string key) => form[key] is [{ } value] ? value : null;

    private static ProblemHttpResult? Required(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) || value.Length > maxLength || (field == "name" && value.Any(char.IsControl))
            ? Problems.BadField(field, $"'{field}' must be 1 to {maxLength} characters.")
            : null;

    private static RedirectHttpResult BackToLoginPage(string error, string returnTo) =>
        TypedResults.LocalRedirect($"{LoginPage}?{new QueryString().Add("error", error).Add("return", returnTo).Value![1..]}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in: '{Name}' ({Role})")]
    private static partial void LogSignedIn(ILogger logger, string name, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for '{Name}' from {Address}: wrong name or password")]
    private static partial void LogRefused(ILogger logger, string name, string? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in throttled for '{Name}' from {Address}: too many attempts")]
    private static partial void LogThrottled(ILogger logger, string name, string? address);
}
