using LiveShop.Core.Orders;

namespace LiveShop.Core.Checkout;

/// <summary>The input of a checkout's orchestration: everything fixed when the checkout was created.</summary>
public sealed record CheckoutStart(
    string CheckoutId,
    string OrderId,
    string BuyerId,
    string Market,
    string MerchantId,
    CheckoutSource Source,
    IReadOnlyList<CheckoutItem> Items,
    string PaymentMethod);

/// <summary>A checkout's lines priced now, or why it cannot go on.</summary>
public sealed record PricingResult(IReadOnlyList<PricedLine>? Lines, OrderAmounts? Amounts, CheckoutRejection? Rejection);

/// <param name="Line">The line's index in the checkout's items (0-based).</param>
/// <param name="SaleId">The flash sale whose price applies, if any.</param>
public sealed record PricedLine(
    int Line,
    CheckoutItem Item,
    string Title,
    IReadOnlyDictionary<string, string> Attributes,
    Money.Money UnitPrice,
    Money.Money RegularUnitPrice,
    string? SaleId);

/// <summary>Input of the reservation step.</summary>
/// <param name="HoldUntil">When the holds expire if nothing finishes them (the sweep then releases them).</param>
public sealed record ReservationRequest(CheckoutStart Start, IReadOnlyList<PricedLine> Lines, DateTimeOffset HoldUntil);

/// <summary>Where each line's units are held (<see cref="Holds"/>); or, when a line could not be reserved, why not (and nothing is held).</summary>
public sealed record ReservationResult(CheckoutRejection? Rejection, IReadOnlyList<LineHolds>? Holds = null);

/// <summary>The shards holding one line's units (by the line's index).</summary>
public sealed record LineHolds(int Line, IReadOnlyList<Stock.HeldUnits> Held);

/// <summary>Input of the steps after the reservation.</summary>
/// <param name="Holds">Where each line's units are held.</param>
/// <param name="HoldUntil">When the holds expire.</param>
public sealed record CheckoutProgress(
    CheckoutStart Start, IReadOnlyList<PricedLine> Lines, OrderAmounts Amounts, string? PaymentId, IReadOnlyList<LineHolds>? Holds, DateTimeOffset HoldUntil);

/// <summary>What the authorization step found.</summary>
public sealed record AuthorizationOutcome(string? PaymentId, string Status, string? NextActionUrl, string? DeclineCode);

/// <summary>The payment's outcome a provider's webhook reports for a customer action (3-D Secure).</summary>
public sealed record PaymentActionEvent(string PaymentId, bool Succeeded);

/// <summary>What the capture step did: "captured", "cancelled" (the viewer cancelled first) or "declined".</summary>
public sealed record CaptureOutcome(string Status);

/// <summary>Input of the step that closes a failed checkout.</summary>
/// <param name="Lines">The priced lines, when the checkout got that far (their holds and claims are released).</param>
/// <param name="PaymentId">The payment, when one was created (it is cancelled, or refunded if it was captured).</param>
/// <param name="AuthorizationSentAt">
/// When no payment id is known but an authorization was sent whose answer never came: when it was sent. The provider is
/// asked whether it made one; its search may not show a payment that new yet (see <see cref="Payments.IPaymentProvider.SearchLag"/>).
/// </param>
/// <param name="Holds">Where each line's units were held, when the reservation answered (else any open hold of the lines is released).</param>
/// <param name="HoldUntil">When the holds expire.</param>
/// <param name="StockCommitted">Every line's units were sold (the commit step answered true): the failure puts them all
/// back on sale, however long after the holds' expiry it runs.</param>
public sealed record CheckoutFailure(
    CheckoutStart Start,
    IReadOnlyList<PricedLine>? Lines,
    string? PaymentId,
    CheckoutRejection Rejection,
    DateTimeOffset? AuthorizationSentAt = null,
    IReadOnlyList<LineHolds>? Holds = null,
    DateTimeOffset HoldUntil = default,
    bool StockCommitted = false);

/// <summary>The input of a checkout's orchestration: the checkout and how long it may wait for a payment action.</summary>
/// <param name="FlashSaleActionTimeout">The wait instead, when a line is priced at a flash sale's deal (the market's
/// shorter wait, so a sale's units are not held for long by a buyer who does not pay); absent: the usual wait.</param>
public sealed record CheckoutRun(CheckoutStart Start, TimeSpan PaymentActionTimeout, TimeSpan? FlashSaleActionTimeout = null);

/// <summary>How a checkout's orchestration ended.</summary>
public sealed record CheckoutOutcome(CheckoutStatus Status, CheckoutRejection? Rejection);

/// <summary>The names of a checkout orchestration's external events.</summary>
public static class CheckoutEvents
{
    /// <summary>The provider reports the outcome of the customer's action (payload <see cref="PaymentActionEvent"/>).</summary>
    public const string PaymentAction = "PaymentAction";

    /// <summary>The viewer asked to cancel before capture.</summary>
    public const string CancelRequested = "CancelRequested";
}

/// <summary>Starts and signals checkout orchestrations (Durable Functions in the app).</summary>
public interface ICheckoutWorkflow
{
    /// <summary>Starts the checkout's orchestration (instance id: the checkout id) unless it already exists.</summary>
    Task StartAsync(CheckoutStart start, CancellationToken cancellationToken);

    /// <summary>
    /// Raises an external event on the checkout's running orchestration (one that does not wait for it ignores it);
    /// false when no such orchestration is running (unknown, or finished).
    /// </summary>
    Task<bool> RaiseAsync(string checkoutId, string eventName, object? payload, CancellationToken cancellationToken);
}

/// <summary>Checkout settings.</summary>
/// <param name="PaymentActionTimeout">How long a checkout waits for the customer's payment action (3-D Secure) before it expires.</param>
public sealed record CheckoutSettings(TimeSpan PaymentActionTimeout)
{
    public const int DefaultPaymentActionMinutes = 10;

    /// <summary>Extra time a hold lives beyond the longest a checkout can take, before the sweep may release it.</summary>
    public static readonly TimeSpan HoldMargin = TimeSpan.FromMinutes(5);

    /// <summary>How long after its start a checkout may still hold stock (its entry in the buyer's open checkouts counts that long at most).</summary>
    public TimeSpan LongestRun => PaymentActionTimeout + HoldMargin + HoldMargin;

    /// <summary>How long a checkout of <paramref name="market"/> waits for the payment action, with or without a flash-sale line.</summary>
    public TimeSpan PaymentActionTimeoutFor(string market, bool flashSale) =>
        flashSale
            ? TimeSpan.FromTicks(Math.Min(PaymentActionTimeout.Ticks, TimeSpan.FromMinutes(Markets.MarketRegistry.Get(market).CheckoutLimits.FlashSalePaymentActionMinutes).Ticks))
            : PaymentActionTimeout;
}
