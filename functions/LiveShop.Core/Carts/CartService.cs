using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Markets;
using LiveShop.Core.Pricing;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Carts;

/// <summary>
/// Shoppers' carts: one per shopper and market. The cart holds no stock (first paid, first served) but is priced
/// afresh on every read. Every change is an ETag-conditional write, re-read and re-applied on a lost race, so two
/// devices editing one cart lose nothing.
/// </summary>
public sealed class CartService(
    ICartStore carts, IProductStore products, StockLedger stock, SaleClaims claims, ServedMarkets markets, CartSettings settings, TimeProvider clock)
{
    public async Task<CartView> GetAsync(CartOwner owner, string market, CancellationToken ct)
    {
        var m = MarketOf(market);
        var stored = await carts.ReadAsync(owner.Key, m.Code, ct);
        return await ViewAsync(owner, m, stored, ct);
    }

    /// <summary>
    /// Adds units of a SKU to the cart (to its line if there is one). Reads the product and the cart, writes the cart.
    /// A line is from the stream its latest add named: an add that names a stream moves the line to it (the viewer buys
    /// from there now, so that stream's flash sale, and only it, prices and limits the whole line); an add that names
    /// none keeps the line's stream.
    /// </summary>
    public async Task<CartChange> AddAsync(CartOwner owner, string market, AddCartLineInput? input, string? ifMatch, CancellationToken ct)
    {
        var m = MarketOf(market);
        var v = new Validator();
        var merchantId = v.Identifier("merchantId", input?.MerchantId);
        var productId = v.Identifier("productId", input?.ProductId);
        var skuId = v.Identifier("skuId", input?.SkuId);
        v.Range("quantity", input?.Quantity, 1, Cart.MaxQuantityPerLine);
        v.OptionalIdentifier("streamId", input?.StreamId);

        v.ThrowIfInvalid();
        var (product, sku) = await SellableAsync(merchantId, productId, skuId, m, ct);
        var quantity = input!.Quantity!.Value;
        var lineId = CartLine.IdFor(SkuRef.Of(product, sku));
        var stored = await UpdateAsync(owner, m, ifMatch, (cart, now) =>
        {
            var line = cart.Find(lineId);
            if (line is null && cart.Lines.Count >= Cart.MaxLines)
            {
                throw LiveShopException.Unprocessable("Cart full", $"A cart holds at most {Cart.MaxLines} lines; remove one first.");
            }

            var total = (line?.Quantity ?? 0) + quantity;
            var streamId = input.StreamId ?? line?.StreamId;
            EnsureWithinLimits(product, sku, streamId, total, cart, now);
            var added = line ?? new CartLine(
                lineId, product.MerchantId, product.Id, sku.Id, 0, streamId,
                PriceBook.Line(product, sku, streamId, total, now, null, OpenSaleOf(cart, product, sku, streamId, now).Bought).Unit, now);
            return cart with { Lines = Replace(cart.Lines, added with { Quantity = total, StreamId = streamId }) };
        }, ct);
        return CartChange.Of(stored, lineId);
    }

    /// <summary>Sets a line's quantity. Reads the cart and the line's product, writes the cart.</summary>
    public async Task<CartChange> SetQuantityAsync(CartOwner owner, string market, string lineId, CartQuantityInput? input, string? ifMatch, CancellationToken ct)
    {
        var m = MarketOf(market);
        Identifiers.EnsureRouteId("Cart line", lineId);
        var v = new Validator();
        v.Range("quantity", input?.Quantity, 1, Cart.MaxQuantityPerLine);
        v.ThrowIfInvalid();
        var quantity = input!.Quantity!.Value;

        var current = await ReadOrEmptyAsync(owner, m, ct);
        var line = current.Value.Find(lineId) ?? throw LiveShopException.NotFound("Cart line", lineId);
        var product = (await products.ReadAsync(line.MerchantId, line.ProductId, ct))?.Value;
        var stored = await UpdateAsync(owner, m, ifMatch, (cart, now) =>
        {
            var found = cart.Find(lineId) ?? throw LiveShopException.NotFound("Cart line", lineId);
            if (found.Quantity == quantity)
            {
                return null;
            }

            if (quantity > found.Quantity)
            {
                if (product is not { IsArchived: false } || product.FindSku(found.SkuId) is not { } sku)
                {
                    throw LiveShopException.Unprocessable("Cannot add to cart", $"Line '{lineId}' is of a product that can no longer be bought; lower its quantity or remove it.");
                }

                EnsureWithinLimits(product, sku, found.StreamId, quantity, cart, now);
            }

            return cart with { Lines = Replace(cart.Lines, found with { Quantity = quantity }) };
        }, ct, current);
        return CartChange.Of(stored, lineId);
    }

    public async Task<CartChange> RemoveAsync(CartOwner owner, string market, string lineId, string? ifMatch, CancellationToken ct)
    {
        var m = MarketOf(market);
        Identifiers.EnsureRouteId("Cart line", lineId);
        var stored = await UpdateAsync(owner, m, ifMatch, (cart, _) =>
            cart.Find(lineId) is null
                ? throw LiveShopException.NotFound("Cart line", lineId)
                : cart with { Lines = cart.Lines.Where(l => l.LineId != lineId).ToList() }, ct);
        return CartChange.Of(stored, null);
    }

    public async Task<CartChange> ClearAsync(CartOwner owner, string market, string? ifMatch, CancellationToken ct)
    {
        var m = MarketOf(market);
        var stored = await UpdateAsync(owner, m, ifMatch, (cart, _) => cart.Lines.Count == 0 ? null : cart with { Lines = [] }, ct);
        return CartChange.Of(stored, null);
    }

    /// <summary>
    /// Moves a guest's cart into the signed-in viewer's cart of the same market: quantities add up, and the per-line
    /// maximum and flash-sale limits still hold (guest units past them are left out; the viewer's own quantity is never
    /// lowered). A guest line merged in is an add of its units from its stream: a line it adds to moves to the guest
    /// line's stream, if that names one. The guest cart first hands its lines over (so none are lost), then the viewer's cart takes them once
    /// (it remembers the handovers it took), then the guest cart lets them go: a retry at any point finishes the merge
    /// without adding anything twice.
    /// </summary>
    public async Task<CartView> MergeAsync(CartOwner viewer, CartOwner guest, string market, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(guest);
        var m = MarketOf(market);
        if (viewer.IsGuest || !guest.IsGuest)
        {
            throw new ArgumentException("Merge a guest cart into a signed-in viewer's cart.", nameof(guest));
        }

        // Refuse, rather than drop lines, when the carts together hold more lines than a cart can. These reads (the
        // guest's first) are the first attempt of the steps below; a step whose read went stale loses its conditional
        // write and reads again.
        var (guestCart, viewerCart) = (await carts.ReadAsync(guest.Key, m.Code, ct), await carts.ReadAsync(viewer.Key, m.Code, ct));
        var together = (guestCart?.Value.Lines ?? []).Concat(guestCart?.Value.Handover?.Lines ?? []).Concat(viewerCart?.Value.Lines ?? [])
            .Select(l => l.LineId).Distinct(StringComparer.Ordinal).Count();
        if (guestCart?.Value.Handover is null && together > Cart.MaxLines)
        {
            throw LiveShopException.Unprocessable(
                "Cart full",
                $"Together the carts hold {together} different lines; a cart holds at most {Cart.MaxLines}. Remove {together - Cart.MaxLines} first, then merge again.");
        }

        // Likewise when together they would cost more than any order may (each line capped as the merge caps it).
        var merging = (viewerCart?.Value.Lines ?? []).Concat(guestCart?.Value.Handover is null ? guestCart?.Value.Lines ?? [] : [])
            .GroupBy(l => l.LineId, StringComparer.Ordinal)
            .Select(g => (g.First().AddedUnitPrice, Math.Min(Cart.MaxQuantityPerLine, g.Sum(l => l.Quantity))));
        PriceBook.EnsureWithinMaxTotal(m, merging, "Together the carts");

        // 1. The guest cart hands its lines over (or already has, in a retried merge).
        var (handed, _) = await Optimistic.UpsertAsync(
            Reads(guest, m, guestCart ?? Absent(guest, m), ct),
            () => Cart.Empty(guest, m.Code, clock.GetUtcNow(), settings.IdleSeconds),
            cart => cart.Handover is not null || cart.Lines.Count == 0
                ? null
                : cart with { Handover = new CartHandover(Ids.New("ho", clock), viewer.Key, cart.Lines), Lines = [], UpdatedAt = clock.GetUtcNow() },
            carts,
            null,
            "Guest cart",
            ct);
        if (handed.Value.Handover is not { } handover || handover.To != viewer.Key)
        {
            // Nothing to take. Unless the guest cart changed since it was read, the viewer's cart read after it is current.
            return handed.ETag == (guestCart?.ETag ?? Optimistic.Unwritten)
                ? await ViewAsync(viewer, m, viewerCart, ct)
                : await GetAsync(viewer, m.Code, ct);
        }

        // 2. The viewer's cart takes the handed-over lines, once.
        var byId = await ProductsAsync(handover.Lines.Select(l => l.Sku), ct);
        var merged = await UpdateAsync(viewer, m, null, (cart, now) =>
        {
            if (cart.Took(guest.Key, handover.Id))
            {
                return null;
            }

            var lines = cart.Lines.ToList();
            foreach (var line in handover.Lines)
            {
                var existing = lines.FirstOrDefault(l => l.LineId == line.LineId);
                if (existing is null && lines.Count >= Cart.MaxLines)
                {
                    continue;
                }

                // Only the units the guest brings are cut: the viewer's own quantity is never lowered by a merge
                // (it may be over a sale's limit when it was added before the sale, or before a buy-now purchase).
                var held = existing?.Quantity ?? 0;
                var taken = Math.Min(line.Quantity, Cart.MaxQuantityPerLine - held);
                var streamId = line.StreamId ?? existing?.StreamId;
                if (byId.GetValueOrDefault((line.MerchantId, line.ProductId)) is { } product && product.FindSku(line.SkuId) is { } sku
                    && OpenSaleOf(cart, product, sku, streamId, now) is ({ } sale, var bought))
                {
                    // As adding to the cart does: while the sale of the line's stream is upcoming or active, a line and
                    // what was bought in the sale stay within its per-customer limit.
                    taken = Math.Min(taken, sale.LeftFor(bought) - held);
                }

                if (taken > 0)
                {
                    lines = Replace(lines, (existing ?? line) with { Quantity = held + taken, StreamId = streamId });
                }
            }

            return cart with { Lines = lines, Merges = cart.MergesWith(guest.Key, handover.Id) };
        }, ct, viewerCart ?? Absent(viewer, m));

        // 3. The guest cart lets the lines go.
        var releaseReads = Reads(guest, m, handed, ct);
        await Optimistic.UpdateAsync(
            async () => await releaseReads() ?? throw LiveShopException.NotFound("Guest cart", m.Code),
            cart => cart.Handover is null ? null : cart with { Handover = null, UpdatedAt = clock.GetUtcNow() },
            (cart, etag) => carts.ReplaceAsync(cart, etag, ct),
            null,
            "Guest cart",
            ct);
        return await ViewAsync(viewer, m, merged, ct);
    }

    /// <summary>
    /// After a paid checkout: takes the bought units off the cart's lines (a line changed since keeps what was added
    /// after) and counts the flash-sale units bought, which later adds of that SKU are limited by.
    /// </summary>
    /// <param name="checkoutId">The checkout that bought them: recorded, so a repeated call changes nothing more.</param>
    public async Task RecordPurchaseAsync(CartOwner owner, string market, string checkoutId, IReadOnlyCollection<PurchasedLine> purchased, bool fromCart, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(purchased);
        var m = MarketOf(market);
        await UpdateAsync(owner, m, null, (cart, _) =>
        {
            if (cart.Purchases.Contains(checkoutId, StringComparer.Ordinal))
            {
                return null;
            }

            var lines = cart.Lines.ToList();
            if (fromCart)
            {
                foreach (var bought in purchased)
                {
                    var id = CartLine.IdFor(bought.Sku);
                    var line = lines.FirstOrDefault(l => l.LineId == id);
                    lines.RemoveAll(l => l.LineId == id);
                    if (line is not null && line.Quantity > bought.Quantity)
                    {
                        lines.Add(line with { Quantity = line.Quantity - bought.Quantity });
                    }
                }
            }

            // Least recently bought first: a sale bought in again moves to the end (a dictionary would put it back in
            // the slot its removal freed).
            var sales = cart.SalePurchases.ToList();
            foreach (var bought in purchased.Where(p => p.SaleId is not null))
            {
                var index = sales.FindIndex(s => s.Key == bought.SaleId);
                var before = index < 0 ? 0 : sales[index].Value;
                if (index >= 0)
                {
                    sales.RemoveAt(index);
                }

                sales.Add(new(bought.SaleId!, before + bought.Quantity));
            }

            return cart with
            {
                Lines = lines,
                SalePurchases = sales.TakeLast(Cart.MaxSalePurchases).ToDictionary(),
                Purchases = [.. cart.Purchases.TakeLast(Cart.MaxPurchasesRemembered - 1), checkoutId],
            };
        }, ct);
    }

    private Market MarketOf(string market)
    {
        if (!MarketRegistry.TryGet(market, out var m))
        {
            throw LiveShopException.NotFound("Market", market);
        }

        markets.EnsureServed(m);
        return m;
    }

    /// <summary>The product and SKU, if they can go into a cart of <paramref name="market"/> (422 otherwise).</summary>
    private async Task<(Product Product, Sku Sku)> SellableAsync(string merchantId, string productId, string skuId, Market market, CancellationToken ct)
    {
        var product = (await products.ReadAsync(merchantId, productId, ct))?.Value
            ?? throw Unsellable("productId", $"Product '{productId}' is not a product of merchant '{merchantId}'.");
        var sku = product.FindSku(skuId) ?? throw Unsellable("skuId", $"Product '{productId}' has no SKU '{skuId}'.");
        if (product.IsArchived)
        {
            throw Unsellable("productId", $"Product '{productId}' is archived and can no longer be bought.");
        }

        if (product.Market != market.Code)
        {
            throw Unsellable("productId", $"Product '{productId}' is sold in market '{product.Market}'; this is the cart of market '{market.Code}'.");
        }

        return (product, sku);
    }

    private static LiveShopException Unsellable(string field, string message) =>
        LiveShopException.UnprocessableField("Cannot add to cart", field, message);

    /// <summary>The per-line maximum and, while the SKU's flash sale in the line's stream is upcoming or active, its per-customer limit.</summary>
    private static void EnsureWithinLimits(Product product, Sku sku, string? streamId, long quantity, Cart cart, DateTimeOffset now)
    {
        if (quantity > Cart.MaxQuantityPerLine)
        {
            throw LiveShopException.Unprocessable("Line limit", $"A cart line holds at most {Cart.MaxQuantityPerLine} units (this one would hold {quantity}).");
        }

        if (OpenSaleOf(cart, product, sku, streamId, now) is ({ } sale, var bought) && quantity > sale.LeftFor(bought))
        {
            throw LiveShopException.Unprocessable(
                "Flash-sale limit",
                $"Flash sale '{sale.Id}' allows {sale.PerCustomerLimit} units per customer; you already bought {bought}, so the line can hold at most {sale.LeftFor(bought)} (it would hold {quantity}).");
        }
    }

    /// <summary>
    /// The SKU's open (upcoming or active) flash sale for a line from <paramref name="streamId"/> (a sale is stream-only:
    /// none for a line from no stream or another stream), if any, and the units of it the cart's owner bought (0 without one).
    /// </summary>
    private static (FlashSale? Sale, long Bought) OpenSaleOf(Cart cart, Product product, Sku sku, string? streamId, DateTimeOffset now) =>
        product.OpenSaleIn(sku.Id, streamId, now) is { } sale ? (sale, cart.BoughtIn(sale.Id)) : (null, 0);

    private static List<CartLine> Replace(IReadOnlyList<CartLine> lines, CartLine line)
    {
        var list = lines.ToList();
        var index = list.FindIndex(l => l.LineId == line.LineId);
        if (index < 0)
        {
            list.Add(line);
        }
        else
        {
            list[index] = line;
        }

        return list;
    }

    private async Task<Versioned<Cart>> ReadOrEmptyAsync(CartOwner owner, Market market, CancellationToken ct) =>
        await carts.ReadAsync(owner.Key, market.Code, ct) ?? Absent(owner, market);

    /// <summary>What reading a cart that was never written (or expired) gives: an empty cart with no version.</summary>
    private Versioned<Cart> Absent(CartOwner owner, Market market) =>
        new(Cart.Empty(owner, market.Code, clock.GetUtcNow(), settings.IdleSeconds), Optimistic.Unwritten);

    /// <summary>
    /// The reads of a read-modify-write of the cart: the first gives <paramref name="read"/>, a version this request
    /// already read (<see cref="Optimistic.Unwritten"/>: there was none), if any; every other one reads the store.
    /// </summary>
    private Func<Task<Versioned<Cart>?>> Reads(CartOwner owner, Market market, Versioned<Cart>? read, CancellationToken ct) => () =>
    {
        var first = read;
        read = null;
        return first is null ? carts.ReadAsync(owner.Key, market.Code, ct) : Task.FromResult(first.ETag == Optimistic.Unwritten ? null : first);
    };

    /// <summary>Read-modify-write of the cart under its ETag (a cart never written is created), retried on a lost race.</summary>
    /// <param name="read">A version already read for this request, used for the first attempt (saves a read).</param>
    private async Task<Versioned<Cart>> UpdateAsync(
        CartOwner owner, Market market, string? ifMatch, Func<Cart, DateTimeOffset, Cart?> change, CancellationToken ct, Versioned<Cart>? read = null)
    {
        var (stored, _) = await Optimistic.UpsertAsync(
            Reads(owner, market, read, ct),
            () => Cart.Empty(owner, market.Code, clock.GetUtcNow(), settings.IdleSeconds),
            cart =>
            {
                var now = clock.GetUtcNow();
                if (change(cart, now) is not { } changed)
                {
                    return null;
                }

                // A change that makes the cart dearer than any order may be is refused before it is written.
                var after = PriceBook.Sum(changed.Lines.Select(l => (l.AddedUnitPrice, l.Quantity)));
                if (after > PriceBook.MaxTotalMinorUnits && after > PriceBook.Sum(cart.Lines.Select(l => (l.AddedUnitPrice, l.Quantity))))
                {
                    throw PriceBook.TooLarge(market, after, "The cart");
                }

                return changed with { UpdatedAt = now, Ttl = settings.IdleSeconds };
            },
            carts,
            ifMatch,
            $"Cart '{market.Code}'",
            ct);
        return stored;
    }

    private async Task<Dictionary<(string MerchantId, string ProductId), Product>> ProductsAsync(IEnumerable<SkuRef> skus, CancellationToken ct)
    {
        var found = new Dictionary<(string, string), Product>();
        foreach (var merchant in skus.GroupBy(s => s.MerchantId, StringComparer.Ordinal))
        {
            foreach (var product in await products.ReadManyAsync(merchant.Key, merchant.Select(s => s.ProductId).Distinct(StringComparer.Ordinal).ToList(), ct))
            {
                found[(merchant.Key, product.Value.Id)] = product.Value;
            }
        }

        return found;
    }

    /// <summary>
    /// Prices the cart now: one read of its products per merchant, one read of their stock, and (for a signed-in
    /// viewer with lines from the stream of an open flash sale of their SKU) one read of its claims in those sales.
    /// </summary>
    private async Task<CartView> ViewAsync(CartOwner owner, Market market, Versioned<Cart>? stored, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cart = stored?.Value ?? Cart.Empty(owner, market.Code, now, settings.IdleSeconds);
        var byId = await ProductsAsync(cart.Lines.Select(l => l.Sku), ct);
        var sellable = cart.Lines
            .Select(l => (Line: l, Product: byId.GetValueOrDefault((l.MerchantId, l.ProductId))))
            .Select(x => (x.Line, x.Product, Sku: x.Product is { IsArchived: false } p && p.Market == market.Code ? p.FindSku(x.Line.SkuId) : null))
            .ToList();
        var levels = await stock.LevelsAsync(sellable.Where(x => x.Sku is not null).Select(x => (x.Product!, x.Sku!)).ToList(), ct);

        // What a signed-in buyer holds or bought in the lines' open sales, as checkout counts it (the cart's own count
        // is only of paid purchases): the price shown is the price a checkout now would charge.
        var openSales = sellable.Select(x => x.Sku is null ? null : x.Product!.OpenSaleIn(x.Sku.Id, x.Line.StreamId, now)?.Id).OfType<string>().Distinct().ToList();
        var taken = owner.UserId is { } buyer && openSales.Count > 0
            ? await claims.TakenAsync(buyer, openSales, ct)
            : new Dictionary<string, long>();

        var lines = new List<CartLineView>();
        var priced = new List<(LinePrice, long)>();
        foreach (var (line, product, sku) in sellable)
        {
            var added = MoneyView.From(line.AddedUnitPrice, market);
            if (product is null || sku is null)
            {
                lines.Add(new CartLineView(
                    line.LineId, line.MerchantId, line.ProductId, line.SkuId, line.StreamId, product?.Title, null, (product is { ImageUrls.Count: > 0 } ? product.ImageUrls[0] : null),
                    line.Quantity, null, null, added, false, null, null, null, new AvailabilityView(0, false, false), "unavailable"));
                continue;
            }

            var level = levels[SkuRef.Of(product, sku)];
            // A line from another stream than the sale's (or from none) sees no sale: neither its price nor its limit.
            var (open, boughtHere) = OpenSaleOf(cart, product, sku, line.StreamId, now);
            var bought = open is null ? 0 : Math.Max(boughtHere, taken.GetValueOrDefault(open.Id));
            var price = PriceBook.Line(product, sku, line.StreamId, line.Quantity, now, level, bought);
            priced.Add((price, line.Quantity));
            lines.Add(new CartLineView(
                line.LineId, line.MerchantId, line.ProductId, line.SkuId, line.StreamId, product.Title, sku.Attributes, (product.ImageUrls.Count > 0 ? product.ImageUrls[0] : null),
                line.Quantity,
                MoneyView.From(price.Unit, market),
                MoneyView.From(price.Regular, market),
                added,
                !price.Unit.Equals(line.AddedUnitPrice),
                MoneyView.From(price.Unit * line.Quantity, market),
                MoneyView.From(price.Discount * line.Quantity, market),
                SaleView(open, price, bought, now, market),
                new AvailabilityView(level.Available, level.Available > 0, level.Available >= line.Quantity),
                null));
        }

        return new CartView(
            market.Code,
            market.Currency.Code,
            stored?.ETag,
            owner.IsGuest,
            lines,
            cart.ItemCount,
            CartTotalsView.From(PriceBook.Total(market, priced), market),
            stored is null ? null : cart.UpdatedAt.AddSeconds(settings.IdleSeconds));
    }

    private static CartLineSaleView? SaleView(FlashSale? sale, LinePrice price, long bought, DateTimeOffset now, Market market) =>
        sale is null
            ? null
            : new CartLineSaleView(
                sale.Id,
                sale.PhaseAt(now).ToString().ToLowerInvariant(),
                MoneyView.From(sale.DealPrice, market),
                sale.StartsAt,
                sale.EndsAt,
                sale.PerCustomerLimit,
                sale.LeftFor(bought),
                price.Sale is not null);
}

