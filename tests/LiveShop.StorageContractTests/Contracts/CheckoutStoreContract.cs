using System.Text.Json;
using LiveShop.Core.Checkout;
using LiveShop.Core.Money;
using LiveShop.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>
/// The <see cref="ICheckoutStore"/> contract: checkouts partitioned by buyer, the buyer's checkouts that got an order
/// keyset-paged on the order id, and a buyer's checkout found by its order.
/// </summary>
public abstract class CheckoutStoreContract : DocumentStoreContract<Checkout>
{
    protected abstract ICheckoutStore CheckoutStore { get; }

    protected override IDocumentStore<Checkout> Store => CheckoutStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.Checkouts;

    protected override Checkout NewDocument() => Documents.Checkout(Documents.UniqueId("viewer"));

    protected override IReadOnlyList<Checkout> NewPartitionMates(Checkout document, int count) =>
        Enumerable.Range(0, count).Select(_ => Documents.Checkout(document.BuyerId)).ToList();

    protected override Checkout Changed(Checkout document, int variant) =>
        document with
        {
            Status = CheckoutStatus.Paid,
            Rejection = null,
            NextActionUrl = null,
            PaymentClientSecret = null,
            Total = new Money(variant, document.Total!.Value.Currency),
            UpdatedAt = document.UpdatedAt.AddSeconds(variant),
        };

    [Fact]
    public async Task Create_WithEveryOptionalFieldEmpty_ReadsBackTheNulls()
    {
        var created = NewDocument();
        var checkout = created with
        {
            Source = CheckoutSource.Cart,
            Items = [created.Items[0] with { StreamId = null }],
            Status = CheckoutStatus.Pending,
            Rejection = null,
            NextActionUrl = null,
            PaymentClientSecret = null,
            Total = null,
            HasOrder = false,
        };
        await Store.CreateAsync(checkout, None);

        var read = (await Store.ReadAsync(checkout.BuyerId, checkout.Id, None))!.Value;

        Assert.True(Documents.SameJson(checkout, read));
        Assert.Equal((CheckoutSource.Cart, CheckoutStatus.Pending, false), (read.Source, read.Status, read.HasOrder));
        Assert.Null(Assert.Single(read.Items).StreamId);
        Assert.Null(read.Rejection);
        Assert.Null(read.NextActionUrl);
        Assert.Null(read.PaymentClientSecret);
        Assert.Null(read.Total);
    }

    [Fact]
    public async Task StoredJson_HasTheQueriedFieldsAsTheQueriesCompareThem()
    {
        var ordered = NewDocument();
        var unordered = Documents.Checkout(ordered.BuyerId, hasOrder: false);
        await Store.CreateAsync(ordered, None);
        await Store.CreateAsync(unordered, None);

        var json = await ReadStoredJsonAsync(ordered);
        var unorderedJson = await ReadStoredJsonAsync(unordered);

        Assert.Equal(ordered.BuyerId, json.GetProperty("buyerId").GetString());
        Assert.Equal(ordered.OrderId, json.GetProperty("orderId").GetString());
        Assert.Equal(JsonValueKind.True, json.GetProperty("hasOrder").ValueKind);
        Assert.Equal(JsonValueKind.False, unorderedJson.GetProperty("hasOrder").ValueKind);
        Assert.Equal("buyNow", json.GetProperty("source").GetString());
        Assert.Equal("awaitingPaymentAction", json.GetProperty("status").GetString());
        Assert.Equal(25_000_000_000, json.GetProperty("total").GetProperty("minorUnits").GetInt64());
        Assert.Equal("VND", json.GetProperty("total").GetProperty("currency").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("items")[1].GetProperty("streamId").ValueKind);
    }

    [Fact]
    public async Task ListOrdered_TwelveOrdersInPagesOfFive_ReturnsEachOnceNewestOrderFirst()
    {
        var (buyer, created) = await CreateHistoryAsync();
        var ordered = created.Where(c => c.HasOrder).ToList();

        var pages = await ListAllAsync(buyer, pageSize: 5);

        Assert.Equal([5, 5, 2], pages.Select(p => p.Items.Count));
        Assert.Equal([pages[0].Items[^1].OrderId, pages[1].Items[^1].OrderId, null], pages.Select(p => p.NextAfter));
        var listed = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(ordered.Select(c => c.OrderId).Reverse(), listed.Select(c => c.OrderId));
        Assert.All(listed, c => Assert.True(Documents.SameJson(ordered.Single(o => o.Id == c.Id), c)));
    }

