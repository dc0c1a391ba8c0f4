using System.Text.Json;

namespace LiveShop.Core.Storage.InMemory;

/// <summary>
/// A container in memory with Cosmos DB's semantics: documents are kept serialised (no shared references),
/// every write gets a new ETag, creates fail on a duplicate id, replaces fail on a stale ETag or a missing document.
/// </summary>
public class InMemoryDocumentStore<T> : IDocumentStore<T>
    where T : class, IDocument
{
    private readonly Dictionary<(string PartitionKey, string Id), Entry> _entries = [];
    private readonly Lock _gate = new();
    private long _version;

    public Task<Versioned<T>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.TryGetValue((partitionKey, id), out var entry) ? entry.ToVersioned() : null);
        }
    }

    public Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            IReadOnlyList<Versioned<T>> found = ids.Distinct(StringComparer.Ordinal)
                .Select(id => _entries.GetValueOrDefault((partitionKey, id)))
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
            if (_entries.ContainsKey(key))
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
            if (!_entries.TryGetValue(key, out var current))
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
            return _entries.Where(e => e.Key.PartitionKey == partitionKey).Select(e => e.Value.ToVersioned()).ToList();
        }
    }

    private string Store((string, string) key, T document)
    {
        var etag = $"\"{++_version:x16}\"";
        _entries[key] = new Entry(JsonSerializer.SerializeToUtf8Bytes(document, StorageJson.Options), etag);
        return etag;
    }

    private sealed record Entry(byte[] Json, string ETag)
    {
        public Versioned<T> ToVersioned() =>
            new(JsonSerializer.Deserialize<T>(Json, StorageJson.Options) ?? throw new InvalidOperationException("Stored document is null."), ETag);
    }
}
