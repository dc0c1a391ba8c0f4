using LiveShop.Core.Errors;

namespace LiveShop.Core.Storage;

/// <summary>
/// Read-modify-write under an ETag. With a caller's If-Match the write is tried once against that version;
/// without one, a lost race is retried on a fresh read (a few times, after a short random pause so that writers
/// that collided do not collide again at once), so no change is ever lost or overwritten.
/// </summary>
public static class Optimistic
{
    public const int MaxAttempts = 10;

    /// <summary>The longest pause before the first retry; it doubles for each later one up to <see cref="MaxBackoff"/> (full jitter).</summary>
    public static readonly TimeSpan BaseBackoff = TimeSpan.FromMilliseconds(5);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(100);

    /// <param name="read">Reads the current version (throws when missing).</param>
    /// <param name="change">Returns the changed document, or null when there is nothing to write.</param>
    /// <param name="replace">The conditional write.</param>
    /// <returns>The version now stored, and whether this call wrote it.</returns>
    public static async Task<(Versioned<T> Stored, bool Written)> UpdateAsync<T>(
        Func<Task<Versioned<T>>> read,
        Func<T, T?> change,
        Func<T, string, Task<string>> replace,
        string? ifMatch,
        string what,
        CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(replace);
        for (var attempt = 1; ; attempt++)
        {
            var current = await read();
            // "*" matches any stored version, but not a document that was never written (RFC 9110).
            if (ifMatch is not null && (ifMatch == "*" ? current.ETag == Unwritten : ifMatch != current.ETag))
            {
                throw LiveShopException.PreconditionFailed($"{what} changed since ETag {ifMatch}; read it again and re-apply your change.");
            }

            var updated = change(current.Value);
            if (updated is null)
            {
                return (current, false);
            }

            try
            {
                return (new(updated, await replace(updated, current.ETag)), true);
            }
            catch (ConcurrencyConflictException) when (ifMatch is null && attempt < MaxAttempts)
            {
                // Someone else wrote first: read again and re-apply the change to their version. Without the pause,
                // every loser of a race re-reads at the same moment and they collide again until attempts run out.
            }
            catch (ConcurrencyConflictException) when (ifMatch is not null)
            {
                throw LiveShopException.PreconditionFailed($"{what} changed while it was being written; read it again and re-apply your change.");
            }
            catch (ConcurrencyConflictException)
            {
                // The caller set no precondition, so a 412 would be wrong: it is contention, and a later retry can succeed.
                throw new LiveShopException(ErrorKind.Unavailable, "Too many concurrent changes", $"{what} is being changed by many requests at once; retry shortly.");
            }

            await Task.Delay(Backoff(attempt), cancellationToken);
        }
    }

    /// <summary>
    /// <see cref="UpdateAsync{T}"/> for a document that may not exist yet: a missing one is <paramref name="empty"/>,
    /// and its first write is a create (a concurrent create counts as a lost race and is retried on a fresh read).
    /// </summary>
    public static Task<(Versioned<T> Stored, bool Written)> UpsertAsync<T>(
        Func<Task<Versioned<T>?>> read,
        Func<T> empty,
        Func<T, T?> change,
        IDocumentStore<T> store,
        string? ifMatch,
        string what,
        CancellationToken cancellationToken = default)
        where T : class, IDocument
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(empty);
        ArgumentNullException.ThrowIfNull(store);
        return UpdateAsync(
            async () => await read() ?? new Versioned<T>(empty(), Unwritten),
            change,
            async (document, etag) =>
            {
                if (etag != Unwritten)
                {
                    try
                    {
                        return await store.ReplaceAsync(document, etag, cancellationToken);
                    }
                    catch (DocumentNotFoundException e)
                    {
                        // Gone since it was read (its time to live ran out, or it was deleted): a lost race like any
                        // other, so the change is made again on what is stored now (nothing: it is created).
                        throw new ConcurrencyConflictException($"{what} was removed concurrently.", e);
                    }
                }

                try
                {
                    return await store.CreateAsync(document, cancellationToken);
                }
                catch (DuplicateDocumentException e)
                {
                    throw new ConcurrencyConflictException($"{what} was created concurrently.", e);
                }
            },
            ifMatch,
            what,
            cancellationToken);
    }

    /// <summary>The ETag of a document that was never written (no stored version has it).</summary>
    public const string Unwritten = "";

    /// <summary>A random pause of up to min(BaseBackoff * 2^(attempt - 1), MaxBackoff) before attempt + 1 (full jitter).</summary>
#pragma warning disable CA5394 // Jitter, not security: Random.Shared is the right tool.
    public static TimeSpan Backoff(int attempt) =>
        Random.Shared.NextDouble() * TimeSpan.FromTicks(Math.Min(BaseBackoff.Ticks << Math.Clamp(attempt - 1, 0, 20), MaxBackoff.Ticks));
#pragma warning restore CA5394
}
