using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Checkout;
using LiveShop.Core.Configuration;
using LiveShop.Core.Identity;
using LiveShop.Core.Stock;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using LiveShop.StorageContractTests.Cosmos;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LiveShop.StorageContractTests;

/// <summary>A flash-sale race through the whole app (the local runner, its Durable backend) with every store on the local Cosmos server.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CheckoutRaceOnCosmosTests(CosmosFixture cosmos, ITestOutputHelper output)
{
    private const string Sku = "race-m";

    [Fact]
    public async Task BuyNow_TwoHundredBuyersForTwentyUnits_ExactlyTwentyPaidTheRestOutOfStock()
    {
        const int buyers = 200;
        const int units = 20;
        await using var app = LocalRunnerApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--{LocalRunnerApp.SeedSetting}=false",
            $"--{SettingNames.StorageProvider}={StorageProviders.Cosmos}",
            $"--{SettingNames.CosmosEndpoint}={cosmos.Endpoint}",
            $"--{SettingNames.CosmosKey}={CosmosFixture.LocalKey}",
            $"--{SettingNames.CosmosEmulator}=true",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        await LocalRunnerApp.SeedAsync(app, CancellationToken.None); // the containers only
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var merchant = $"mer_{Guid.NewGuid():N}";
        var product = await app.Services.GetRequiredService<CatalogService>().CreateAsync(
            new Caller("race-merchant", Role.Merchant, merchant),
            merchant,
            new ProductInput("us", "Race hoodie", "Twenty of them.", ["https://img.example.com/hoodie.jpg"], [new SkuInput(Sku, null, new MoneyInput(4900, "USD"), units)]),
            CancellationToken.None);
        var tokens = app.Services.GetRequiredService<DevTokens>();
        var viewers = Enumerable.Range(0, buyers).Select(i => tokens.Issue($"race-{merchant}-{i}", Role.Viewer)).ToList();

        var started = await Task.WhenAll(viewers.Select(async (token, i) =>
        {
            using var request = Request(HttpMethod.Post, Routes.Checkouts, token);
            request.Content = JsonContent.Create(new CheckoutInput("us", "pm_card_visa", new BuyNowInput(merchant, product.Value.Id, Sku, 1, null), null), options: ApiJson.Options);
            request.Headers.Add("Idempotency-Key", $"race-{i}");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<CheckoutView>(ApiJson.Options))!.Id;
        }));
        var durable = app.Services.GetRequiredService<DurableTaskClient>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Task.WhenAll(started.Select(id => durable.WaitForInstanceCompletionAsync(id, false, timeout.Token)));

        var statuses = await Task.WhenAll(started.Select(async (id, i) =>
        {
            using var response = await client.SendAsync(Request(HttpMethod.Get, Routes.Format(Routes.Checkout, id), viewers[i]));
            return (await response.Content.ReadFromJsonAsync<CheckoutView>(ApiJson.Options))!;
        }));
        output.WriteLine(string.Join(", ", statuses.GroupBy(s => s.Rejection?.Reason ?? s.Status).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.Equal(units, statuses.Count(s => s.Status == "paid"));
        Assert.Equal(buyers - units, statuses.Count(s => s.Status == "rejected" && s.Rejection?.Reason == RejectionReasons.OutOfStock));
        var sku = product.Value.FindSku(Sku)!;
        var level = (await app.Services.GetRequiredService<StockLedger>().LevelsAsync([(product.Value, sku)], CancellationToken.None)).Single().Value;
        Assert.Equal((0L, 0L, (long)units), (level.Available, level.Reserved, level.Sold));
    }

    private static HttpRequestMessage Request(HttpMethod method, string route, string token) =>
        new(method, $"/{HostJson.Prefix}/{route}") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
}
