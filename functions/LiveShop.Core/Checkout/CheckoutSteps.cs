using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Live;
using LiveShop.Core.Markets;
using LiveShop.Core.Orders;
using LiveShop.Core.Payments;
using LiveShop.Core.Pricing;
using LiveShop.Core.Sales;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;

namespace LiveShop.Core.Checkout;

/// <summary>
/// The steps of a checkout, each one an activity of its orchestration. Every step may run more than once (activities
/// run at least once), so each is idempotent: stock holds and flash-sale claims are keyed by the checkout, the order is
/// created under its fixed id, payments carry idempotency keys derived from the checkout id and the step, and status
/// changes are conditional writes that never move a finished record back. A status change is told to the buyer, units
/// taken or given back to the stream they were bought from, and a paid order to its streams' host stats (the live layer).
/// </summary>
public sealed class CheckoutSteps(
    IProductStore products,
    StockLedger stock,
    SaleClaims claims,
    OpenCheckoutLimits openCheckouts,
    IOrderStore orders,
    ICheckoutStore checkouts,
    IPaymentProvider payments,
    CartService carts,
    ILiveEvents live,
    TimeProvider clock)
{
    /// <summary>
    /// Prices every line now: the flash-sale price only for a line from the sale's stream, while the sale is active, has
    /// units, and the buyer is within its limit. A line from no stream or another stream is a regular purchase: no sale
    /// price, no sale limit, and (as the reservation claims only for the sale id priced here) no claim.
    /// </summary>
    public async Task<PricingResult> PriceAsync(CheckoutStart start, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(start);
        var market = MarketRegistry.Get(start.Market);
        var byId = await ProductsAsync(start, ct);
        var now = clock.GetUtcNow();
        var found = new List<(int Line, CheckoutItem Item, Product Product, Sku Sku, FlashSale? Sale)>();
        for (var i = 0; i < start.Items.Count; i++)
        {
            var item = start.Items[i];
            var product = byId.GetValueOrDefault(item.ProductId);
            if (product is null || product.IsArchived || product.Market != start.Market || product.FindSku(item.SkuId) is not { } sku)
            {
                return Rejected(RejectionReasons.Unavailable, item.SkuId, $"SKU '{item.SkuId}' of product '{item.ProductId}' can no longer be bought in market '{start.Market}'.");
            }

            // The SKU's open sale as this line's stream sees it (a sale is stream-only), looked up once.
            found.Add((i, item, product, sku, product.OpenSaleIn(sku.Id, item.StreamId, now)));
        }

        // Stock matters to a price only while a sale of the line's stream is active (its units left); claims only where
        // such a sale is open.
        var levels = await stock.LevelsAsync(
            found.Where(f => f.Sale?.PhaseAt(now) == FlashSalePhase.Active).Select(f => (f.Product, f.Sku)).ToList(), ct);
        var saleIds = found.Select(f => f.Sale?.Id).OfType<string>().Distinct().ToList();
        var taken = await claims.TakenAsync(start.BuyerId, saleIds, ct);
        var lines = new List<PricedLine>();
        foreach (var (line, item, product, sku, sale) in found)
        {
            var price = PriceBook.Line(product, sku, item.StreamId, item.Quantity, now, levels.GetValueOrDefault(SkuRef.Of(product, sku)), sale is null ? 0 : taken.GetValueOrDefault(sale.Id));
            lines.Add(new PricedLine(line, item, product.Title, sku.Attributes, price.Unit, price.Regular, price.Sale?.Id));
        }

        // Prices may have risen since the cart was checked: a total past the bound rejects the checkout (no retry helps).
        var regular = PriceBook.Sum(lines.Select(l => (l.RegularUnitPrice, l.Item.Quantity)));
        if (regular > PriceBook.MaxTotalMinorUnits)
        {
            return Rejected(RejectionReasons.TotalTooLarge, null, PriceBook.TooLargeDetail(market, regular, "This checkout"));
        }

        var totals = PriceBook.Total(market, lines.Select(l => (new LinePrice(l.UnitPrice, l.RegularUnitPrice, null), l.Item.Quantity)));
        var amounts = new OrderAmounts(totals.Subtotal, totals.Discount, totals.Tax.Amount ?? Money.Money.Zero(market.Currency), totals.Total);
        return new PricingResult(lines, amounts, null);
    }

    /// <summary>
    /// Reserves every line, all or nothing: a flash-sale line first claims its units against the buyer's limit, then
    /// every line holds its units. If any line fails, everything this checkout holds is given back.
    /// </summary>
    public async Task<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = request.Start;
        var byId = await ProductsAsync(start, ct);
        var holds = new List<LineHolds>();
        foreach (var line in request.Lines)
        {
            var product = byId.GetValueOrDefault(line.Item.ProductId);
            var sku = product?.FindSku(line.Item.SkuId);
            var sale = line.SaleId is null ? null : product?.Sales.FirstOrDefault(s => s.Id == line.SaleId);
            CheckoutRejection? rejection = null;
            if (product is null || sku is null || (line.SaleId is not null && sale is null))
            {
                rejection = new(RejectionReasons.Unavailable, line.Item.SkuId, $"SKU '{line.Item.SkuId}' can no longer be bought.");
            }
            else if (sale is not null && !await claims.TryClaimAsync(start.BuyerId, sale.Id, start.CheckoutId, line.Item.Quantity, sale.PerCustomerLimit, ct))
            {
                rejection = new(RejectionReasons.SaleLimitReached, sku.Id, $"Flash sale '{sale.Id}' allows {sale.PerCustomerLimit} units per customer; this checkout would pass it.");
            }
            else
            {
                var reserved = await stock.ReserveAsync(product, sku, StockLedger.HoldIdFor(start.CheckoutId, line.Line), line.Item.Quantity, sale, request.HoldUntil, ct);
                holds.Add(new LineHolds(line.Line, reserved.Held));
                StockChanged(line.Item);
                rejection = reserved.Outcome switch
                {
                    ReservationOutcome.Reserved => null,
                    ReservationOutcome.SaleSoldOut => new(RejectionReasons.SaleSoldOut, sku.Id, $"Flash sale '{sale!.Id}' has no units left for SKU '{sku.Id}'; it is still sold at its regular price."),
                    _ => new(RejectionReasons.OutOfStock, sku.Id, $"SKU '{sku.Id}' does not have {line.Item.Quantity} units available."),
                };
            }

            if (rejection is not null)
            {
                // The lines reserved hold what their reservations answered (a refused reservation answers nothing
                // held: it gave back what it took); the others are not known to be free of an earlier run's holds,
                // so they are looked for.
                await ReleaseAsync(start, request.Lines, holds, request.HoldUntil, ct);
                return new ReservationResult(rejection);
            }
        }

        return new ReservationResult(null, holds);
    }

    /// <summary>Creates the order (pending payment) under its fixed id; a repeat finds it created.</summary>
    public async Task CreateOrderAsync(CheckoutProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var start = progress.Start;
        var now = clock.GetUtcNow();
        var order = new Order(
            start.OrderId,
            start.MerchantId,
            start.BuyerId,
            start.Market,
            progress.Lines.Select(l => new OrderLine(
                l.Line + 1, l.Item.ProductId, l.Item.SkuId, l.Title, l.Attributes, l.Item.Quantity, l.UnitPrice, l.RegularUnitPrice,
                l.SaleId, l.Item.StreamId, StockLedger.HoldIdFor(start.CheckoutId, l.Line), 0,
                progress.Holds?.FirstOrDefault(h => h.Line == l.Line)?.Held)).ToList(),
            progress.Amounts,
            OrderStatus.PendingPayment,
            new OrderPayment(payments.Name, null, null, null, Money.Money.Zero(progress.Amounts.Total.Currency)),
            [],
            now,
            now);
        try
        {
            await orders.CreateAsync(order, ct);
        }
        catch (DuplicateDocumentException)
        {
            // Created by an earlier run of this step.
        }

        await SetCheckoutAsync(start, c => c.HasOrder ? null : c with { Total = progress.Amounts.Total, HasOrder = true }, ct);
    }

    /// <summary>Authorizes the total (idempotency key: checkout id + step); a required customer action is recorded for the viewer to see.</summary>
    public async Task<AuthorizationOutcome> AuthorizeAsync(CheckoutProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var start = progress.Start;
        var result = await payments.AuthorizeAsync(
            new PaymentAuthorization(start.CheckoutId, progress.Amounts.Total, start.PaymentMethod, start.CheckoutId + ":authorize"), ct);
        var paymentId = string.IsNullOrEmpty(result.PaymentId) ? null : result.PaymentId;
        if (result.Status is PaymentStatus.Authorized or PaymentStatus.RequiresAction)
        {
            var now = clock.GetUtcNow();
            await UpdateOrderAsync(start, o =>
            {
                var paid = o.Payment.PaymentId == result.PaymentId ? o : o with { Payment = o.Payment with { PaymentId = result.PaymentId, AuthorizedAt = now }, UpdatedAt = now };
                var next = result.Status == PaymentStatus.RequiresAction ? paid.AwaitingAction(now) : paid;
                return next == o ? null : next;
            }, ct);
        }

        if (result.Status == PaymentStatus.RequiresAction)
        {
            await SetCheckoutAsync(start, c => c.Status == CheckoutStatus.Pending
                ? c with { Status = CheckoutStatus.AwaitingPaymentAction, NextActionUrl = result.NextActionUrl, PaymentClientSecret = result.ClientSecret }
                : null, ct);
        }

        return new AuthorizationOutcome(paymentId, result.Status.ToString(), result.NextActionUrl, result.DeclineCode);
    }

    /// <summary>After the customer's action: the payment as the provider has it now (a webhook's word is not taken on trust).</summary>
    public async Task<AuthorizationOutcome> ConfirmActionAsync(CheckoutProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var result = await payments.GetAsync(progress.PaymentId ?? throw new ArgumentException("No payment to confirm.", nameof(progress)), ct);
        return new AuthorizationOutcome(result.PaymentId, result.Status.ToString(), result.NextActionUrl, result.DeclineCode);
    }

    /// <summary>
    /// Takes the money, unless the viewer cancelled first: the order moves to "capturing" under its ETag, so exactly
    /// one of the capture and the cancellation wins.
    /// </summary>
    public async Task<CaptureOutcome> CaptureAsync(CheckoutProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var start = progress.Start;
        var capturing = await UpdateOrderAsync(start, o => o.BeginCapture(clock.GetUtcNow()) is { } next ? (next == o ? null : next) : null, ct);
        if (capturing.Status is not (OrderStatus.Capturing or OrderStatus.Paid))
        {
            return new CaptureOutcome("cancelled");
        }

        var result = await payments.CaptureAsync(progress.PaymentId!, progress.Amounts.Total, start.CheckoutId + ":capture", ct);
        return new CaptureOutcome(result.Status == PaymentStatus.Captured ? "captured" : "declined");
    }

    /// <summary>
    /// Turns every line's held units into sold units; false when a hold was lost (expired and released): then nothing
    /// of the checkout stays sold (the lines already sold are put back by the failure step).
    /// </summary>
    public async Task<bool> CommitStockAsync(CheckoutProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        foreach (var line in progress.Lines)
        {
            var held = progress.Holds?.FirstOrDefault(h => h.Line == line.Line)?.Held
                ?? throw new InvalidOperationException($"Checkout '{progress.Start.CheckoutId}' has no holds for line {line.Line}.");
            if (!await stock.CommitAsync(StockLedger.HoldIdFor(progress.Start.CheckoutId, line.Line), held, progress.HoldUntil, ct))
            {
                // Given back now, while a released hold's mark still tells it from a committed one (the failure step
                // may run much later); the failure step's own return is then refused as done (the same return ids).
                await ReleaseAsync(progress.Start, progress.Lines, progress.Holds, progress.HoldUntil, ct);
                return false;
            }
        }

        return true;
    }

    /// <summary>Marks the order and checkout paid, counts the flash-sale units bought, publishes OrderPaid and takes the bought lines off the cart.</summary>
    public async Task CompleteAsync(CheckoutProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var start = progress.Start;
        var now = clock.GetUtcNow();
        var order = await UpdateOrderAsync(start, o => o.Status == OrderStatus.Capturing ? o.Paid(now) : null, ct);
        await live.OrderPaidAsync(order, ct);
        foreach (var saleId in progress.Lines.Select(l => l.SaleId).OfType<string>().Distinct())
        {
            await claims.MarkBoughtAsync(start.BuyerId, saleId, start.CheckoutId, ct);
        }

        await openCheckouts.CloseAsync(start.BuyerId, start.Market, start.CheckoutId, ct);
        await SetCheckoutAsync(start, c => c.IsFinal ? null : c with { Status = CheckoutStatus.Paid, NextActionUrl = null, PaymentClientSecret = null }, ct);
        await carts.RecordPurchaseAsync(
            CartOwner.For(new Identity.Caller(start.BuyerId, Identity.Role.Viewer, null)),
            start.Market,
            start.CheckoutId,
            progress.Lines.Select(l => new PurchasedLine(l.Item.Sku, l.Item.Quantity, l.SaleId)).ToList(),
            start.Source == CheckoutSource.Cart,
            ct);
    }

    /// <summary>
    /// Closes a failed checkout: gives back its stock (open holds released, units it already sold put back on sale)
    /// and its flash-sale claims, closes the order and records the rejection. The payment is released by
    /// <see cref="ReleasePaymentAsync"/>. Safe to repeat.
    /// </summary>
    public async Task FailAsync(CheckoutFailure failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var start = failure.Start;
        if (failure.Lines is { } lines)
        {
            await ReleaseAsync(start, lines, failure.Holds, failure.HoldUntil, ct, failure.StockCommitted);
        }

        var status = failure.Rejection.Reason switch
        {
            RejectionReasons.Cancelled => OrderStatus.Cancelled,
            RejectionReasons.Expired => OrderStatus.Expired,
            _ => OrderStatus.PaymentFailed,
        };
        if (await orders.ReadAsync(start.MerchantId, start.OrderId, ct) is { } order)
        {
            await UpdateOrderAsync(start, o => o.Closed(status, clock.GetUtcNow()) is var closed && closed == o ? null : closed, ct, order);
        }

        await openCheckouts.CloseAsync(start.BuyerId, start.Market, start.CheckoutId, ct);
        await SetCheckoutAsync(start, c => c.IsFinal ? null : c with
        {
            Status = CheckoutStatus.Rejected, Rejection = failure.Rejection, NextActionUrl = null, PaymentClientSecret = null,
        }, ct);
    }

    /// <summary>
    /// Releases a failed checkout's payment as the provider has it now (a capture whose answer was lost may have
    /// taken the money): a capture is refunded, an authorization cancelled. Without a known payment id, after an
    /// authorization whose answer never came, the provider is asked for the checkout's payment. A provider outage
    /// throws, so the step is retried until it is done; so does finding no payment while the provider's search may not
    /// show it yet. Safe to repeat (idempotency keys).
    /// </summary>
    public async Task ReleasePaymentAsync(CheckoutFailure failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var start = failure.Start;
        var payment = failure.PaymentId is { } id
            ? await payments.GetAsync(id, ct)
            : failure.AuthorizationSentAt is { } sentAt ? await FindSentAsync(start, sentAt, ct) : null;
        switch (payment?.Status)
        {
            case PaymentStatus.Captured:
                var total = (await orders.ReadAsync(start.MerchantId, start.OrderId, ct))?.Value.Amounts.Total
                    ?? throw new InvalidOperationException($"Order '{start.OrderId}' of a captured payment is missing.");
                await payments.RefundAsync(payment.PaymentId, total, start.CheckoutId + ":refund", ct);
                break;
            case PaymentStatus.Authorized or PaymentStatus.RequiresAction:
                await payments.CancelAsync(payment.PaymentId, start.CheckoutId + ":cancel", ct);
                break;
        }
    }

    /// <summary>The payment an authorization sent at <paramref name="sentAt"/> made, if any: none is an answer only once the provider's search shows what it made by then.</summary>
    private async Task<PaymentResult?> FindSentAsync(CheckoutStart start, DateTimeOffset sentAt, CancellationToken ct)
    {
        var found = await payments.FindByCheckoutAsync(start.CheckoutId, ct);
        var searchable = sentAt + payments.SearchLag;
        return found is null && clock.GetUtcNow() < searchable
            ? throw new PaymentUnavailableException(
                $"No payment of checkout '{start.CheckoutId}' is found, but the provider's search may not show one made at {sentAt:O} until {searchable:O}.")
            : found;
    }

    /// <summary>Gives back every line (open holds released, sold units put back on sale) and its flash-sale claim.</summary>
    /// <param name="holds">Where each line's units are held, as its reservation answered; a line missing from it (or
    /// all, when null) is looked for on every shard of its SKU.</param>
    /// <param name="committed">Every line was committed (sold), as the commit step answered.</param>
    private async Task ReleaseAsync(
        CheckoutStart start, IReadOnlyList<PricedLine> lines, IReadOnlyList<LineHolds>? holds, DateTimeOffset holdUntil, CancellationToken ct, bool committed = false)
    {
        foreach (var line in lines)
        {
            var held = holds?.FirstOrDefault(h => h.Line == line.Line)?.Held;
            await stock.ReturnLineAsync(line.Item.Sku, StockLedger.HoldIdFor(start.CheckoutId, line.Line), held, line.SaleId, holdUntil, ct, committed && held is not null);
            StockChanged(line.Item);
            if (line.SaleId is not null)
            {
                await claims.ReleaseAsync(start.BuyerId, line.SaleId, start.CheckoutId, ct);
            }
        }
    }

    private async Task<Dictionary<string, Product>> ProductsAsync(CheckoutStart start, CancellationToken ct) =>
        (await products.ReadManyAsync(start.MerchantId, start.Items.Select(i => i.ProductId).Distinct(StringComparer.Ordinal).ToList(), ct))
            .ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);

    private async Task<Order> UpdateOrderAsync(CheckoutStart start, Func<Order, Order?> change, CancellationToken ct, Versioned<Order>? read = null) =>
        (await orders.UpdateAsync(start.MerchantId, start.OrderId, change, () => new InvalidOperationException($"Order '{start.OrderId}' is missing."), ct, read)).Value;

    /// <summary>Changes the checkout under its ETag; a new status is told to the buyer (its live checkout notice).</summary>
    private async Task SetCheckoutAsync(CheckoutStart start, Func<Checkout, Checkout?> change, CancellationToken ct)
    {
        var before = CheckoutStatus.Pending;
        var (stored, written) = await Optimistic.UpdateAsync(
            async () => await checkouts.ReadAsync(start.BuyerId, start.CheckoutId, ct) ?? throw new InvalidOperationException($"Checkout '{start.CheckoutId}' is missing."),
            c =>
            {
                before = c.Status;
                return change(c) is { } changed ? changed with { UpdatedAt = clock.GetUtcNow() } : null;
            },
            (checkout, etag) => checkouts.ReplaceAsync(checkout, etag, ct),
            null,
            $"Checkout '{start.CheckoutId}'",
            ct);
        if (written && stored.Value.Status != before)
        {
            await live.CheckoutChangedAsync(stored.Value, ct);
        }
    }

    /// <summary>A line bought from a stream changed its SKU's stock: the stream's viewers hear of it (coalesced).</summary>
    private void StockChanged(CheckoutItem item)
    {
        if (item.StreamId is { } streamId)
        {
            live.StockChanged(streamId, item.Sku);
        }
    }

    private static PricingResult Rejected(string reason, string? skuId, string detail) => new(null, null, new CheckoutRejection(reason, skuId, detail));
}
