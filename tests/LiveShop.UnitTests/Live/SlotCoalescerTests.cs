using LiveShop.Core.Live;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Live;

public sealed class SlotCoalescerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);
    private readonly LiveRig _rig = new();

    [Fact]
    public async Task Touch_ManyChangesInOneSlot_SendsTheFirstAtOnceAndOneMoreAtTheNextSlotReadingTheLatest()
    {
        var value = 0;
        var sent = new List<int>();
        Task Send(CancellationToken _)
        {
            sent.Add(value);
            return Task.CompletedTask;
        }

        for (var i = 1; i <= 100; i++)
        {
            value = i;
            _rig.Coalescer.Touch("str_1", "k", Window, Send);
        }

        // (The in-memory store answers at once: a send due now has run when Touch returns.)
        Assert.Equal([1], sent);

        await _rig.NextSlotAsync(Window);

        Assert.Equal([1, 100], sent);
    }

    [Fact]
    public async Task Touch_OnTwoInstances_OneMessagePerSlotAndTheLaterChangeIsNotLost()
    {
        var other = _rig.NewCoalescer();
        var value = "first";
        var sent = new List<string>();
        Task Send(CancellationToken _)
        {
            sent.Add(value);
            return Task.CompletedTask;
        }

        _rig.Coalescer.Touch("str_1", "k", Window, Send);

        // The other instance changes the state in the same slot: it may not send in it, and must not lose its change.
        value = "second";
        other.Touch("str_1", "k", Window, Send);
        Assert.Equal(["first"], sent);

        await _rig.NextSlotAsync(Window, _rig.Coalescer, other);

        Assert.Equal(["first", "second"], sent);
    }

    [Fact]
    public async Task Touch_KeysAndStreamsAreCoalescedApart()
    {
        var sent = new List<string>();
        _rig.Coalescer.Touch("str_1", "a", Window, _ => Add(sent, "1a"));
        _rig.Coalescer.Touch("str_1", "b", Window, _ => Add(sent, "1b"));
        _rig.Coalescer.Touch("str_2", "a", Window, _ => Add(sent, "2a"));

        await _rig.Coalescer.IdleAsync();

        Assert.Equal(["1a", "1b", "2a"], sent.Order());
    }

    [Fact]
    public async Task Touch_AFailingSend_IsLoggedAndTheNextSlotSendsAgain()
    {
        var attempts = 0;
        Task Send(CancellationToken _) => ++attempts == 1 ? Task.FromException(new HttpRequestException("down")) : Task.CompletedTask;

        _rig.Coalescer.Touch("str_1", "k", Window, Send);
        await _rig.Coalescer.IdleAsync();
        await _rig.NextSlotAsync(Window);
        _rig.Coalescer.Touch("str_1", "k", Window, Send);
        await _rig.Coalescer.IdleAsync();

        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Touch_PastTheKeysKept_ForgetsKeysWhoseSlotIsOver_AndStillSendsOncePerSlot()
    {
        var sent = 0;
        Task Send(CancellationToken _)
        {
            sent++;
            return Task.CompletedTask;
        }

        for (var i = 0; i <= SlotCoalescer.EntriesKept; i++)
        {
            _rig.Coalescer.Touch("str_1", $"sku.{i}", Window, Send);
        }

        await _rig.NextSlotAsync(Window);
        _rig.Coalescer.Touch("str_1", "sku.0", Window, Send);
        _rig.Coalescer.Touch("str_1", "sku.0", Window, Send);

        Assert.Equal(1, _rig.Coalescer.EntryCount);
        Assert.Equal(SlotCoalescer.EntriesKept + 2, sent);
    }

    private static Task Add(List<string> sent, string what)
    {
        lock (sent)
        {
            sent.Add(what);
        }

        return Task.CompletedTask;
    }
}
