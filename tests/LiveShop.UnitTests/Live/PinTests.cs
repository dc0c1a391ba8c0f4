using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Live;
using LiveShop.Core.Streams;
using LiveShop.UnitTests.Builders;
using Moq;

namespace LiveShop.UnitTests.Live;

public sealed class PinTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Shop _shop = new();

    [Fact]
    public async Task PinAsync_ShowcaseProductOfALiveStream_PinsItTellsTheLiveLayerAndNumbersTheEvent()
    {
        var product = await _shop.CreateProductAsync();
        var stream = await _shop.CreateLiveStreamAsync("us", product);

        var pinned = (await _shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, "sku-1"), null, None)).Value;

        Assert.Equal((product.Id, "sku-1", _shop.Clock.GetUtcNow()), (pinned.Pin!.ProductId, pinned.Pin.SkuId, pinned.Pin.PinnedAt));
        Assert.Equal(new PinEvent(1, PinActions.Pinned, product.Id, "sku-1", _shop.Clock.GetUtcNow(), null), pinned.LastPinEvent);
        _shop.Live.Verify(l => l.PinChangedAsync(It.Is<LiveStream>(s => s.Pin!.ProductId == product.Id), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(product.Id, (await _shop.Streams.GetViewAsync(stream.Id, None)).Pin!.ProductId);
    }

    [Fact]
    public async Task PinAsync_AnotherProduct_ReplacesThePinAsOneNewEntry()
    {
        var first = await _shop.CreateProductAsync();
        var second = await _shop.CreateProductAsync();
        var stream = await _shop.CreateLiveStreamAsync("us", first, second);
        await _shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(first.Id, null), null, None);

        var replaced = (await _shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(second.Id, null), null, None)).Value;

        Assert.Equal((second.Id, 2L, PinActions.Pinned), (replaced.Pin!.ProductId, replaced.LastPinEvent!.Revision, replaced.LastPinEvent.Action));
        var history = await _shop.Streams.PinHistoryAsync(stream.Id, null, null, None);
        Assert.Equal([(2L, second.Id), (1L, first.Id)], history.Items.Select(e => (e.Revision, e.ProductId)));
    }

    [Fact]
    public async Task PinAsync_SamePinAgain_WritesNothing()
    {
        var product = await _shop.CreateProductAsync();
        var stream = await _shop.CreateLiveStreamAsync("us", product);
        var first = await _shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, null), null, None);

        var again = await _shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, null), null, None);

        Assert.Equal(first.ETag, again.ETag);
        _shop.Live.Verify(l => l.PinChangedAsync(It.IsAny<LiveStream>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task PinAsync_RefusedCases_AnswerTheirProblemAndWriteNothing()
    {
        var product = await _shop.CreateProductAsync();
        var other = await _shop.CreateProductAsync();
        var live = await _shop.CreateLiveStreamAsync("us", product);
        var scheduled = await _shop.CreateStreamAsync();
        await _shop.Streams.AddToShowcaseAsync(Callers.Merchant(), scheduled.Id, new ShowcaseAddInput(product.Id, null), null, None);
        var stored = (await _shop.StreamStore.ReadAsync(live.Id, live.Id, None))!.ETag;

        var notLive = await Assert.ThrowsAsync<LiveShopException>(() => _shop.Streams.PinAsync(Callers.Merchant(), scheduled.Id, new PinInput(product.Id, null), null, None));
        var notShown = await Assert.ThrowsAsync<LiveShopException>(() => _shop.Streams.PinAsync(Callers.Merchant(), live.Id, new PinInput(other.Id, null), null, None));
        var noSku = await Assert.ThrowsAsync<LiveShopException>(() => _shop.Streams.PinAsync(Callers.Merchant(), live.Id, new PinInput(product.Id, "sku-x"), null, None));
        var notOwner = await Assert.ThrowsAsync<LiveShopException>(() => _shop.Streams.PinAsync(Callers.Merchant(Shop.OtherMerchantId), live.Id, new PinInput(product.Id, null), null, None));
        var stale = await Assert.ThrowsAsync<LiveShopException>(() => _shop.Streams.PinAsync(Callers.Merchant(), live.Id, new PinInput(product.Id, null), "\"stale\"", None));
        var invalid = await Assert.ThrowsAsync<LiveShopException>(() => _shop.Streams.PinAsync(Callers.Merchant(), live.Id, new PinInput(null, "a/b"), null, None));

        Assert.Equal(ErrorKind.Conflict, notLive.Kind);
        Assert.Equal((ErrorKind.Unprocessable, ErrorKind.Unprocessable), (notShown.Kind, noSku.Kind));
        Assert.Equal(ErrorKind.Forbidden, notOwner.Kind);
        Assert.Equal(ErrorKind.PreconditionFailed, stale.Kind);
        Assert.Equal(ErrorKind.Validation, invalid.Kind);
        Assert.Equal(stored, (await _shop.StreamStore.ReadAsync(live.Id, live.Id, None))!.ETag);
        _shop.Live.Verify(l => l.PinChangedAsync(It.IsAny<LiveStream>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task PinnedProduct_RemovedFromShowcaseArchivedOrStreamEnded_IsUnpinnedWithTheReason()
    {
        var removed = await _shop.CreateProductAsync();
        var archived = await _shop.CreateProductAsync();
        var ending = await _shop.CreateProductAsync();
        var first = await _shop.CreateLiveStreamAsync("us", removed);
        var second = await _shop.CreateLiveStreamAsync("us", archived);
        var third = await _shop.CreateLiveStreamAsync("us", ending);
        foreach (var (stream, product) in new[] { (first, removed), (second, archived), (third, ending) })
        {
            await _shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, null), null, None);
        }

        await _shop.Streams.RemoveFromShowcaseAsync(Callers.Merchant(), first.Id, removed.Id, null, None);
        await _shop.Catalog.ArchiveAsync(Callers.Merchant(), Shop.MerchantId, archived.Id, null, None);
        await _shop.Streams.EndAsync(Callers.Merchant(), third.Id, null, None);

        foreach (var (stream, reason) in new[] { (first, UnpinReasons.RemovedFromShowcase), (second, UnpinReasons.ProductArchived), (third, UnpinReasons.StreamEnded) })
        {
            var stored = (await _shop.StreamStore.ReadAsync(stream.Id, stream.Id, None))!.Value;
            Assert.Null(stored.Pin);
            Assert.Equal((2L, PinActions.Unpinned, reason), (stored.LastPinEvent!.Revision, stored.LastPinEvent.Action, stored.LastPinEvent.Reason));
        }

        _shop.Live.Verify(l => l.PinChangedAsync(It.Is<LiveStream>(s => s.Pin == null), It.IsAny<CancellationToken>()), Times.Exactly(3));
        _shop.Live.Verify(l => l.StreamStateChangedAsync(It.Is<LiveStream>(s => s.Status == StreamStatus.Ended), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task UnpinAsync_NothingPinned_WritesNothing()
    {
        var product = await _shop.CreateProductAsync();
        var stream = await _shop.CreateLiveStreamAsync("us", product);
        var before = (await _shop.StreamStore.ReadAsync(stream.Id, stream.Id, None))!.ETag;

        var after = await _shop.Streams.UnpinAsync(Callers.Merchant(), stream.Id, null, None);

        Assert.Equal(before, after.ETag);
        _shop.Live.Verify(l => l.PinChangedAsync(It.IsAny<LiveStream>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task PinHistoryAsync_AnEntryWhoseWriteWasLost_IsCompletedFromTheStream()
    {
        var product = await _shop.CreateProductAsync();
        var stream = await _shop.CreateLiveStreamAsync("us", product);

        // The live layer is a mock here, so only the stream write happens: its history entry was never written.
        await _shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new PinInput(product.Id, null), null, None);
        Assert.Empty(await _shop.LiveStore.PinEventsAsync(stream.Id, null, 10, None));

        var history = await _shop.Streams.PinHistoryAsync(stream.Id, null, null, None);

        Assert.Equal((1L, product.Id), (Assert.Single(history.Items).Revision, history.Items[0].ProductId));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(101, null)]
    [InlineData(null, "x")]
    [InlineData(null, "0")]
    public async Task PinHistoryAsync_BadPageSizeOrToken_IsRefused(int? pageSize, string? token)
    {
        var stream = await _shop.CreateStreamAsync();

        var refused = await Assert.ThrowsAsync<LiveShopException>(() => _shop.Streams.PinHistoryAsync(stream.Id, pageSize, token, None));

        Assert.True(refused.Kind is ErrorKind.Validation or ErrorKind.BadRequest);
    }
}
