using System.Text.Json;

namespace LiveShop.Core.Storage.InMemory;

/// <summary>
/// A container in memory with Cosmos DB's semantics: documents are kept serialised (no shared references),
/// every write gets a new ETag, creates fail on a duplicate id, replaces fail on a stale ETag or a missing document,
/// and a document with a time to live (<see cref="IExpiringDocument"/>) is gone once that many seconds passed since its
/// last write, as Cosmos DB hides expired items at once.
/// </summary>
public class InMemoryDocumentStore<T>(TimeProvider clock) : IDocumentStore<T>
    where T : class, IDocument
{
    private readonly Dictionary<(string PartitionKey, string Id), Entry> _entries = [];
    private readonly Lock _gate = new();
    private long _version;

    public InMemoryDocumentStore()
        : this(TimeProvider.System)
    {
    }

    public Task<Versioned<T>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Live((partitionKey, id))?.ToVersioned());
        }
    }

    public Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            IReadOnlyList<Versioned<T>> found = ids.Distinct(StringComparer.Ordinal)
                .Select(id => Live((partitionKey, id)))
                .OfType<Entry>()
                .Select(e => e.ToVersioned())
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<string> CreateAsync(T document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_gate)
        {
            var key = (document.PartitionKey, document.Id);
            if (Live(key) is not null)
            {
                throw new DuplicateDocumentException($"Document '{document.Id}' already exists.");
            }

            return Task.FromResult(Store(key, document));
        }
    }

    public Task<string> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_gate)
        {
            var key = (document.PartitionKey, document.Id);
            if (Live(key) is not { } current)
            {
                throw new DocumentNotFoundException($"Document '{document.Id}' does not exist.");
            }

            if (current.ETag != ifMatch)
            {
                throw new ConcurrencyConflictException($"Document '{document.Id}' changed since ETag {ifMatch}.");
            }

            return Task.FromResult(Store(key, document));
        }
    }

    /// <summary>The documents of one partition, for listing queries (callers filter, sort and page).</summary>
    protected IReadOnlyList<Versioned<T>> Partition(string partitionKey)
    {
        lock (_gate)
        {
            return _entries.Where(e => e.Key.PartitionKey == partitionKey && !e.Value.IsExpired(clock.GetUtcNow()))
                .Select(e => e.Value.ToVersioned()).ToList();
        }
    }

    /// <summary>Every live document of every partition (for scans such as expiry sweeps).</summary>
    protected IReadOnlyList<Versioned<T>> All()
    {
        lock (_gate)
        {
            return _entries.Values.Where(e => !e.IsExpired(clock.GetUtcNow())).Select(e => e.ToVersioned()).ToList();
        }
    }

    /// <summary>Deletes a document; false when there was none.</summary>
    protected bool Delete(string partitionKey, string id)
    {
        lock (_gate)
        {
            return Live((partitionKey, id)) is not null && _entries.Remove((partitionKey, id));
        }
    }

    /// <summary>Runs <paramref name="action"/> on the current version of a document under the store's lock (for atomic patches).</summary>
    protected TResult Atomically<TResult>(string partitionKey, string id, Func<Versioned<T>?, (T? Write, TResult Result)> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            var key = (partitionKey, id);
            var (write, result) = action(Live(key)?.ToVersioned());
            if (write is not null)
            {
                Store(key, write);
            }

            return result;
        }
    }

    /// <summary>The entry, unless it does not exist or its time to live has run out (then it is dropped).</summary>
    private Entry? Live((string, string) key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.IsExpired(clock.GetUtcNow()))
        {
            _entries.Remove(key);
            return null;
        }

        return entry;
    }

    private string Store((string, string) key, T document)
    {
        var etag = $"\"{++_version:x16}\"";
        var expires = document is IExpiringDocument { Ttl: > 0 and var ttl } ? clock.GetUtcNow().AddSeconds(ttl) : (DateTimeOffset?)null;
        _entries[key] = new Entry(JsonSerializer.SerializeToUtf8Bytes(document, StorageJson.Options), etag, expires);
        return etag;
    }

    private sealed record Entry(byte[] Json, string ETag, DateTimeOffset? Expires)
    {
        public bool IsExpired(DateTimeOffset now) => Expires <= now;

        public Versioned<T> ToVersioned() =>
            new(JsonSerializer.Deserialize<T>(Json, StorageJson.Options) ?? throw new InvalidOperationException("Stored document is null."), ETag);
    }
}
