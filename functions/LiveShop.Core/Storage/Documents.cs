using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveShop.Core.Storage;

/// <summary>A stored document: its id and the value of its container's partition key.</summary>
public interface IDocument
{
    string Id { get; }

    /// <summary>The value stored at the container's partition key path (see platform.json).</summary>
    [JsonIgnore]
    string PartitionKey { get; }
}

/// <summary>
/// A document with a time to live: Cosmos DB deletes it <see cref="Ttl"/> seconds after its last write (the container
/// must have TTL on: defaultTtlSeconds -1 in platform.json). Every write starts the time again, so it is an idle time.
/// </summary>
public interface IExpiringDocument : IDocument
{
    /// <summary>Seconds after the last write when the document expires (stored as "ttl"); null or -1 for never.</summary>
    int? Ttl { get; }
}

/// <summary>A document with the ETag of the version read.</summary>
public sealed record Versioned<T>(T Value, string ETag);

/// <summary>One page of a keyset-paged listing; <see cref="NextAfter"/> is null on the last page.</summary>
public sealed record KeysetPage<T>(IReadOnlyList<T> Items, string? NextAfter);

/// <summary>The JSON shape of stored documents, shared by every store implementation.</summary>
public static class StorageJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>The write was conditional on an ETag that is no longer current.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException()
        : base("The document changed since it was read.")
    {
    }

    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A document with this id already exists in its partition.</summary>
public sealed class DuplicateDocumentException : Exception
{
    public DuplicateDocumentException()
        : base("A document with this id already exists.")
    {
    }

    public DuplicateDocumentException(string message)
        : base(message)
    {
    }

    public DuplicateDocumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The document to replace does not exist.</summary>
public sealed class DocumentNotFoundException : Exception
{
    public DocumentNotFoundException()
        : base("The document does not exist.")
    {
    }

    public DocumentNotFoundException(string message)
        : base(message)
    {
    }

    public DocumentNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The store is throttling or unavailable; the caller may retry after <see cref="RetryAfter"/>.</summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
        : base("The store is unavailable.")
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreUnavailableException(string message, TimeSpan? retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    public TimeSpan? RetryAfter { get; }
}
