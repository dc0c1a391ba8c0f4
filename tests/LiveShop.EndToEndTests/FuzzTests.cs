using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveShop.Core.Carts;
using LiveShop.Core.Configuration;
using LiveShop.Core.Orders;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.Functions.Payments;

namespace LiveShop.EndToEndTests;

/// <summary>
/// Malformed, mistyped, oversized and random input to every endpoint, from the right caller: never a 5xx,
/// always a problem+json 4xx, and nothing written.
/// </summary>
[Collection(RunnerCollection.Name)]
public sealed class FuzzTests(RunnerFixture runner)
{
    /// <summary>The cart market of the cart targets.</summary>
    private const string CartMarket = "uk";

    /// <summary>Functions that take no input at all (no body, no route values, no query): nothing to break.</summary>
    private static readonly string[] WithoutInput = ["CreateGuest"];

    /// <summary>The order waiting for 3-D Secure that the cancel and webhook targets name (ended after the run).</summary>
    private PaidOrder? _awaiting;

    private sealed record Target(HttpMethod Method, string Route, object? ValidBody, string? IfMatch, string? Token, string? GuestToken = null)
    {
        /// <summary>Headers the valid request sends besides its credentials (Idempotency-Key, Stripe-Signature).</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        /// <summary>Whether "{}" is a valid body for this function (a refund without lines refunds everything).</summary>
        public bool EmptyObjectIsValid { get; init; }

        /// <summary>
        /// For the payment webhook: signs a body, so that garbage also reaches the event parser with a valid signature
        /// (mutations of the valid event keep its signature, which then no longer matches).
        /// </summary>
        public Func<string, string>? Sign { get; init; }
    }

    [Fact]
    public async Task EveryEndpoint_MalformedInput_Answers4xxProblemAndWritesNothing()
    {
        var random = new Random(20261125);
        var targets = await TargetsAsync(random);
        Assert.Equal(FunctionsMetadata.HttpFunctions().Select(f => f.Name).Order(), targets.Keys.Order());

        var sent = 0;
        foreach (var (name, target) in targets)
        {
            var sentToTarget = 0;
            foreach (var (body, contentType, garbage) in Payloads(target.ValidBody, random))
            {
                if (body == "{}" && target.EmptyObjectIsValid)
                {
                    continue;
                }

                await SendAndCheckAsync(name, target, target.Route, body, contentType);
                sentToTarget++;
                if (garbage && target.Sign is not null && body is not null)
                {
                    await SendAndCheckAsync(name, target with { Headers = new Dictionary<string, string> { [PaymentWebhookFunctions.SignatureHeader] = target.Sign(body) } }, target.Route, body, contentType);
                    sentToTarget++;
                }
            }

            if (target.Route.Contains('?', StringComparison.Ordinal))
            {
                // The route itself carries a bad query.
                await SendAndCheckAsync(name, target, target.Route, null, null);
                sentToTarget++;
            }

            foreach (var route in MangledRoutes(target.Route, random))
            {
                await SendAndCheckAsync(name, target, route, target.ValidBody is null ? null : JsonSerializer.Serialize(target.ValidBody, ApiJson.Options), "application/json");
                sentToTarget++;
            }

            Assert.True(sentToTarget > 0 || WithoutInput.Contains(name), $"Nothing malformed was sent to {name}.");
            sent += sentToTarget;
        }

        Assert.True(sent > 500, $"Only {sent} requests were sent.");

        // Nothing reached the waiting checkout: it still waits, and ends as its buyer decides.
        Assert.Equal("awaiting_payment_action", (await runner.GetCheckoutAsync(_awaiting!.Token, _awaiting.Checkout.Id)).Status);
        await runner.FinishAsync(_awaiting);
    }

