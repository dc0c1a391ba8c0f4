using LiveShop.Core.Identity;
using LiveShop.Functions.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.LocalRunner;

/// <summary>
/// Development only: signs tokens with the runner's development key, with the issuer and audience the app
/// validates. The function app itself never issues tokens.
/// </summary>
public sealed class DevTokens(string signingKeyBase64, string issuer, string audience, TimeProvider clock)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(12);

    public string Issue(string subject, Role role, string? merchantId = null, TimeSpan? lifetime = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [LiveShopClaims.Subject] = subject,
            [LiveShopClaims.Role] = role.ToString().ToLowerInvariant(),
        };
        if (merchantId is not null)
        {
            claims[LiveShopClaims.MerchantId] = merchantId;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            TokenType = AuthOptions.AccessTokenTypes[0],
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? DefaultLifetime),
            SigningCredentials = new SigningCredentials(AuthOptions.DevSigningKey(signingKeyBase64), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}

/// <summary>The body of POST /dev/token.</summary>
public sealed record DevTokenRequest(string? Role, string? Subject, string? MerchantId);