/// <summary>Cart settings: how long an untouched cart lives (setting LiveShop:CartIdleMinutes; default 3 days).</summary>
public sealed record CartSettings
{
    public const int DefaultIdleMinutes = 4320;

    public CartSettings(int idleSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(idleSeconds);
        IdleSeconds = idleSeconds;
    }

    public int IdleSeconds { get; }
}

/// <summary>A stored cart after a change, with the line changed.</summary>
public sealed record CartChange(Versioned<Cart> Stored, CartLine? Line)
{
    public static CartChange Of(Versioned<Cart> stored, string? lineId)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored, lineId is null ? null : stored.Value.Find(lineId));
    }

    /// <summary>The answer to the change; a cart never written (clearing an empty cart) has no version.</summary>
    public CartChangeView View() => new(
        Stored.Value.Market,
        Stored.ETag.Length == 0 ? null : Stored.ETag,
        Line is null ? null : new CartLineChangeView(Line.LineId, Line.MerchantId, Line.ProductId, Line.SkuId, Line.Quantity, Line.StreamId),
        Stored.Value.ItemCount,
        Stored.Value.Lines.Count);
}

/// <summary>Units of a SKU a paid checkout bought, and the flash sale they were bought in.</summary>
public sealed record PurchasedLine(SkuRef Sku, long Quantity, string? SaleId);
