using System.Collections.Concurrent;

namespace LiveShop.Azure.Cosmos;

/// <summary>
/// Counts the HTTP requests a Cosmos client sends (plug it in through <see cref="CosmosOptions.HttpHandlers"/>),
/// so tests and benchmarks can see what an operation costs in round trips.
/// </summary>
public sealed class CosmosRequestCounter : DelegatingHandler
{
    private ConcurrentQueue<string> _requests = new();

    /// <summary>The requests since the last <see cref="Reset"/>.</summary>
    public int Count => _requests.Count;

    /// <summary>"METHOD /path" of each request since the last <see cref="Reset"/>, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Starts counting again from zero and returns the requests counted until now.</summary>
    public IReadOnlyList<string> Reset() => [.. Interlocked.Exchange(ref _requests, new ConcurrentQueue<string>())];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _requests.Enqueue($"{request.Method} {request.RequestUri?.AbsolutePath}");
        return base.SendAsync(request, cancellationToken);
    }
}
