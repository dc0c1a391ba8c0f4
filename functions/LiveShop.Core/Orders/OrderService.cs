using System.Security.Cryptography;
using System.Text;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Markets;
using LiveShop.Core.Payments;
using LiveShop.Core.Pricing;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Orders;

/// <summary>
/// Orders after checkout: a viewer lists, reads and (before capture) cancels its own; a merchant lists and reads the
/// orders of its products and refunds them after capture, in full or per line, optionally putting units back on sale.
/// </summary>
public sealed class OrderService(
    IOrderStore orders, ICheckoutStore checkouts, IPaymentProvider payments, StockLedger stock, TimeProvider clock)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The viewer's orders, newest first: one query of its checkouts and one read of orders per merchant.</summary>
    public async Task<OrderPageView> ListMineAsync(Caller caller, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        var buyer = CheckoutService.Buyer(caller);
        var page = await checkouts.ListOrderedAsync(buyer, ContinuationToken.Decode(continuationToken), PageSize(pageSize), ct);
        var found = new Dictionary<string, Order>(StringComparer.Ordinal);
        foreach (var merchant in page.Items.GroupBy(c => c.MerchantId, StringComparer.Ordinal))
        {
            foreach (var order in await orders.ReadManyAsync(merchant.Key, merchant.Select(c => c.OrderId).ToList(), ct))
            {
                found[order.Value.Id] = order.Value;
            }
        }

        var items = page.Items.Select(c => found.GetValueOrDefault(c.OrderId)).OfType<Order>().Select(OrderView.From).ToList();
        return new OrderPageView(items, ContinuationToken.Encode(page.NextAfter));
    }

    /// <summary>One of the viewer's orders; 404 for anyone else's.</summary>
    public async Task<Versioned<Order>> GetMineAsync(Caller caller, string orderId, CancellationToken ct)
    {
        var checkout = await CheckoutOfAsync(caller, orderId, ct);
        return (checkout.HasOrder ? await orders.ReadAsync(checkout.MerchantId, orderId, ct) : null) ?? throw LiveShopException.NotFound("Order", orderId);
    }

    /// <summary>
    /// The viewer cancels before capture: the order moves to "cancel requested" under its ETag (a capture that got
    /// there first wins, and this answers 409), then the checkout is told, and it cancels the authorization and gives
    /// back the stock. Repeating it is harmless.
    /// </summary>
    /// <param name="workflow">Tells the checkout (the function's Durable client).</param>
    public async Task<Versioned<Order>> CancelAsync(Caller caller, string orderId, ICheckoutWorkflow workflow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var checkout = await CheckoutOfAsync(caller, orderId, ct);
        if (!checkout.HasOrder)
        {
            throw checkout.IsFinal
                ? LiveShopException.NotFound("Order", orderId)
                : LiveShopException.Conflict("Order not ready", $"Order '{orderId}' is still being created (its stock is being reserved); try again in a moment.");
        }

        var stored = await orders.UpdateAsync(
            checkout.MerchantId,
            orderId,
            order => order.RequestCancel(clock.GetUtcNow()),
            () => LiveShopException.Conflict("Order not ready", $"Order '{orderId}' is still being created; try again in a moment."),
            ct);
        if (stored.Value.Status == OrderStatus.CancelRequested)
        {
            await workflow.RaiseAsync(checkout.Id, CheckoutEvents.CancelRequested, null, ct);
        }

        return stored;
    }

    /// <summary>A page of the merchant's orders, newest first (one single-partition query).</summary>
    public async Task<OrderPageView> ListForMerchantAsync(Caller caller, string merchantId, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        Authorize.MerchantOwns(caller, merchantId);
        var page = await orders.ListByMerchantAsync(merchantId, ContinuationToken.Decode(continuationToken), PageSize(pageSize), ct);
        return new OrderPageView(page.Items.Select(OrderView.From).ToList(), ContinuationToken.Encode(page.NextAfter));
    }

    public async Task<Versioned<Order>> GetForMerchantAsync(Caller caller, string merchantId, string orderId, CancellationToken ct)
    {
        Authorize.MerchantOwns(caller, merchantId);
        Identifiers.EnsureRouteId("Order", orderId);
        return await orders.ReadAsync(merchantId, orderId, ct) ?? throw LiveShopException.NotFound("Order", orderId);
    }

    /// <summary>
    /// Refunds a captured order, in full (no lines named) or per line, once per Idempotency-Key: the refund is first
    /// recorded as pending on the order (which also reserves its amount, so refunds never pass what was captured), then
    /// sent to the provider with the refund's id as idempotency key, then (if asked) its units go back on sale, then it
    /// is marked completed. A retry with the same key resumes where the last attempt stopped.
    /// </summary>
    public async Task<Versioned<Order>> RefundAsync(
        Caller caller, string merchantId, string orderId, string? idempotencyKey, RefundInput? input, CancellationToken ct)
    {
        Authorize.MerchantOwns(caller, merchantId);
        Identifiers.EnsureRouteId("Order", orderId);
        var key = CheckoutService.ValidKey(idempotencyKey);
        var refundId = "rf_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{orderId}\n{key}")).AsSpan(0, 12));
        var wanted = ValidateRefund(input);

        Exception NotFound() => LiveShopException.NotFound("Order", orderId);
        var recorded = await orders.UpdateAsync(merchantId, orderId, order => WithPendingRefund(order, refundId, wanted, input?.Restock ?? false), NotFound, ct);
        var order = recorded.Value;
        var refund = order.Refunds.Single(r => r.Id == refundId);
        if (refund.State == RefundState.Completed)
        {
            return recorded;
        }

        try
        {
            await payments.RefundAsync(order.Payment.PaymentId!, refund.Amount, refundId, ct);
        }
        catch (PaymentRefusedException e)
        {
            // Refused for good (the charge was disputed, or refunded at the provider): take the pending refund back,
            // so its units and amount can be refunded again, and say why.
            await orders.UpdateAsync(merchantId, orderId, current => WithoutPendingRefund(current, refundId), NotFound, ct);
            throw LiveShopException.Unprocessable("Refund refused", $"The payment provider refused the refund of order '{orderId}': {e.Message}");
        }
        if (refund.Restock)
        {
            if (refund.Lines.Keys.Any(n => refund.Restocks?.ContainsKey(n) != true))
            {
                refund = await PlanRestocksAsync(merchantId, order, refund, ct);
            }

            foreach (var number in refund.Lines.Keys)
            {
                await stock.RestockAsync($"{refundId}_{number}", refund.Restocks![number], ct);
            }
        }

        return await orders.UpdateAsync(
            merchantId,
            orderId,
            current =>
            {
                if (current.Refunds.Single(r => r.Id == refundId).State == RefundState.Completed)
                {
                    return null;
                }

                var refunds = current.Refunds.Select(r => r.Id == refundId ? r with { State = RefundState.Completed } : r).ToList();
                var all = current.Lines.All(l => l.RefundedQuantity == l.Quantity) && refunds.All(r => r.State == RefundState.Completed);
                return current with { Refunds = refunds, Status = all ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded, UpdatedAt = clock.GetUtcNow() };
            },
            NotFound,
            ct);
    }

    /// <summary>
    /// For lines of an order made before orders recorded where units were sold: plans from the shards now where their
    /// units go back, and records the plan on the refund unless an attempt recorded one first (then that one holds).
    /// </summary>
    private async Task<OrderRefund> PlanRestocksAsync(string merchantId, Order order, OrderRefund refund, CancellationToken ct)
    {
        var plans = new Dictionary<int, IReadOnlyList<HeldUnits>>();
        foreach (var (number, quantity) in refund.Lines.Where(l => refund.Restocks?.ContainsKey(l.Key) != true))
        {
            plans[number] = await stock.PlanReturnAsync(order.Line(number).Sku(merchantId), quantity, ct);
        }

        var stored = await orders.UpdateAsync(
            merchantId,
            order.Id,
            current =>
            {
                var pending = current.Refunds.Single(r => r.Id == refund.Id);
                var missing = plans.Where(p => pending.Restocks?.ContainsKey(p.Key) != true).ToList();
                if (missing.Count == 0)
                {
                    return null;
                }

                var restocks = new Dictionary<int, IReadOnlyList<HeldUnits>>(pending.Restocks ?? new Dictionary<int, IReadOnlyList<HeldUnits>>());
                foreach (var (number, plan) in missing)
                {
                    restocks[number] = plan;
                }

                return current with { Refunds = current.Refunds.Select(r => r.Id == refund.Id ? r with { Restocks = restocks } : r).ToList() };
            },
            () => LiveShopException.NotFound("Order", order.Id),
            ct);
        return stored.Value.Refunds.Single(r => r.Id == refund.Id);
    }

    /// <summary>
    /// Where each line's returned units go: back to the shards that sold them, less what earlier refunds of the line
    /// put back (a line whose order does not say where it was sold is planned later, from the shards).
    /// </summary>
    private static Dictionary<int, IReadOnlyList<HeldUnits>> Restocks(Order order, IReadOnlyDictionary<int, long> lines) =>
        lines.Select(l => (Line: order.Line(l.Key), Quantity: l.Value))
            .Where(l => l.Line.SoldFrom is not null)
            .ToDictionary(
                l => l.Line.Number,
                l => StockLedger.AllocateReturn(l.Line.SoldFrom!, order.Refunds.SelectMany(r => r.RestocksOf(l.Line.Number)), l.Quantity));

    private Order? WithPendingRefund(Order order, string refundId, IReadOnlyDictionary<int, long>? wanted, bool restock)
    {
        var lines = wanted ?? order.Lines.Where(l => l.Quantity > l.RefundedQuantity).ToDictionary(l => l.Number, l => l.Quantity - l.RefundedQuantity);
        if (order.Refunds.FirstOrDefault(r => r.Id == refundId) is { } existing)
        {
            return existing.Restock == restock && (wanted is null || SameLines(existing.Lines, wanted))
                ? null
                : throw LiveShopException.Unprocessable("Idempotency-Key reused", $"This Idempotency-Key was used for a different refund of order '{order.Id}'.");
        }

        if (!order.IsCaptured)
        {
            throw LiveShopException.Conflict("Order not paid", $"Order '{order.Id}' is {OrderView.StatusName(order.Status)}; only a paid order can be refunded (an unpaid one is cancelled).");
        }

        var v = new Validator();
        foreach (var (number, quantity) in lines)
        {
            var line = order.Lines.FirstOrDefault(l => l.Number == number);
            if (line is null)
            {
                v.Add($"lines[{number}]", $"Order '{order.Id}' has no line {number}.");
            }
            else if (quantity > line.Quantity - line.RefundedQuantity)
            {
                v.Add($"lines[{number}]", $"Line {number} has {line.Quantity - line.RefundedQuantity} units left to refund (asked: {quantity}).");
            }
        }

        if (lines.Count == 0)
        {
            v.Add("lines", $"Order '{order.Id}' is fully refunded already.");
        }

        v.ThrowIfInvalid(ErrorKind.Unprocessable, "Refund not possible");
        var market = MarketRegistry.Get(order.Market);
        var amount = PriceBook.Total(market, lines.Select(l => (new LinePrice(order.Line(l.Key).UnitPrice, order.Line(l.Key).UnitPrice, null), l.Value))).Total;

        var left = order.Amounts.Total - order.Payment.Refunded;
        if (amount.CompareTo(left) > 0)
        {
            amount = left;
        }

        var now = clock.GetUtcNow();
        return order with
        {
            Lines = order.Lines.Select(l => lines.TryGetValue(l.Number, out var q) ? l with { RefundedQuantity = l.RefundedQuantity + q } : l).ToList(),
            Payment = order.Payment with { Refunded = order.Payment.Refunded + amount },
            Refunds = [.. order.Refunds, new OrderRefund(refundId, lines, amount, restock, RefundState.Pending, now, restock ? Restocks(order, lines) : null)],
            UpdatedAt = now,
        };
    }

    private Order? WithoutPendingRefund(Order order, string refundId)
    {
        if (order.Refunds.FirstOrDefault(r => r.Id == refundId) is not { State: RefundState.Pending } refund)
        {
            return null;
        }

        return order with
        {
            Lines = order.Lines.Select(l => refund.Lines.TryGetValue(l.Number, out var q) ? l with { RefundedQuantity = l.RefundedQuantity - q } : l).ToList(),
            Payment = order.Payment with { Refunded = order.Payment.Refunded - refund.Amount },
            Refunds = order.Refunds.Where(r => r.Id != refundId).ToList(),
            UpdatedAt = clock.GetUtcNow(),
        };
    }

    private static bool SameLines(IReadOnlyDictionary<int, long> left, IReadOnlyDictionary<int, long> right) =>
        left.Count == right.Count && left.All(l => right.TryGetValue(l.Key, out var q) && q == l.Value);

    private static IReadOnlyDictionary<int, long>? ValidateRefund(RefundInput? input)
    {
        if (input?.Lines is null)
        {
            return null;
        }

        var v = new Validator();
        v.Count("lines", input.Lines, 1, 100);
        var lines = new Dictionary<int, long>();
        for (var i = 0; i < input.Lines.Count; i++)
        {
            var line = input.Lines[i];
            v.Range($"lines[{i}].number", line?.Number, 1, 1000);
            v.Range($"lines[{i}].quantity", line?.Quantity, 1, 1_000_000);
            if (line?.Number is { } number && line.Quantity is { } quantity && !lines.TryAdd(number, quantity))
            {
                v.Add($"lines[{i}].number", $"Line {number} appears more than once.");
            }
        }

        v.ThrowIfInvalid();
        return lines;
    }

    private async Task<Checkout.Checkout> CheckoutOfAsync(Caller caller, string orderId, CancellationToken ct)
    {
        var buyer = CheckoutService.Buyer(caller);
        Identifiers.EnsureRouteId("Order", orderId);
        return await checkouts.FindByOrderAsync(buyer, orderId, ct) ?? throw LiveShopException.NotFound("Order", orderId);
    }

    private static int PageSize(int? pageSize) => pageSize switch
    {
        null => DefaultPageSize,
        < 1 or > MaxPageSize => throw LiveShopException.Validation(new Dictionary<string, string[]>
        {
            ["pageSize"] = [$"must be between 1 and {MaxPageSize} (it is {pageSize})."],
        }),
        _ => pageSize.Value,
    };
}

/// <summary>A refund: no lines for everything not yet refunded, or units per line number.</summary>
public sealed record RefundInput(IReadOnlyList<RefundLineInput?>? Lines, bool? Restock);

public sealed record RefundLineInput(int? Number, long? Quantity);
