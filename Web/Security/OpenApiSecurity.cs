using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OutputMonitor.Web.Security;

/// <summary>
/// The OpenAPI document's security: the two schemes (<c>Bearer</c>, an API key; <c>Session</c>, the
/// sign-in cookie) and, on each operation that needs authorization, that either will do, with the
/// role it needs in the description. Reads also allow no credentials while anonymous reads are on.
/// </summary>
public static class OpenApiSecurity
{
    public const string BearerScheme = "Bearer";

    public const string SessionScheme = "Session";

    public static OpenApiOptions AddSecuritySchemes(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key of Auth:ApiKeys: Authorization: Bearer {key} (the hub: access_token).",
            };
            document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = SessionCookie.CookieName,
                Description = $"The sign-in cookie of POST /api/login; a change made with it needs the {SessionCookie.CsrfHeader} header.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any() || metadata.OfType<IAuthorizeData>().LastOrDefault()?.Policy is not { } policy)
            {
                return Task.CompletedTask;
            }

            var document = context.Document;
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionScheme, document)] = [] },
            ];
            if (policy == AuthPolicies.Read && context.ApplicationServices.GetRequiredService<ApiKeyStore>().AnonymousRead)
            {
                operation.Security.Add(new OpenApiSecurityRequirement());
            }

            var needs = policy switch
            {
                AuthPolicies.Acknowledge => "Needs the role manager (in its enterprises) or admin.",
                AuthPolicies.Admin => "Needs the role admin.",
                _ => "Needs any role, within its scopes.",
            };
            operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : $"{operation.Description} {needs}";
            return Task.CompletedTask;
        });
        return options;
    }
}
