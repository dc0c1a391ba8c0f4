using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LiveShop.Core.Configuration;
using LiveShop.Core.Live;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.Functions.Live;
using LiveShop.LocalRunner;
using LiveShop.LocalRunner.LocalSignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveShop.EndToEndTests;

/// <summary>A runner of the live tests' own, so they run beside the other runner tests (one of them waits for a sale's start).</summary>
[CollectionDefinition(Name)]
public sealed class LiveRunnerCollection : ICollectionFixture<RunnerFixture>
{
    public const string Name = "live runner";
}

/// <summary>
/// The real-time contract end to end: real .NET SignalR clients negotiate with the app and connect to the runner's
/// SignalR stand-in, which the app drives through the production REST adapter and which tells the app of connections
/// through signed upstream calls.
/// </summary>
[Collection(LiveRunnerCollection.Name)]
public sealed class LiveTests(RunnerFixture runner)
{
    private LocalSignalRService Service => runner.App.Services.GetRequiredService<LocalSignalRService>();

    [Fact]
    public async Task Negotiate_Anonymous_AnswersTheServiceUrlAndATokenOfANewAnonymousUser()
    {
        var (stream, _) = await runner.CreateLiveStreamWithProductAsync(RunnerFixture.NewMerchantId());

        var first = await NegotiateAsync(stream, null);
        var second = await NegotiateAsync(stream, null);

        Assert.Equal(Service.ClientUrl, first.Url);
        var token = new JsonWebToken(first.AccessToken);
        Assert.StartsWith("anon_", token.GetClaim("asrs.s.uid").Value, StringComparison.Ordinal);
        Assert.Equal(token.GetClaim("asrs.s.uid").Value, token.GetClaim("nameid").Value);
        Assert.NotEqual(token.GetClaim("asrs.s.uid").Value, new JsonWebToken(second.AccessToken).GetClaim("asrs.s.uid").Value);
        Assert.Equal((stream, "false"), (token.GetClaim(LiveClaims.Stream).Value, token.GetClaim(LiveClaims.Host).Value));
        Assert.Equal([Service.ClientUrl], token.Audiences);
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Negotiate_SignedIn_TokenIsTheCallersAndTheStreamsMerchantIsItsHost()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, _) = await runner.CreateLiveStreamWithProductAsync(merchant);
        var viewerId = RunnerFixture.NewViewerId();

        var viewer = new JsonWebToken((await NegotiateAsync(stream, runner.ViewerToken(viewerId))).AccessToken);
        var host = new JsonWebToken((await NegotiateAsync(stream, runner.MerchantToken(merchant))).AccessToken);
        var otherMerchant = new JsonWebToken((await NegotiateAsync(stream, runner.MerchantToken(RunnerFixture.NewMerchantId()))).AccessToken);

