using System.Net;
using System.Net.Http.Json;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Catalog;
using LiveShop.Core.Streams;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;
using LiveShop.StorageContractTests.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.StorageContractTests;

/// <summary>The local runner's Cosmos option: the whole app, seeded and serving over HTTP, on the local Cosmos server.</summary>
[Collection(CosmosCollection.Name)]
public sealed class LocalRunnerOnCosmosTests(CosmosFixture cosmos)
{
    [Fact]
    public async Task Runner_WithCosmosProvider_CreatesContainersSeedsAndServesTheHotRead()
    {
        await using var app = LocalRunnerApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Storage:Provider=Cosmos",
            $"--Cosmos:Endpoint={cosmos.Endpoint}",
            $"--Cosmos:Key={CosmosFixture.LocalKey}",
            "--Cosmos:Emulator=true",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var streamId = await LocalRunnerApp.SeedAsync(app, CancellationToken.None);
        using var client = new HttpClient
        {
            BaseAddress = new Uri(app.Urls.First()),
        };

        using var response = await client.GetAsync($"/{HostJson.Prefix}/{Routes.Format(Routes.Stream, streamId!)}");

        // Products and streams carry their domain events (outbox decorators over the Cosmos stores).
        Assert.IsType<LiveShop.Core.Events.OutboxProductStore>(app.Services.GetRequiredService<IProductStore>());
        Assert.IsType<LiveShop.Core.Events.OutboxStreamStore>(app.Services.GetRequiredService<IStreamStore>());
        Assert.IsType<CosmosOutboxMarkStore>(app.Services.GetRequiredService<LiveShop.Core.Events.IOutboxMarkStore>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<StreamView>(ApiJson.Options))!;
        Assert.Equal("live", view.Status);
        Assert.Equal(6, view.Showcase.Count);
        Assert.All(view.Showcase, product => Assert.Equal(DemoData.MerchantId, product.MerchantId));
    }
}
