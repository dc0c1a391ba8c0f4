using LiveShop.Core.Errors;
using LiveShop.Core.Live;
using LiveShop.UnitTests.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace LiveShop.UnitTests.Live;

public sealed class LiveConnectionsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Shop _shop = new();
    private readonly RecordingBroadcaster _service = new();
    private readonly Mock<ILiveAccess> _access = new();
    private readonly LiveConnections _connections;

    public LiveConnectionsTests()
    {
        _access.Setup(a => a.ClientAccessAsync(It.IsAny<string>(), It.IsAny<IReadOnlyDictionary<string, string>>(), None))
            .ReturnsAsync((string user, IReadOnlyDictionary<string, string> claims, CancellationToken _) =>
                new LiveClientAccess("https://svc/client/?hub=liveshop", $"{user}|{string.Join(",", claims.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))}"));
        _connections = new LiveConnections(_shop.StreamStore, _access.Object, _service, _shop.LiveStore, _shop.Live.Object, _shop.Clock, NullLogger<LiveConnections>.Instance);
    }

    [Fact]
    public async Task NegotiateAsync_ByCaller_TokenNamesTheUserTheStreamAndWhetherItIsItsHost()
    {
        var stream = await _shop.CreateStreamAsync();

        var anonymous = await _connections.NegotiateAsync(null, stream.Id, None);
        var viewer = await _connections.NegotiateAsync(Callers.Viewer(), stream.Id, None);
        var host = await _connections.NegotiateAsync(Callers.Merchant(), stream.Id, None);
        var other = await _connections.NegotiateAsync(Callers.Merchant(Shop.OtherMerchantId), stream.Id, None);

        Assert.Matches($"^anon_[0-9a-f]{{32}}\\|{LiveClaims.Host}=false,{LiveClaims.Stream}={stream.Id}$", anonymous.AccessToken);
        Assert.Equal($"viewer-1|{LiveClaims.Host}=false,{LiveClaims.Stream}={stream.Id}", viewer.AccessToken);
        Assert.Equal($"user-{Shop.MerchantId}|{LiveClaims.Host}=true,{LiveClaims.Stream}={stream.Id}", host.AccessToken);
        Assert.EndsWith($"{LiveClaims.Host}=false,{LiveClaims.Stream}={stream.Id}", other.AccessToken, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<LiveShopException>(() => _connections.NegotiateAsync(null, "str_missing", None));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task ConnectedAsync_PutsTheConnectionInItsStreamsGroups_AndCountsIt()
    {
        _service.Connections["viewer"] = [];
        _service.Connections["host"] = [];

        await _connections.ConnectedAsync("viewer", "u1", Claims("str_1", host: false), None);
        await _connections.ConnectedAsync("host", "m1", Claims("str_1", host: true), None);

        Assert.Equal([LiveGroups.Stream("str_1")], _service.Connections["viewer"]);
        Assert.Equal([LiveGroups.Host("str_1"), LiveGroups.Stream("str_1")], _service.Connections["host"].Order());
        Assert.Equal(2, await _shop.LiveStore.CountViewersAsync("str_1", _shop.Clock.GetUtcNow(), None));
        _shop.Live.Verify(l => l.AudienceChanged("str_1"), Times.Exactly(2));
    }

    [Fact]
    public async Task ConnectedAsync_WithoutAStreamClaim_IsABadRequest_AndAGoneConnectionCountsNothing()
    {
        var bad = await Assert.ThrowsAsync<LiveShopException>(() => _connections.ConnectedAsync("c", "u", new Dictionary<string, string>(), None));
        await _connections.ConnectedAsync("gone", "u", Claims("str_1", host: false), None);

        Assert.Equal(ErrorKind.BadRequest, bad.Kind);
        Assert.Equal(0, await _shop.LiveStore.CountViewersAsync("str_1", _shop.Clock.GetUtcNow(), None));
    }

    [Fact]
    public async Task ReconcileAsync_RemovesWhatTheServiceNoLongerHas_RenewsTheRest_AndPresencesExpireUnlessRenewed()
    {
        foreach (var id in new[] { "alive", "dropped", "also-alive" })
        {
            _service.Connections[id] = [];
            await _connections.ConnectedAsync(id, "u-" + id, Claims("str_1", host: false), None);
        }

        // The service lost "dropped" and never said so.
        _service.Connections.TryRemove("dropped", out _);
        _shop.Clock.Advance(LiveConnections.RecheckAfter + TimeSpan.FromSeconds(1));

        var removed = await _connections.ReconcileAsync(LiveConnections.RecheckAfter, None);

        Assert.Equal(1, removed);
        Assert.Equal(2, await _shop.LiveStore.CountViewersAsync("str_1", _shop.Clock.GetUtcNow(), None));
        _shop.Live.Verify(l => l.AudienceChanged("str_1"), Times.Exactly(4));

        // Renewed: nothing is stale now. A presence nobody renews (the reconciliation stopped) stops counting once it expires.
        Assert.Equal(0, await _connections.ReconcileAsync(LiveConnections.RecheckAfter, None));
        _shop.Clock.Advance(LiveConnections.PresenceLifetime);
        Assert.Equal(0, await _shop.LiveStore.CountViewersAsync("str_1", _shop.Clock.GetUtcNow(), None));
    }

    [Fact]
    public async Task DisconnectedAsync_CountsTheConnectionOut_Once()
    {
        _service.Connections["c"] = [];
        await _connections.ConnectedAsync("c", "u", Claims("str_1", host: false), None);

        await _connections.DisconnectedAsync("c", Claims("str_1", host: false), None);
        await _connections.DisconnectedAsync("c", Claims("str_1", host: false), None);

        Assert.Equal(0, await _shop.LiveStore.CountViewersAsync("str_1", _shop.Clock.GetUtcNow(), None));
        _shop.Live.Verify(l => l.AudienceChanged("str_1"), Times.Exactly(2));
    }

    [Theory]
    [InlineData("liveshop.stream: str_1, liveshop.host: true", "str_1", "true")]
    [InlineData("liveshop.host:false,liveshop.stream:str_2", "str_2", "false")]
    public void ParseClaims_TheServicesHeader_GivesTheClaims(string header, string stream, string host)
    {
        var claims = LiveConnections.ParseClaims(header);

        Assert.Equal((stream, host), (claims[LiveClaims.Stream], claims[LiveClaims.Host]));
    }

    private static Dictionary<string, string> Claims(string stream, bool host) =>
        new() { [LiveClaims.Stream] = stream, [LiveClaims.Host] = host ? "true" : "false" };
}