        Assert.Equal((viewerId, "false"), (viewer.GetClaim("asrs.s.uid").Value, viewer.GetClaim(LiveClaims.Host).Value));
        Assert.Equal(("user-" + merchant, "true"), (host.GetClaim("asrs.s.uid").Value, host.GetClaim(LiveClaims.Host).Value));
        Assert.Equal("false", otherMerchant.GetClaim(LiveClaims.Host).Value);
    }

    [Theory]
    [InlineData("str_missing", null, HttpStatusCode.NotFound)]
    [InlineData(null, "not-a-jwt", HttpStatusCode.Unauthorized)]
    public async Task Negotiate_UnknownStreamOrBadToken_AnswersProblem(string? streamId, string? token, HttpStatusCode expected)
    {
        var stream = streamId ?? (await runner.CreateStreamAsync(RunnerFixture.NewMerchantId())).Id;

        using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamNegotiate, stream), token);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Pin_ReachesItsStreamsViewersWithTheCard_AndNoOtherStreams()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", price: 2400);
        var (otherStream, otherProduct) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk");
        var viewerId = RunnerFixture.NewViewerId();

        // One viewer on two devices, each watching one stream, and an anonymous viewer of the first.
        await using var first = await LiveClient.ConnectAsync(runner, stream, runner.ViewerToken(viewerId));
        await using var second = await LiveClient.ConnectAsync(runner, otherStream, runner.ViewerToken(viewerId));
        await using var anonymous = await LiveClient.ConnectAsync(runner, stream);

        var pinnedBefore = Service.SendsOf(LiveMethods.Pinned);
        using var pinned = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, stream), runner.MerchantToken(merchant), new PinInput(product, "shirt-m"));
        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        var card = await first.NextAsync(LiveMethods.Pinned);
        await anonymous.NextAsync(LiveMethods.Pinned);

        // One REST call reached both viewers.
        Assert.Equal(pinnedBefore + 1, Service.SendsOf(LiveMethods.Pinned));

        Assert.Equal((stream, product, "shirt-m", "Linen shirt"), (Text(card, "streamId"), Text(card, "productId"), Text(card, "skuId"), Text(card, "title")));
        Assert.Equal("https://img.example.com/shirt.jpg", Text(card, "imageUrl"));
        Assert.Equal((2400L, "GBP", "£24.00"), (card.GetProperty("price").GetProperty("minorUnits").GetInt64(), Text(card.GetProperty("price"), "currency"), Text(card.GetProperty("price"), "formatted")));
        Assert.Equal(JsonValueKind.Null, card.GetProperty("sale").ValueKind);
        Assert.True(card.GetProperty("sequence").GetInt64() > 0);

        // The other stream's pin reaches the other device only; the first never saw anything of the other stream.
        using var otherPinned = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, otherStream), runner.MerchantToken(merchant), new PinInput(otherProduct, null));
        Assert.Equal(otherStream, Text(await second.NextAsync(LiveMethods.Pinned), "streamId"));
        Assert.All(new[] { first, anonymous }, c => Assert.All(LiveMethods.All.SelectMany(c.Received), m => Assert.Equal(stream, Text(m, "streamId"))));
        Assert.All(LiveMethods.All.SelectMany(second.Received), m => Assert.Equal(otherStream, Text(m, "streamId")));

        // A viewer who joins late reads the pin with the stream.
        var view = (await runner.Client.GetFromJsonAsync<StreamView>(RunnerFixture.Url(Routes.Format(Routes.Stream, stream)), ApiJson.Options))!;
        Assert.Equal((product, "shirt-m"), (view.Pin!.ProductId, view.Pin.SkuId));
    }

    [Fact]
    public async Task UnpinAndShowcaseRemoval_SendUnpinned_AndThePinHistoryKeepsEveryPinInOrder()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(merchant);
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk");
        await using var viewer = await LiveClient.ConnectAsync(runner, stream);

        await SendOkAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, stream), token, new PinInput(product, null));
        var pinnedSequence = (await viewer.NextAsync(LiveMethods.Pinned)).GetProperty("sequence").GetInt64();
        await SendOkAsync(HttpMethod.Delete, Routes.Format(Routes.StreamPin, stream), token);
        var unpinned = await viewer.NextAsync(LiveMethods.Unpinned);
        await SendOkAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, stream), token, new PinInput(product, null));
        await viewer.NextAsync(LiveMethods.Pinned, m => m.GetProperty("revision").GetInt64() == 3);
        await SendOkAsync(HttpMethod.Delete, Routes.Format(Routes.StreamShowcaseProduct, stream, product), token);
        var removed = await viewer.NextAsync(LiveMethods.Unpinned, m => Text(m, "reason") == UnpinReasons.RemovedFromShowcase);

        Assert.Equal((product, UnpinReasons.Merchant), (Text(unpinned, "productId"), Text(unpinned, "reason")));
        Assert.True(unpinned.GetProperty("sequence").GetInt64() > pinnedSequence);
        Assert.True(removed.GetProperty("sequence").GetInt64() > unpinned.GetProperty("sequence").GetInt64());
        var history = (await runner.Client.GetFromJsonAsync<PinHistoryView>(RunnerFixture.Url(Routes.Format(Routes.StreamPins, stream)) + "?pageSize=3", ApiJson.Options))!;
        Assert.Equal([4L, 3L, 2L], history.Items.Select(e => e.Revision));
        Assert.Equal([PinActions.Unpinned, PinActions.Pinned, PinActions.Unpinned], history.Items.Select(e => e.Action));
        var rest = (await runner.Client.GetFromJsonAsync<PinHistoryView>(
            RunnerFixture.Url(Routes.Format(Routes.StreamPins, stream)) + "?pageSize=3&continuationToken=" + history.ContinuationToken, ApiJson.Options))!;
        Assert.Equal((1L, PinActions.Pinned, (string?)null), (Assert.Single(rest.Items).Revision, rest.Items[0].Action, rest.ContinuationToken));
    }

    [Fact]
    public async Task EndingTheStream_SendsStreamStateEndedAndUnpins()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(merchant);
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk");
        await using var viewer = await LiveClient.ConnectAsync(runner, stream);
        await SendOkAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, stream), token, new PinInput(product, null));

        await SendOkAsync(HttpMethod.Post, Routes.Format(Routes.StreamEnd, stream), token);

        Assert.Equal("ended", Text(await viewer.NextAsync(LiveMethods.StreamState), "state"));
        Assert.Equal(UnpinReasons.StreamEnded, Text(await viewer.NextAsync(LiveMethods.Unpinned), "reason"));
    }

    [Fact]
    public async Task FlashSale_ViewersGetItsCountdownStartSoldOutAndEnd_AndTheBuyerItsCheckoutNotice()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", price: 2000, stock: 20);
        var buyerId = RunnerFixture.NewViewerId();
        var buyerToken = runner.ViewerToken(buyerId);
        await using var viewer = await LiveClient.ConnectAsync(runner, stream);
        await using var buyer = await LiveClient.ConnectAsync(runner, stream, buyerToken);

        // The shortest countdown a sale may have: its schedule announces the start when it comes.
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, now => Inputs.FlashSale(
            product, now, dealPrice: 1500, allotment: 2, perCustomerLimit: 2, startsIn: FlashSaleServiceMinCountdown()));
        var upcoming = await viewer.NextAsync(LiveMethods.SaleChanged, m => Text(m, "saleId") == sale.Id);
        var active = await viewer.NextAsync(LiveMethods.SaleChanged, m => Text(m, "state") == "active", TimeSpan.FromSeconds(30));

        var paid = await runner.CheckoutAsync(buyerToken, CheckoutDriver.BuyNow(merchant, product, market: "uk", quantity: 2, streamId: stream));
        var soldOut = await viewer.NextAsync(LiveMethods.SaleChanged, m => Text(m, "endedReason") == "sold_out");
        var notice = await buyer.NextAsync(LiveMethods.Checkout, m => Text(m, "status") == "paid");
        using var cancelled = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, merchant, product, sale.Id), runner.MerchantToken(merchant));
        var ended = await viewer.NextAsync(LiveMethods.SaleChanged, m => Text(m, "endedReason") == "cancelled");

        Assert.Equal(("upcoming", 2L, 1500L), (Text(upcoming, "state"), upcoming.GetProperty("unitsLeft").GetInt64(), upcoming.GetProperty("dealPrice").GetProperty("minorUnits").GetInt64()));
        Assert.Equal(2L, active.GetProperty("unitsLeft").GetInt64());
        Assert.Equal(("paid", "ended", 0L), (paid.Status, Text(soldOut, "state"), soldOut.GetProperty("unitsLeft").GetInt64()));
        Assert.Equal((paid.Id, paid.OrderId, stream), (Text(notice, "checkoutId"), Text(notice, "orderId"), Text(notice, "streamId")));
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("ended", Text(ended, "state"));
        long[] sequences = [.. new[] { upcoming, active, soldOut, ended }.Select(m => m.GetProperty("sequence").GetInt64())];
        Assert.Equal(sequences.Order(), sequences);

        // The checkout notice went to the buyer only.
        Assert.Empty(viewer.Received(LiveMethods.Checkout));
    }

    [Fact]
    public async Task ViewerCount_GoesUpAndDown_AndHealsWhenADroppedClientsDisconnectIsLost()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, _) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk");
        await using var host = await LiveClient.ConnectAsync(runner, stream, runner.MerchantToken(merchant));
        await using var first = await LiveClient.ConnectAsync(runner, stream);
        var second = await LiveClient.ConnectAsync(runner, stream);
        var dropped = await LiveClient.ConnectAsync(runner, stream);

        var four = Sequence(await host.NextAsync(LiveMethods.Viewers, m => Viewers(m) == 4));
        var stats = await host.NextAsync(LiveMethods.Stats, m => Viewers(m) == 4);
        Assert.True(stats.GetProperty("peakViewers").GetInt64() >= 4);

        // A client that closes is counted out (a message newer than the count of four says so).
        await second.DisposeAsync();
        var three = Sequence(await first.NextAsync(LiveMethods.Viewers, m => Sequence(m) > four && Viewers(m) == 3));

        // A client that drops while the service's disconnected call is lost is counted until the reconciliation asks the service.
        Service.DropDisconnectedEvents = true;
        try
        {
            var droppedId = dropped.ConnectionId;
            dropped.Drop();
            await WaitUntilAsync(() => !Service.IsConnected(droppedId));
            Assert.Equal(3, await CountAsync(stream));

            var removed = await runner.App.Services.GetRequiredService<LiveConnections>().ReconcileAsync(TimeSpan.Zero, CancellationToken.None);

            Assert.True(removed >= 1);
            await first.NextAsync(LiveMethods.Viewers, m => Sequence(m) > three && Viewers(m) == 2);
            Assert.Equal(2, await CountAsync(stream));
        }
        finally
        {
            Service.DropDisconnectedEvents = false;
            await dropped.DisposeAsync();
        }

        // Only the host gets the stats.
        Assert.Empty(first.Received(LiveMethods.Stats));
    }

    [Fact]
    public async Task Upstream_ForgedOrMissingSignature_Answers401AndChangesNothing()
    {
        var (stream, _) = await runner.CreateLiveStreamWithProductAsync(RunnerFixture.NewMerchantId());
        var connectionId = "forged-" + Guid.NewGuid().ToString("N");
        string?[] signatures = [null, "sha256=" + new string('0', 64), "sha256=" + Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("another key"), Encoding.UTF8.GetBytes(connectionId)))];

        foreach (var signature in signatures)
        {
            using var request = UpstreamRequest(connectionId, stream, "connected", signature);
            using var response = await runner.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // The service's own signature of another connection does not pass either.
        using var replayed = UpstreamRequest(connectionId, stream, "connected", Service.Sign("another-connection"));
        using var replayedResponse = await runner.Client.SendAsync(replayed);
        Assert.Equal(HttpStatusCode.Unauthorized, replayedResponse.StatusCode);
        Assert.Equal(0, await CountAsync(stream));
    }

    [Fact]
    public async Task Upstream_SignedEventOfAConnectionTheServiceDoesNotHave_IsAcceptedAndCountsNothing()
    {
        var (stream, _) = await runner.CreateLiveStreamWithProductAsync(RunnerFixture.NewMerchantId());
        var connectionId = "gone-" + Guid.NewGuid().ToString("N");

        using var request = UpstreamRequest(connectionId, stream, "connected", Service.Sign(connectionId));
        using var response = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await CountAsync(stream));
    }

    [Fact]
    public async Task ClientToken_ForgedOrForAnotherHub_IsRefusedByTheService()
    {
        var (stream, _) = await runner.CreateLiveStreamWithProductAsync(RunnerFixture.NewMerchantId());
        var good = await NegotiateAsync(stream, null);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Audience = Service.ClientUrl,
            Claims = new Dictionary<string, object> { ["asrs.s.uid"] = "intruder", [LiveClaims.Stream] = stream, [LiveClaims.Host] = "true" },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256),
        });

        foreach (var (url, token) in new[] { (good.Url, forged), (good.Url.Replace("hub=", "hub=other", StringComparison.Ordinal), good.AccessToken) })
        {
            await using var connection = new HubConnectionBuilder().WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();

            var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => connection.StartAsync());
            Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"Connecting answered {refused.StatusCode}.");
        }
    }

    [Fact]
    public async Task RestCall_TokenNotSignedWithTheAccessKey_IsRefusedByTheService()
    {
        var url = new Uri(new Uri(runner.App.Configuration[SettingNames.SignalREndpoint]! + "/"), "api/hubs/liveshop/groups/g/:send?api-version=2022-06-01");
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Audience = url.GetLeftPart(UriPartial.Path),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { target = "pinned", arguments = Array.Empty<object>() }) };
        request.Headers.Authorization = new("Bearer", forged);

        using var response = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DemoData_PinsAProductOfTheDemoStreamAtStartUp()
    {
        var services = runner.App.Services;
        var streamId = await DemoData.SeedAsync(
            services.GetRequiredService<Core.Catalog.CatalogService>(), services.GetRequiredService<StreamService>(),
            services.GetRequiredService<Core.Sales.FlashSaleService>(), services.GetRequiredService<Core.Live.ISaleScheduler>(),
            services.GetRequiredService<TimeProvider>(), CancellationToken.None);

        var view = (await runner.Client.GetFromJsonAsync<StreamView>(RunnerFixture.Url(Routes.Format(Routes.Stream, streamId)), ApiJson.Options))!;

        Assert.Equal(view.Showcase[0].Id, view.Pin!.ProductId);
    }

    private static TimeSpan FlashSaleServiceMinCountdown() => Core.Sales.FlashSaleService.MinCountdown + TimeSpan.FromMilliseconds(500);

    private static long Viewers(JsonElement message) => message.GetProperty("viewers").GetInt64();

    private static long Sequence(JsonElement message) => message.GetProperty("sequence").GetInt64();

    private static string? Text(JsonElement message, string property) => message.GetProperty(property).GetString();

    private Task<long> CountAsync(string streamId) =>
        runner.App.Services.GetRequiredService<ILiveStore>().CountViewersAsync(streamId, runner.Clock.GetUtcNow(), CancellationToken.None);

    private async Task<LiveClientAccess> NegotiateAsync(string streamId, string? token)
    {
        using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamNegotiate, streamId), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "A negotiate answer is personal.");
        return (await response.Content.ReadFromJsonAsync<LiveClientAccess>(ApiJson.Options))!;
    }

    private async Task SendOkAsync(HttpMethod method, string route, string token, object? body = null)
    {
        using var response = await runner.SendAsync(method, route, token, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {route} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static HttpRequestMessage UpstreamRequest(string connectionId, string streamId, string name, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, RunnerFixture.Url(Routes.LiveUpstream)) { Content = new StringContent("""{"type":10}""", Encoding.UTF8, "application/json") };
        request.Headers.Add(LiveFunctions.ConnectionIdHeader, connectionId);
        request.Headers.Add(LiveFunctions.CategoryHeader, "connections");
        request.Headers.Add(LiveFunctions.EventHeader, name);
        request.Headers.Add(LiveFunctions.UserClaimsHeader, $"{LiveClaims.Stream}: {streamId}, {LiveClaims.Host}: false");
        if (signature is not null)
        {
            request.Headers.Add(LiveFunctions.SignatureHeader, signature);
        }

        return request;
    }

    /// <summary>Waits for a condition the stand-in reaches on its own (a dropped client noticed), with a generous timeout.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(LiveClient.Timeout);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
