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

/// <summary><c>RateLimit</c>: requests to <c>/api</c> per window, per API key or, without one, per client address.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 6000;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;
}

public static class SecurityExtensions
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplicationBuilder AddOutputMonitorSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
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

    /// <summary>Security headers, then authentication, authorization and the API's rate limit.</summary>
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
        app.UseAuthentication();
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
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var partition = context.User.Identity?.IsAuthenticated == true
            ? "key:" + context.User.Identity.Name
            : "ip:" + context.Connection.RemoteIpAddress;
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            Window = TimeSpan.FromSeconds(options.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "This client has used its requests for now; try again shortly." },
        });
    }
}
