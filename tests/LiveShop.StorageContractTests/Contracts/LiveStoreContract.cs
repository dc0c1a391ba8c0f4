using LiveShop.Core.Live;
using LiveShop.Core.Streams;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>The <see cref="ILiveStore"/> contract: the live container's counters, claims, presences, sales and pin history.</summary>
public abstract class LiveStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract ILiveStore Store { get; }

    private static string NewStream() => Documents.UniqueId("str");

    [Fact]
    public async Task NextSequenceAsync_ConcurrentCalls_GiveEveryNumberOncePerStream()
    {
        var stream = NewStream();
        var other = NewStream();

        var numbers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Store.NextSequenceAsync(stream, None)));
        var first = await Store.NextSequenceAsync(other, None);

        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long)n), numbers.Order());
        Assert.Equal(1, first);
    }

    [Fact]
    public async Task TryClaimSlotAsync_ConcurrentClaims_OneWinsPerKeyAndSlot()
    {
        var stream = NewStream();

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.TryClaimSlotAsync(stream, "sku.p.s", 42, 60, None)));
        var nextSlot = await Store.TryClaimSlotAsync(stream, "sku.p.s", 43, 60, None);
        var otherKey = await Store.TryClaimSlotAsync(stream, "audience", 42, 60, None);

        Assert.Equal(1, claims.Count(c => c));
        Assert.True(nextSlot && otherKey);
    }

    [Fact]
    public async Task Presences_CountWhileNotExpired_RemoveOnce_AndTheStaleOnesAreFound()
    {
        var stream = NewStream();
        var now = Documents.Created;
        await Store.UpsertPresenceAsync(new ViewerPresence(stream, "c1", "u1", false, now, now.AddMinutes(10)), None);
        await Store.UpsertPresenceAsync(new ViewerPresence(stream, "c2", "u2", true, now.AddMinutes(1), now.AddMinutes(10)), None);
        await Store.UpsertPresenceAsync(new ViewerPresence(stream, "c3", "u3", false, now, now.AddMinutes(2)), None);

        Assert.Equal(3, await Store.CountViewersAsync(stream, now.AddMinutes(1), None));
        Assert.Equal(2, await Store.CountViewersAsync(stream, now.AddMinutes(3), None));
        Assert.True(await Store.RemovePresenceAsync(stream, "c3", None));
        Assert.False(await Store.RemovePresenceAsync(stream, "c3", None));
        var stale = (await Store.StalePresencesAsync(now.AddSeconds(30), 1000, None)).Where(p => p.StreamId == stream).ToList();
        Assert.Equal((stream, "c1", "u1", false), (Assert.Single(stale).StreamId, stale[0].ConnectionId, stale[0].UserId, stale[0].Host));
        Assert.Equal(now.AddMinutes(10), stale[0].ExpiresAt);

        // Renewed: checked now, so no longer stale.
        await Store.UpsertPresenceAsync(stale[0] with { CheckedAt = now.AddMinutes(5) }, None);
        Assert.DoesNotContain(await Store.StalePresencesAsync(now.AddSeconds(30), 1000, None), p => p.StreamId == stream);
        Assert.Equal(2, await Store.CountViewersAsync(stream, now.AddMinutes(3), None));
    }

    [Fact]
    public async Task RaisePeakAsync_KeepsTheHighest()
    {
        var stream = NewStream();

        var peaks = new List<long>();
        foreach (var viewers in new long[] { 3, 7, 5, 0 })
        {
            peaks.Add(await Store.RaisePeakAsync(stream, viewers, None));
        }

        Assert.Equal([3L, 7L, 7L, 7L], peaks);
    }

    [Fact]
    public async Task RecordSaleAsync_CountsEachOrderOnce_AndTotalsSumThem()
    {
        var stream = NewStream();
        Assert.Equal(new StreamSalesTotals(0, 0, 0), await Store.SalesTotalsAsync(stream, None));

        await Store.RecordSaleAsync(new StreamSale(stream, "ord_1", 2, 3000, "GBP", Documents.Created), None);
        await Store.RecordSaleAsync(new StreamSale(stream, "ord_1", 2, 3000, "GBP", Documents.Created), None);
        await Store.RecordSaleAsync(new StreamSale(stream, "ord_2", 1, 1999, "GBP", Documents.Created), None);
        await Store.RecordSaleAsync(new StreamSale(NewStream(), "ord_3", 5, 9999, "GBP", Documents.Created), None);

        Assert.Equal(new StreamSalesTotals(2, 3, 4999), await Store.SalesTotalsAsync(stream, None));
    }

    [Fact]
    public async Task PinEvents_AreKeptOncePerRevision_NewestFirst_AndPagedByRevision()
    {
        var stream = NewStream();
        for (var revision = 1; revision <= 5; revision++)
        {
            var pinEvent = new PinEvent(revision, revision % 2 == 1 ? PinActions.Pinned : PinActions.Unpinned, $"prd_{revision}", null, Documents.Created.AddMinutes(revision), revision % 2 == 1 ? null : UnpinReasons.Merchant);
            await Store.SavePinEventAsync(stream, pinEvent, None);
            await Store.SavePinEventAsync(stream, pinEvent, None);
        }

        var first = await Store.PinEventsAsync(stream, null, 2, None);
        var next = await Store.PinEventsAsync(stream, 4, 10, None);

        Assert.Equal([5L, 4L], first.Select(e => e.Revision));
        Assert.Equal([3L, 2L, 1L], next.Select(e => e.Revision));
        Assert.Equal(new PinEvent(2, PinActions.Unpinned, "prd_2", null, Documents.Created.AddMinutes(2), UnpinReasons.Merchant), next[1]);
    }
}
