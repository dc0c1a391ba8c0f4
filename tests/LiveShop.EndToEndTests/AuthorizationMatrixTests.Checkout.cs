using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using LiveShop.Core.Configuration;
using LiveShop.Core.Identity;
using LiveShop.Core.Payments;
using LiveShop.Functions.Http;
using LiveShop.Functions.Payments;

namespace LiveShop.EndToEndTests;

/// <summary>The checkout and order reads by every kind of caller, and the payment webhook's signature check.</summary>
public sealed partial class AuthorizationMatrixTests
{
    /// <summary>A read of <paramref name="Owner"/>'s resource, whose answer to its owner names <paramref name="OwnedId"/>.</summary>
    public sealed record PreparedRead(string Route, Access Access, string Owner, Shopper OwnerShopper, string OwnedId)
    {
        /// <summary>What another viewer gets: 404 for one resource, its own (empty) list for a list.</summary>
        public HttpStatusCode OtherViewer { get; init; } = HttpStatusCode.NotFound;
    }

    /// <summary>The reads that need a caller, other than the cart (see <see cref="GetCart_ByEveryOtherCaller_NeverShowsTheOwnersCart"/>).</summary>
    private static readonly Dictionary<string, Func<RunnerFixture, Task<PreparedRead>>> ReadCases = new()
    {
        ["GetCheckout"] = async r =>
        {
            var paid = await r.PaidOrderAsync();
            return new PreparedRead(Routes.Format(Routes.Checkout, paid.Checkout.Id), Access.Viewer, paid.ViewerId, Shopper.Viewer(paid.Token), paid.Checkout.Id);
        },
        ["ListMyOrders"] = async r =>
        {
            var paid = await r.PaidOrderAsync();
            return new PreparedRead(Routes.Orders, Access.Viewer, paid.ViewerId, Shopper.Viewer(paid.Token), paid.OrderId) { OtherViewer = HttpStatusCode.OK };
        },
        ["GetMyOrder"] = async r =>
        {
            var paid = await r.PaidOrderAsync();
            return new PreparedRead(Routes.Format(Routes.Order, paid.OrderId), Access.Viewer, paid.ViewerId, Shopper.Viewer(paid.Token), paid.OrderId);
        },
        ["ListMerchantOrders"] = async r =>
        {
            var paid = await r.PaidOrderAsync();
            return new PreparedRead(Routes.Format(Routes.MerchantOrders, paid.MerchantId), Access.Merchant, paid.MerchantId, Shopper.Viewer(r.MerchantToken(paid.MerchantId)), paid.OrderId);
        },
        ["GetMerchantOrder"] = async r =>
        {
            var paid = await r.PaidOrderAsync();
            return new PreparedRead(Routes.Format(Routes.MerchantOrder, paid.MerchantId, paid.OrderId), Access.Merchant, paid.MerchantId, Shopper.Viewer(r.MerchantToken(paid.MerchantId)), paid.OrderId);
        },
    };

    /// <summary>Reads anyone may make (the catalog, streams and flash sales are public), and the cart's, checked on its own.</summary>
    private static readonly string[] ReadsOutsideReadMatrix = ["GetProduct", "ListProducts", "GetStream", "ListFlashSales", "ListPins", "GetCart"];

    public static TheoryData<string, CallerKind> ReadMatrix()
    {
        var data = new TheoryData<string, CallerKind>();
        foreach (var function in ReadCases.Keys)
        {
            foreach (var kind in Enum.GetValues<CallerKind>())
            {
                data.Add(function, kind);
            }
        }

        return data;
    }

    [Fact]
    public void ReadMatrix_CoversEveryReadThatNeedsACaller()
    {
        var reads = FunctionsMetadata.HttpFunctions().Where(f => f.Methods.All(m => m is "GET" or "HEAD")).Select(f => f.Name).Order();

        Assert.Empty(ReadCases.Keys.Intersect(ReadsOutsideReadMatrix));
        Assert.Equal(reads, ReadCases.Keys.Concat(ReadsOutsideReadMatrix).Order());
    }

    [Theory]
    [MemberData(nameof(ReadMatrix))]
    public async Task ReadEndpoint_ByCaller_OnlyTheOwnerSeesItAndNothingIsWritten(string function, CallerKind kind)
    {
        var read = await ReadCases[function](runner);
        var call = new PreparedCall(HttpMethod.Get, read.Route, null, null, HttpStatusCode.OK, read.Owner) { Access = read.Access, OwnerShopper = read.OwnerShopper };
        var writesBefore = runner.Writes;

        using var response = await runner.SendAsync(HttpMethod.Get, read.Route, await CallerAsync(kind, call));

        var expected = kind switch
        {
            CallerKind.Owner => HttpStatusCode.OK,
            CallerKind.Viewer when read.Access == Access.Viewer => read.OtherViewer,
            CallerKind.Viewer or CallerKind.Ops or CallerKind.OtherMerchant => HttpStatusCode.Forbidden,
            _ => HttpStatusCode.Unauthorized,
        };
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{function} by {kind}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(writesBefore, runner.Writes);
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        else
        {
            // A personal answer, not for caches: the owner's names the resource, another viewer's list does not.
            Assert.True(response.Headers.CacheControl?.NoStore, $"{function}: a personal answer must not be stored by caches.");
            Assert.Equal(kind == CallerKind.Owner, body.Contains(read.OwnedId, StringComparison.Ordinal));
        }
    }

