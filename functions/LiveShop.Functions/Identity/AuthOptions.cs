using LiveShop.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.Functions.Identity;

/// <summary>Builds token validation from settings: OIDC metadata of Auth:Issuer, or Auth:DevSigningKey for local development.</summary>
public static class AuthOptions
{
    /// <summary>The JWT typ of an access token (RFC 9068); an ID token (typ JWT) of the same audience is refused.</summary>
    public static readonly IReadOnlyList<string> AccessTokenTypes = ["at+jwt", "application/at+jwt"];

    /// <summary>What an issuer's tokens may be signed with: asymmetric algorithms only (never none or HS* with a public key).</summary>
    public static readonly IReadOnlyList<string> IssuerAlgorithms =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];

    public static TokenValidationParameters Build(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var issuer = Required(configuration, SettingNames.AuthIssuer);
        var audience = Required(configuration, SettingNames.AuthAudience);
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidTypes = AccessTokenTypes,
            ValidAlgorithms = IssuerAlgorithms,
            ClockSkew = TimeSpan.FromSeconds(60),
        };

        var devKey = configuration[SettingNames.AuthDevSigningKey];
        if (!string.IsNullOrEmpty(devKey))
        {
            AzureHost.Refuse(AzureHost.IsAzure, $"{SettingNames.AuthDevSigningKey} is for local development only and must not be set in Azure.");

            parameters.IssuerSigningKey = DevSigningKey(devKey);
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            return parameters;
        }

        var metadata = issuer.TrimEnd('/') + "/.well-known/openid-configuration";
        parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
            metadata, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = true });
        return parameters;
    }

    /// <summary>The symmetric key a base64 development signing key stands for (at least 256 bits).</summary>
    public static SymmetricSecurityKey DevSigningKey(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{SettingNames.AuthDevSigningKey} must be base64.", e);
        }

        return bytes.Length >= 32
            ? new SymmetricSecurityKey(bytes) { KeyId = "dev" }
            : throw new InvalidOperationException($"{SettingNames.AuthDevSigningKey} must be at least 32 bytes.");
    }

    private static string Required(IConfiguration configuration, string name) =>
        configuration[name] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Setting {name} ({SettingNames.AsEnvironmentVariable(name)}) is required.");
}
