using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using LiveShop.Core.Live;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>
/// The live container (partition key: streamId; time to live per document): sequence counters patched with an increment
/// (one request), coalescing slots and sales taken by conditional creates, presences upserted with a time to live, and
/// single-partition queries for counts, sums and the pin history.
/// </summary>
public sealed class CosmosLiveStore : ILiveStore
{
    private readonly Container _container;
    private readonly CosmosDocumentStore<LiveCounter> _counters;
    private readonly CosmosDocumentStore<SlotClaim> _slots;
    private readonly CosmosDocumentStore<StreamSaleDocument> _sales;
    private readonly ConcurrentDictionary<string, byte> _sequenced = new(StringComparer.Ordinal);

    public CosmosLiveStore(CosmosClient client, string databaseName)
    {
        ArgumentNullException.ThrowIfNull(client);
        _container = client.GetContainer(databaseName, PlatformDefinitions.Live.Name);
        _counters = new CosmosDocumentStore<LiveCounter>(_container, PlatformDefinitions.Live);
        _slots = new CosmosDocumentStore<SlotClaim>(_container, PlatformDefinitions.Live);
        _sales = new CosmosDocumentStore<StreamSaleDocument>(_container, PlatformDefinitions.Live);
    }

    public async Task<long> NextSequenceAsync(string streamId, CancellationToken cancellationToken)
    {
        // The counter is created once (this instance remembers it exists), then only ever patched: one request per number.
        if (!_sequenced.ContainsKey(streamId))
        {
            await CreateIfAbsentAsync(_counters, new LiveCounter(LiveDocuments.SequenceId, streamId, "seq", 0), cancellationToken);
            _sequenced.TryAdd(streamId, 0);
        }

        var response = await Translate(streamId, () => _container.PatchItemAsync<LiveCounter>(
            LiveDocuments.SequenceId, new PartitionKey(streamId), [PatchOperation.Increment("/value", 1)], cancellationToken: cancellationToken));
        return response.Resource.Value;
    }

    public Task<bool> TryClaimSlotAsync(string streamId, string key, long slot, int ttlSeconds, CancellationToken cancellationToken) =>
        CreateIfAbsentAsync(_slots, new SlotClaim(LiveDocuments.SlotId(key, slot), streamId, "slot", ttlSeconds), cancellationToken);

