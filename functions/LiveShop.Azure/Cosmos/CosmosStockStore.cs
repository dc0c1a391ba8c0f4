using System.Globalization;
using System.Net;
using System.Text.Json;
using LiveShop.Core.Stock;
using LiveShop.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveShop.Azure.Cosmos;

/// <summary>
/// Stock shards in the stock container (partition key: id). Each <see cref="StockChange"/> is one patch whose filter
/// predicate is the change's condition: Cosmos DB applies it atomically or answers 412, and nothing is read first.
/// </summary>
/// <remarks>
/// Hold ids, return ids and sale ids appear in the predicate as property names and string literals; they are always
/// lower-case letters, digits and '_' (checked here), so no escaping is needed and no case folding can change them.
/// </remarks>
public sealed class CosmosStockStore(Container container)
    : CosmosDocumentStore<StockShard>(container, PlatformDefinitions.Stock), IStockStore
{
    public CosmosStockStore(CosmosClient client, string databaseName)
        : this(ContainerOf(client, databaseName, PlatformDefinitions.Stock))
    {
    }

    public async Task<IReadOnlyList<StockShard>> ReadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var items = ids.Distinct(StringComparer.Ordinal).Select(id => (id, new PartitionKey(id))).ToList();
        if (items.Count == 0)
        {
            return [];
        }

        if (items.Count == 1)
        {
            // One shard (re-read after a refused change): a point read, the cheapest read there is.
            return await ReadAsync(items[0].id, items[0].id, cancellationToken) is { } one ? [one.Value] : [];
        }

        try
        {
            var response = await Container.ReadManyItemsAsync<JsonElement>(items, cancellationToken: cancellationToken);
            return response.Select(item => ToVersioned(item).Value).ToList();
        }
        catch (CosmosException e) when (Translate(e, "stock") is { } translated)
        {
            throw translated;
        }
    }

    public async Task<bool> TryCreateAsync(StockShard shard, CancellationToken cancellationToken)
    {
        try
        {
            await CreateAsync(shard, cancellationToken);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    public async Task<StockShard?> TryApplyAsync(string shardId, StockChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (predicate, operations) = Patch(change);
        try
        {
            var response = await Container.PatchItemAsync<StockShard>(
                shardId, new PartitionKey(shardId), operations, new PatchItemRequestOptions { FilterPredicate = predicate }, cancellationToken);
            return response.Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || IsMissingDocument(e))
        {
            return null;
        }
        catch (CosmosException e) when (Translate(e, shardId) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<IReadOnlyList<StockShard>> ListWithHoldsAsync(CancellationToken cancellationToken)
    {
        var shards = new List<StockShard>();
        using var iterator = Container.GetItemQueryIterator<StockShard>(new QueryDefinition("SELECT * FROM c WHERE c.reserved > 0 OR c.marks > 0"));
        while (iterator.HasMoreResults)
        {
            shards.AddRange(await ReadNextAsync(iterator, "stock", cancellationToken));
        }

        return shards;
    }

    /// <summary>The filter predicate and patch operations that apply <paramref name="change"/> as <see cref="StockShard.Apply"/> defines it.</summary>
    internal static (string Predicate, IReadOnlyList<PatchOperation> Operations) Patch(StockChange change) => change switch
    {
        StockChange.Reserve r => (
            $"FROM c WHERE c.available >= {N(r.Quantity)} AND NOT IS_DEFINED(c.holds.{Key(r.HoldId)})"
                + (r.SaleId is null ? string.Empty : $" AND c.sale = '{Key(r.SaleId)}' AND c.saleleft >= {N(r.Quantity)}"),
            [
                PatchOperation.Increment("/available", -r.Quantity),
                PatchOperation.Increment("/reserved", r.Quantity),
                .. r.SaleId is null ? Array.Empty<PatchOperation>() : [PatchOperation.Increment("/saleleft", -r.Quantity)],
                PatchOperation.Set($"/holds/{Key(r.HoldId)}", new StockHold(r.Quantity, r.ExpiresAt, r.SaleId, null)),
            ]),
        StockChange.Commit c => (
            OpenHold(c.HoldId, c.Quantity),
            [
                PatchOperation.Increment("/reserved", -c.Quantity),
                PatchOperation.Increment("/sold", c.Quantity),
                PatchOperation.Remove($"/holds/{Key(c.HoldId)}"),
            ]),
        StockChange.Release r => (
            OpenHold(r.HoldId, r.Quantity) + (r.ToSale is null ? string.Empty : $" AND c.sale = '{Key(r.ToSale)}'"),
            [
                PatchOperation.Increment("/reserved", -r.Quantity),
                PatchOperation.Increment("/available", r.Quantity),
                .. r.ToSale is null ? Array.Empty<PatchOperation>() : [PatchOperation.Increment("/saleleft", r.Quantity)],
                PatchOperation.Set($"/holds/{Key(r.HoldId)}/done", StockHold.Released),
                PatchOperation.Increment("/marks", 1),
            ]),
        StockChange.Forget f => (
            $"FROM c WHERE c.holds.{Key(f.HoldId)}.done = '{StockHold.Released}'",
            [PatchOperation.Remove($"/holds/{Key(f.HoldId)}"), PatchOperation.Increment("/marks", -1)]),
        StockChange.LoadSale l => (
            $"FROM c WHERE (NOT IS_DEFINED(c.sale) OR c.sale != '{Key(l.SaleId)}') AND c.saleat < {N(l.Version)}",
            [PatchOperation.Set("/sale", Key(l.SaleId)), PatchOperation.Set("/saleleft", l.Units), PatchOperation.Set("/saleat", l.Version)]),
        StockChange.Rebase b => (
            $"FROM c WHERE c.basis = {N(b.FromBasis)} AND c.basisat < {N(b.Version)}",
            [
                PatchOperation.Set("/basis", b.ToBasis),
                PatchOperation.Set("/basisat", b.Version),
                PatchOperation.Increment("/onhand", b.Delta),
                PatchOperation.Increment("/available", b.Delta),
            ]),
        StockChange.Restock r => (
            $"FROM c WHERE c.sold >= {N(r.Quantity)} AND NOT IS_DEFINED(c.returns.{Key(r.ReturnId)})" + (r.ToSale is null ? string.Empty : $" AND c.sale = '{Key(r.ToSale)}'"),
            [
                PatchOperation.Increment("/sold", -r.Quantity),
                PatchOperation.Increment("/available", r.Quantity),
                .. r.ToSale is null ? Array.Empty<PatchOperation>() : [PatchOperation.Increment("/saleleft", r.Quantity)],
                PatchOperation.Set($"/returns/{Key(r.ReturnId)}", r.Quantity),
            ]),
        _ => throw new ArgumentException($"Unknown stock change {change.GetType().Name}.", nameof(change)),
    };

    private static string OpenHold(string holdId, long quantity) =>
        $"FROM c WHERE c.holds.{Key(holdId)}.q = {N(quantity)} AND NOT IS_DEFINED(c.holds.{Key(holdId)}.done)";

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An id used inside a predicate or a patch path: lower-case letters, digits and '_' only.</summary>
    private static string Key(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') && char.IsAsciiLetterLower(value[0])
            ? value
            : throw new ArgumentException($"'{value}' cannot be used in a stock patch (lower-case letters, digits and '_' only).", nameof(value));
}
