using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Stock;
using LiveShop.Functions.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LiveShop.EndToEndTests;

[Collection(RunnerCollection.Name)]
public sealed class CheckoutRaceTests(RunnerFixture runner, ITestOutputHelper output)
{
    [Fact]
    public async Task BuyNow_TwoThousandBuyersForFiftyUnits_ExactlyFiftyPaid()
    {
        const int buyers = 2000;
        const int units = 50;
        var merchant = RunnerFixture.NewMerchantId();
        var (product, _) = await runner.CreateProductAsync(merchant, stock: units);
        var tokens = Enumerable.Range(0, buyers).Select(i => runner.ViewerToken($"race-{merchant}-{i}")).ToList();
        var watch = Stopwatch.StartNew();

        var started = await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            using var request = RunnerFixture.Request(HttpMethod.Post, Routes.Checkouts, token, new CheckoutInput("us", "pm_card_visa", new BuyNowInput(merchant, product, "shirt-s", 1, null), null));
            request.Headers.Add("Idempotency-Key", $"race-{i}");
            using var response = await runner.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<CheckoutView>(ApiJson.Options))!.Id;
        }));
        output.WriteLine($"started {buyers} in {watch.ElapsedMilliseconds} ms");
        var durable = runner.App.Services.GetRequiredService<DurableTaskClient>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await Task.WhenAll(started.Select(id => durable.WaitForInstanceCompletionAsync(id, false, timeout.Token)));
        output.WriteLine($"finished in {watch.ElapsedMilliseconds} ms");

        var statuses = await Task.WhenAll(started.Select((id, i) => StatusAsync(tokens[i], id)));
        Assert.Equal(units, statuses.Count(s => s.Status == "paid"));
        Assert.Equal(buyers - units, statuses.Count(s => s.Status == "rejected" && s.Rejection?.Reason == RejectionReasons.OutOfStock));
        var ledger = runner.App.Services.GetRequiredService<StockLedger>();
        var stored = (await runner.Products.ReadAsync(merchant, product, CancellationToken.None))!.Value;
        var level = (await ledger.LevelsAsync([(stored, stored.FindSku("shirt-s")!)], CancellationToken.None)).Single().Value;
        Assert.Equal((0L, 0L, (long)units), (level.Available, level.Reserved, level.Sold));
    }

    private async Task<CheckoutView> StatusAsync(string token, string id)
    {
        using var response = await runner.SendAsync(HttpMethod.Get, Routes.Format(Routes.Checkout, id), token);
        return (await response.Content.ReadFromJsonAsync<CheckoutView>(ApiJson.Options))!;
    }
}
