using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveShop.Core.Carts;
using LiveShop.Core.Catalog;
using LiveShop.Core.Sales;
using LiveShop.Functions.Http;

namespace LiveShop.EndToEndTests;

/// <summary>
/// LIVE flash sales through the runner over HTTP. The app's clock (<see cref="RunnerFixture.Clock"/>) is moved forward
/// by seconds to reach a sale's start; sales end by being cancelled, so no test waits or moves the clock for long.
/// </summary>
[Collection(RunnerCollection.Name)]
public sealed class FlashSaleFlowTests(RunnerFixture runner)
{
    [Fact]
    public async Task FlashSale_Active_CartShowsDealPriceDiscountAndRefusesUnitsOverTheLimit()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", price: 2000, stock: 20);
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, now => Inputs.FlashSale(product, now, dealPrice: 1500, perCustomerLimit: 2, startsIn: TimeSpan.FromSeconds(15)));
        var viewer = runner.NewViewer();
        var lines = Routes.Format(Routes.CartLines, "uk");

        // Before the start the regular price applies, and the sale is announced on the line.
        var (change, _) = await runner.AddToCartAsync(viewer, "uk", merchant, product, streamId: stream);
        var upcoming = Assert.Single((await runner.GetCartAsync(viewer, "uk")).Lines);
        Assert.Equal(2000, upcoming.UnitPrice!.MinorUnits);
        Assert.Equal(("upcoming", false, 2L), (upcoming.FlashSale!.State, upcoming.FlashSale.Applied, upcoming.FlashSale.RemainingForYou));

        runner.Clock.Advance(TimeSpan.FromSeconds(16));
        var view = await runner.GetCartAsync(viewer, "uk");

        var line = Assert.Single(view.Lines);
        Assert.Equal((1500L, "£15.00"), (line.UnitPrice!.MinorUnits, line.UnitPrice.Formatted));
        Assert.Equal(2000, line.RegularUnitPrice!.MinorUnits);
        Assert.Equal(2000, line.AddedUnitPrice.MinorUnits);
        Assert.True(line.PriceChanged);
        Assert.Equal(500, line.Discount!.MinorUnits);
        Assert.Equal(1500, line.LineTotal!.MinorUnits);
        var deal = line.FlashSale!;
        Assert.Equal((sale.Id, "active", true, 2, 2L), (deal.SaleId, deal.State, deal.Applied, deal.PerCustomerLimit, deal.RemainingForYou));
        Assert.Equal((1500L, "GBP"), (deal.DealPrice.MinorUnits, deal.DealPrice.Currency));
        Assert.Equal((sale.StartsAt, sale.EndsAt), (deal.StartsAt, deal.EndsAt));
        Assert.Equal((2000L, 500L, 1500L, 250L), (view.Totals.Subtotal.MinorUnits, view.Totals.Discount.MinorUnits, view.Totals.Total.MinorUnits, view.Totals.Tax.Amount!.MinorUnits));

        // Up to the per-customer limit, and not one unit more, by adding or by setting the quantity.
        await runner.AddToCartAsync(viewer, "uk", merchant, product, streamId: stream);
        var writesBefore = runner.Writes;
        using var third = await runner.SendAsync(HttpMethod.Post, lines, viewer, Inputs.CartLine(merchant, product, streamId: stream));
        using var three = await runner.SendAsync(HttpMethod.Put, Routes.Format(Routes.CartLine, "uk", change.Line!.LineId), viewer, new CartQuantityInput(3));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, third.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, three.StatusCode);
        Assert.Contains(sale.Id, await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(writesBefore, runner.Writes);
        var atLimit = await runner.GetCartAsync(viewer, "uk");
        Assert.Equal((2L, 3000L, 1000L), (Assert.Single(atLimit.Lines).Quantity, atLimit.Totals.Total.MinorUnits, atLimit.Totals.Discount.MinorUnits));

        // The other SKU is not on sale: no limit, regular price.
        await runner.AddToCartAsync(viewer, "uk", merchant, product, "shirt-m", 5, stream);
        var other = (await runner.GetCartAsync(viewer, "uk")).Lines.Single(l => l.SkuId == "shirt-m");
        Assert.Null(other.FlashSale);
        Assert.Equal(10_000, other.LineTotal!.MinorUnits);
    }

    [Fact]
    public async Task FlashSale_PerCustomerLimit_AppliesAlreadyBeforeTheStart()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk");
        await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, runner.Clock.GetUtcNow(), perCustomerLimit: 3, startsIn: TimeSpan.FromSeconds(200)));
        var viewer = runner.NewViewer();

        using var tooMany = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartLines, "uk"), viewer, Inputs.CartLine(merchant, product, quantity: 4, streamId: stream));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        Assert.Empty((await runner.GetCartAsync(viewer, "uk")).Lines);
    }

    [Fact]
    public async Task FlashSaleList_ShowsUpcomingThenActiveThenEndedWhenCancelled()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, "uk", stock: 20);
        using var frozen = runner.Clock.Freeze(); // the times below are relative to this "now", whatever the load
        var now = runner.Clock.GetUtcNow();
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, now, allotment: 7, startsIn: TimeSpan.FromSeconds(20), durationSeconds: 120));

        // A second sale, on the other SKU, starts later and has more units than the SKU's stock.
        var later = await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, now, skuId: "shirt-m", allotment: 50, perCustomerLimit: 5, startsIn: TimeSpan.FromSeconds(200)));

        Assert.Equal(("upcoming", 7L), (sale.State, sale.UnitsLeft));
        var listed = await ListAsync(stream);
        Assert.Equal([sale.Id, later.Id], listed.Sales.Select(s => s.Id));
        var first = listed.Sales[0];
        Assert.Equal(("upcoming", (string?)null, (long?)null, 7L), (first.State, first.EndedReason, first.SecondsToEnd, first.UnitsLeft));
        Assert.InRange(first.SecondsToStart!.Value, 18, 20);
        Assert.Equal((merchant, product, "shirt-s", 1500L, 2000L), (first.MerchantId, first.ProductId, first.SkuId, first.DealPrice.MinorUnits, first.RegularPrice.MinorUnits));
        Assert.Equal(20, listed.Sales[1].UnitsLeft);

        runner.Clock.Advance(TimeSpan.FromSeconds(21));
        listed = await ListAsync(stream);
        first = listed.Sales[0];
        Assert.Equal(("active", (long?)null, 7L), (first.State, first.SecondsToStart, first.UnitsLeft));
        Assert.InRange(first.SecondsToEnd!.Value, 117, 120);
        Assert.Equal("upcoming", listed.Sales[1].State);

        using var cancel = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, merchant, product, sale.Id), runner.MerchantToken(merchant));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = (await cancel.Content.ReadFromJsonAsync<FlashSaleView>(ApiJson.Options))!;
        Assert.Equal(("ended", "cancelled", 0L), (cancelled.State, cancelled.EndedReason, cancelled.UnitsLeft));
        Assert.NotNull(cancelled.CancelledAt);

        first = (await ListAsync(stream)).Sales[0];
        Assert.Equal(("ended", "cancelled", (long?)null, (long?)null, 0L), (first.State, first.EndedReason, first.SecondsToStart, first.SecondsToEnd, first.UnitsLeft));

        // Cancelling again changes nothing; a cart sees the regular price again.
        var writesBefore = runner.Writes;
        using var again = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, merchant, product, sale.Id), runner.MerchantToken(merchant));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(viewer, "uk", merchant, product, streamId: stream);
        var line = Assert.Single((await runner.GetCartAsync(viewer, "uk")).Lines);
        Assert.Equal(2000, line.UnitPrice!.MinorUnits);
        Assert.Null(line.FlashSale);
    }

    [Fact]
    public async Task FlashSaleList_UnknownStream_Answers404AndAStreamWithoutSalesListsNone()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, _) = await runner.CreateLiveStreamWithProductAsync(merchant);

        using var missing = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.StreamSales, "str_missing"));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty((await ListAsync(stream)).Sales);
    }

    public static TheoryData<string, string> OutOfBounds() => new()
    {
        { "startsIn 5 s", "startsAt" },
        { "startsIn 310 s", "startsAt" },
        { "startsIn -60 s", "startsAt" },
        { "no startsAt", "startsAt" },
        { "duration 59 s", "durationSeconds" },
        { "duration 1201 s", "durationSeconds" },
        { "allotment 0", "allotment" },
        { "allotment 1000001", "allotment" },
        { "perCustomerLimit 0", "perCustomerLimit" },
        { "perCustomerLimit over allotment", "perCustomerLimit" },
        { "perCustomerLimit over line maximum", "perCustomerLimit" },
        { "dealPrice 0", "dealPrice.minorUnits" },
        { "no dealPrice", "dealPrice" },
        { "no currency", "dealPrice.currency" },
        { "productId not an id", "productId" },
        { "no skuId", "skuId" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task CreateFlashSale_OutOfBounds_Answers400WithTheFieldError(string change, string field)
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant);
        var valid = Inputs.FlashSale(product, runner.Clock.GetUtcNow());
        var now = runner.Clock.GetUtcNow();
        var input = change switch
        {
            "startsIn 5 s" => valid with { StartsAt = now.AddSeconds(5) },
            "startsIn 310 s" => valid with { StartsAt = now.AddSeconds(310) },
            "startsIn -60 s" => valid with { StartsAt = now.AddSeconds(-60) },
            "no startsAt" => valid with { StartsAt = null },
            "duration 59 s" => valid with { DurationSeconds = 59 },
            "duration 1201 s" => valid with { DurationSeconds = 1201 },
            "allotment 0" => valid with { Allotment = 0 },
            "allotment 1000001" => valid with { Allotment = FlashSaleService.MaxAllotment + 1 },
            "perCustomerLimit 0" => valid with { PerCustomerLimit = 0 },
            "perCustomerLimit over allotment" => valid with { Allotment = 3, PerCustomerLimit = 4 },
            "perCustomerLimit over line maximum" => valid with { Allotment = 1000, PerCustomerLimit = (int)Cart.MaxQuantityPerLine + 1 },
            "dealPrice 0" => valid with { DealPrice = new MoneyInput(0, "GBP") },
            "no dealPrice" => valid with { DealPrice = null },
            "no currency" => valid with { DealPrice = new MoneyInput(1500, null) },
            "productId not an id" => valid with { ProductId = "not an id!" },
            "no skuId" => valid with { SkuId = null },
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        };
        var writesBefore = runner.Writes;

        using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamSales, stream), runner.MerchantToken(merchant), input);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = ErrorsOf(await response.Content.ReadAsStringAsync());
        Assert.True(errors.ContainsKey(field), $"{change}: expected an error for {field}, got {string.Join(", ", errors.Keys)}.");
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Empty((await ListAsync(stream)).Sales);
    }

    [Fact]
    public async Task CreateFlashSale_AtTheBounds_IsAccepted()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, stock: 200);
        using var frozen = runner.Clock.Freeze(); // the times below are relative to this "now", whatever the load
        var now = runner.Clock.GetUtcNow();

        var shortest = await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, now, allotment: 1, perCustomerLimit: 1, startsIn: TimeSpan.FromSeconds(11), durationSeconds: FlashSaleService.MinDurationSeconds));
        var longest = await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, now, skuId: "shirt-m", allotment: 200, perCustomerLimit: (int)Cart.MaxQuantityPerLine, startsIn: TimeSpan.FromSeconds(299), durationSeconds: FlashSaleService.MaxDurationSeconds));

        Assert.Equal(TimeSpan.FromSeconds(60), shortest.EndsAt - shortest.StartsAt);
        Assert.Equal(TimeSpan.FromSeconds(1200), longest.EndsAt - longest.StartsAt);
        Assert.Equal(2, (await ListAsync(stream)).Sales.Count);
    }

    [Fact]
    public async Task CreateFlashSale_OverlappingASaleOfTheSameSku_Answers409UntilThatSaleIsCancelled()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant);
        using var frozen = runner.Clock.Freeze(); // the times below are relative to this "now", whatever the load
        var now = runner.Clock.GetUtcNow();
        var first = await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, now, startsIn: TimeSpan.FromSeconds(30), durationSeconds: 120));
        var route = Routes.Format(Routes.StreamSales, stream);
        var token = runner.MerchantToken(merchant);
        var writesBefore = runner.Writes;

        // Starts while the first runs.
        using var overlapping = await runner.SendAsync(HttpMethod.Post, route, token, Inputs.FlashSale(product, now, startsIn: TimeSpan.FromSeconds(100)));
        Assert.Equal(HttpStatusCode.Conflict, overlapping.StatusCode);
        Assert.Contains(first.Id, await overlapping.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Runs across the first's whole window.
        using var around = await runner.SendAsync(HttpMethod.Post, route, token, Inputs.FlashSale(product, now, startsIn: TimeSpan.FromSeconds(20), durationSeconds: 600));
        Assert.Equal(HttpStatusCode.Conflict, around.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);

        // The other SKU, or the same SKU once the first ends, is free.
        await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, now, skuId: "shirt-m", startsIn: TimeSpan.FromSeconds(100)));
        await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, now, startsIn: TimeSpan.FromSeconds(150)));
        using var cancel = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, merchant, product, first.Id), token);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, runner.Clock.GetUtcNow(), startsIn: TimeSpan.FromSeconds(20), durationSeconds: 60));
    }

    [Fact]
    public async Task CreateFlashSale_NotPossibleForThisProductOrPrice_Answers422NamingTheField()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant, price: 2000);
        var (notShown, _) = await runner.CreateProductAsync(merchant, "uk");
        var now = runner.Clock.GetUtcNow();
        var writesBefore = runner.Writes;

        foreach (var (input, field) in new[]
        {
            (Inputs.FlashSale(product, now, dealPrice: 2000), "dealPrice.minorUnits"),
            (Inputs.FlashSale(product, now, dealPrice: 2500), "dealPrice.minorUnits"),
            (Inputs.FlashSale(product, now) with { DealPrice = new MoneyInput(1500, "USD") }, "dealPrice.currency"),
            (Inputs.FlashSale(notShown, now), "productId"),
            (Inputs.FlashSale(product, now, skuId: "shirt-xl"), "skuId"),
        })
        {
            using var response = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamSales, stream), runner.MerchantToken(merchant), input);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var errors = ErrorsOf(await response.Content.ReadAsStringAsync());
            Assert.True(errors.ContainsKey(field), $"{input}: expected an error for {field}, got {string.Join(", ", errors.Keys)}.");
        }

        Assert.Equal(writesBefore, runner.Writes);
    }

    [Fact]
    public async Task CreateFlashSale_StreamNotLive_Answers409()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var token = runner.MerchantToken(merchant);
        var (scheduled, _) = await runner.CreateStreamAsync(merchant, "uk");
        var (product, _) = await runner.CreateProductAsync(merchant, "uk");
        using var added = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamShowcase, scheduled), token, new LiveShop.Core.Streams.ShowcaseAddInput(product, null));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var (ended, endedProduct) = await runner.CreateLiveStreamWithProductAsync(merchant);
        using var end = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamEnd, ended), token);
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        var writesBefore = runner.Writes;

        using var beforeLive = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamSales, scheduled), token, Inputs.FlashSale(product, runner.Clock.GetUtcNow()));
        using var afterLive = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.StreamSales, ended), token, Inputs.FlashSale(endedProduct, runner.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Conflict, beforeLive.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, afterLive.StatusCode);
        Assert.Equal(writesBefore, runner.Writes);
    }

    [Fact]
    public async Task CancelFlashSale_UnknownSaleOrProduct_Answers404AndWritesNothing()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant);
        var sale = await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, runner.Clock.GetUtcNow()));
        var token = runner.MerchantToken(merchant);
        var writesBefore = runner.Writes;

        using var unknownSale = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, merchant, product, "fls_missing"), token);
        using var unknownProduct = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.MerchantProductSaleCancel, merchant, "prd_missing", sale.Id), token);

        Assert.Equal(HttpStatusCode.NotFound, unknownSale.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownProduct.StatusCode);
        Assert.Equal("application/problem+json", unknownProduct.Content.Headers.ContentType?.MediaType);
        Assert.Equal(writesBefore, runner.Writes);
        Assert.Equal("upcoming", Assert.Single((await ListAsync(stream)).Sales).State);
    }

    [Fact]
    public async Task Merge_GuestLineOfAFlashSale_IsCutToThePerCustomerLimit()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant);
        await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, runner.Clock.GetUtcNow(), perCustomerLimit: 3, startsIn: TimeSpan.FromSeconds(200)));
        var guest = await runner.NewGuestAsync();
        var viewer = runner.NewViewer();
        await runner.AddToCartAsync(guest, "uk", merchant, product, quantity: 2, streamId: stream);
        await runner.AddToCartAsync(viewer, "uk", merchant, product, quantity: 2, streamId: stream);

        using var merged = await runner.SendAsync(HttpMethod.Post, Routes.Format(Routes.CartMerge, "uk"), viewer with { GuestToken = guest.GuestToken });

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal(3, Assert.Single((await runner.GetCartAsync(viewer, "uk")).Lines).Quantity);
    }

    [Fact]
    public async Task CreateFlashSale_OverlappingSalesAtOnce_ExactlyOneIsCreated()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant);
        using var frozen = runner.Clock.Freeze(); // the times below are relative to this "now", whatever the load
        var now = runner.Clock.GetUtcNow();
        var route = Routes.Format(Routes.StreamSales, stream);
        var token = runner.MerchantToken(merchant);

        // At most Optimistic.MaxAttempts racers: each is then sure to get an answer other than "busy".
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            runner.SendAsync(HttpMethod.Post, route, token, Inputs.FlashSale(product, now, startsIn: TimeSpan.FromSeconds(30 + (i * 5))))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single((await ListAsync(stream)).Sales);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task FlashSale_AddsFromTwoDevicesAtOnce_NeverPassThePerCustomerLimit()
    {
        var merchant = RunnerFixture.NewMerchantId();
        var (stream, product) = await runner.CreateLiveStreamWithProductAsync(merchant);
        await runner.CreateFlashSaleAsync(merchant, stream, Inputs.FlashSale(product, runner.Clock.GetUtcNow(), perCustomerLimit: 3, startsIn: TimeSpan.FromSeconds(200)));
        var token = runner.ViewerToken(RunnerFixture.NewViewerId());
        using var phone = new HttpClient { BaseAddress = runner.Client.BaseAddress };
        using var laptop = new HttpClient { BaseAddress = runner.Client.BaseAddress };
        var lines = Routes.Format(Routes.CartLines, "uk");

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => new[]
        {
            phone.SendAsync(RunnerFixture.Request(HttpMethod.Post, lines, token, Inputs.CartLine(merchant, product, streamId: stream))),
            laptop.SendAsync(RunnerFixture.Request(HttpMethod.Post, lines, token, Inputs.CartLine(merchant, product, streamId: stream))),
        }));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(3, Assert.Single((await runner.GetCartAsync(Shopper.Viewer(token), "uk")).Lines).Quantity);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private async Task<StreamSalesView> ListAsync(string stream)
    {
        using var response = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.StreamSales, stream));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<StreamSalesView>(ApiJson.Options))!;
    }

    private static Dictionary<string, JsonElement> ErrorsOf(string problem)
    {
        using var document = JsonDocument.Parse(problem);
        return document.RootElement.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
            : [];
    }
}
