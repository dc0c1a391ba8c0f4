using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Markets;
using LiveShop.Core.Pricing;
using LiveShop.Core.Storage;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Checkout;

/// <summary>
/// Viewers start checkouts and follow them. A checkout is identified by the buyer and the request's Idempotency-Key:
/// its id is derived from both, its record is created only if absent, and its orchestration has the same id, so any
/// number of retries (or parallel copies) of one request start one checkout. The same key with another body is refused.
/// </summary>
/// <remarks>
/// A new checkout is first entered in the buyer's open checkouts (<see cref="OpenCheckoutLimits"/>): one that would
/// pass the market's <see cref="Markets.CheckoutLimits"/> is refused there, with 422, before its record or any
/// reservation exists.
/// </remarks>
public sealed class CheckoutService(
    ICheckoutStore checkouts, ICartStore carts, OpenCheckoutLimits limits, CheckoutSettings settings, ServedMarkets markets, TimeProvider clock)
{
    /// <summary>Longest Idempotency-Key accepted (as Stripe's).</summary>
    public const int MaxIdempotencyKeyLength = 255;

    private static readonly JsonSerializerOptions HashJson = new(JsonSerializerDefaults.Web);

    /// <summary>Starts (or finds) the checkout of this request.</summary>
    /// <param name="workflow">Starts the checkout's orchestration (the function's Durable client).</param>
    public async Task<Checkout> StartAsync(Caller caller, string? idempotencyKey, CheckoutInput? input, ICheckoutWorkflow workflow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var buyer = Buyer(caller);
        var key = ValidKey(idempotencyKey);
        var valid = Validate(input);
        var id = IdFor(buyer, key);
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(valid, HashJson)));

        var existing = (await checkouts.ReadAsync(buyer, id, ct))?.Value;
        if (existing is null)
        {
            var (merchantId, items) = await ItemsAsync(caller, valid, ct);
            var now = clock.GetUtcNow();
            await limits.OpenAsync(buyer, valid.Market, id, items, now + settings.LongestRun, ct);
            var created = new Checkout(
                id, buyer, Ids.New("ord", clock), hash, valid.Market, merchantId, valid.Source, items, valid.PaymentMethod,
                CheckoutStatus.Pending, null, null, null, null, false, now, now);
            try
            {
                await checkouts.CreateAsync(created, ct);
                existing = created;
            }
            catch (DuplicateDocumentException e)
            {
                // A parallel copy of this request created it first.
                existing = (await checkouts.ReadAsync(buyer, id, ct))?.Value
                    ?? throw new InvalidOperationException($"Checkout '{id}' exists but cannot be read.", e);
            }
        }

        if (existing.RequestHash != hash)
        {
            throw LiveShopException.Unprocessable(
                "Idempotency-Key reused",
                $"Idempotency-Key '{key}' was used for a different checkout request; send a new key for a new request.");
        }

        if (!existing.IsFinal)
        {
            // Also after a crash between creating the record and starting the orchestration: a retry starts it.
            await workflow.StartAsync(ToStart(existing), ct);
        }

        return existing;
    }

    /// <summary>The buyer's checkout; 404 for anyone else's.</summary>
    public async Task<Checkout> GetAsync(Caller caller, string checkoutId, CancellationToken ct)
    {
        var buyer = Buyer(caller);
        Identifiers.EnsureRouteId("Checkout", checkoutId);
        return (await checkouts.ReadAsync(buyer, checkoutId, ct))?.Value ?? throw LiveShopException.NotFound("Checkout", checkoutId);
    }

    /// <summary>The id of a buyer's checkout for an Idempotency-Key: "chk_" and 32 hex digits of a hash of both.</summary>
    public static string IdFor(string buyerId, string idempotencyKey) =>
        "chk_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{buyerId}\n{idempotencyKey}")).AsSpan(0, 16));

    public static CheckoutStart ToStart(Checkout checkout)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        return new(checkout.Id, checkout.OrderId, checkout.BuyerId, checkout.Market, checkout.MerchantId, checkout.Source, checkout.Items, checkout.PaymentMethod);
    }

    /// <summary>Checkouts are for signed-in viewers (a guest signs in and merges its cart first).</summary>
    internal static string Buyer(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role == Role.Viewer
            ? caller.UserId
            : throw LiveShopException.Forbidden($"Checkouts and orders are a viewer's; the caller has the {caller.Role.ToString().ToLowerInvariant()} role.");
    }

    /// <summary>An Idempotency-Key: 1 to 255 visible ASCII characters (428 when missing, 400 when malformed).</summary>
    internal static string ValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw LiveShopException.PreconditionRequired("Send an Idempotency-Key header (1 to 255 characters, e.g. a UUID) so a retried request cannot start a second checkout.");
        }

        if (key.Length > MaxIdempotencyKeyLength || !key.All(c => c is >= '!' and <= '~'))
        {
            throw LiveShopException.BadRequest("Invalid Idempotency-Key", $"The Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters.");
        }

        return key;
    }

    private async Task<(string MerchantId, IReadOnlyList<CheckoutItem> Items)> ItemsAsync(Caller caller, ValidCheckout valid, CancellationToken ct)
    {
        if (valid.BuyNow is { } item)
        {
            return (item.MerchantId, [item]);
        }

        var cart = (await carts.ReadAsync(CartOwner.For(caller).Key, valid.Market, ct))?.Value;
        var lines = cart?.Lines ?? [];
        var merchants = lines.Select(l => l.MerchantId).Distinct(StringComparer.Ordinal).ToList();
        var merchantId = valid.CartMerchantId ?? (merchants.Count == 1 ? merchants[0] : null)
            ?? throw LiveShopException.Unprocessable(
                "Merchant needed",
                merchants.Count == 0
                    ? $"Your {valid.Market} cart is empty."
                    : $"Your cart holds products of {merchants.Count} merchants; check out one at a time (fromCart.merchantId: one of {string.Join(", ", merchants)}).");
        var mine = lines.Where(l => l.MerchantId == merchantId).ToList();
        PriceBook.EnsureWithinMaxTotal(MarketRegistry.Get(valid.Market), mine.Select(l => (l.AddedUnitPrice, l.Quantity)), "This checkout");
        var items = mine.Select(l => new CheckoutItem(l.MerchantId, l.ProductId, l.SkuId, l.Quantity, l.StreamId)).ToList();
        return items.Count > 0
            ? (merchantId, items)
            : throw LiveShopException.Unprocessable("Nothing to buy", $"Your {valid.Market} cart has no lines of merchant '{merchantId}'.");
    }

    private ValidCheckout Validate(CheckoutInput? input)
    {
        var v = new Validator();
        var market = v.Market("market", input?.Market);
        var paymentMethod = v.Identifier("paymentMethod", input?.PaymentMethod);
        CheckoutItem? item = null;
        if ((input?.BuyNow is null) == (input?.FromCart is null))
        {
            v.Add("$", "Send exactly one of buyNow (one SKU) and fromCart (the cart's lines of one merchant).");
        }
        else if (input!.BuyNow is { } buyNow)
        {
            var merchantId = v.Identifier("buyNow.merchantId", buyNow.MerchantId);
            var productId = v.Identifier("buyNow.productId", buyNow.ProductId);
            var skuId = v.Identifier("buyNow.skuId", buyNow.SkuId);
            v.Range("buyNow.quantity", buyNow.Quantity, 1, Cart.MaxQuantityPerLine);
            v.OptionalIdentifier("buyNow.streamId", buyNow.StreamId);

            item = new CheckoutItem(merchantId, productId, skuId, buyNow.Quantity ?? 0, buyNow.StreamId);
        }
        else if (input.FromCart!.MerchantId is { } cartMerchant)
        {
            v.Identifier("fromCart.merchantId", cartMerchant);
        }

        v.ThrowIfInvalid();
        markets.EnsureServed(market!);
        return new ValidCheckout(
            market!.Code, paymentMethod, item is null ? CheckoutSource.Cart : CheckoutSource.BuyNow, item, input!.FromCart?.MerchantId);
    }

    /// <summary>The validated request; its JSON is what the request hash covers.</summary>
    private sealed record ValidCheckout(string Market, string PaymentMethod, CheckoutSource Source, CheckoutItem? BuyNow, string? CartMerchantId);
}
