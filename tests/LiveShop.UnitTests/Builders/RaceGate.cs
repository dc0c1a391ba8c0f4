namespace LiveShop.UnitTests.Builders;

/// <summary>
/// Makes a race happen instead of hoping for it: the first <paramref name="parties"/> callers of
/// <see cref="ArriveAsync"/> are held until all of them have arrived, then go on together; later callers pass.
/// A latent store calls it before a write, so every writer has read before any writes.
/// </summary>
public sealed class RaceGate(int parties)
{
    /// <summary>Only a guard against a hang when fewer callers come than expected (a bug in the test), never a timing bound.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public async Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            _open.TrySetResult();
        }

        try
        {
            await _open.Task.WaitAsync(Hang);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Only {Volatile.Read(ref _arrived)} of the {parties} racers the gate waits for arrived.");
        }
    }
}
