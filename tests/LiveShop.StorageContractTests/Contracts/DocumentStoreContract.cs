using System.Text.Json;
using LiveShop.Core.Storage;

namespace LiveShop.StorageContractTests.Contracts;

/// <summary>What every <see cref="IDocumentStore{T}"/> must do, whatever holds the documents.</summary>
public abstract class DocumentStoreContract<T>
    where T : class, IDocument
{
    protected static CancellationToken None => CancellationToken.None;

    protected abstract IDocumentStore<T> Store { get; }

    /// <summary>The container the documents live in (its partition key path).</summary>
    protected abstract ContainerDefinition Definition { get; }

    /// <summary>A new document in a partition no other test uses.</summary>
    protected abstract T NewDocument();

    /// <summary>Other new documents in the partition of <paramref name="document"/> (none where the partition is the id).</summary>
    protected abstract IReadOnlyList<T> NewPartitionMates(T document, int count);

    /// <summary>The document with a visible change.</summary>
    protected abstract T Changed(T document, int variant);

    /// <summary>The JSON the store holds for the document.</summary>
    protected abstract Task<JsonElement> ReadStoredJsonAsync(T document);

    [Fact]
    public async Task Create_ThenRead_ReturnsTheSameDocumentAndETag()
    {
        var document = NewDocument();

        var etag = await Store.CreateAsync(document, None);
        var read = await Store.ReadAsync(document.PartitionKey, document.Id, None);

        Assert.NotNull(read);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(etag, read.ETag);
        Assert.Equal(Documents.Json(document)!.ToJsonString(), Documents.Json(read.Value)!.ToJsonString());
        Assert.True(Documents.SameJson(document, read.Value));
    }

    [Fact]
    public async Task Create_SameIdTwice_ThrowsDuplicateDocument()
    {
        var document = NewDocument();
        await Store.CreateAsync(document, None);

        await Assert.ThrowsAsync<DuplicateDocumentException>(() => Store.CreateAsync(Changed(document, 1), None));
        var read = await Store.ReadAsync(document.PartitionKey, document.Id, None);
        Assert.True(Documents.SameJson(document, read!.Value));
    }

    [Fact]
    public async Task Replace_WithCurrentETag_StoresTheChangeAndANewETag()
    {
        var document = NewDocument();
        var etag = await Store.CreateAsync(document, None);
        var changed = Changed(document, 1);

        var newEtag = await Store.ReplaceAsync(changed, etag, None);

        var read = await Store.ReadAsync(document.PartitionKey, document.Id, None);
        Assert.NotEqual(etag, newEtag);
        Assert.Equal(newEtag, read!.ETag);
        Assert.True(Documents.SameJson(changed, read.Value));
    }

    [Fact]
    public async Task Replace_WithStaleETag_ThrowsConcurrencyConflictAndKeepsTheNewerVersion()
    {
        var document = NewDocument();
        var stale = await Store.CreateAsync(document, None);
        var newer = Changed(document, 1);
        await Store.ReplaceAsync(newer, stale, None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(Changed(document, 2), stale, None));
        var read = await Store.ReadAsync(document.PartitionKey, document.Id, None);
        Assert.True(Documents.SameJson(newer, read!.Value));
    }

    [Fact]
    public async Task Replace_MissingDocument_ThrowsDocumentNotFound()
    {
        var document = NewDocument();
        var otherEtag = await Store.CreateAsync(NewDocument(), None);

        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Store.ReplaceAsync(document, otherEtag, None));
        Assert.Null(await Store.ReadAsync(document.PartitionKey, document.Id, None));
    }

    [Fact]
    public async Task Read_MissingDocument_ReturnsNull()
    {
        var document = NewDocument();

        Assert.Null(await Store.ReadAsync(document.PartitionKey, document.Id, None));
    }

    [Fact]
    public async Task Read_WithAnotherPartitionsKey_FindsNothing()
    {
        var document = NewDocument();
        await Store.CreateAsync(document, None);
        var otherPartition = Documents.UniqueId("other");

        Assert.Null(await Store.ReadAsync(otherPartition, document.Id, None));
        Assert.Empty(await Store.ReadManyAsync(otherPartition, [document.Id], None));
        Assert.NotNull(await Store.ReadAsync(document.PartitionKey, document.Id, None));
    }

    [Fact]
    public async Task ReadMany_ReturnsOnlyTheExistingDocumentsOfThatPartition()
    {
        var document = NewDocument();
        var mates = NewPartitionMates(document, 2);
        var elsewhere = NewDocument();
        // Keyed by partition and id: ids are unique only within a partition (a cart's id is its market).
        var etags = new Dictionary<(string, string), string>();
        foreach (var created in mates.Prepend(document).Append(elsewhere))
        {
            etags[(created.PartitionKey, created.Id)] = await Store.CreateAsync(created, None);
        }

        var ids = mates.Select(m => m.Id).Prepend(document.Id).Append(elsewhere.Id).Append(document.Id).Append(Documents.UniqueId("missing")).ToList();
        var found = await Store.ReadManyAsync(document.PartitionKey, ids, None);

        var expected = mates.Prepend(document).ToDictionary(d => d.Id);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), found.Select(f => f.Value.Id).Order(StringComparer.Ordinal));
        Assert.All(found, f =>
        {
            Assert.Equal(etags[(f.Value.PartitionKey, f.Value.Id)], f.ETag);
            Assert.True(Documents.SameJson(expected[f.Value.Id], f.Value));
        });
    }

    [Fact]
    public async Task ReadMany_NoIds_ReturnsNothing()
    {
        var document = NewDocument();
        await Store.CreateAsync(document, None);

        Assert.Empty(await Store.ReadManyAsync(document.PartitionKey, [], None));
    }

    [Fact]
    public async Task Replace_TwentyConcurrentWritersWithTheSameETag_ExactlyOneWins()
    {
        var document = NewDocument();
        var etag = await Store.CreateAsync(document, None);

        var attempts = Enumerable.Range(1, 20).Select(async variant =>
        {
            try
            {
                return (Variant: variant, ETag: (string?)await Store.ReplaceAsync(Changed(document, variant), etag, None));
            }
            catch (ConcurrencyConflictException)
            {
                return (Variant: variant, ETag: null);
            }
        }).ToList();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.ETag is not null);
        var read = await Store.ReadAsync(document.PartitionKey, document.Id, None);
        Assert.Equal(winner.ETag, read!.ETag);
        Assert.True(Documents.SameJson(Changed(document, winner.Variant), read.Value));
    }

    [Fact]
    public async Task StoredJson_AtThePartitionKeyPath_IsThePartitionKey()
    {
        var document = NewDocument();
        await Store.CreateAsync(document, None);

        var json = await ReadStoredJsonAsync(document);

        var value = Definition.PartitionKeyPath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Aggregate(json, (node, property) => node.GetProperty(property));
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal(document.PartitionKey, value.GetString());
    }
}
