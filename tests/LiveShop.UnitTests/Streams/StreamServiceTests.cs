using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Streams;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Streams;

public class StreamServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    public static TheoryData<Caller> NotAMerchant => new() { Callers.Viewer(), Callers.Ops() };

    [Fact]
    public async Task CreateAsync_ByMerchant_StoresScheduledStreamWithEmptyShowcase()
    {
        var shop = new Shop();

        var created = await shop.Streams.CreateAsync(Callers.Merchant(), new StreamInputBuilder(shop.Clock.GetUtcNow()).InMarket("uk").Build(), None);

        var stored = await shop.Streams.GetAsync(created.Value.Id, None);
        Assert.Equal(StreamStatus.Scheduled, stored.Value.Status);
        Assert.Equal(Shop.MerchantId, stored.Value.MerchantId);
        Assert.Equal("uk", stored.Value.Market);
        Assert.Empty(stored.Value.Showcase);
        Assert.StartsWith("str_", stored.Value.Id, StringComparison.Ordinal);
        shop.Events.Verify(e => e.StreamChangedAsync(It.Is<LiveStream>(s => s.Id == created.Value.Id), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [MemberData(nameof(NotAMerchant))]
    public async Task CreateAsync_ByNonMerchant_IsForbidden(Caller caller)
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Streams.CreateAsync(caller, new StreamInputBuilder(shop.Clock.GetUtcNow()).Build(), None));

        shop.Events.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CreateAsync_MarketNotServedHere_ThrowsUnprocessable()
    {
        var shop = new Shop(servedMarkets: "uk");

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Streams.CreateAsync(Callers.Merchant(), new StreamInputBuilder(shop.Clock.GetUtcNow()).InMarket("us").Build(), None));
    }

    [Theory]
    [InlineData(-25)] // more than a day ago
    [InlineData(24 * 366)] // more than a year ahead
    public async Task CreateAsync_StartTooFarFromNow_NamesScheduledStart(int hoursFromNow)
    {
        var shop = new Shop();
        var input = new StreamInputBuilder(shop.Clock.GetUtcNow()).StartingAt(shop.Clock.GetUtcNow().AddHours(hoursFromNow)).Build();

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.Streams.CreateAsync(Callers.Merchant(), input, None));

        Assert.Contains("scheduledStart", error.Errors!.Keys);
    }

    [Theory]
    [InlineData(-23)]
    [InlineData(24 * 364)]
    public async Task CreateAsync_StartWithinTheWindow_IsAccepted(int hoursFromNow)
    {
        var shop = new Shop();
        var start = shop.Clock.GetUtcNow().AddHours(hoursFromNow);

        var created = await shop.Streams.CreateAsync(Callers.Merchant(), new StreamInputBuilder(shop.Clock.GetUtcNow()).StartingAt(start).Build(), None);

        Assert.Equal(start, created.Value.ScheduledStart);
    }

    [Fact]
    public async Task CreateAsync_InvalidFields_NamesEachField()
    {
        var shop = new Shop();
        var input = new StreamInputBuilder(shop.Clock.GetUtcNow()).InMarket("xx").WithTitle(" ").WithPlaybackUrl("http://video.example.com").StartingAt(null).Build();

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.Streams.CreateAsync(Callers.Merchant(), input, None));

        Assert.Equal(["market", "playbackUrl", "scheduledStart", "title"], error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StartAsync_ScheduledStream_GoesLive()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        shop.Clock.Advance(TimeSpan.FromMinutes(30));

        var started = await shop.Streams.StartAsync(Callers.Merchant(), stream.Id, null, None);

        Assert.Equal(StreamStatus.Live, started.Value.Status);
        Assert.Equal(shop.Clock.GetUtcNow(), started.Value.StartedAt);
        Assert.Equal(StreamStatus.Live, (await shop.Streams.GetAsync(stream.Id, None)).Value.Status);
    }

    [Fact]
    public async Task StartAsync_AlreadyLive_ThrowsConflict()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        await shop.Streams.StartAsync(Callers.Merchant(), stream.Id, null, None);

        var error = await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.Streams.StartAsync(Callers.Merchant(), stream.Id, null, None));

        Assert.Equal("Stream already live", error.Title);
    }

    [Fact]
    public async Task StartAsync_EndedStream_ThrowsConflict()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        await shop.Streams.EndAsync(Callers.Merchant(), stream.Id, null, None);

        var error = await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.Streams.StartAsync(Callers.Merchant(), stream.Id, null, None));

        Assert.Equal("Stream ended", error.Title);
        Assert.Equal(StreamStatus.Ended, (await shop.Streams.GetAsync(stream.Id, None)).Value.Status);
    }

    [Fact]
    public async Task EndAsync_LiveStream_Ends()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        await shop.Streams.StartAsync(Callers.Merchant(), stream.Id, null, None);
        shop.Clock.Advance(TimeSpan.FromHours(1));

        var ended = await shop.Streams.EndAsync(Callers.Merchant(), stream.Id, null, None);

        Assert.Equal(StreamStatus.Ended, ended.Value.Status);
        Assert.Equal(shop.Clock.GetUtcNow(), ended.Value.EndedAt);
    }

    [Fact]
    public async Task EndAsync_AlreadyEnded_ThrowsConflict()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        await shop.Streams.EndAsync(Callers.Merchant(), stream.Id, null, None);

        await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.Streams.EndAsync(Callers.Merchant(), stream.Id, null, None));
    }

    [Fact]
    public async Task StartAsync_WithStaleETag_ThrowsPreconditionFailed()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var read = await shop.Streams.GetAsync(stream.Id, None);
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput((await shop.CreateProductAsync()).Id, null), null, None);

        await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () => shop.Streams.StartAsync(Callers.Merchant(), stream.Id, read.ETag, None));
    }

    [Fact]
    public async Task StartAsync_ByOtherMerchant_IsForbiddenAndChangesNothing()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Streams.StartAsync(Callers.Merchant(Shop.OtherMerchantId), stream.Id, null, None));

        Assert.Equal(StreamStatus.Scheduled, (await shop.Streams.GetAsync(stream.Id, None)).Value.Status);
    }

    [Theory]
    [MemberData(nameof(NotAMerchant))]
    public async Task EndAsync_ByNonMerchant_IsForbidden(Caller caller)
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Streams.EndAsync(caller, stream.Id, null, None));
    }

    [Fact]
    public async Task AddToShowcaseAsync_OwnActiveProducts_AppendsInOrderAndTellsEvents()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var first = await shop.CreateProductAsync();
        var second = await shop.CreateProductAsync();
        shop.Events.Invocations.Clear();

        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(first.Id, null), null, None);
        var added = await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(second.Id, null), null, None);

        Assert.Equal([first.Id, second.Id], added.Value.Showcase);
        shop.Events.Verify(e => e.StreamChangedAsync(It.IsAny<LiveStream>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task AddToShowcaseAsync_AtPosition_InsertsThere()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var first = await shop.CreateProductAsync();
        var second = await shop.CreateProductAsync();
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(first.Id, null), null, None);

        var added = await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(second.Id, 0), null, None);

        Assert.Equal([second.Id, first.Id], added.Value.Showcase);
    }

    [Fact]
    public async Task AddToShowcaseAsync_OtherMerchantsProduct_ThrowsUnprocessable()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var foreign = await shop.CreateProductAsync(Shop.OtherMerchantId);

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(foreign.Id, null), null, None));

        Assert.Contains("productId", error.Errors!.Keys);
        Assert.Empty((await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task AddToShowcaseAsync_ArchivedProduct_ThrowsUnprocessable()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var archived = await shop.CreateArchivedProductAsync();

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(archived.Id, null), null, None));

        Assert.Empty((await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task AddToShowcaseAsync_ProductOfAnotherMarket_ThrowsUnprocessable()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync(market: "us");
        var ukProduct = await shop.CreateProductAsync(input: ProductInputBuilder.For("uk"));

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(ukProduct.Id, null), null, None));

        Assert.Empty((await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task AddToShowcaseAsync_ProductAlreadyThere_ThrowsConflict()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var product = await shop.CreateProductAsync();
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(product.Id, null), null, None);

        await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(product.Id, null), null, None));

        Assert.Equal([product.Id], (await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task AddToShowcaseAsync_ToAFullShowcase_ThrowsUnprocessable()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var ids = new List<string>();
        for (var i = 0; i < LiveStream.MaxShowcase + 1; i++)
        {
            ids.Add((await shop.CreateProductAsync()).Id);
        }

        var read = await shop.Streams.GetAsync(stream.Id, None);
        await shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput(ids[..LiveStream.MaxShowcase]), read.ETag, None);

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(ids[^1], null), null, None));

        Assert.Equal("Showcase full", error.Title);
        Assert.Equal(LiveStream.MaxShowcase, (await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase.Count);
    }

    [Fact]
    public async Task ReplaceShowcaseAsync_MoreThanTheMaximum_ThrowsValidationNamingProductIds()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var read = await shop.Streams.GetAsync(stream.Id, None);
        var ids = Enumerable.Range(0, LiveStream.MaxShowcase + 1).Select(i => $"prd_{i}").ToList();

        var error = await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput(ids), read.ETag, None));

        Assert.Contains("productIds", error.Errors!.Keys);
    }

    [Fact]
    public async Task AddToShowcaseAsync_ToAnEndedStream_ThrowsConflict()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var product = await shop.CreateProductAsync();
        await shop.Streams.EndAsync(Callers.Merchant(), stream.Id, null, None);

        await Problem.ThrowsAsync(ErrorKind.Conflict, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(product.Id, null), null, None));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("bad id", null)]
    [InlineData("prd_1", -1)]
    [InlineData("prd_1", LiveStream.MaxShowcase + 1)]
    public async Task AddToShowcaseAsync_InvalidInput_ThrowsValidation(string? productId, int? position)
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();

        await Problem.ThrowsAsync(ErrorKind.Validation, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(productId, position), null, None));
    }

    [Fact]
    public async Task AddToShowcaseAsync_ByOtherMerchant_IsForbidden()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var theirs = await shop.CreateProductAsync(Shop.OtherMerchantId);

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Streams.AddToShowcaseAsync(Callers.Merchant(Shop.OtherMerchantId), stream.Id, new ShowcaseAddInput(theirs.Id, null), null, None));

        Assert.Empty((await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task RemoveFromShowcaseAsync_ProductInShowcase_RemovesIt()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var keep = await shop.CreateProductAsync();
        var drop = await shop.CreateProductAsync();
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(keep.Id, null), null, None);
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(drop.Id, null), null, None);

        var removed = await shop.Streams.RemoveFromShowcaseAsync(Callers.Merchant(), stream.Id, drop.Id, null, None);

        Assert.Equal([keep.Id], removed.Value.Showcase);
    }

    [Fact]
    public async Task RemoveFromShowcaseAsync_ProductNotInShowcase_ThrowsNotFound()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Streams.RemoveFromShowcaseAsync(Callers.Merchant(), stream.Id, "prd_absent", null, None));
    }

    [Fact]
    public async Task RemoveFromShowcaseAsync_ByOtherMerchant_IsForbidden()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var product = await shop.CreateProductAsync();
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(product.Id, null), null, None);

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Streams.RemoveFromShowcaseAsync(Callers.Merchant(Shop.OtherMerchantId), stream.Id, product.Id, null, None));

        Assert.Equal([product.Id], (await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task ReplaceShowcaseAsync_WithETag_SetsTheOrder()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var a = await shop.CreateProductAsync();
        var b = await shop.CreateProductAsync();
        var read = await shop.Streams.GetAsync(stream.Id, None);

        var replaced = await shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput([b.Id, a.Id]), read.ETag, None);

        Assert.Equal([b.Id, a.Id], replaced.Value.Showcase);
        Assert.Equal([b.Id, a.Id], (await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task ReplaceShowcaseAsync_WithoutIfMatch_ThrowsPreconditionRequired(string? ifMatch)
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var product = await shop.CreateProductAsync();

        await Problem.ThrowsAsync(ErrorKind.PreconditionRequired, () => shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput([product.Id]), ifMatch, None));

        Assert.Empty((await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task ReplaceShowcaseAsync_WithStaleETag_ThrowsPreconditionFailed()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var a = await shop.CreateProductAsync();
        var b = await shop.CreateProductAsync();
        var read = await shop.Streams.GetAsync(stream.Id, None);
        await shop.Streams.AddToShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseAddInput(a.Id, null), null, None);

        await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () => shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput([b.Id]), read.ETag, None));

        Assert.Equal([a.Id], (await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task ReplaceShowcaseAsync_WithUnshowcasableProducts_NamesEachOne()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync(market: "us");
        var ok = await shop.CreateProductAsync();
        var archived = await shop.CreateArchivedProductAsync();
        var foreign = await shop.CreateProductAsync(Shop.OtherMerchantId);
        var uk = await shop.CreateProductAsync(input: ProductInputBuilder.For("uk"));
        var read = await shop.Streams.GetAsync(stream.Id, None);

        var error = await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput([ok.Id, archived.Id, foreign.Id, uk.Id]), read.ETag, None));

        Assert.Equal(["productIds[1]", "productIds[2]", "productIds[3]"], error.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Empty((await shop.Streams.GetAsync(stream.Id, None)).Value.Showcase);
    }

    [Fact]
    public async Task ReplaceShowcaseAsync_DuplicateIds_ThrowsUnprocessable()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var product = await shop.CreateProductAsync();
        var read = await shop.Streams.GetAsync(stream.Id, None);

        await Problem.ThrowsAsync(ErrorKind.Unprocessable, () => shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput([product.Id, product.Id]), read.ETag, None));
    }

    [Fact]
    public async Task ReplaceShowcaseAsync_ByOtherMerchant_IsForbidden()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var read = await shop.Streams.GetAsync(stream.Id, None);

        await Problem.ThrowsAsync(ErrorKind.Forbidden, () => shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(Shop.OtherMerchantId), stream.Id, new ShowcaseInput([]), read.ETag, None));

        Assert.Equal(read.ETag, (await shop.Streams.GetAsync(stream.Id, None)).ETag);
    }

    [Fact]
    public async Task GetViewAsync_ShowcaseInStreamOrder_WithoutArchivedProducts()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();
        var a = await shop.CreateProductAsync(input: new ProductInputBuilder().WithTitle("A"));
        var b = await shop.CreateProductAsync(input: new ProductInputBuilder().WithTitle("B"));
        var c = await shop.CreateProductAsync(input: new ProductInputBuilder().WithTitle("C"));
        var read = await shop.Streams.GetAsync(stream.Id, None);
        await shop.Streams.ReplaceShowcaseAsync(Callers.Merchant(), stream.Id, new ShowcaseInput([c.Id, a.Id, b.Id]), read.ETag, None);
        await shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, a.Id, null, None);

        var view = await shop.Streams.GetViewAsync(stream.Id, None);

        Assert.Equal(["C", "B"], view.Showcase.Select(p => p.Title));
        Assert.Equal(stream.Id, view.Id);
        Assert.Equal("scheduled", view.Status);
    }

    [Fact]
    public async Task GetViewAsync_EmptyShowcase_ReturnsTheStream()
    {
        var shop = new Shop();
        var stream = await shop.CreateStreamAsync();

        var view = await shop.Streams.GetViewAsync(stream.Id, None);

        Assert.Empty(view.Showcase);
        Assert.Equal(stream.Title, view.Title);
    }

    [Theory]
    [InlineData("str_missing")]
    [InlineData("bad id")]
    public async Task GetViewAsync_UnknownStream_ThrowsNotFound(string streamId)
    {
        var shop = new Shop();

        await Problem.ThrowsAsync(ErrorKind.NotFound, () => shop.Streams.GetViewAsync(streamId, None));
    }
}
