using System.Security.Claims;
using System.Text.Json;
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
/// Validates bearer JWTs (signature and its algorithm, token type, issuer, audience, lifetime) with the parameters from
/// <see cref="AuthOptions"/>: OpenID Connect metadata in production, a development signing key locally. Then the claims'
/// shapes: NumericDate times, single-valued ids (a merchant_id array is refused, never read as its first value), and
/// no ID token (whatever its typ) passes as an access token.
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

        if (ShapeProblem((JsonWebToken)result.SecurityToken) is { } problem)
        {
            throw LiveShopException.Unauthenticated($"The bearer token is not valid: {problem}");
        }

        return ToCaller(result.ClaimsIdentity);
    }

    /// <summary>Claims that are single-valued strings in an access token (an array must not act as its first value).</summary>
    private static readonly string[] SingleStrings = ["iss", LiveShopClaims.Subject, LiveShopClaims.MerchantId, "client_id", "azp", "tid"];

    /// <summary>Times, as NumericDate (a JSON number, RFC 7519): "exp": "1999999999" is not one.</summary>
    private static readonly string[] NumericDates = ["exp", "nbf", "iat"];

    /// <summary>Claims only an OpenID Connect ID token carries (OIDC Core 3.1.3.6, 3.3.2.11): such a token is not an access token.</summary>
    private static readonly string[] IdTokenOnly = ["nonce", "at_hash", "c_hash"];

    /// <summary>What is wrong with the shape of a signed, valid token's claims; null when nothing.</summary>
    private static string? ShapeProblem(JsonWebToken token)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        var claims = payload.RootElement;
        if (claims.ValueKind != JsonValueKind.Object)
        {
            return "its payload is not a JSON object.";
        }

        foreach (var name in NumericDates)
        {
            if (claims.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Number)
            {
                return $"its {name} claim must be a number (seconds since 1970).";
            }
        }

        foreach (var name in SingleStrings)
        {
            if (claims.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.String)
            {
                return $"its {name} claim must be a single string.";
            }
        }

        return IdTokenOnly.FirstOrDefault(name => claims.TryGetProperty(name, out _)) is { } idClaim
            ? $"it is an ID token (it has the {idClaim} claim); send an access token."
            : null;
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
        SecurityTokenInvalidTypeException => $"it is not an access token (its typ header must be {string.Join(" or ", AuthOptions.AccessTokenTypes)}).",
        SecurityTokenInvalidAlgorithmException => "it is signed with an algorithm this API does not accept.",
        _ => "it was rejected.",
    };
}
