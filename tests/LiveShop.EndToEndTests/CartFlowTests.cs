using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveShop.Core.Carts;
using LiveShop.Functions.Http;

namespace LiveShop.EndToEndTests;

/// <summary>What shoppers do with carts, through the runner over HTTP.</summary>
[Collection(RunnerCollection.Name)]
public sealed class CartFlowTests(RunnerFixture runner)
{
    [Fact]
    public async Task GuestCart_SignInAndMerge_QuantitiesAddAndARepeatedMergeAddsNothing()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", price: 1000, stock: 50);
        var guest = await runner.NewGuestAsync();
        await runner.AddToCartAsync(guest, "uk", merchant, product, "shirt-s", 2);
        await runner.AddToCartAsync(guest, "uk", merchant, product, "shirt-m", 1);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-s", 1);
        var signedIn = viewer with { GuestToken = guest.GuestToken };
        var route = Routes.Format(Routes.CartMerge, "uk");

        using var merged = await runner.SendAsync(HttpMethod.Post, route, signedIn);

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var view = (await merged.Content.ReadFromJsonAsync<CartView>(ApiJson.Options))!;
        Assert.False(view.Guest);
        Assert.Equal(merged.Headers.ETag!.Tag, view.Version);
        Assert.Equal(new Dictionary<string, long> { ["shirt-s"] = 3, ["shirt-m"] = 1 }, view.Lines.ToDictionary(l => l.SkuId, l => l.Quantity));
        Assert.Equal(4, view.ItemCount);
        Assert.Equal(4000, view.Totals.Total.MinorUnits);
        Assert.Empty((await runner.GetCartAsync(guest, "uk")).Lines);

