using System.Collections.Concurrent;
using LiveShop.Core.Live;

namespace LiveShop.UnitTests.Builders;

/// <summary>The live service as a test sees it: every send recorded in order, connections it has, and failures on demand.</summary>
public sealed class RecordingBroadcaster : ILiveBroadcaster
{
    private readonly ConcurrentQueue<Sent> _sent = new();

    /// <summary>Connections the service has (others are answered "no such connection").</summary>
    public ConcurrentDictionary<string, ConcurrentBag<string>> Connections { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, every send throws this (the service down).</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<Sent> Sent => _sent.ToList();

    public IReadOnlyList<T> To<T>(string group)
        where T : ILiveMessage =>
        _sent.Where(s => s.Group == group).Select(s => s.Message).OfType<T>().ToList();

    public Task SendToGroupAsync(string group, string method, ILiveMessage message, CancellationToken cancellationToken) => Record(new Sent(group, null, method, message));

    public Task SendToUserAsync(string userId, string method, ILiveMessage message, CancellationToken cancellationToken) => Record(new Sent(null, userId, method, message));

    public Task<bool> AddToGroupAsync(string connectionId, string group, CancellationToken cancellationToken)
    {
        if (!Connections.TryGetValue(connectionId, out var groups))
        {
            return Task.FromResult(false);
        }

        groups.Add(group);
        return Task.FromResult(true);
    }

    public Task<bool> ConnectionExistsAsync(string connectionId, CancellationToken cancellationToken) => Task.FromResult(Connections.ContainsKey(connectionId));

    private Task Record(Sent sent)
    {
        if (Failure is { } failure)
        {
            return Task.FromException(failure);
        }

        _sent.Enqueue(sent);
        return Task.CompletedTask;
    }
}

public sealed record Sent(string? Group, string? User, string Method, ILiveMessage Message);
