using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using LiveShop.Azure.SignalR;
using LiveShop.Core.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.UnitTests.Live;

/// <summary>The REST adapter against the data-plane API's documented request shapes (URL, method, audience, body).</summary>
public sealed class SignalRServiceTests : IDisposable
{
    private const string Key = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Uri Endpoint = new("https://sigr-ls-uk.service.signalr.net");
    private readonly FakeService _service = new();

    [Fact]
    public async Task SendToGroupAsync_WithAnAccessKey_PostsTheDocumentedRequestSignedForItsUrl()
    {
        using var adapter = Adapter(Key);

        await adapter.SendToGroupAsync("stream.str_1", LiveMethods.Viewers, new ViewersMessage("str_1", 7, 42), None);

        var request = Assert.Single(_service.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://sigr-ls-uk.service.signalr.net/api/hubs/liveshop/groups/stream.str_1/:send?api-version=2022-06-01", request.Url);
        Assert.Equal("application/json", request.ContentType);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("viewers", body.RootElement.GetProperty("target").GetString());
        var argument = Assert.Single(body.RootElement.GetProperty("arguments").EnumerateArray());
        Assert.Equal(("str_1", 7L, 42L), (argument.GetProperty("streamId").GetString(), argument.GetProperty("sequence").GetInt64(), argument.GetProperty("viewers").GetInt64()));

        // HS256 over the key's UTF-8 bytes; the audience is the request URL without its query.
        var token = await Validate(request.Bearer!, "https://sigr-ls-uk.service.signalr.net/api/hubs/liveshop/groups/stream.str_1/:send");
        Assert.True(token.IsValid, token.Exception?.Message);
    }

    [Fact]
    public async Task SendToUserAsync_BehindAPathBase_KeepsThePathAndEscapesTheUser()
    {
        using var adapter = Adapter(Key, new Uri("http://localhost:7071/signalr"));

        await adapter.SendToUserAsync("user 1/2", LiveMethods.Checkout, new CheckoutMessage(null, 2, "chk_1", "paid", null, "ord_1", null), None);

        Assert.Equal("http://localhost:7071/signalr/api/hubs/liveshop/users/user%201%2F2/:send?api-version=2022-06-01", Assert.Single(_service.Requests).Url);
    }

    [Fact]
    public async Task GroupMembershipAndConnectionCheck_UseTheirVerbs_AndA404MeansNoSuchConnection()
    {
        using var adapter = Adapter(Key);
        _service.Answer = r => r.RequestUri!.AbsolutePath.Contains("gone", StringComparison.Ordinal) ? NotExisted() : new HttpResponseMessage(HttpStatusCode.OK);

        var added = await adapter.AddToGroupAsync("c1", "stream.str_1", None);
        var gone = await adapter.AddToGroupAsync("gone", "stream.str_1", None);
        var exists = await adapter.ConnectionExistsAsync("c1", None);
        var missing = await adapter.ConnectionExistsAsync("gone", None);

        Assert.Equal((true, false, true, false), (added, gone, exists, missing));
        Assert.Equal(
            ["PUT /api/hubs/liveshop/groups/stream.str_1/connections/c1", "PUT /api/hubs/liveshop/groups/stream.str_1/connections/gone", "HEAD /api/hubs/liveshop/connections/c1", "HEAD /api/hubs/liveshop/connections/gone"],
            _service.Requests.Select(r => $"{r.Method} {new Uri(r.Url).AbsolutePath}"));
    }

    [Fact]
    public async Task ClientAccessAsync_WithAnAccessKey_IsTheHubsClientUrlAndAShortLivedTokenOfTheUser()
    {
        using var adapter = Adapter(Key);

        var access = await adapter.ClientAccessAsync("viewer-1", new Dictionary<string, string> { [LiveClaims.Stream] = "str_1" }, None);

        Assert.Equal("https://sigr-ls-uk.service.signalr.net/client/?hub=liveshop", access.Url);
        var token = await Validate(access.AccessToken, access.Url);
        Assert.True(token.IsValid, token.Exception?.Message);
        var jwt = (JsonWebToken)token.SecurityToken;
        Assert.Equal(("viewer-1", "viewer-1", "str_1"), (jwt.GetClaim("asrs.s.uid").Value, jwt.GetClaim("nameid").Value, jwt.GetClaim(LiveClaims.Stream).Value));
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.Empty(_service.Requests);
    }

    [Fact]
    public async Task WithoutAnAccessKey_RestCallsCarryTheEntraToken_AndClientTokensUseTheKeyTheServiceIssues()
    {
        var credential = new FakeCredential();
        using var adapter = new SignalRService(new HttpClient(_service), new SignalROptions { Endpoint = Endpoint }, credential, TimeProvider.System);
        _service.Answer = r => r.RequestUri!.AbsolutePath == "/api/auth/accessKey"
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"KeyId":"key-7","AccessKey":"issued-key-issued-key-issued-key!!"}""", Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.Accepted);

        await adapter.SendToGroupAsync("stream.str_1", LiveMethods.Viewers, new ViewersMessage("str_1", 1, 1), None);
        var first = await adapter.ClientAccessAsync("v", new Dictionary<string, string>(), None);
        var second = await adapter.ClientAccessAsync("v", new Dictionary<string, string>(), None);

        Assert.Equal(["https://signalr.azure.com/.default"], credential.Scopes.Distinct());
        Assert.All(_service.Requests, r => Assert.Equal("entra-token", r.Bearer));
        Assert.Equal(1, _service.Requests.Count(r => r.Url == "https://sigr-ls-uk.service.signalr.net/api/auth/accessKey?api-version=2024-12-01" && r.Method == HttpMethod.Get));
        var token = await Validate(first.AccessToken, first.Url, "issued-key-issued-key-issued-key!!");
        Assert.True(token.IsValid, token.Exception?.Message);
        Assert.Equal("key-7", new JsonWebToken(second.AccessToken).Kid);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task IsSignedByServiceAsync_TheServicesSignatureOfTheConnection_InEitherCaseOrAmongOthers(bool upper, bool second)
    {
        using var adapter = Adapter(Key);
        var hex = Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes("conn-1")));
        var signature = "sha256=" + (upper ? hex : hex.ToLowerInvariant());
        var header = second ? "sha256=" + new string('a', 64) + "," + signature : signature;

        Assert.True(await adapter.IsSignedByServiceAsync("conn-1", header, None));
        Assert.False(await adapter.IsSignedByServiceAsync("conn-2", header, None));
        Assert.False(await adapter.IsSignedByServiceAsync("conn-1", null, None));
        Assert.False(await adapter.IsSignedByServiceAsync("conn-1", hex, None));
    }

    [Theory]
    [InlineData(new[] { 503, 429, 202 }, 3, true)]
    [InlineData(new[] { 500, 502, 504, 503, 202 }, 4, false)]
    [InlineData(new[] { 400, 202 }, 1, false)]
    [InlineData(new[] { 401, 202 }, 1, false)]
    public async Task Send_ThroughTheAppsClient_RetriesTransientFailuresABoundedNumberOfTimes(int[] statuses, int requests, bool succeeds)
    {
        var answers = new Queue<int>(statuses);
        _service.Answer = _ => new HttpResponseMessage((HttpStatusCode)answers.Dequeue());
        var services = new ServiceCollection();
        services.AddLiveShopSignalR(() => new SignalROptions { Endpoint = Endpoint, AccessKey = Key, MaxRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(1) });
        services.AddHttpClient(nameof(SignalRService)).ConfigurePrimaryHttpMessageHandler(() => _service);
        await using var provider = services.BuildServiceProvider();
        var adapter = provider.GetRequiredService<ILiveBroadcaster>();

        var send = adapter.SendToGroupAsync("stream.str_1", LiveMethods.Viewers, new ViewersMessage("str_1", 1, 1), None);

        if (succeeds)
        {
            await send;
        }
        else
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => send);
        }

        Assert.Equal(requests, _service.Requests.Count);
    }

    public void Dispose() => _service.Dispose();

    private SignalRService Adapter(string? key, Uri? endpoint = null) =>
        new(new HttpClient(_service), new SignalROptions { Endpoint = endpoint ?? Endpoint, AccessKey = key }, null, TimeProvider.System);

    private static Task<TokenValidationResult> Validate(string token, string audience, string key = Key) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidAudience = audience,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
        });

    private static HttpResponseMessage NotExisted()
    {
        var response = new HttpResponseMessage(HttpStatusCode.NotFound);
        response.Headers.Add(SignalRService.ErrorCodeHeader, "Warning.Connection.NotExisted");
        return response;
    }

    /// <summary>Records each request (its body read at once) and answers with <see cref="Answer"/> (202 by default).</summary>
    private sealed class FakeService : HttpMessageHandler
    {
        public List<Recorded> Requests { get; } = [];

        public Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; } = _ => new HttpResponseMessage(HttpStatusCode.Accepted);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Requests)
            {
                Requests.Add(new Recorded(request.Method, request.RequestUri!.AbsoluteUri, request.Headers.Authorization?.Parameter, request.Content?.Headers.ContentType?.MediaType, body));
            }

            var response = Answer(request);
            response.RequestMessage = request;
            return response;
        }
    }

    private sealed record Recorded(HttpMethod Method, string Url, string? Bearer, string? ContentType, string? Body);

    private sealed class FakeCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