    public async Task UpsertPresenceAsync(ViewerPresence presence, CancellationToken cancellationToken)
    {
        var document = PresenceDocument.From(presence);
        await Translate(document.Id, () => _container.UpsertItemAsync(
            document, new PartitionKey(document.StreamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken));
    }

    public async Task<bool> RemovePresenceAsync(string streamId, string connectionId, CancellationToken cancellationToken)
    {
        try
        {
            await Translate(connectionId, () => _container.DeleteItemAsync<JsonElement>(
                LiveDocuments.PresenceId(connectionId), new PartitionKey(streamId), cancellationToken: cancellationToken));
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public Task<long> CountViewersAsync(string streamId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ScalarAsync(streamId, "SELECT VALUE COUNT(1) FROM c WHERE c.streamId = @stream AND c.kind = 'presence' AND c.expiresAt > @now",
            q => q.WithParameter("@now", now.ToUnixTimeMilliseconds()), cancellationToken);

    public async Task<IReadOnlyList<ViewerPresence>> StalePresencesAsync(DateTimeOffset checkedBefore, int limit, CancellationToken cancellationToken)
    {
        // Across partitions, on the indexed kind and checkedAt: run by the reconciliation timer only.
        var query = new QueryDefinition("SELECT TOP @n * FROM c WHERE c.kind = 'presence' AND c.checkedAt < @before")
            .WithParameter("@n", limit)
            .WithParameter("@before", checkedBefore.ToUnixTimeMilliseconds());
        var found = new List<ViewerPresence>();
        using var iterator = _container.GetItemQueryIterator<PresenceDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = limit });
        while (iterator.HasMoreResults && found.Count < limit)
        {
            found.AddRange((await Translate("presences", () => iterator.ReadNextAsync(cancellationToken))).Select(p => p.ToPresence()));
        }

        return found.Take(limit).ToList();
    }

    public async Task<long> RaisePeakAsync(string streamId, long viewers, CancellationToken cancellationToken)
    {
        var (stored, _) = await Optimistic.UpsertAsync(
            () => _counters.ReadAsync(streamId, LiveDocuments.PeakId, cancellationToken),
            () => new LiveCounter(LiveDocuments.PeakId, streamId, "peak", 0),
            c => c.Value >= viewers ? null : c with { Value = viewers },
            _counters,
            null,
            $"Peak of stream '{streamId}'",
            cancellationToken);
        return stored.Value.Value;
    }

    public Task RecordSaleAsync(StreamSale sale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sale);
        return CreateIfAbsentAsync(
            _sales,
            new StreamSaleDocument(
                LiveDocuments.SaleId(sale.OrderId), sale.StreamId, "sale", sale.OrderId, sale.Units, sale.GmvMinorUnits, sale.Currency, sale.PaidAt),
            cancellationToken);
    }

    public async Task<StreamSalesTotals> SalesTotalsAsync(string streamId, CancellationToken cancellationToken)
    {
        const string Filter = "FROM c WHERE c.streamId = @stream AND c.kind = 'sale'";
        var orders = await ScalarAsync(streamId, "SELECT VALUE COUNT(1) " + Filter, q => q, cancellationToken);
        if (orders == 0)
        {
            return new StreamSalesTotals(0, 0, 0);
        }

        var units = await ScalarAsync(streamId, "SELECT VALUE SUM(c.units) " + Filter, q => q, cancellationToken);
        var gmv = await ScalarAsync(streamId, "SELECT VALUE SUM(c.gmv) " + Filter, q => q, cancellationToken);
        return new StreamSalesTotals(orders, units, gmv);
    }

    public async Task SavePinEventAsync(string streamId, PinEvent pinEvent, CancellationToken cancellationToken)
    {
        var document = PinDocument.From(streamId, pinEvent);
        await Translate(document.Id, () => _container.UpsertItemAsync(
            document, new PartitionKey(streamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken));
    }

    public async Task<IReadOnlyList<PinEvent>> PinEventsAsync(string streamId, long? before, int limit, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                "SELECT TOP @n * FROM c WHERE c.streamId = @stream AND c.kind = 'pin'"
                + (before is null ? string.Empty : " AND c.revision < @before")
                + " ORDER BY c.revision DESC")
            .WithParameter("@n", limit)
            .WithParameter("@stream", streamId)
            .WithParameter("@before", before ?? 0);
        var found = new List<PinEvent>();
        using var iterator = _container.GetItemQueryIterator<PinDocument>(query, requestOptions: SinglePartition(streamId, limit));
        while (iterator.HasMoreResults && found.Count < limit)
        {
            found.AddRange((await Translate(streamId, () => iterator.ReadNextAsync(cancellationToken))).Select(p => p.ToEvent()));
        }

        return found.Take(limit).ToList();
    }

    private static QueryRequestOptions SinglePartition(string streamId, int maxItems = 1) => new()
    {
        PartitionKey = new PartitionKey(streamId),
        MaxItemCount = maxItems,
        EnableOptimisticDirectExecution = true,
    };

    /// <summary>A single-partition query answering one number (0 when it answers none, as SUM over nothing does).</summary>
    private async Task<long> ScalarAsync(string streamId, string text, Func<QueryDefinition, QueryDefinition> parameters, CancellationToken ct)
    {
        var query = parameters(new QueryDefinition(text).WithParameter("@stream", streamId));
        using var iterator = _container.GetItemQueryIterator<long?>(query, requestOptions: SinglePartition(streamId));
        long total = 0;
        while (iterator.HasMoreResults)
        {
            foreach (var value in await Translate(streamId, () => iterator.ReadNextAsync(ct)))
            {
                total += value ?? 0;
            }
        }

        return total;
    }

    private static async Task<bool> CreateIfAbsentAsync<T>(CosmosDocumentStore<T> store, T document, CancellationToken ct)
        where T : class, IDocument
    {
        try
        {
            await store.CreateAsync(document, ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    /// <summary>Throttling and unavailability become <see cref="StoreUnavailableException"/>, as in the other stores.</summary>
    private static async Task<TResult> Translate<TResult>(string what, Func<Task<TResult>> call)
    {
        try
        {
            return await call();
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            throw new StoreUnavailableException($"Cosmos DB answered {(int)e.StatusCode} for '{what}' after the SDK's retries.", e.RetryAfter, e);
        }
    }
}