    [Theory]
    [InlineData("pageSize=abc")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=100000")]
    [InlineData("pageSize=-1")]
    [InlineData("continuationToken=not-a-token")]
    [InlineData("continuationToken=%00%01")]
    [InlineData("includeArchived=maybe")]
    public async Task ListProducts_BadQuery_Answers400Problem(string query)
    {
        using var response = await runner.Client.GetAsync(RunnerFixture.Url(Routes.Format(Routes.MerchantProducts, "m-any")) + "?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"id\":\"evt_no_type\"}")]
    [InlineData("{\"type\":\"payment_intent.amount_capturable_updated\"}")]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"payment_intent.payment_failed\",\"data\":7}")]
    public async Task PaymentWebhook_ValidlySignedBodyThatIsNoEvent_Answers400ProblemAndRecordsNothing(string body)
    {
        var secret = runner.App.Configuration[SettingNames.PaymentWebhookSecret]!;
        using var request = RunnerFixture.Request(HttpMethod.Post, Routes.PaymentWebhooks);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation(PaymentWebhookFunctions.SignatureHeader, AuthorizationMatrixTests.Sign(secret, runner.Clock.GetUtcNow().ToUnixTimeSeconds(), body));
        var writesBefore = runner.Writes;

        using var response = await runner.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not a Stripe event", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(writesBefore, runner.Writes);
    }

    [Theory]
    [InlineData("pageSize=abc")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=101")]
    [InlineData("continuationToken=not-a-token")]
    public async Task OrderLists_BadQuery_Answer400ProblemAndWriteNothing(string query)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var writesBefore = runner.Writes;

        using var mine = await runner.Client.SendAsync(RunnerFixture.Request(HttpMethod.Get, Routes.Orders + "?" + query, runner.ViewerToken(RunnerFixture.NewViewerId())));
        using var merchants = await runner.Client.SendAsync(RunnerFixture.Request(HttpMethod.Get, Routes.Format(Routes.MerchantOrders, merchant) + "?" + query, runner.MerchantToken(merchant)));

        Assert.Equal(HttpStatusCode.BadRequest, mine.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, merchants.StatusCode);
        Assert.Equal("application/problem+json", mine.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/problem+json", merchants.Content.Headers.ContentType?.MediaType);
        Assert.Equal(writesBefore, runner.Writes);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("UK")]
    [InlineData("gb")]
    [InlineData("u k")]
    [InlineData("uk.")]
    [InlineData("ukk")]
    public async Task CartEndpoints_UnknownMarketInRoute_Answer404ProblemAndWriteNothing(string market)
    {
        // A viewer with a line in its uk cart, and a guest with one too, so that any request that got through would write.
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, CartMarket);
        var viewer = runner.NewViewer();
        var (line, _) = await runner.AddToCartAsync(viewer, CartMarket, merchant, product);
        var guest = await runner.NewGuestTokenAsync();
        await runner.AddToCartAsync(Shopper.Guest(guest), CartMarket, merchant, product);
        var writesBefore = runner.Writes;
        (HttpMethod Method, string Route, object? Body, Shopper Shopper)[] calls =
        [
            (HttpMethod.Get, Routes.Format(Routes.Cart, market), null, viewer),
            (HttpMethod.Delete, Routes.Format(Routes.Cart, market), null, viewer),
            (HttpMethod.Post, Routes.Format(Routes.CartLines, market), Inputs.CartLine(merchant, product), viewer),
            (HttpMethod.Put, Routes.Format(Routes.CartLine, market, line.Line!.LineId), new CartQuantityInput(2), viewer),
            (HttpMethod.Delete, Routes.Format(Routes.CartLine, market, line.Line!.LineId), null, viewer),
            (HttpMethod.Post, Routes.Format(Routes.CartMerge, market), null, viewer with { GuestToken = guest }),
        ];

        foreach (var (method, route, body, shopper) in calls)
        {
            using var response = await runner.SendAsync(method, route, shopper, body);

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {route} answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Market", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(1, (await runner.GetCartAsync(viewer, CartMarket)).ItemCount);
    }

    private async Task SendAndCheckAsync(string name, Target target, string route, string? body, string? contentType)
    {
        var writesBefore = runner.Writes;
        using var request = RunnerFixture.Request(target.Method, route, new Shopper(target.Token, target.GuestToken), ifMatch: target.IfMatch);
        foreach (var (header, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await runner.Client.SendAsync(request);

        var status = (int)response.StatusCode;
        var shown = body is null ? "(no body)" : body[..Math.Min(body.Length, 200)];
        Assert.True(status is >= 400 and < 500, $"{name} {route} answered {status} to {shown}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{name} {route} answered {status} without problem+json to {shown}");
        Assert.Equal(writesBefore, runner.Writes);
    }

    /// <summary>One valid request per function (from the right caller, with real ids), to be broken.</summary>
    private async Task<Dictionary<string, Target>> TargetsAsync(Random random)
    {
        var owner = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(owner);
        var (product, productEtag) = await runner.CreateProductAsync(owner);
        var (stream, streamEtag) = await runner.CreateStreamAsync(owner);

        // A live stream with a showcase product on flash sale (shirt-s), and a viewer and a guest with a cart line each.
        var (liveStream, saleProduct) = await runner.CreateLiveStreamWithProductAsync(owner, CartMarket);
        var sale = await runner.CreateFlashSaleAsync(owner, liveStream, Inputs.FlashSale(saleProduct, runner.Clock.GetUtcNow(), CartMarket, startsIn: TimeSpan.FromSeconds(120)));

        // A live stream with a pinned product (an unpin that got through would write).
        var (pinnedStream, pinnedProduct) = await runner.CreateLiveStreamWithProductAsync(owner, CartMarket);
        using (var pinned = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamPin, pinnedStream), token, new PinInput(pinnedProduct, null)))
        {
            Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        }

        var (cartProduct, _) = await runner.CreateProductAsync(owner, CartMarket);
        var viewer = runner.ViewerToken(RunnerFixture.NewViewerId());
        var (line, cartEtag) = await runner.AddToCartAsync(Shopper.Viewer(viewer), CartMarket, owner, cartProduct);
        var guest = await runner.NewGuestTokenAsync();
        await runner.AddToCartAsync(Shopper.Guest(guest), CartMarket, owner, cartProduct, "shirt-m");
        var lineRoute = Routes.Format(Routes.CartLine, CartMarket, line.Line!.LineId);

        // A paid order (refundable), an order waiting for 3-D Secure (cancellable, and the checkout a webhook event names).
        var paid = await runner.PaidOrderAsync(owner);
        _awaiting = await runner.AwaitingOrderAsync(owner);
        var paymentId = (await runner.StoredOrderAsync(owner, _awaiting.OrderId)).Payment.PaymentId!;
        var secret = runner.App.Configuration[SettingNames.PaymentWebhookSecret]!;
        var signedAt = runner.Clock.GetUtcNow().ToUnixTimeSeconds();
        var paymentEvent = new JsonObject
        {
            ["id"] = $"evt_fuzz_{random.Next()}",
            ["object"] = "event",
            ["api_version"] = "2026-10-28.endive",
            ["created"] = signedAt,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["type"] = "payment_intent.amount_capturable_updated",
            ["data"] = new JsonObject
            {
                ["object"] = new JsonObject
                {
                    ["id"] = paymentId,
                    ["object"] = "payment_intent",
                    ["amount"] = 2500,
                    ["currency"] = "usd",
                    ["capture_method"] = "manual",
                    ["status"] = "requires_capture",
                    ["metadata"] = new JsonObject { ["checkout_id"] = _awaiting.Checkout.Id },
                },
            },
        };
        return new()
        {
            ["CreateProduct"] = new(HttpMethod.Post, Routes.Format(Routes.MerchantProducts, owner), Inputs.Product(), null, token),
            ["ReplaceProduct"] = new(HttpMethod.Put, Routes.Format(Routes.MerchantProduct, owner, product), Inputs.Product(), productEtag, token),
            ["ArchiveProduct"] = new(HttpMethod.Post, Routes.Format(Routes.MerchantProductArchive, owner, product), null, null, token),
            ["GetProduct"] = new(HttpMethod.Get, Routes.Format(Routes.MerchantProduct, owner, product), null, null, token),
            ["ListProducts"] = new(HttpMethod.Get, Routes.Format(Routes.MerchantProducts, owner) + "?pageSize=x", null, null, token),
            ["CreateStream"] = new(HttpMethod.Post, Routes.Streams, Inputs.Stream(), null, token),
            ["StartStream"] = new(HttpMethod.Post, Routes.Format(Routes.StreamStart, stream), null, null, token),
            ["EndStream"] = new(HttpMethod.Post, Routes.Format(Routes.StreamEnd, stream), null, null, token),
            ["AddToShowcase"] = new(HttpMethod.Post, Routes.Format(Routes.StreamShowcase, stream), new ShowcaseAddInput(product, 0), null, token),
            ["ReplaceShowcase"] = new(HttpMethod.Put, Routes.Format(Routes.StreamShowcase, stream), new ShowcaseInput([product]), streamEtag, token),
            ["RemoveFromShowcase"] = new(HttpMethod.Delete, Routes.Format(Routes.StreamShowcaseProduct, stream, "not-in-showcase"), null, null, token),
            ["GetStream"] = new(HttpMethod.Get, Routes.Format(Routes.Stream, "str_missing"), null, null, token),
            ["PinProduct"] = new(HttpMethod.Post, Routes.Format(Routes.StreamPin, liveStream), new PinInput(saleProduct, "shirt-s"), null, token),
            ["UnpinProduct"] = new(HttpMethod.Delete, Routes.Format(Routes.StreamPin, pinnedStream), null, null, token),
            ["ListPins"] = new(HttpMethod.Get, Routes.Format(Routes.StreamPins, liveStream) + "?pageSize=x", null, null, null),
            ["Negotiate"] = new(HttpMethod.Post, Routes.Format(Routes.StreamNegotiate, liveStream), null, null, null),

            // Unsigned: nothing of it may be read, whatever the body.
            ["LiveUpstream"] = new(HttpMethod.Post, Routes.LiveUpstream, new { type = 10 }, null, null),
            ["CreateFlashSale"] = new(HttpMethod.Post, Routes.Format(Routes.StreamSales, liveStream), Inputs.FlashSale(saleProduct, runner.Clock.GetUtcNow(), CartMarket, skuId: "shirt-m"), null, token),
            ["CancelFlashSale"] = new(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, owner, saleProduct, sale.Id), null, null, token),
            ["ListFlashSales"] = new(HttpMethod.Get, Routes.Format(Routes.StreamSales, liveStream), null, null, null),
            ["CreateGuest"] = new(HttpMethod.Post, Routes.Guests, null, null, null),
            ["GetCart"] = new(HttpMethod.Get, Routes.Format(Routes.Cart, CartMarket), null, null, viewer),
            ["AddCartLine"] = new(HttpMethod.Post, Routes.Format(Routes.CartLines, CartMarket), Inputs.CartLine(owner, cartProduct, "shirt-m", 2), cartEtag, viewer),
            ["SetCartLineQuantity"] = new(HttpMethod.Put, lineRoute, new CartQuantityInput(3), cartEtag, viewer),
            ["RemoveCartLine"] = new(HttpMethod.Delete, lineRoute, null, cartEtag, viewer),
            ["ClearCart"] = new(HttpMethod.Delete, Routes.Format(Routes.Cart, CartMarket), null, cartEtag, viewer),

            // The guest's cart has a line: a merge that got through would write.
            ["MergeGuestCart"] = new(HttpMethod.Post, Routes.Format(Routes.CartMerge, CartMarket), null, null, viewer, guest),

            // A checkout or a cancellation that got through would write; so would a refund (of one unit, with restock).
            ["StartCheckout"] = new(HttpMethod.Post, Routes.Checkouts, CheckoutDriver.BuyNow(owner, product), null, viewer) { Headers = new Dictionary<string, string> { ["Idempotency-Key"] = "fuzz-1" } },
            ["GetCheckout"] = new(HttpMethod.Get, Routes.Format(Routes.Checkout, paid.Checkout.Id), null, null, paid.Token),
            ["ListMyOrders"] = new(HttpMethod.Get, Routes.Orders + "?pageSize=x", null, null, paid.Token),
            ["GetMyOrder"] = new(HttpMethod.Get, Routes.Format(Routes.Order, paid.OrderId), null, null, paid.Token),
            ["CancelMyOrder"] = new(HttpMethod.Post, Routes.Format(Routes.OrderCancel, _awaiting.OrderId), null, null, _awaiting.Token),
            ["ListMerchantOrders"] = new(HttpMethod.Get, Routes.Format(Routes.MerchantOrders, owner) + "?pageSize=x", null, null, token),
            ["GetMerchantOrder"] = new(HttpMethod.Get, Routes.Format(Routes.MerchantOrder, owner, paid.OrderId), null, null, token),
            ["RefundOrder"] = new(HttpMethod.Post, Routes.Format(Routes.MerchantOrderRefunds, owner, paid.OrderId), new RefundInput([new RefundLineInput(1, 1)], true), null, token)
            {
                Headers = new Dictionary<string, string> { ["Idempotency-Key"] = "fuzz-refund-1" },
                EmptyObjectIsValid = true,
            },

            // A signed event about the waiting checkout (an event that got through would be recorded).
            ["PaymentWebhook"] = new(HttpMethod.Post, Routes.PaymentWebhooks, paymentEvent, null, null)
            {
                Headers = new Dictionary<string, string> { [PaymentWebhookFunctions.SignatureHeader] = AuthorizationMatrixTests.Sign(secret, signedAt, paymentEvent.ToJsonString()) },
                Sign = body => AuthorizationMatrixTests.Sign(secret, signedAt, body),
            },

            // Event Grid's deliveries, with the right delivery key: a malformed batch is 400 and handled by no consumer.
            ["EventGridDelivery"] = new(
                HttpMethod.Post,
                $"{Routes.EventGridDeliveries}?key={runner.App.Configuration[SettingNames.EventGridDeliveryKey]}",
                new { specversion = "1.0", id = "e1", type = "liveshop.order.paid", source = "/liveshop", subject = "merchants/m1/orders/o1", data = new { orderId = "o1" } },
                null,
                null),
        };
    }

    /// <summary>
    /// Bodies that must all be refused: for endpoints with a body, every leaf of a valid body given a wrong type, plus
    /// garbage (<c>Garbage</c>: no request of that function, whoever signed it).
    /// </summary>
    private static IEnumerable<(string? Body, string? ContentType, bool Garbage)> Payloads(object? validBody, Random random)
    {
        if (validBody is null)
        {
            yield break;
        }

        var valid = JsonSerializer.SerializeToNode(validBody, ApiJson.Options)!;
        foreach (var mutated in WrongTypes(valid))
        {
            yield return (mutated, "application/json", false);
        }

        yield return (valid.ToJsonString(), "text/plain", false);
        yield return (valid.ToJsonString(), null, false);
        yield return (valid.ToJsonString()[..(valid.ToJsonString().Length / 2)], "application/json", true);
        yield return (string.Empty, "application/json", true);
        yield return ("null", "application/json", true);
        yield return ("[]", "application/json", true);
        yield return ("{}", "application/json", true);
        yield return ("{\"unknownProperty\":1}", "application/json", true);
        yield return (new string('[', 10_000) + new string(']', 10_000), "application/json", true);
        yield return ("{\"title\":\"" + new string('x', 100_000) + "\"}", "application/json", true);
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            yield return (Encoding.Latin1.GetString(bytes), "application/json", true);
        }
    }

    private static IEnumerable<string> WrongTypes(JsonNode root)
    {
        var paths = new List<string>();
        Collect(root, "$", paths);
        foreach (var path in paths)
        {
            var original = Find(root, path)!;
            JsonNode?[] replacements = original switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => [JsonValue.Create(12), JsonValue.Create(true), new JsonArray(), new JsonObject()],
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => [JsonValue.Create("12"), JsonValue.Create(1.5), JsonValue.Create(true), new JsonArray(), JsonValue.Create(1e30)],
                JsonArray => [JsonValue.Create("x"), JsonValue.Create(1), new JsonObject()],
                JsonObject => [JsonValue.Create("x"), JsonValue.Create(1), new JsonArray()],
                _ => [],
            };
            foreach (var replacement in replacements)
            {
                var copy = root.DeepClone();
                Replace(copy, path, replacement);
                yield return copy.ToJsonString();
            }
        }
    }

    private static void Collect(JsonNode? node, string path, List<string> paths)
    {
        if (path != "$" && node is not null)
        {
            paths.Add(path);
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    Collect(child, path + "." + key, paths);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Collect(a[i], path + "[" + i + "]", paths);
                }

                break;
        }
    }

    private static JsonNode? Find(JsonNode root, string path) =>
        Steps(path).Aggregate<object, JsonNode?>(root, (node, step) => step is int i ? node![i] : node![(string)step]);

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        var steps = Steps(path).ToList();
        var parent = Steps(path).Take(steps.Count - 1).Aggregate<object, JsonNode?>(root, (node, step) => step is int i ? node![i] : node![(string)step])!;
        if (steps[^1] is int index)
        {
            parent.AsArray()[index] = value;
        }
        else
        {
            parent.AsObject()[(string)steps[^1]] = value;
        }
    }

    private static IEnumerable<object> Steps(string path)
    {
        foreach (var part in path[1..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            yield return bracket < 0 ? part : part[..bracket];
            while (bracket >= 0)
            {
                var end = part.IndexOf(']', bracket);
                yield return int.Parse(part[(bracket + 1)..end], System.Globalization.CultureInfo.InvariantCulture);
                bracket = part.IndexOf('[', end);
            }
        }
    }

    /// <summary>The route with each id replaced by ids that cannot exist or are not ids at all.</summary>
    private static IEnumerable<string> MangledRoutes(string route, Random random)
    {
        var path = route.Split('?')[0];
        var query = route[path.Length..];
        var segments = path.Split('/');
        // (A NUL byte in the path is refused by Kestrel itself, before any function runs.)
        string[] bad = ["%2e%2e", new string('x', 300), "%F0%9F%98%80", "..", "str_" + random.Next(), "%20", "a'b\"c"];
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i] is "merchants" or "products" or "streams" or "showcase" or "start" or "end" or "archive"
                or "sales" or "cancel" or "guests" or "carts" or "lines" or "merge" or "checkouts" or "orders" or "refunds"
                or "webhooks" or "payments" or "pin" or "pins" or "negotiate" or "live" or "upstream" or "events" or "eventgrid")
            {
                continue;
            }

            foreach (var value in bad)
            {
                // '..' as the last segment is no id: dot-segment removal (RFC 3986, done by the client and by Kestrel)
                // makes the request one for the parent resource, e.g. DELETE .../lines/.. is DELETE /api/carts/uk/.
                if (i == segments.Length - 1 && value is ".." or "%2e%2e")
                {
                    continue;
                }

                var copy = (string[])segments.Clone();
                copy[i] = value;
                yield return string.Join('/', copy) + query;
            }
        }
    }
}
