using System.Text.Json;
using LiveShop.Core.Money;
using LiveShop.Core.Orders;
using LiveShop.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>The <see cref="IOrderStore"/> contract: orders partitioned by merchant (not buyer), keyset-paged on their id.</summary>
public abstract class OrderStoreContract : DocumentStoreContract<Order>
{
    protected abstract IOrderStore OrderStore { get; }

    protected override IDocumentStore<Order> Store => OrderStore;

    protected override ContainerDefinition Definition => PlatformDefinitions.Orders;

    protected override Order NewDocument() => Documents.Order(Documents.UniqueId("mer"));

    protected override IReadOnlyList<Order> NewPartitionMates(Order document, int count) =>
        Enumerable.Range(0, count).Select(_ => Documents.Order(document.MerchantId)).ToList();

    protected override Order Changed(Order document, int variant) =>
        document with
        {
            Status = OrderStatus.Refunded,
            Lines = [.. document.Lines.Select(l => l with { RefundedQuantity = l.Quantity })],
            Payment = document.Payment with { Refunded = new Money(variant, document.Payment.Refunded.Currency) },
            Refunds = [.. document.Refunds.Select(r => r with { State = RefundState.Completed })],
            UpdatedAt = document.UpdatedAt.AddSeconds(variant),
        };

    [Fact]
    public async Task Read_WithTheBuyersId_FindsNothing()
    {
        var order = NewDocument();
        await Store.CreateAsync(order, None);

        Assert.Null(await Store.ReadAsync(order.BuyerId, order.Id, None));
        Assert.Empty(await Store.ReadManyAsync(order.BuyerId, [order.Id], None));
        Assert.NotNull(await Store.ReadAsync(order.MerchantId, order.Id, None));
    }

    [Fact]
    public async Task Create_WithNoPaymentYetAndNoRefunds_ReadsBackTheNulls()
    {
        var created = NewDocument();
        var gbp = Currencies.Get("GBP");
        var order = created with
        {
            Lines = [created.Lines[1]],
            Status = OrderStatus.PendingPayment,
            Payment = new OrderPayment("simulated", null, null, null, Money.Zero(gbp)),
            Refunds = [],
        };
        await Store.CreateAsync(order, None);

        var read = (await Store.ReadAsync(order.MerchantId, order.Id, None))!.Value;

        Assert.True(Documents.SameJson(order, read));
        Assert.Equal(OrderStatus.PendingPayment, read.Status);
        var line = Assert.Single(read.Lines);
        Assert.Null(line.SaleId);
        Assert.Null(line.StreamId);
        Assert.Empty(line.Attributes);
        Assert.Equal(new OrderPayment("simulated", null, null, null, Money.Zero(gbp)), read.Payment);
        Assert.Empty(read.Refunds);
    }

    [Fact]
    public async Task StoredJson_HasMoneyEnumsAndRefundLinesAsStored()
    {
        var order = NewDocument();
        await Store.CreateAsync(order, None);

        var json = await ReadStoredJsonAsync(order);

        Assert.Equal("partiallyRefunded", json.GetProperty("status").GetString());
        var total = json.GetProperty("amounts").GetProperty("total");
        Assert.Equal((5599, "GBP"), (total.GetProperty("minorUnits").GetInt64(), total.GetProperty("currency").GetString()));
        var refund = json.GetProperty("refunds")[1];
        Assert.Equal("pending", refund.GetProperty("state").GetString());
        Assert.Equal(1, refund.GetProperty("lines").GetProperty("2").GetInt64());
        Assert.Equal("2026-11-25T09:31:15.123+07:00", json.GetProperty("payment").GetProperty("authorizedAt").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("lines")[1].GetProperty("saleId").ValueKind);
    }

    [Fact]
    public async Task ListByMerchant_TwelveOrdersInPagesOfFive_ReturnsEachOnceNewestFirst()
    {
        var (merchant, created) = await CreateOrdersAsync();

        var pages = await ListAllAsync(merchant, pageSize: 5);

        Assert.Equal([5, 5, 2], pages.Select(p => p.Items.Count));
        Assert.Equal([pages[0].Items[^1].Id, pages[1].Items[^1].Id, null], pages.Select(p => p.NextAfter));
        var listed = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(created.Select(o => o.Id).Reverse(), listed.Select(o => o.Id));
        Assert.All(listed, o => Assert.True(Documents.SameJson(created.Single(c => c.Id == o.Id), o)));
    }

    [Fact]
    public async Task ListByMerchant_EndingOnAFullPage_HasNoNextPage()
    {
        var (merchant, created) = await CreateOrdersAsync();

        var pages = await ListAllAsync(merchant, pageSize: 6);

        Assert.Equal([6, 6], pages.Select(p => p.Items.Count));
        Assert.Null(pages[^1].NextAfter);
        Assert.Equal(created.Select(o => o.Id).Reverse(), pages.SelectMany(p => p.Items).Select(o => o.Id));
    }

    [Fact]
    public async Task ListByMerchant_TheBuyersIdOrAMerchantWithoutOrders_ReturnsAnEmptyLastPage()
    {
        var (_, created) = await CreateOrdersAsync();

        foreach (var partition in new[] { created[0].BuyerId, Documents.UniqueId("mer") })
        {
            var page = await OrderStore.ListByMerchantAsync(partition, after: null, limit: 10, None);

            Assert.Empty(page.Items);
            Assert.Null(page.NextAfter);
        }
    }

    [Fact]
    public async Task ListByMerchant_LimitZero_Throws()
    {
        var merchant = Documents.UniqueId("mer");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => OrderStore.ListByMerchantAsync(merchant, after: null, limit: 0, None));
    }

    /// <summary>
    /// 12 orders of one merchant, all by one buyer, with ids in creation order (their CreatedAt the other way, so a
    /// listing by time fails), interleaved with another merchant's orders that must never show up. Oldest first.
    /// </summary>
    private async Task<(string Merchant, IReadOnlyList<Order> Created)> CreateOrdersAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var merchant = Documents.UniqueId("mer");
        var neighbour = Documents.UniqueId("mer");
        var buyer = Documents.UniqueId("viewer");
        var created = new List<Order>();
        for (var i = 0; i < 12; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            var order = Documents.Order(merchant, Ids.New("ord", clock)) with { BuyerId = buyer };
            order = order with { CreatedAt = order.CreatedAt.AddMinutes(-i) };
            await Store.CreateAsync(order, None);
            created.Add(order);
            if (i % 4 == 0)
            {
                await Store.CreateAsync(Documents.Order(neighbour, Ids.New("ord", clock)) with { BuyerId = buyer }, None);
            }
        }

        return (merchant, created);
    }

    private async Task<IReadOnlyList<KeysetPage<Order>>> ListAllAsync(string merchant, int pageSize)
    {
        var pages = new List<KeysetPage<Order>>();
        string? after = null;
        do
        {
            var page = await OrderStore.ListByMerchantAsync(merchant, after, pageSize, None);
            pages.Add(page);
            after = page.NextAfter;
        }
        while (after is not null && pages.Count < 10);

        return pages;
    }
}
