using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using OutputMonitor.Silo;

namespace OutputMonitor.Web.Security;

/// <summary>
/// The sign-in cookie of people (<c>POST /api/login</c>): the same role and scope claims a key
/// gives, so every check treats both alike. A policy scheme is the default: a request with an
/// <c>Authorization</c> header (or the hub's <c>access_token</c>) is a key's, any other the cookie's.
/// </summary>
public static class SessionCookie
{
    public const string SchemeName = "Session";

    /// <summary>The default scheme: picks <see cref="ApiKeyAuthenticationHandler.SchemeName"/> or <see cref="SchemeName"/> per request.</summary>
    public const string PolicySchemeName = "KeyOrSession";

    public const string CookieName = "om_session";

    /// <summary>Claim holding <see cref="UserEntry.Stamp"/>.</summary>
    public const string StampClaim = "om:stamp";

    /// <summary>The header a cookie-authenticated write must carry (see <see cref="UseCsrfCheck"/>).</summary>
    public const string CsrfHeader = "X-Requested-With";

    public static AuthenticationBuilder AddSessionCookie(this AuthenticationBuilder authentication)
    {
        authentication.Services.AddSingleton<UserStore>();
        authentication.Services.AddOptions<CookieAuthenticationOptions>(SchemeName)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = TimeSpan.FromMinutes(auth.Value.SessionMinutes));
        authentication.AddPolicyScheme(PolicySchemeName, "API key or sign-in cookie", options =>
            options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.IsPresented(context.Request) ? ApiKeyAuthenticationHandler.SchemeName : SchemeName);
        return authentication.AddCookie(SchemeName, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            // Secure over HTTPS; the loopback demo is plain HTTP, where a Secure cookie would never come back.
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SlidingExpiration = true;
            options.Events = new CookieAuthenticationEvents
            {
                // An API answers 401/403 with a problem, never a redirect to a login page.
                OnRedirectToLogin = context =>
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    return AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized",
                        "Sign in (POST /api/login, the page login.html) or send an API key: Authorization: Bearer {key} (access_token on the hub).");
                },
                OnRedirectToAccessDenied = context =>
                    AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "This user's role may not do this."),
                OnRedirectToReturnUrl = _ => Task.CompletedTask,
                OnRedirectToLogout = _ => Task.CompletedTask,
                OnValidatePrincipal = async context =>
                {
                    var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
                    if (users.Current(context.Principal?.Identity?.Name, context.Principal?.FindFirst(StampClaim)?.Value) is null)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(SchemeName);
                    }
                },
            };
        });
    }

    /// <summary>Redis key of the shared key ring (see <see cref="AddSessionKeyRing"/>).</summary>
    public const string KeyRingRedisKey = "outputmonitor:dataprotection-keys";

    /// <summary>
    /// The keys that encrypt the cookie. One application name, so that nodes installed in other
    /// folders read each other's cookies; in a Redis cluster the key ring is kept in Redis, so a
    /// person signed in on one web node is signed in on all of them (and stays so across restarts).
    /// Otherwise ASP.NET Core's default: a folder of the user's profile.
    /// </summary>
    public static IServiceCollection AddSessionKeyRing(this IServiceCollection services, bool inRedis)
    {
        services.AddDataProtection().SetApplicationName("OutputMonitor");
        if (inRedis)
        {
            // Read when the key ring loads or rotates, not per request: waiting on the shared connection there is fine.
            services.AddOptions<KeyManagementOptions>().Configure<RedisConnection>((keys, redis) =>
                keys.XmlRepository = new RedisXmlRepository(() => redis.GetAsync().GetAwaiter().GetResult().GetDatabase(), KeyRingRedisKey));
        }

        return services;
    }

    /// <summary>
    /// CSRF: a cookie-authenticated request that changes something (not GET/HEAD/OPTIONS) under
    /// <c>/api</c> needs the <see cref="CsrfHeader"/> header, else 403. SameSite=Strict already keeps
    /// the cookie off cross-site requests; the header also covers same-site pages of other origins
    /// (another port or subdomain of this host) and browsers without SameSite, because a page of
    /// another origin can set a custom header only after a CORS preflight, which this app never
    /// grants. Keys are not cookies, so a Bearer request needs nothing more. <c>/api/login</c>
    /// checks the Origin of its own form posts instead (it is not cookie-authenticated).
    /// </summary>
    public static WebApplication UseCsrfCheck(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (context.User.Identity?.AuthenticationType == SchemeName
                && request.Path.StartsWithSegments("/api")
                && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
                && string.IsNullOrEmpty(request.Headers[CsrfHeader])
                && !request.Path.StartsWithSegments(Api.LoginEndpoints.LoginPath))
            {
                return AuthProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Missing CSRF header",
                    $"A signed-in browser's change needs the header {CsrfHeader} (the pages send it).");
            }

            return next(context);
        });
        return app;
    }
}