        // A retried merge (the client lost the first answer) finds nothing left to move.
        var writesBefore = runner.Writes;
        using var again = await runner.SendAsync(HttpMethod.Post, route, signedIn);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = (await again.Content.ReadFromJsonAsync<CartView>(ApiJson.Options))!;
        Assert.Equal(view.Version, second.Version);
        Assert.Equal(view.Lines.Select(l => (l.LineId, l.Quantity)), second.Lines.Select(l => (l.LineId, l.Quantity)));
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal(second.Lines.Select(l => (l.LineId, l.Quantity)), (await runner.GetCartAsync(viewer, "uk")).Lines.Select(l => (l.LineId, l.Quantity)));
    }

    [Fact]
    public async Task Merge_TwoDevicesSignInAtOnce_MovesTheGuestCartOnce()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", stock: 50);
        var guest = await runner.NewGuestAsync();
        await runner.AddToCartAsync(guest, "uk", merchant, product, "shirt-s", 2);
        await runner.AddToCartAsync(guest, "uk", merchant, product, "shirt-m", 3);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-s", 1);
        var signedIn = viewer with { GuestToken = guest.GuestToken };

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartMerge, "uk"), signedIn)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var view = await runner.GetCartAsync(viewer, "uk");
        Assert.Equal(new Dictionary<string, long> { ["shirt-s"] = 3, ["shirt-m"] = 3 }, view.Lines.ToDictionary(l => l.SkuId, l => l.Quantity));
        Assert.Empty((await runner.GetCartAsync(guest, "uk")).Lines);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Merge_QuantitiesOverTheLineMaximum_AreCutToIt()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", stock: 500);
        var guest = await runner.NewGuestAsync();
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(guest, "uk", merchant, product, quantity: 60);
        await runner.AddToCartAsync(viewer, "uk", merchant, product, quantity: 60);

        using var merged = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartMerge, "uk"), viewer with { GuestToken = guest.GuestToken });

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal(Cart.MaxQuantityPerLine, Assert.Single((await runner.GetCartAsync(viewer, "uk")).Lines).Quantity);
    }

    [Fact]
    public async Task Merge_WithoutBothIdentities_Answers401AndWritesNothing()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk");
        var guest = await runner.NewGuestAsync();
        await runner.AddToCartAsync(guest, "uk", merchant, product);
        var route = Routes.Format(Routes.CartMerge, "uk");
        var writesBefore = runner.Writes;

        using var viewerOnly = await runner.SendAsync(HttpMethod.Post, route, runner.NewViewer());
        using var guestOnly = await runner.SendAsync(HttpMethod.Post, route, guest);

        Assert.Equal(HttpStatusCode.Unauthorized, viewerOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, guestOnly.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Single((await runner.GetCartAsync(guest, "uk")).Lines);
    }

    [Fact]
    public async Task Cart_AddUpdateRemoveClear_IfMatchGuardsEveryChange()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk");
        var viewer = runner.NewViewer();
        var lines = Routes.Format(Routes.CartLines, "uk");
        var cart = Routes.Format(Routes.Cart, "uk");

        var (small, etag1) = await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-s");
        var smallLine = Routes.Format(Routes.CartLine, "uk", small.Line!.LineId);
        Assert.Equal(etag1, (await runner.GetCartAsync(viewer, "uk")).Version);

        using var added = await runner.SendAsync(HttpMethod.Post, lines, viewer, Inputs.CartLine(merchant, product, "shirt-m", 2), etag1);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var etag2 = added.Headers.ETag!.Tag;
        var mediumLine = Routes.Format(Routes.CartLine, "uk", (await added.Content.ReadFromJsonAsync<CartChangeView>(ApiJson.Options))!.Line!.LineId);
        Assert.NotEqual(etag1, etag2);

        await AssertStaleAsync(HttpMethod.Post, lines, viewer, Inputs.CartLine(merchant, product, "shirt-m", 1), etag1);
        await AssertStaleAsync(HttpMethod.Post, lines, viewer, Inputs.CartLine(merchant, product, "shirt-m", 1), "W/" + etag2);

        using var updated = await runner.SendAsync(HttpMethod.Put, smallLine, viewer, new CartQuantityInput(5), etag2);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var etag3 = updated.Headers.ETag!.Tag;
        Assert.Equal(5, (await updated.Content.ReadFromJsonAsync<CartChangeView>(ApiJson.Options))!.Line!.Quantity);
        await AssertStaleAsync(HttpMethod.Put, smallLine, viewer, new CartQuantityInput(1), etag2);
        await AssertStaleAsync(HttpMethod.Delete, mediumLine, viewer, null, etag2);

        using var removed = await runner.SendAsync(HttpMethod.Delete, mediumLine, viewer, ifMatch: etag3);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var etag4 = removed.Headers.ETag!.Tag;
        var afterRemove = (await removed.Content.ReadFromJsonAsync<CartChangeView>(ApiJson.Options))!;
        Assert.Null(afterRemove.Line);
        Assert.Equal(5, afterRemove.ItemCount);
        Assert.Equal(1, afterRemove.LineCount);
        await AssertStaleAsync(HttpMethod.Delete, cart, viewer, null, etag3);

        using var cleared = await runner.SendAsync(HttpMethod.Delete, cart, viewer, ifMatch: etag4);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var view = await runner.GetCartAsync(viewer, "uk");
        Assert.Empty(view.Lines);
        Assert.Equal(cleared.Headers.ETag!.Tag, view.Version);

        using var gone = await runner.SendAsync(HttpMethod.Put, smallLine, viewer, new CartQuantityInput(2));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Cart_ConcurrentAddsFromTwoDevices_LoseNothing()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", stock: 100);
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        using var phone = new HttpClient { BaseAddress = runner.Client.BaseAddress };
        using var laptop = new HttpClient { BaseAddress = runner.Client.BaseAddress };
        var lines = Routes.Format(Routes.CartLines, "uk");

        // At most Optimistic.MaxAttempts racers, the number every add is guaranteed to survive; the cart does not exist yet.
        var adds = Enumerable.Range(0, 4).SelectMany(_ => new[]
        {
            phone.SendAsync(RunnerFixture.Request(HttpMethod.Post, lines, token, Inputs.CartLine(merchant, product, "shirt-s", 1))),
            laptop.SendAsync(RunnerFixture.Request(HttpMethod.Post, lines, token, Inputs.CartLine(merchant, product, "shirt-m", 2))),
        }).ToList();
        var responses = await Task.WhenAll(adds);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var view = await runner.GetCartAsync(Shopper.Viewer(token), "uk");
        Assert.Equal(new Dictionary<string, long> { ["shirt-s"] = 4, ["shirt-m"] = 8 }, view.Lines.ToDictionary(l => l.SkuId, l => l.Quantity));
    }

    [Fact]
    public async Task Cart_TwoDevicesChangeTheSameVersion_OneWinsTheOtherGets412()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk");
        var viewer = runner.NewViewer();
        var (change, etag) = await runner.AddToCartAsync(viewer, "uk", merchant, product);
        var line = Routes.Format(Routes.CartLine, "uk", change.Line!.LineId);

        var responses = await Task.WhenAll(
            runner.SendAsync(HttpMethod.Put, line, viewer, new CartQuantityInput(4), etag),
            runner.SendAsync(HttpMethod.Put, line, viewer, new CartQuantityInput(7), etag));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
        var won = (await winner.Content.ReadFromJsonAsync<CartChangeView>(ApiJson.Options))!.Line!.Quantity;
        Assert.Equal(won, Assert.Single((await runner.GetCartAsync(viewer, "uk")).Lines).Quantity);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task CartTotals_Uk_VatIsIncludedAndShown()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", price: 1999, stock: 10);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "uk", merchant, product, quantity: 3);

        var view = await runner.GetCartAsync(viewer, "uk");

        Assert.Equal("GBP", view.Currency);
        var line = Assert.Single(view.Lines);
        Assert.Equal("£19.99", line.UnitPrice!.Formatted);
        Assert.Equal(5997, line.LineTotal!.MinorUnits);
        Assert.False(line.PriceChanged);
        Assert.Null(line.FlashSale);
        Assert.Equal(new AvailabilityView(10, true, true), line.Availability);
        Assert.Equal(5997, view.Totals.Subtotal.MinorUnits);
        Assert.Equal(0, view.Totals.Discount.MinorUnits);
        Assert.Equal(("VAT", 2000, "included"), (view.Totals.Tax.Name, view.Totals.Tax.RateBasisPoints, view.Totals.Tax.Treatment));

        // 59.97 x 20/120 = 9.995, rounded half away from zero: the VAT in the total is £10.00.
        Assert.Equal(1000, view.Totals.Tax.Amount!.MinorUnits);
        Assert.Equal("£10.00", view.Totals.Tax.Amount.Formatted);
        Assert.Equal((5997L, "GBP", 2, "59.97", "£59.97"), (view.Totals.Total.MinorUnits, view.Totals.Total.Currency, view.Totals.Total.Exponent, view.Totals.Total.Amount, view.Totals.Total.Formatted));
    }

    [Fact]
    public async Task CartTotals_Vietnam_DongHaveNoDecimals()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "vn", price: 150_000, stock: 10);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "vn", merchant, product, quantity: 2);

        var view = await runner.GetCartAsync(viewer, "vn");

        Assert.Equal("VND", view.Currency);
        var total = view.Totals.Total;
        Assert.Equal((300_000L, "VND", 0, "300000"), (total.MinorUnits, total.Currency, total.Exponent, total.Amount));
        Assert.Contains("₫", total.Formatted, StringComparison.Ordinal);
        Assert.Equal("300000", new string(total.Formatted.Where(char.IsAsciiDigit).ToArray()));

        // 300,000 x 10/110 = 27,272.7..., to the whole dong.
        Assert.Equal(("VAT", "included", 27_273L, "27273"), (view.Totals.Tax.Name, view.Totals.Tax.Treatment, view.Totals.Tax.Amount!.MinorUnits, view.Totals.Tax.Amount.Amount));
        Assert.Equal("150000", Assert.Single(view.Lines).UnitPrice!.Amount);
    }

    [Fact]
    public async Task CartTotals_Us_TaxIsCalculatedAtCheckout()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "us", price: 2500);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "us", merchant, product, quantity: 2);

        var view = await runner.GetCartAsync(viewer, "us");

        Assert.Equal(("Sales tax", 0, "calculatedAtCheckout"), (view.Totals.Tax.Name, view.Totals.Tax.RateBasisPoints, view.Totals.Tax.Treatment));
        Assert.Null(view.Totals.Tax.Amount);
        Assert.Equal((5000L, "USD", "50.00", "$50.00"), (view.Totals.Total.MinorUnits, view.Totals.Total.Currency, view.Totals.Total.Amount, view.Totals.Total.Formatted));
        Assert.Equal(5000, view.Totals.Subtotal.MinorUnits);
    }

    [Fact]
    public async Task AddCartLine_NotSellableInThisCart_Answers422NamingTheFieldAndWritesNothing()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (usProduct, _) = await runner.CreateProductAsync(merchant, "us");
        var (ukProduct, _) = await runner.CreateProductAsync(merchant, "uk");
        var viewer = runner.NewViewer();
        var lines = Routes.Format(Routes.CartLines, "uk");
        var writesBefore = runner.Writes;

        foreach (var (input, field) in new[]
        {
            (Inputs.CartLine(merchant, usProduct), "productId"),
            (Inputs.CartLine(merchant, ukProduct, "shirt-xl"), "skuId"),
            (Inputs.CartLine(merchant, "prd_missing"), "productId"),
            (Inputs.CartLine(RunnerFixture.NewMerchantId(), ukProduct), "productId"),
        })
        {
            using var response = await runner.SendAsync(HttpMethod.Post, lines, viewer, input);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(ErrorsOf(await response.Content.ReadAsStringAsync()).ContainsKey(field), $"{input} should name {field}.");
        }

        Assert.Equal(writesBefore, runner.Writes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100)]
    public async Task CartQuantity_OutOfRange_Answers400NamingQuantity(long quantity)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk");
        var viewer = runner.NewViewer();
        var (change, _) = await runner.AddToCartAsync(viewer, "uk", merchant, product);
        var writesBefore = runner.Writes;

        using var add = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartLines, "uk"), viewer, Inputs.CartLine(merchant, product, quantity: quantity));
        using var set = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.CartLine, "uk", change.Line!.LineId), viewer, new CartQuantityInput(quantity));

        foreach (var response in new[] { add, set })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True(ErrorsOf(await response.Content.ReadAsStringAsync()).ContainsKey("quantity"));
        }

        Assert.Equal(writesBefore, runner.Writes);
    }

    [Fact]
    public async Task AddCartLine_PastTheLineMaximum_Answers422()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", stock: 500);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "uk", merchant, product, quantity: 90);

        using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartLines, "uk"), viewer, Inputs.CartLine(merchant, product, quantity: 10));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(90, Assert.Single((await runner.GetCartAsync(viewer, "uk")).Lines).Quantity);
    }

    [Fact]
    public async Task CartRequest_WithBearerTokenAndGuestToken_Answers400()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk");
        var both = runner.NewViewer() with { GuestToken = await runner.NewGuestTokenAsync() };
        var writesBefore = runner.Writes;

        using var read = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Cart, "uk"), both);
        using var add = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartLines, "uk"), both, Inputs.CartLine(merchant, product));

        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, add.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);
    }

    [Fact]
    public async Task Cart_ProductArchivedAfterAdding_ShowsUnavailableOutsideTheTotals()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (kept, _) = await runner.CreateProductAsync(merchant, "uk", price: 1000);
        var (archived, _) = await runner.CreateProductAsync(merchant, "uk", price: 3000);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "uk", merchant, kept);
        await runner.AddToCartAsync(viewer, "uk", merchant, archived, quantity: 2);

        using var archive = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductArchive, merchant, archived), runner.MerchantToken(merchant));
        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        var view = await runner.GetCartAsync(viewer, "uk");

        var line = Assert.Single(view.Lines, l => l.ProductId == archived);
        Assert.Equal("unavailable", line.Problem);
        Assert.Equal(2, line.Quantity);
        Assert.Null(line.UnitPrice);
        Assert.Null(line.LineTotal);
        Assert.Equal(new AvailabilityView(0, false, false), line.Availability);
        Assert.Equal(3000, line.AddedUnitPrice.MinorUnits);
        Assert.Null(Assert.Single(view.Lines, l => l.ProductId == kept).Problem);
        Assert.Equal(1000, view.Totals.Subtotal.MinorUnits);
        Assert.Equal(1000, view.Totals.Total.MinorUnits);

        using var again = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartLines, "uk"), viewer, Inputs.CartLine(merchant, archived));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
    }

    [Fact]
    public async Task Cart_QuantityOverStock_FlagsTheLineInsufficient()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk", stock: 3);
        var (soldOut, _) = await runner.CreateProductAsync(merchant, "uk", stock: 0);
        var viewer = runner.NewViewer();

        // A cart holds no stock: adding more than there is works, and the cart says so.
        var (over, _) = await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-s", 5);
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-m", 3);
        await runner.AddToCartAsync(viewer, "uk", merchant, soldOut);
        var view = await runner.GetCartAsync(viewer, "uk");

        Assert.Equal(new AvailabilityView(3, true, false), view.Lines.Single(l => l.LineId == over.Line!.LineId).Availability);
        Assert.Equal(new AvailabilityView(3, true, true), view.Lines.Single(l => l.ProductId == product && l.SkuId == "shirt-m").Availability);
        Assert.Equal(new AvailabilityView(0, false, false), view.Lines.Single(l => l.ProductId == soldOut).Availability);

        using var fewer = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.CartLine, "uk", over.Line!.LineId), viewer, new CartQuantityInput(3));
        Assert.Equal(HttpStatusCode.OK, fewer.StatusCode);
        Assert.True((await runner.GetCartAsync(viewer, "uk")).Lines.Single(l => l.LineId == over.Line.LineId).Availability.Sufficient);
    }

    [Fact]
    public async Task Cart_PriceChangedOrSkuRemovedSinceAdding_ShowsOnTheLine()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, etag) = await runner.CreateProductAsync(merchant, "uk", price: 2000);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-s");
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-m");

        // The merchant drops shirt-m and lowers shirt-s to 18.00.
        var replacement = Inputs.Product("uk", price: 1800) with { Skus = [Inputs.Product("uk", price: 1800).Skus![0]] };
        using var replaced = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.MerchantProduct, merchant, product), runner.MerchantToken(merchant), replacement, etag);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var view = await runner.GetCartAsync(viewer, "uk");

        var cheaper = view.Lines.Single(l => l.SkuId == "shirt-s");
        Assert.Equal((1800L, 2000L, true), (cheaper.UnitPrice!.MinorUnits, cheaper.AddedUnitPrice.MinorUnits, cheaper.PriceChanged));
        Assert.Equal("unavailable", view.Lines.Single(l => l.SkuId == "shirt-m").Problem);
        Assert.Equal(1800, view.Totals.Total.MinorUnits);
    }

    [Fact]
    public async Task Cart_EveryChange_RestartsTheIdleExpiry()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, "uk");
        var viewer = runner.NewViewer();
        var idle = TimeSpan.FromMinutes(CartSettings.DefaultIdleMinutes);
        await runner.AddToCartAsync(viewer, "uk", merchant, product);
        var first = (await runner.GetCartAsync(viewer, "uk")).ExpiresAt!.Value;
        Assert.InRange(first - runner.Clock.GetUtcNow(), idle - TimeSpan.FromMinutes(1), idle);

        runner.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(first, (await runner.GetCartAsync(viewer, "uk")).ExpiresAt);
        await runner.AddToCartAsync(viewer, "uk", merchant, product);

        var second = (await runner.GetCartAsync(viewer, "uk")).ExpiresAt!.Value;
        Assert.InRange(second - first, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));
    }

    private async Task AssertStaleAsync(HttpMethod method, string route, Shopper shopper, object? body, string ifMatch)
    {
        var before = await runner.GetCartAsync(shopper, "uk");
        var writesBefore = runner.Writes;

        using var response = await runner.SendAsync(method, route, shopper, body, ifMatch);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(writesBefore, runner.Writes);
        var after = await runner.GetCartAsync(shopper, "uk");
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Lines.Select(l => (l.LineId, l.Quantity)), after.Lines.Select(l => (l.LineId, l.Quantity)));
    }

    private static Dictionary<string, JsonElement> ErrorsOf(string problem)
    {
        using var document = JsonDocument.Parse(problem);
        return document.RootElement.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
            : [];
    }
}
