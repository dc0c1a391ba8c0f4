using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Live;
using LiveShop.Core.Markets;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Sales;

/// <summary>
/// Merchants put SKUs of a live stream's showcase on flash sale (within TikTok Shop's LIVE Flash Sale bounds) and can
/// cancel them; anyone reads a stream's sales with their state. A sale is stored in its product's document, written
/// under the product's ETag, so two sales of one SKU can never overlap. A new sale is announced to the stream's viewers
/// (its countdown) and scheduled to be announced at its start and end; a cancelled one is announced at once.
/// </summary>
public sealed class FlashSaleService(
    StreamService streams, IProductStore products, StockLedger stock, ICatalogEvents events, ILiveEvents live, TimeProvider clock)
{
    public static readonly TimeSpan MinCountdown = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxCountdown = TimeSpan.FromSeconds(300);
    public const int MinDurationSeconds = 60;
    public const int MaxDurationSeconds = 1200;
    public const long MaxAllotment = 1_000_000;

    /// <summary>Ended sales kept in a product's document (the oldest go first; orders keep the prices they paid).</summary>
    public const int EndedSalesKept = 20;

    /// <param name="scheduler">Schedules the sale's start and end notices (the host's durable client, which the Functions
    /// host gives a function as a binding, not as a service).</param>
    public async Task<FlashSaleView> CreateAsync(Caller caller, string streamId, FlashSaleInput? input, ISaleScheduler scheduler, CancellationToken ct)
    {
        var merchantId = Authorize.Merchant(caller);
        var now = clock.GetUtcNow();
        var valid = Validate(input, now);
        var stream = (await streams.GetAsync(streamId, ct)).Value;
        Authorize.MerchantOwns(caller, stream.MerchantId);
        if (stream.Status != StreamStatus.Live)
        {
            throw LiveShopException.Conflict("Stream not live", $"Flash sales run in live streams; stream '{streamId}' is {stream.Status.ToString().ToLowerInvariant()}.");
        }

        if (!stream.Showcase.Contains(valid.ProductId, StringComparer.Ordinal))
        {
            throw Unacceptable("productId", $"Product '{valid.ProductId}' is not in the showcase of stream '{streamId}'.");
        }

        var market = MarketRegistry.Get(stream.Market);
        if (valid.DealPrice.Currency != market.Currency.Code)
        {
            throw Unacceptable("dealPrice.currency", $"must be {market.Currency.Code}, the currency of market '{market.Code}' (it is {valid.DealPrice.Currency}).");
        }

        var sale = new FlashSale(
            Ids.New("fls", clock), streamId, valid.SkuId, new Money.Money(valid.DealPrice.MinorUnits ?? 0, market.Currency),
            valid.Allotment, valid.PerCustomerLimit, valid.StartsAt, valid.StartsAt.AddSeconds(valid.DurationSeconds), now, null);
        var stored = await products.UpdateAsync(events, merchantId, valid.ProductId, null, product =>
        {
            var sku = product.FindSku(valid.SkuId) ?? throw Unacceptable("skuId", $"Product '{product.Id}' has no SKU '{valid.SkuId}'.");
            if (product.IsArchived)
            {
                throw Unacceptable("productId", $"Product '{product.Id}' is archived.");
            }

            if (sale.DealPrice.CompareTo(sku.Price) >= 0)
            {
                throw Unacceptable("dealPrice.minorUnits", $"must be below the SKU's regular price of {sku.Price.MinorUnits} (it is {sale.DealPrice.MinorUnits}).");
            }

            if (product.Sales.FirstOrDefault(s => s.SkuId == sku.Id && s.Overlaps(sale.StartsAt, sale.EndsAt)) is { } other)
            {
                throw LiveShopException.Conflict("Sale overlaps", $"SKU '{sku.Id}' already has flash sale '{other.Id}' from {other.StartsAt:O} to {other.EndsAt:O}; cancel it or start after it.");
            }

            return product with { Sales = Keep([.. product.Sales, sale], now), UpdatedAt = now };
        }, () => NotAProductOf(merchantId, valid.ProductId), ct);
        await live.SalePhaseChangedAsync(stored.Value, sale, ct);
        await scheduler.ScheduleAsync(new SaleSchedule(merchantId, stored.Value.Id, sale.Id), ct);
        return await ViewAsync(stored, sale.Id, ct);
    }

    /// <summary>Ends a sale now (a sale already over stays as it was). Repeating it is harmless.</summary>
    public async Task<FlashSaleView> CancelAsync(Caller caller, string merchantId, string productId, string saleId, CancellationToken ct)
    {
        Authorize.MerchantOwns(caller, merchantId);
        Identifiers.EnsureRouteId("Product", productId);
        Identifiers.EnsureRouteId("Flash sale", saleId);
        var cancelled = false;
        var stored = await products.UpdateAsync(events, merchantId, productId, null, product =>
        {
            var now = clock.GetUtcNow();
            var sale = product.Sales.FirstOrDefault(s => s.Id == saleId) ?? throw LiveShopException.NotFound("Flash sale", saleId);
            if (sale.PhaseAt(now) == FlashSalePhase.Ended)
            {
                return null;
            }

            cancelled = true;
            return product with
            {
                Sales = product.Sales.Select(s => s.Id == saleId ? s with { CancelledAt = now } : s).ToList(),
                UpdatedAt = now,
            };
        }, () => LiveShopException.NotFound("Product", productId), ct);
        if (cancelled)
        {
            await live.SalePhaseChangedAsync(stored.Value, stored.Value.Sales.Single(s => s.Id == saleId), ct);
        }

        return await ViewAsync(stored, saleId, ct);
    }

    /// <summary>
    /// Ends a live stream and every flash sale of it that has not ended: a sale never sells at its deal price after its
    /// stream (each is cancelled, so its units go back to regular stock and viewers see it end). A repeat of the end
    /// (after a failure between the stream's end and its sales') ends what is left, then answers 409 as before.
    /// </summary>
    public async Task<Versioned<LiveStream>> EndStreamAsync(Caller caller, string streamId, string? ifMatch, CancellationToken ct)
    {
        Versioned<LiveStream> ended;
        try
        {
            ended = await streams.EndAsync(caller, streamId, ifMatch, ct);
        }
        catch (LiveShopException e) when (e.Kind == ErrorKind.Conflict)
        {
            var current = await streams.GetAsync(streamId, ct);
            if (current.Value.Status == StreamStatus.Ended)
            {
                await EndSalesOfAsync(caller, current.Value, ct);
            }

            throw;
        }

        await EndSalesOfAsync(caller, ended.Value, ct);
        return ended;
    }

    private async Task EndSalesOfAsync(Caller caller, LiveStream stream, CancellationToken ct)
    {
        if (stream.Showcase.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var product in await products.ReadManyAsync(stream.MerchantId, stream.Showcase, ct))
        {
            foreach (var sale in product.Value.Sales.Where(s => s.StreamId == stream.Id && s.PhaseAt(now) != FlashSalePhase.Ended))
            {
                await CancelAsync(caller, stream.MerchantId, product.Value.Id, sale.Id, ct);
            }
        }
    }

    /// <summary>The flash sales of a stream's showcase products, with their state now. Reads the stream, its products and their stock.</summary>
    public async Task<StreamSalesView> ListAsync(string streamId, CancellationToken ct)
    {
        var stream = (await streams.GetAsync(streamId, ct)).Value;
        var showcase = stream.Showcase.Count == 0 ? [] : await products.ReadManyAsync(stream.MerchantId, stream.Showcase, ct);
        var sales = showcase.Select(p => p.Value)
            .SelectMany(p => p.Sales.Where(s => s.StreamId == streamId).Select(s => (Product: p, Sale: s)))
            .Where(x => x.Product.FindSku(x.Sale.SkuId) is not null)
            .ToList();
        var levels = await stock.LevelsAsync(sales.Select(x => (x.Product, x.Product.FindSku(x.Sale.SkuId)!)).DistinctBy(x => (x.Item1.Id, x.Item2.Id)).ToList(), ct);
        var now = clock.GetUtcNow();
        return new StreamSalesView(
            streamId,
            now,
            sales.OrderBy(x => x.Sale.StartsAt)
                .Select(x => FlashSaleView.From(x.Product, x.Sale, levels[SkuRef.Of(x.Product, x.Product.FindSku(x.Sale.SkuId)!)], now))
                .ToList());
    }

    private async Task<FlashSaleView> ViewAsync(Versioned<Product> stored, string saleId, CancellationToken ct)
    {
        var product = stored.Value;
        var sale = product.Sales.Single(s => s.Id == saleId);
        if (product.FindSku(sale.SkuId) is not { } sku)
        {
            // The SKU was removed from the product since: the sale can sell nothing, and there is no stock to read.
            return FlashSaleView.From(product, sale, new StockLevel(0, 0, 0, 0, sale.Id), clock.GetUtcNow());
        }

        var levels = await stock.LevelsAsync([(product, sku)], ct);
        return FlashSaleView.From(product, sale, levels[SkuRef.Of(product, sku)], clock.GetUtcNow());
    }

    /// <summary>Every sale not over, and the newest <see cref="EndedSalesKept"/> of those that are.</summary>
    private static List<FlashSale> Keep(IReadOnlyList<FlashSale> sales, DateTimeOffset now)
    {
        var ended = sales.Where(s => s.PhaseAt(now) == FlashSalePhase.Ended).TakeLast(EndedSalesKept).ToHashSet();
        return sales.Where(s => s.PhaseAt(now) != FlashSalePhase.Ended || ended.Contains(s)).ToList();
    }

    private static LiveShopException NotAProductOf(string merchantId, string productId) =>
        Unacceptable("productId", $"Product '{productId}' is not a product of merchant '{merchantId}'.");

    private static LiveShopException Unacceptable(string field, string message) =>
        LiveShopException.UnprocessableField("Flash sale not possible", field, message);

    private static ValidSale Validate(FlashSaleInput? input, DateTimeOffset now)
    {
        var v = new Validator();
        var productId = v.Identifier("productId", input?.ProductId);
        var skuId = v.Identifier("skuId", input?.SkuId);
        if (input?.DealPrice is not { } price)
        {
            v.Add("dealPrice", "is required.");
            price = new MoneyInput(null, null);
        }
        else
        {
            v.Range("dealPrice.minorUnits", price.MinorUnits, 1, ProductRules.MaxPriceMinorUnits);
            if (price.Currency is null)
            {
                v.Add("dealPrice.currency", "is required.");
            }
        }

        v.Range("allotment", input?.Allotment, 1, MaxAllotment);
        v.Range("perCustomerLimit", input?.PerCustomerLimit, 1, Math.Min(input?.Allotment is > 0 and var a ? a : MaxAllotment, Carts.Cart.MaxQuantityPerLine));
        v.Range("durationSeconds", input?.DurationSeconds, MinDurationSeconds, MaxDurationSeconds);
        if (input?.StartsAt is not { } startsAt)
        {
            v.Add("startsAt", "is required (an ISO 8601 date and time with offset, 10 to 300 seconds from now).");
            startsAt = default;
        }
        else if (startsAt < now + MinCountdown || startsAt > now + MaxCountdown)
        {
            v.Add("startsAt", $"must be {MinCountdown.TotalSeconds:0} to {MaxCountdown.TotalSeconds:0} seconds from now ({now:O}); it is {(startsAt - now).TotalSeconds:0.#} seconds away.");
        }

        v.ThrowIfInvalid();
        return new ValidSale(productId, skuId, price, input!.Allotment!.Value, input.PerCustomerLimit!.Value, startsAt, input.DurationSeconds!.Value);
    }

    private sealed record ValidSale(string ProductId, string SkuId, MoneyInput DealPrice, long Allotment, int PerCustomerLimit, DateTimeOffset StartsAt, int DurationSeconds);
}