    private static async Task<string> OrderStateAsync(RunnerFixture r, PaidOrder order)
    {
        var stored = (await r.Orders.ReadAsync(order.MerchantId, order.OrderId, CancellationToken.None))!;
        var checkout = (await r.Checkouts.ReadAsync(order.ViewerId, order.Checkout.Id, CancellationToken.None))!;
        var payment = stored.Value.Payment.PaymentId is { } id ? r.Payments.Find(id) : null;
        return $"order {stored.ETag} {stored.Value.Status}, checkout {checkout.ETag} {checkout.Value.Status}, {payment}";
    }

    private static Task WaitForCheckoutsAsync(RunnerFixture r) => r.WaitForCheckoutsAsync();

    /// <summary>
    /// The webhook takes no bearer token: only a Stripe-Signature over the exact body, with the webhook secret, signed
    /// within 300 s, gets in. Everything else is 401 problem+json with nothing written and the checkout untouched; the
    /// provider's event is handled once however often it is delivered.
    /// </summary>
    private static async Task PaymentWebhook_OnlyAFreshValidSignatureGetsIn_AndAnEventIsHandledOnce(RunnerFixture r)
    {
        var awaiting = await r.AwaitingOrderAsync();
        var paymentId = (await r.Orders.ReadAsync(awaiting.MerchantId, awaiting.OrderId, CancellationToken.None))!.Value.Payment.PaymentId!;

        // The buyer completes 3-D Secure at the provider, which signs the event that reports it (not yet delivered).
        var webhook = r.Payments.CompleteAction(paymentId, succeed: true);
        var secret = r.App.Configuration[SettingNames.PaymentWebhookSecret]!;
        var now = r.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(webhook.Signature, Sign(secret, long.Parse(webhook.Signature[2..webhook.Signature.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture), webhook.Body));
        var tampered = webhook.Body.Replace("\"amount\":", "\"amount\":1", StringComparison.Ordinal);
        Assert.NotEqual(webhook.Body, tampered);
        (string Name, string Body, string? Signature, string? Bearer)[] refused =
        [
            ("unsigned", webhook.Body, null, null),
            ("empty signature", webhook.Body, string.Empty, null),
            ("garbage signature", webhook.Body, "not-a-signature", null),
            ("signature without v1", webhook.Body, $"t={now}", null),
            ("wrong digest", webhook.Body, $"t={now},v1={new string('0', 64)}", null),
            ("another secret", webhook.Body, Sign("whsec_someone-else", now, webhook.Body), null),
            ("another body", tampered, webhook.Signature, null),
            ("stale (301 s)", webhook.Body, Sign(secret, now - StripeWebhookVerifierTolerance - 1, webhook.Body), null),
            ("merchant token", webhook.Body, null, r.MerchantToken(awaiting.MerchantId)),
            ("ops token", webhook.Body, null, r.Tokens.Issue("ops-1", Role.Ops)),
            ("buyer token", webhook.Body, null, awaiting.Token),
        ];

        foreach (var (name, body, signature, bearer) in refused)
        {
            var writesBefore = r.Writes;

            using var response = await DeliverAsync(r, body, signature, bearer);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"Webhook {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(writesBefore, r.Writes);
        }

        Assert.Equal("awaiting_payment_action", (await r.GetCheckoutAsync(awaiting.Token, awaiting.Checkout.Id)).Status);

        // The provider's own delivery gets in once; a redelivery of the event (same id) is accepted and changes nothing.
        using var delivered = await DeliverAsync(r, webhook.Body, webhook.Signature, null);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        var result = (await delivered.Content.ReadFromJsonAsync<PaymentWebhookResult>(ApiJson.Options))!;
        Assert.Equal("delivered", result.Outcome);
        await r.WaitForCheckoutAsync(awaiting.Checkout.Id);
        Assert.Equal("paid", (await r.GetCheckoutAsync(awaiting.Token, awaiting.Checkout.Id)).Status);
        Assert.NotNull(await r.PaymentEvents.ReadAsync(result.EventId, result.EventId, CancellationToken.None));
        var writesAfterFirst = r.Writes;

        using var again = await DeliverAsync(r, webhook.Body, webhook.Signature, null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(new PaymentWebhookResult(result.EventId, "duplicate"), await again.Content.ReadFromJsonAsync<PaymentWebhookResult>(ApiJson.Options));
        await r.WaitForCheckoutsAsync();
        Assert.Equal(writesAfterFirst, r.Writes);
        var payment = r.Payments.Find(paymentId)!;
        Assert.Equal((PaymentStatus.Captured, 0L), (payment.Status, payment.Refunded.MinorUnits));
        Assert.Single(r.Events.About(awaiting.MerchantId, awaiting.OrderId));
    }

    private const long StripeWebhookVerifierTolerance = LiveShop.Payments.StripeWebhookVerifier.ToleranceSeconds;

    private static async Task<HttpResponseMessage> DeliverAsync(RunnerFixture r, string body, string? signature, string? bearer)
    {
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.PaymentWebhooks, bearer);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(PaymentWebhookFunctions.SignatureHeader, signature);
        }

        return await r.Client.SendAsync(request);
    }

    /// <summary>Stripe's signature scheme: t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}" keyed with the secret}.</summary>
    internal static string Sign(string secret, long timestamp, string body)
    {
        var digest = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(digest)}";
    }
}
