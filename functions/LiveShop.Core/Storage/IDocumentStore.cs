namespace LiveShop.Core.Storage;

/// <summary>
/// Point operations on one container. Every write is conditional: create fails on a duplicate id,
/// replace fails unless the ETag read is still current. Implemented for Cosmos DB and in memory,
/// and both are held to the same contract tests.
/// </summary>
public interface IDocumentStore<T>
    where T : class, IDocument
{
    /// <summary>The document, or null when it does not exist.</summary>
    Task<Versioned<T>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken);

    /// <summary>The documents of one partition that exist among <paramref name="ids"/>, in no particular order.</summary>
    Task<IReadOnlyList<Versioned<T>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>Creates the document and returns its ETag; throws <see cref="DuplicateDocumentException"/> if the id exists.</summary>
    Task<string> CreateAsync(T document, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the document if its ETag is still <paramref name="ifMatch"/> and returns the new ETag;
    /// throws <see cref="ConcurrencyConflictException"/> or <see cref="DocumentNotFoundException"/>.
    /// </summary>
    Task<string> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken);
}
