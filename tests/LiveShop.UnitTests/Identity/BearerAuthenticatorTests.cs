using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Functions.Identity;
using LiveShop.UnitTests.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.UnitTests.Identity;

public class BearerAuthenticatorTests
{
    private const string Issuer = "https://login.liveshop.test/";
    private const string Audience = "api://liveshop";
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string[] TwoMerchants = ["m1", "m2"];
    private static readonly string[] TwoUsers = ["user-1", "user-2"];
    private static readonly string OtherKey = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly BearerAuthenticator _authenticator = new(AuthOptions.Build(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = Issuer,
            ["Auth:Audience"] = Audience,
            ["Auth:DevSigningKey"] = Key,
        })
        .Build()));

    [Fact]
    public async Task AuthenticateAsync_ValidViewerToken_ReturnsViewer()
    {
        var caller = await _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder().WithRoles("viewer").Build());

        Assert.Equal(new Caller("user-1", Role.Viewer, null), caller);
    }

    [Fact]
    public async Task AuthenticateAsync_ValidMerchantToken_ReturnsMerchantWithItsId()
    {
        var caller = await _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder().WithRoles("merchant").WithMerchantId("m1").Build());

        Assert.Equal(new Caller("user-1", Role.Merchant, "m1"), caller);
    }

    [Fact]
    public async Task AuthenticateAsync_ViewerTokenWithMerchantId_IgnoresTheMerchantId()
    {
        var caller = await _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder().WithRoles("viewer").WithMerchantId("m1").Build());

        Assert.Null(caller!.MerchantId);
    }

    [Fact]
    public async Task AuthenticateAsync_LowercaseScheme_IsAccepted()
    {
        var caller = await _authenticator.AuthenticateAsync("bearer " + new TokenBuilder().Build());

        Assert.Equal(Role.Viewer, caller!.Role);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AuthenticateAsync_NoHeader_ReturnsNull(string? header)
    {
        Assert.Null(await _authenticator.AuthenticateAsync(header));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Token abc")]
    public async Task AuthenticateAsync_WrongScheme_ThrowsUnauthenticated(string header)
    {
        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync(header));
    }

    [Fact]
    public async Task AuthenticateAsync_ExpiredToken_ThrowsUnauthenticated()
    {
        var token = new TokenBuilder().ValidBetween(DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddMinutes(-10)).Build();

        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_NotYetValidToken_ThrowsUnauthenticated()
    {
        var token = new TokenBuilder().ValidBetween(DateTime.UtcNow.AddMinutes(10), DateTime.UtcNow.AddHours(1)).Build();

        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));
    }

    [Fact]
    public async Task AuthenticateAsync_TokenWithoutExpiry_ThrowsUnauthenticated()
    {
        var token = new TokenBuilder().WithoutExpiry().Build();

        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));
    }

    [Fact]
    public async Task AuthenticateAsync_WrongAudience_ThrowsUnauthenticated()
    {
        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder { Audience = "api://other" }.Build()));

        Assert.Contains("audience", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_WrongIssuer_ThrowsUnauthenticated()
    {
        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder { Issuer = "https://evil.test/" }.Build()));

        Assert.Contains("issuer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_SignedWithAnotherKey_ThrowsUnauthenticated()
    {
        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder { SigningKey = OtherKey }.Build()));

        Assert.Contains("signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_UnsignedToken_ThrowsUnauthenticated()
    {
        var token = new TokenBuilder { SigningKey = null }.Build();

        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.")]
    public async Task AuthenticateAsync_GarbageToken_ThrowsUnauthenticated(string token)
    {
        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));
    }

    [Fact]
    public async Task AuthenticateAsync_NoSubject_ThrowsUnauthenticated()
    {
        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder { Subject = null }.Build()));
    }

    [Fact]
    public async Task AuthenticateAsync_MerchantWithoutMerchantId_ThrowsForbidden()
    {
        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder().WithRoles("merchant").Build()));
    }

    [Theory]
    [InlineData("shop@example.com")]
    [InlineData("a/b")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task AuthenticateAsync_MerchantIdThatIsNoId_ThrowsForbidden(string merchantId)
    {
        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder().WithRoles("merchant").WithMerchantId(merchantId).Build()));
    }

    [Fact]
    public async Task AuthenticateAsync_NoRole_ThrowsForbidden()
    {
        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => _authenticator.AuthenticateAsync("Bearer " + new TokenBuilder().WithRoles().Build()));
    }

    [Fact]
    public async Task AuthenticateAsync_TwoRoles_ThrowsForbidden()
    {
        var token = new TokenBuilder().WithRoles("viewer", "merchant").WithMerchantId("m1").Build();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => _authenticator.AuthenticateAsync("Bearer " + token));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("Merchant")]
    [InlineData("1")]
    public async Task AuthenticateAsync_UnknownOrMiscasedRole_ThrowsForbidden(string role)
    {
        var token = new TokenBuilder().WithRoles(role).WithMerchantId("m1").Build();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => _authenticator.AuthenticateAsync("Bearer " + token));
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData(null)]
    [InlineData("id_token+jwt")]
    public async Task AuthenticateAsync_NotAnAccessTokenType_ThrowsUnauthenticated(string? type)
    {
        var token = new TokenBuilder { TokenType = type }.Build();

        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));

        Assert.Contains("access token", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nonce")]
    [InlineData("at_hash")]
    [InlineData("c_hash")]
    public async Task AuthenticateAsync_IdTokenClaimsEvenWithAnAccessTokenType_ThrowsUnauthenticated(string claim)
    {
        var token = new TokenBuilder().WithClaim(claim, "abc").Build();

        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));

        Assert.Contains("ID token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_ExpGivenAsAString_ThrowsUnauthenticated()
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var token = new TokenBuilder().WithoutExpiry().WithClaim("exp", exp).Build();

        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));

        Assert.Contains("exp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_MerchantIdAsAnArray_ThrowsUnauthenticatedInsteadOfActingAsItsFirstValue()
    {
        var token = new TokenBuilder().WithRoles("merchant").WithClaim("merchant_id", TwoMerchants).Build();

        var error = await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));

        Assert.Contains("merchant_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_SubjectAsAnArray_ThrowsUnauthenticated()
    {
        var token = new TokenBuilder { Subject = null }.WithClaim("sub", TwoUsers).Build();

        await Problem.ThrowsAsync(ErrorKind.Unauthenticated, () => _authenticator.AuthenticateAsync("Bearer " + token));
    }

    [Fact]
    public void Build_ProductionIssuer_AcceptsOnlyAccessTokensSignedWithAsymmetricAlgorithms()
    {
        var parameters = AuthOptions.Build(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = Issuer,
            ["Auth:Audience"] = Audience,
        }).Build());

        Assert.Equal(["at+jwt", "application/at+jwt"], parameters.ValidTypes);
        Assert.Equal([SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256], parameters.ValidAlgorithms);
        Assert.NotNull(parameters.ConfigurationManager);
    }

    [Fact]
    public void Build_DevSigningKeyShorterThan32Bytes_Throws()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = Issuer,
            ["Auth:Audience"] = Audience,
            ["Auth:DevSigningKey"] = Convert.ToBase64String(new byte[16]),
        }).Build();

        Assert.Throws<InvalidOperationException>(() => AuthOptions.Build(configuration));
    }

    [Fact]
    public void Build_MissingAudience_Throws()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = Issuer,
            ["Auth:DevSigningKey"] = Key,
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => AuthOptions.Build(configuration));

        Assert.Contains("Auth:Audience", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A token valid for the authenticator above (a viewer) unless told otherwise.</summary>
    private sealed class TokenBuilder
    {
        private readonly Dictionary<string, object> _claims = new(StringComparer.Ordinal) { ["roles"] = "viewer" };
        private DateTime _notBefore = DateTime.UtcNow.AddMinutes(-1);
        private DateTime? _expires = DateTime.UtcNow.AddMinutes(30);

        public string Issuer { get; init; } = BearerAuthenticatorTests.Issuer;

        public string Audience { get; init; } = BearerAuthenticatorTests.Audience;

        public string? SigningKey { get; init; } = Key;

        public string? Subject { get; init; } = "user-1";

        public string? TokenType { get; init; } = "at+jwt";

        /// <summary>Claims as sent, overriding the descriptor's (e.g. "exp" as a string).</summary>
        public TokenBuilder WithClaim(string name, object value)
        {
            _claims[name] = value;
            return this;
        }

        public TokenBuilder WithRoles(params string[] roles)
        {
            _claims.Remove("roles");
            if (roles.Length == 1)
            {
                _claims["roles"] = roles[0];
            }
            else if (roles.Length > 1)
            {
                _claims["roles"] = roles;
            }

            return this;
        }

        public TokenBuilder WithMerchantId(string merchantId)
        {
            _claims["merchant_id"] = merchantId;
            return this;
        }

        public TokenBuilder ValidBetween(DateTime notBefore, DateTime expires)
        {
            _notBefore = notBefore;
            _expires = expires;
            return this;
        }

        public TokenBuilder WithoutExpiry()
        {
            _expires = null;
            return this;
        }

        public string Build()
        {
            var claims = new Dictionary<string, object>(_claims, StringComparer.Ordinal);
            if (Subject is not null)
            {
                claims["sub"] = Subject;
            }

            var descriptor = new SecurityTokenDescriptor
            {
                TokenType = TokenType,
                Issuer = Issuer,
                Audience = Audience,
                Claims = claims,
                NotBefore = _notBefore,
                IssuedAt = _notBefore,
                Expires = _expires,
                SigningCredentials = SigningKey is null ? null : new SigningCredentials(AuthOptions.DevSigningKey(SigningKey), SecurityAlgorithms.HmacSha256),
            };
            var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
            return handler.CreateToken(descriptor);
        }
    }
}
