using LiveShop.Core.Events;
using LiveShop.Core.Money;
using MoneyValue = LiveShop.Core.Money.Money;
using LiveShop.Core.Orders;
using LiveShop.Core.Storage.InMemory;
using LiveShop.UnitTests.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LiveShop.UnitTests.Events;

/// <summary>Domain events written with the state change (the outbox in the document), sent once, never lost.</summary>
public sealed class OutboxTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryOrderStore _inner = new();
    private readonly InMemoryOutboxMarkStore _marks;
    private readonly SwitchablePublisher _publisher = new();
    private readonly OutboxOrderStore _orders;
    private readonly OutboxSweep _sweep;

    public OutboxTests()
    {
        _marks = new InMemoryOutboxMarkStore(_clock);
        var outbox = new OutboxPublisher(_publisher, _marks, _clock, NullLogger<OutboxPublisher>.Instance);
        _orders = new OutboxOrderStore(_inner, outbox, _clock);
        _sweep = new OutboxSweep([_orders], outbox, _marks, _clock, NullLogger<OutboxSweep>.Instance);
    }

    [Fact]
    public async Task Write_OrderLifecycle_EachEventOnceWithStableIdsAndTheMerchantInTheSubject()
    {
        var etag = await _orders.CreateAsync(NewOrder("ord_1"), None);
        var read = (await _orders.ReadAsync("m1", "ord_1", None))!;
        etag = await _orders.ReplaceAsync(read.Value with { Status = OrderStatus.Capturing }, etag, None);
        read = (await _orders.ReadAsync("m1", "ord_1", None))!;
        var paid = read.Value with { Status = OrderStatus.Paid, Payment = read.Value.Payment with { CapturedAt = _clock.GetUtcNow() } };
        etag = await _orders.ReplaceAsync(paid, etag, None);
        read = (await _orders.ReadAsync("m1", "ord_1", None))!;
        await _orders.ReplaceAsync(read.Value with { UpdatedAt = _clock.GetUtcNow().AddSeconds(1) }, etag, None);

        Assert.Equal(
            [("ord_1:order.created", DomainEventTypes.OrderCreated), ("ord_1:order.paid", DomainEventTypes.OrderPaid)],
            _publisher.Sent.Select(e => (e.Id, e.Type)));
        Assert.All(_publisher.Sent, e => Assert.Equal(("merchants/m1/orders/ord_1", "m1"), (e.Subject, e.MerchantId)));
        var data = Assert.IsType<OrderEventData>(_publisher.Sent[1].Data);
        Assert.Equal(("paid", 1998L, "USD"), (data.Status, data.Total.MinorUnits, data.Total.Currency));
    }

    [Fact]
    public async Task Write_PublisherDownAfterTheStateChange_EventKeptInTheDocumentAndSentByTheSweepOnceItRecovers()
    {
        _publisher.Down = true;
        await _orders.CreateAsync(NewOrder("ord_2"), None);

        var stored = (await _inner.ReadAsync("m1", "ord_2", None))!.Value;
        Assert.Equal(["ord_2:order.created"], stored.Outbox!.Recent.Select(e => e.Id));
        Assert.Empty(_publisher.Sent);
        Assert.Equal(1, await _sweep.RunAsync(None));
        Assert.Empty(_publisher.Sent);

        _publisher.Down = false;
        _clock.Advance(TimeSpan.FromMinutes(1));
        var unsent = await _sweep.RunAsync(None);
        var again = await _sweep.RunAsync(None);

        Assert.Equal((0, 0), (unsent, again));
        Assert.Equal(["ord_2:order.created"], _publisher.Sent.Select(e => e.Id));
        Assert.NotNull(await _marks.ReadAsync("ord_2:order.created", "ord_2:order.created", None));
    }

    [Fact]
    public async Task Sweep_EventsSentByTheWriter_NotSentAgain()
    {
        await _orders.CreateAsync(NewOrder("ord_3"), None);
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(0, await _sweep.RunAsync(None));
        Assert.Single(_publisher.Sent);
    }

    [Fact]
    public void Stage_SameStateTwice_RaisesNothingTheSecondTime()
    {
        var order = NewOrder("ord_4");
        var (outbox, raised) = OutboxStaging.Stage(null, DomainEventCatalog.Of(order), _clock.GetUtcNow());
        var (again, raisedAgain) = OutboxStaging.Stage(outbox, DomainEventCatalog.Of(order), _clock.GetUtcNow());

        Assert.Single(raised);
        Assert.Empty(raisedAgain);
        Assert.Same(outbox, again);
    }

    [Fact]
    public async Task Streams_StartPinEnd_RaiseStartedPinnedAndEnded()
    {
        var marks = new InMemoryOutboxMarkStore(_clock);
        var publisher = new OutboxPublisher(_publisher, marks, _clock, NullLogger<OutboxPublisher>.Instance);
        var shop = new Shop(wrapStreams: s => new OutboxStreamStore(s, publisher, _clock));
        var product = await shop.CreateProductAsync();
        var stream = await shop.CreateLiveStreamAsync("us", product);
        await shop.Streams.PinAsync(Callers.Merchant(), stream.Id, new Core.Streams.PinInput(product.Id, null), null, None);
        await shop.Streams.EndAsync(Callers.Merchant(), stream.Id, null, None);

        Assert.Equal(
            [DomainEventTypes.StreamStarted, DomainEventTypes.ProductPinned, DomainEventTypes.StreamEnded],
            _publisher.Sent.Select(e => e.Type));
        Assert.Equal($"{stream.Id}:product.pinned:1", _publisher.Sent[1].Id);
    }

    private Order NewOrder(string id)
    {
        var usd = Currencies.Get("USD");
        var price = new MoneyValue(999, usd);
        var now = _clock.GetUtcNow();
        return new Order(
            id, "m1", "v1", "us",
            [new OrderLine(1, "p1", "s1", "Shirt", new Dictionary<string, string>(), 2, price, price, null, null, "hold-1", 0)],
            new OrderAmounts(price * 2, new MoneyValue(0, usd), new MoneyValue(0, usd), price * 2),
            OrderStatus.PendingPayment,
            new OrderPayment("simulated", null, null, null, new MoneyValue(0, usd)),
            [],
            now,
            now);
    }

    private sealed class SwitchablePublisher : IDomainEvents
    {
        private readonly List<DomainEvent> _sent = [];

        public bool Down { get; set; }

        public IReadOnlyList<DomainEvent> Sent { get { lock (_sent) { return [.. _sent]; } } }

        public Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new HttpRequestException("Event Grid unavailable");
            }

            lock (_sent)
            {
                _sent.Add(domainEvent);
            }

            return Task.CompletedTask;
        }
    }
}
