namespace LiveShop.UnitTests.Builders;

/// <summary>Runs actions at the same moment on the thread pool.</summary>
public static class Race
{
    /// <summary>Starts every action at once (all wait for one signal) and waits for all.</summary>
    public static async Task<T[]> RunAsync<TItem, T>(IEnumerable<TItem> items, Func<TItem, Task<T>> action)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = items.Select(item => Task.Run(async () =>
        {
            await go.Task;
            return await action(item);
        })).ToList();
        go.SetResult();
        return await Task.WhenAll(tasks);
    }
}
