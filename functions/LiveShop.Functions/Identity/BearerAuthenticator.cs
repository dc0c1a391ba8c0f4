using System.Security.Claims;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Validation;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.Functions.Identity;

/// <summary>Turns an Authorization header into a <see cref="Caller"/>: null when absent, 401 when invalid.</summary>
public interface IBearerAuthenticator
{
    Task<Caller?> AuthenticateAsync(string? authorizationHeader);
}

/// <summary>The claims LiveShop reads from a token.</summary>
public static class LiveShopClaims
{
    /// <summary>The role claim: one of viewer, merchant, ops.</summary>
    public const string Role = "roles";

    /// <summary>The merchant id a merchant token acts for.</summary>
    public const string MerchantId = "merchant_id";

    public const string Subject = "sub";
}

/// <summary>
/// Validates bearer JWTs (signature, issuer, audience, lifetime) with the parameters from <see cref="AuthOptions"/>:
/// OpenID Connect metadata in production, a development signing key locally.
/// </summary>
public sealed class BearerAuthenticator(TokenValidationParameters parameters) : IBearerAuthenticator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<Caller?> AuthenticateAsync(string? authorizationHeader)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return null;
        }

        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw LiveShopException.Unauthenticated("The Authorization header must use the Bearer scheme.");
        }

        var token = authorizationHeader[scheme.Length..].Trim();
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            throw LiveShopException.Unauthenticated($"The bearer token is not valid: {Reason(result.Exception)}");
        }

        return ToCaller(result.ClaimsIdentity);
    }

    private static Caller ToCaller(ClaimsIdentity identity)
    {
        var subject = identity.FindFirst(LiveShopClaims.Subject)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            throw LiveShopException.Unauthenticated("The bearer token has no subject (sub) claim.");
        }

        var roles = identity.FindAll(LiveShopClaims.Role)
            .Select(c => Enum.TryParse<Role>(c.Value, ignoreCase: true, out var role) && c.Value.All(char.IsAsciiLetterLower) ? role : (Role?)null)
            .OfType<Role>()
            .Distinct()
            .ToList();
        if (roles.Count != 1)
        {
            throw LiveShopException.Forbidden("The bearer token must carry exactly one of the roles viewer, merchant or ops.");
        }

        var merchantId = identity.FindFirst(LiveShopClaims.MerchantId)?.Value;
        if (roles[0] == Role.Merchant && string.IsNullOrEmpty(merchantId))
        {
            throw LiveShopException.Forbidden("A merchant token must carry the merchant_id claim.");
        }

        if (roles[0] == Role.Merchant && !Identifiers.IsValid(merchantId))
        {
            throw LiveShopException.Forbidden("The merchant_id claim must be 1 to 64 characters of letters, digits, '-', '_' or '.'.");
        }

        return new Caller(subject, roles[0], roles[0] == Role.Merchant ? merchantId : null);
    }

    private static string Reason(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "it has expired.",
        SecurityTokenNotYetValidException => "it is not valid yet.",
        SecurityTokenInvalidAudienceException => "it is for another audience.",
        SecurityTokenInvalidIssuerException => "it is from another issuer.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not verify.",
        SecurityTokenMalformedException or ArgumentException => "it is not a well-formed JWT.",
        _ => "it was rejected.",
    };
}
