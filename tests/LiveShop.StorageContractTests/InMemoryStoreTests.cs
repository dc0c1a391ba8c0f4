using System.Text.Json;
using LiveShop.Core.Catalog;
using LiveShop.Core.Storage;
using LiveShop.Core.Storage.InMemory;
using LiveShop.Core.Streams;
using LiveShop.StorageContractTests.Contracts;

namespace LiveShop.StorageContractTests;

/// <summary>The in-memory stores hold documents as <see cref="StorageJson"/> bytes; the stored JSON is that of the document read back.</summary>
internal static class InMemoryJson
{
    public static async Task<JsonElement> ReadAsync<T>(IDocumentStore<T> store, T document)
        where T : class, IDocument
    {
        var read = await store.ReadAsync(document.PartitionKey, document.Id, CancellationToken.None)
            ?? throw new InvalidOperationException($"Document '{document.Id}' is not stored.");
        return JsonSerializer.SerializeToElement(read.Value, StorageJson.Options);
    }
}

public sealed class InMemoryProductStoreTests : ProductStoreContract
{
    private readonly InMemoryProductStore _store = new();

    protected override IProductStore ProductStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(Product document) => InMemoryJson.ReadAsync(_store, document);
}

public sealed class InMemoryStreamStoreTests : StreamStoreContract
{
    private readonly InMemoryStreamStore _store = new();

    protected override IStreamStore StreamStore => _store;

    protected override Task<JsonElement> ReadStoredJsonAsync(LiveStream document) => InMemoryJson.ReadAsync(_store, document);
}
