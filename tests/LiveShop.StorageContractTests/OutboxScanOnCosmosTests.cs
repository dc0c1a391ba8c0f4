using LiveShop.Azure.Cosmos;
using LiveShop.Core.Events;
using LiveShop.Core.Orders;
using LiveShop.Core.Streams;
using LiveShop.StorageContractTests.Cosmos;

namespace LiveShop.StorageContractTests;

/// <summary>The outbox sweep's query across partitions on a local Cosmos server, and the sent marks' container.</summary>
[Collection(CosmosCollection.Name)]
public sealed class OutboxScanOnCosmosTests(CosmosFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task RaisedSince_OutboxesOfSeveralPartitions_NewerThanTheTimeOldestFirst()
    {
        var store = new CosmosStreamStore(fixture.Client, fixture.DatabaseName);
        var since = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(1, 100_000));
        var ids = new List<string>();
        for (var i = -1; i < 3; i++)
        {
            var id = "str_outbox_" + Guid.NewGuid().ToString("N");
            var at = since.AddSeconds(i);
            var e = new DomainEvent(id + ":stream.started", DomainEventTypes.StreamStarted, $"merchants/m1/streams/{id}", at, new { n = i });
            await store.CreateAsync(Stream(id, at) with { Outbox = new EventOutbox([e], [e.Id], at) }, None);
            ids.Add(id);
        }

        var found = await store.RaisedSinceAsync(since, 10, None);

        Assert.Equal(ids.Skip(1).Select(id => id + ":stream.started"), found.Where(o => o.Recent[0].Id.StartsWith("str_outbox_", StringComparison.Ordinal)).Select(o => o.Recent[0].Id));
        Assert.All(found, o => Assert.True(o.At >= since));
    }

    [Fact]
    public async Task Marks_CreateTwice_DuplicateRefused()
    {
        var marks = new CosmosOutboxMarkStore(fixture.Client, fixture.DatabaseName);
        var id = "evt-" + Guid.NewGuid().ToString("N");
        await marks.CreateAsync(new OutboxMark(id, DateTimeOffset.UtcNow, OutboxMark.SentTtlSeconds), None);

        await Assert.ThrowsAsync<Core.Storage.DuplicateDocumentException>(() => marks.CreateAsync(new OutboxMark(id, DateTimeOffset.UtcNow, OutboxMark.SentTtlSeconds), None));
        Assert.NotNull(await marks.ReadAsync(id, id, None));
    }

    private static LiveStream Stream(string id, DateTimeOffset at) =>
        new(id, "m1", "us", "Outbox", at, "https://example.com/live.m3u8", StreamStatus.Live, at, null, [], at, at);
}
