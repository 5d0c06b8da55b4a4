using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace OutputMonitor.Web.Security;

/// <summary>The authorization policies: reading (a key, or anonymous where allowed), acknowledging, administering.</summary>
public static class AuthPolicies
{
    public const string Read = "read";
    public const string Acknowledge = "acknowledge";
    public const string Admin = "admin";
}

/// <summary>
/// <c>RateLimit</c>: requests to <c>/api</c> per window, per API key or signed-in user or, without
/// either, per client address; and, apart from those, sign-in attempts per client address and per name.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 6000;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Sign-in attempts (<c>POST /api/login</c>) per client address, and per name, in <see cref="LoginWindowSeconds"/>.</summary>
    [Range(1, int.MaxValue)]
    public int LoginPermitLimit { get; set; } = 10;

    [Range(1, 86400)]
    public int LoginWindowSeconds { get; set; } = 300;
}

public static class SecurityExtensions
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplicationBuilder AddOutputMonitorSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<LoginRateLimiter>();
        builder.Services.AddAuthentication(SessionCookie.PolicySchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddSessionCookie();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Read, policy => policy.RequireAssertion(MayRead))
            .AddPolicy(AuthPolicies.Acknowledge, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Manager, Roles.Admin))
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ApiPartition);
            options.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>Security headers (HSTS over HTTPS), then authentication, the CSRF check, authorization and the API's rate limit.</summary>
    public static WebApplication UseOutputMonitorSecurity(this WebApplication app)
    {
        // When the response starts: an error page's headers are cleared and written again before that.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                // The Orleans dashboard is a third-party page with its own scripts and styles.
                if (!context.Request.Path.StartsWithSegments(DashboardExtensions.Path))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        // Strict-Transport-Security on HTTPS answers (ASP.NET Core's defaults: 30 days; never for localhost, 127.0.0.1 or [::1]).
        app.UseHsts();
        app.UseAuthentication();
        app.UseCsrfCheck();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>A key, or none where anonymous reads are allowed; a key that was presented but is not configured never reads.</summary>
    private static bool MayRead(AuthorizationHandlerContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return true;
        }

        var http = context.Resource as HttpContext ?? (context.Resource as HubInvocationContext)?.Context.GetHttpContext();
        return http is not null
            && !http.Items.ContainsKey(ApiKeyAuthenticationHandler.RejectedKeyItem)
            && http.RequestServices.GetRequiredService<ApiKeyStore>().AnonymousRead;
    }

    private static RateLimitPartition<string> ApiPartition(HttpContext context)
    {
        // Sign-in attempts have their own, stricter limit (LoginRateLimiter).
        if (!context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments(Api.LoginEndpoints.LoginPath))
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var partition = context.User.Identity?.IsAuthenticated == true
            ? $"{context.User.Identity.AuthenticationType}:{context.User.Identity.Name}"
            : "ip:" + context.Connection.RemoteIpAddress;
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            Window = TimeSpan.FromSeconds(options.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        await AuthProblems.TooManyAsync(
            rejected.HttpContext,
            rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null,
            "This client has used its requests for now; try again shortly.");
}
