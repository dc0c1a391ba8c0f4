using System.Diagnostics;
using System.Reflection;
using LiveShop.LocalRunner;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace LiveShop.BrowserTests;

/// <summary>
/// The viewer page and the host console as a person uses them, in chromium: what they assert is what the person sees.
/// Times are printed, never asserted (the waits allow a loaded machine).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Merchant = "demo-merchant-user";

    [Fact]
    public async Task HostPins_TwoViewerPages_ShowThePinCardAndTheViewerCountFollowsClosedPages()
    {
        var stream = await browser.NewStreamAsync();
        var host = await browser.OpenAsync(WebPages.Host, stream, Merchant);
        var ana = await browser.OpenAsync(WebPages.Viewer, stream, DemoData.ViewerId);
        var guest = await browser.OpenAsync(WebPages.Viewer, stream, null);
        foreach (var page in new[] { host, ana, guest })
        {
            await Expect(page.Locator("#live")).ToHaveTextAsync("Live updates on");
        }

        await Expect(ana.Locator("#pin-body .pin-title")).ToHaveTextAsync("Demo product 1");
        await Expect(ana.Locator("#viewers")).ToHaveTextAsync("3 watching");
        await Expect(host.Locator("#stat-viewers")).ToHaveTextAsync("3");

        var clock = Stopwatch.StartNew();
        await host.GetByRole(AriaRole.Button, new() { Name = "Pin Demo product 3" }).ClickAsync();
        await Expect(ana.Locator("#pin-body .pin-title")).ToHaveTextAsync("Demo product 3");
        await Expect(guest.Locator("#pin-body .pin-title")).ToHaveTextAsync("Demo product 3");
        output.WriteLine($"Pin card on both viewer pages {clock.ElapsedMilliseconds} ms after the host's click.");
        await Expect(host.Locator("#pinned")).ToHaveTextAsync("Demo product 3");
        await Expect(guest.Locator("#pin-body button")).ToHaveTextAsync("Sign in to buy");

        await guest.Context.CloseAsync();
        await Expect(ana.Locator("#viewers")).ToHaveTextAsync("2 watching");
        await Expect(host.Locator("#stat-viewers")).ToHaveTextAsync("2");
        await Expect(host.Locator("#stat-peak")).ToHaveTextAsync("3");

        await host.GetByRole(AriaRole.Button, new() { Name = "Unpin" }).ClickAsync();
        await Expect(ana.Locator("#pin-body")).ToHaveTextAsync("Nothing pinned right now.");
        await CloseAsync(host, ana);
    }

    [Fact]
    public async Task FlashSale_CountsDownAndSellsOut_BothPagesShowTheUnitsLeft()
    {
        var stream = await browser.NewStreamAsync();
        var host = await browser.OpenAsync(WebPages.Host, stream, Merchant);
        var ana = await browser.OpenAsync(WebPages.Viewer, stream, DemoData.ViewerId);
        var guest = await browser.OpenAsync(WebPages.Viewer, stream, null);
        foreach (var page in new[] { host, ana, guest })
        {
            await Expect(page.Locator("#live")).ToHaveTextAsync("Live updates on");
        }

        await host.GetByRole(AriaRole.Button, new() { Name = "Pin Demo product 2" }).ClickAsync();
        await Expect(ana.Locator("#pin-body .pin-title")).ToHaveTextAsync("Demo product 2");
        await host.GetByLabel("Product", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Index = 3 });
        await Expect(host.GetByText("Limit per customer (1-99)")).ToBeVisibleAsync();
        await Expect(host.GetByLabel("Lasts")).ToHaveAttributeAsync("max", "1200");
        await Expect(host.GetByLabel("Starts in")).ToHaveAttributeAsync("min", "10");
        await host.GetByLabel("Deal price").FillAsync("19.99");
        await host.GetByLabel("Units").FillAsync("2");
        await host.GetByLabel("Limit per customer").FillAsync("2");
        await host.GetByLabel("Starts in").FillAsync("10");
        await host.GetByLabel("Lasts").FillAsync("60");
        await host.GetByRole(AriaRole.Button, new() { Name = "Create flash sale" }).ClickAsync();
        await Expect(host.Locator("#message")).ToHaveTextAsync("Flash sale created.");

        foreach (var viewer in new[] { ana, guest })
        {
            await Expect(viewer.Locator("#pin-sale")).ToContainTextAsync("Flash sale $19.99 starts in 0:");
            await Expect(viewer.Locator("#pin-units")).ToHaveTextAsync("2 left at the sale price");
        }

        await Expect(ana.Locator("#pin-sale")).ToContainTextAsync("ends in", new() { Timeout = 40_000 });
        await Expect(ana.Locator("#pin-price")).ToHaveTextAsync("$19.99");
        await ana.Locator("#pin-body").GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(ana.Locator("#cart")).ToContainTextAsync("× 1");
        await ana.Locator("#pin-body").GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(ana.Locator("#cart")).ToContainTextAsync("× 2");
        await Expect(ana.Locator("#cart")).ToContainTextAsync("flash sale price");
        await Expect(ana.Locator("#cart-total")).ToHaveTextAsync("$39.98");
        await Screenshot(ana, "viewer-page.png");

        await ana.GetByLabel("Test card").SelectOptionAsync("pm_card_visa");
        await ana.GetByRole(AriaRole.Button, new() { Name = "Check out" }).ClickAsync();
        await Expect(ana.Locator("#checkout-status")).ToContainTextAsync("Paid. Order");

        foreach (var viewer in new[] { ana, guest })
        {
            await Expect(viewer.Locator("#pin-sale")).ToHaveTextAsync("Flash sale sold out");
            await Expect(viewer.Locator("#pin-price")).ToHaveTextAsync("$24.99");
        }

        await Expect(host.Locator("#sales")).ToContainTextAsync("0 left, ended (sold_out)");
        await Expect(host.Locator("#stat-orders")).ToHaveTextAsync("1");
        await Expect(host.Locator("#stat-units")).ToHaveTextAsync("2");
        await Expect(host.Locator("#stat-gmv")).ToHaveTextAsync("$39.98");
        await Screenshot(host, "host-console.png");
        await CloseAsync(host, ana, guest);
    }

    [Fact]
    public async Task Checkout_VisaThenThreeDSecure_TheViewerSeesPaid()
    {
        var stream = await browser.NewStreamAsync();
        var ana = await browser.OpenAsync(WebPages.Viewer, stream, "demo-viewer-ben");
        await Expect(ana.Locator("#live")).ToHaveTextAsync("Live updates on");
        var product = ana.Locator("li.product", new() { HasText = "Demo product 4" });

        await product.GetByRole(AriaRole.Button, new() { Name = "Add Demo product 4 to cart" }).ClickAsync();
        await Expect(ana.Locator("#cart-total")).ToHaveTextAsync("$34.99");
        await ana.GetByLabel("Test card").SelectOptionAsync("pm_card_visa");
        await ana.GetByLabel("Test card").FocusAsync();
        await ana.Keyboard.PressAsync("Tab");
        await Expect(ana.GetByRole(AriaRole.Button, new() { Name = "Check out" })).ToBeFocusedAsync();
        await ana.Keyboard.PressAsync("Enter");
        await Expect(ana.Locator("#checkout-status")).ToContainTextAsync("Paid. Order");
        await Expect(ana.Locator("#notices")).ToContainTextAsync("Your order is paid.");
        await Expect(ana.Locator("#cart")).ToHaveTextAsync("Your cart is empty.");

        await product.GetByRole(AriaRole.Button, new() { Name = "Add Demo product 4 to cart" }).ClickAsync();
        await Expect(ana.Locator("#cart-total")).ToHaveTextAsync("$34.99");
        await ana.GetByLabel("Test card").SelectOptionAsync("pm_card_authenticationRequired");
        await ana.GetByRole(AriaRole.Button, new() { Name = "Check out" }).ClickAsync();
        await Expect(ana.Locator("#checkout-status")).ToHaveTextAsync("Confirm the payment with your bank (3-D Secure).");
        await ana.GetByRole(AriaRole.Button, new() { Name = "Confirm payment" }).ClickAsync();
        await Expect(ana.Locator("#checkout-status")).ToContainTextAsync("Paid. Order");
        await Expect(ana.Locator("#secure")).ToBeHiddenAsync();
        await CloseAsync(ana);
    }

    [Fact]
    public async Task Checkout_LastUnitBoughtByAnother_TheViewerSeesSoldOut()
    {
        var stream = await browser.NewStreamAsync();
        await browser.AddProductAsync(stream, "Last one", units: 1);
        var ana = await browser.OpenAsync(WebPages.Viewer, stream, DemoData.ViewerId);
        var chen = await browser.OpenAsync(WebPages.Viewer, stream, "demo-viewer-chen");
        foreach (var viewer in new[] { ana, chen })
        {
            await Expect(viewer.Locator("#live")).ToHaveTextAsync("Live updates on");
            await viewer.GetByRole(AriaRole.Button, new() { Name = "Add Last one to cart" }).ClickAsync();
            await Expect(viewer.Locator("#cart-total")).ToHaveTextAsync("$9.99");
        }

        await ana.GetByRole(AriaRole.Button, new() { Name = "Check out" }).ClickAsync();
        await Expect(ana.Locator("#checkout-status")).ToContainTextAsync("Paid. Order");
        await Expect(chen.Locator("li.product", new() { HasText = "Last one" })).ToContainTextAsync("Sold out");
        await chen.GetByRole(AriaRole.Button, new() { Name = "Check out" }).ClickAsync();

        await Expect(chen.Locator("#checkout-status")).ToHaveTextAsync("Sold out: not enough units left.");
        await CloseAsync(ana, chen);
    }

    [Fact]
    public async Task ApiReference_LoadsTheDocument_FromThisMachineOnly()
    {
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(browser.BaseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                outside.Add(request.Url);
            }
        };

        await page.GotoAsync($"{browser.BaseUrl}{LiveShop.LocalRunner.OpenApi.ApiDocument.ReferencePath}/");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Checkout", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Live", Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync($"{browser.BaseUrl}{WebPages.Viewer}?stream={await browser.NewStreamAsync()}");
        await Expect(page.Locator("#live")).ToHaveTextAsync("Live updates on");

        Assert.Empty(outside);
        await context.CloseAsync();
    }

    private static async Task CloseAsync(params IPage[] pages)
    {
        foreach (var page in pages)
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>With LIVESHOP_SCREENSHOTS=1 the tests refresh the README's screenshots in docs/.</summary>
    private static async Task Screenshot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("LIVESHOP_SCREENSHOTS") != "1")
        {
            return;
        }

        var docs = typeof(PageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DocsDirectory").Value!;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(docs, name), FullPage = true });
    }
}