    [Fact]
    public async Task ListOrdered_EndingOnAFullPage_HasNoNextPage()
    {
        var (buyer, created) = await CreateHistoryAsync();

        var pages = await ListAllAsync(buyer, pageSize: 4);

        Assert.Equal([4, 4, 4], pages.Select(p => p.Items.Count));
        Assert.Null(pages[^1].NextAfter);
        Assert.Equal(created.Where(c => c.HasOrder).Select(c => c.OrderId).Reverse(), pages.SelectMany(p => p.Items).Select(c => c.OrderId));
    }

    [Fact]
    public async Task ListOrdered_AfterTheOrderIdOfACheckoutWithoutOrder_ContinuesBelowIt()
    {
        var (buyer, created) = await CreateHistoryAsync();
        var unordered = created[7];
        Assert.False(unordered.HasOrder);

        var page = await CheckoutStore.ListOrderedAsync(buyer, unordered.OrderId, 10, None);

        Assert.Equal(created.Take(7).Where(c => c.HasOrder).Select(c => c.OrderId).Reverse(), page.Items.Select(c => c.OrderId));
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task ListOrdered_BuyerWithoutOrders_ReturnsAnEmptyLastPage()
    {
        var buyer = Documents.UniqueId("viewer");
        await Store.CreateAsync(Documents.Checkout(buyer, hasOrder: false), None);

        var page = await CheckoutStore.ListOrderedAsync(buyer, after: null, limit: 10, None);

        Assert.Empty(page.Items);
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task ListOrdered_LimitZero_Throws()
    {
        var buyer = Documents.UniqueId("viewer");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => CheckoutStore.ListOrderedAsync(buyer, after: null, limit: 0, None));
    }

    [Fact]
    public async Task FindByOrder_ReturnsTheBuyersCheckoutOfThatOrder_WhetherTheOrderWasCreatedOrNot()
    {
        var buyer = Documents.UniqueId("viewer");
        var ordered = Documents.Checkout(buyer);
        var unordered = Documents.Checkout(buyer, hasOrder: false);
        await Store.CreateAsync(ordered, None);
        await Store.CreateAsync(unordered, None);
        await Store.CreateAsync(Documents.Checkout(buyer), None);

        var foundOrdered = await CheckoutStore.FindByOrderAsync(buyer, ordered.OrderId, None);
        var foundUnordered = await CheckoutStore.FindByOrderAsync(buyer, unordered.OrderId, None);

        Assert.True(Documents.SameJson(ordered, foundOrdered));
        Assert.True(Documents.SameJson(unordered, foundUnordered));
    }

    [Fact]
    public async Task FindByOrder_AnotherBuyersOrderOrAnUnknownOrder_ReturnsNull()
    {
        var buyer = Documents.UniqueId("viewer");
        var other = Documents.Checkout(Documents.UniqueId("viewer"));
        await Store.CreateAsync(Documents.Checkout(buyer), None);
        await Store.CreateAsync(other, None);

        Assert.Null(await CheckoutStore.FindByOrderAsync(buyer, other.OrderId, None));
        Assert.Null(await CheckoutStore.FindByOrderAsync(buyer, Documents.UniqueId("ord"), None));
        Assert.True(Documents.SameJson(other, await CheckoutStore.FindByOrderAsync(other.BuyerId, other.OrderId, None)));
    }

    /// <summary>
    /// A buyer's 15 checkouts, 12 with an order and 3 without (interleaved), and another buyer's ordered checkouts
    /// that must never show up. Order ids sort by creation time; checkout ids sort the other way, so a listing in id
    /// order fails. Returns the buyer's checkouts, oldest first.
    /// </summary>
    private async Task<(string Buyer, IReadOnlyList<Checkout> Created)> CreateHistoryAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var buyer = Documents.UniqueId("viewer");
        var neighbour = Documents.UniqueId("viewer");
        var run = Guid.NewGuid().ToString("N");
        var created = new List<Checkout>();
        for (var i = 0; i < 15; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            var checkout = Documents.Checkout(buyer, $"chk_{99 - i:d2}_{run}", Ids.New("ord", clock), hasOrder: i % 5 != 2);
            await Store.CreateAsync(checkout, None);
            created.Add(checkout);
            if (i % 4 == 0)
            {
                await Store.CreateAsync(Documents.Checkout(neighbour, orderId: Ids.New("ord", clock)), None);
            }
        }

        return (buyer, created);
    }

    private async Task<IReadOnlyList<KeysetPage<Checkout>>> ListAllAsync(string buyer, int pageSize)
    {
        var pages = new List<KeysetPage<Checkout>>();
        string? after = null;
        do
        {
            var page = await CheckoutStore.ListOrderedAsync(buyer, after, pageSize, None);
            pages.Add(page);
            after = page.NextAfter;
        }
        while (after is not null && pages.Count < 10);

        return pages;
    }
}
