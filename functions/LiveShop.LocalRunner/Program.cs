using LiveShop.Core.Identity;
using LiveShop.Functions.Http;
using LiveShop.LocalRunner;

var app = LocalRunnerApp.Build(args);
await app.StartAsync();
var streamId = await LocalRunnerApp.SeedAsync(app, app.Lifetime.ApplicationStopping);
var tokens = app.Services.GetRequiredService<DevTokens>();
var url = app.Urls.FirstOrDefault() ?? LocalRunnerApp.DefaultUrl;

var liveLine = streamId is null
    ? string.Empty
    : $"Live updates:      a SignalR client withUrl({url}/{HostJson.Prefix}/{Routes.Format(Routes.Stream, streamId)}) (POSTs .../negotiate; a product is pinned)";
Console.WriteLine($"""

    LiveShop local runner on {url} (route prefix /{HostJson.Prefix})
    {(streamId is null ? "No demo data (LocalRunner:Seed=false)." : $"Demo live stream:  GET {url}/{HostJson.Prefix}/{Routes.Format(Routes.Stream, streamId)}")}
    Demo products:     GET {url}/{HostJson.Prefix}/{Routes.Format(Routes.MerchantProducts, DemoData.MerchantId)}
    {(streamId is null ? string.Empty : $"Its flash sale:    GET {url}/{HostJson.Prefix}/{Routes.Format(Routes.StreamSales, streamId)} (starts in {DemoData.SaleCountdown.TotalSeconds:0} s)")}
    {liveLine}
    {(streamId is null ? string.Empty : $"Viewer page:       {WebPages.ViewerUrl(url, streamId)}")}
    {(streamId is null ? string.Empty : $"Host console:      {WebPages.HostUrl(url, streamId)}")}
    API reference:     {url}{LiveShop.LocalRunner.OpenApi.ApiDocument.ReferencePath} (OpenAPI 3.1 document: {url}{LiveShop.LocalRunner.OpenApi.ApiDocument.Path})
    Checkout:          POST {url}/{HostJson.Prefix}/{Routes.Checkouts} with a viewer token and an Idempotency-Key;
                       cards pm_card_visa, pm_card_chargeDeclined, pm_card_authenticationRequired (see README)

    Development tokens (valid 12 h; more from POST {url}/dev/token {"{"}"role":"merchant","merchantId":"m1"{"}"}):
      merchant {DemoData.MerchantId}:
        {tokens.Issue("demo-merchant-user", Role.Merchant, DemoData.MerchantId)}
      viewer {DemoData.ViewerId}:
        {tokens.Issue(DemoData.ViewerId, Role.Viewer)}

    Press Ctrl+C to stop.
    """);
await app.WaitForShutdownAsync();
