using LiveShop.Core.Errors;
using LiveShop.Core.Storage;
using LiveShop.UnitTests.Builders;

namespace LiveShop.UnitTests.Storage;

public class OptimisticTests
{
    [Fact]
    public async Task UpdateAsync_NoRace_WritesTheChangeOnce()
    {
        var doc = new Doc("a", "\"1\"");

        var (stored, written) = await Optimistic.UpdateAsync(doc.ReadAsync, v => v + "b", doc.ReplaceAsync, null, "Doc");

        Assert.True(written);
        Assert.Equal("ab", stored.Value);
        Assert.Equal(doc.ETag, stored.ETag);
        Assert.Equal(1, doc.Replaces);
    }

    [Fact]
    public async Task UpdateAsync_LostRaceWithoutIfMatch_RetriesOnTheFreshVersion()
    {
        var doc = new Doc("a", "\"1\"") { ConcurrentWrites = { "a+theirs" } };

        var (stored, written) = await Optimistic.UpdateAsync(doc.ReadAsync, v => v + "+mine", doc.ReplaceAsync, null, "Doc");

        Assert.True(written);
        Assert.Equal("a+theirs+mine", stored.Value);
        Assert.Equal("a+theirs+mine", doc.Value);
        Assert.Equal(2, doc.Reads);
        Assert.Equal(2, doc.Replaces);
    }

    [Fact]
    public async Task UpdateAsync_LostRaceWithIfMatch_ThrowsPreconditionFailedWithoutRetry()
    {
        var doc = new Doc("a", "\"1\"") { ConcurrentWrites = { "a+theirs" } };

        await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () => Optimistic.UpdateAsync(doc.ReadAsync, v => v + "+mine", doc.ReplaceAsync, "\"1\"", "Doc"));

        Assert.Equal("a+theirs", doc.Value);
        Assert.Equal(1, doc.Reads);
        Assert.Equal(1, doc.Replaces);
    }

    [Fact]
    public async Task UpdateAsync_StaleIfMatch_ThrowsPreconditionFailedWithoutWriting()
    {
        var doc = new Doc("a", "\"2\"");

        var error = await Problem.ThrowsAsync(ErrorKind.PreconditionFailed, () => Optimistic.UpdateAsync(doc.ReadAsync, v => v + "b", doc.ReplaceAsync, "\"1\"", "Doc 'x'"));

        Assert.Contains("Doc 'x'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, doc.Replaces);
        Assert.Equal("a", doc.Value);
    }

    [Fact]
    public async Task UpdateAsync_IfMatchStar_WritesWhateverTheVersion()
    {
        var doc = new Doc("a", "\"7\"");

        var (stored, written) = await Optimistic.UpdateAsync(doc.ReadAsync, v => v + "b", doc.ReplaceAsync, "*", "Doc");

        Assert.True(written);
        Assert.Equal("ab", stored.Value);
    }

    [Fact]
    public async Task UpdateAsync_AlwaysLosing_GivesUpAfterMaxAttempts()
    {
        var doc = new Doc("a", "\"1\"");
        for (var i = 0; i < Optimistic.MaxAttempts; i++)
        {
            doc.ConcurrentWrites.Add($"theirs{i}");
        }

        // Without If-Match the caller set no precondition: contention is a 503 to retry, not a 412.
        await Problem.ThrowsAsync(ErrorKind.Unavailable, () => Optimistic.UpdateAsync(doc.ReadAsync, v => v + "+mine", doc.ReplaceAsync, null, "Doc"));

        Assert.Equal(Optimistic.MaxAttempts, doc.Replaces);
        Assert.Equal($"theirs{Optimistic.MaxAttempts - 1}", doc.Value);
    }

    [Fact]
    public async Task UpdateAsync_LosingAllButTheLastAttempt_Succeeds()
    {
        var doc = new Doc("a", "\"1\"");
        for (var i = 0; i < Optimistic.MaxAttempts - 1; i++)
        {
            doc.ConcurrentWrites.Add($"theirs{i}");
        }

        var (stored, _) = await Optimistic.UpdateAsync(doc.ReadAsync, v => v + "+mine", doc.ReplaceAsync, null, "Doc");

        Assert.Equal($"theirs{Optimistic.MaxAttempts - 2}+mine", stored.Value);
        Assert.Equal(Optimistic.MaxAttempts, doc.Replaces);
    }

    [Fact]
    public async Task UpdateAsync_ChangeReturnsNull_WritesNothing()
    {
        var doc = new Doc("a", "\"1\"");

        var (stored, written) = await Optimistic.UpdateAsync(doc.ReadAsync, _ => null, doc.ReplaceAsync, null, "Doc");

        Assert.False(written);
        Assert.Equal("a", stored.Value);
        Assert.Equal("\"1\"", stored.ETag);
        Assert.Equal(0, doc.Replaces);
    }

    [Fact]
    public async Task UpdateAsync_ChangeThrows_PropagatesWithoutWriting()
    {
        var doc = new Doc("a", "\"1\"");

        await Problem.ThrowsAsync(ErrorKind.Conflict, () => Optimistic.UpdateAsync<string>(
            doc.ReadAsync, _ => throw LiveShopException.Conflict("No", "Not allowed."), doc.ReplaceAsync, null, "Doc"));

        Assert.Equal(0, doc.Replaces);
    }

    [Fact]
    public async Task UpsertAsync_DocumentGoneBetweenReadAndReplace_CreatesItAgain()
    {
        // As when a cart's time to live runs out just after it was read.
        var store = new VanishingStore(new Note("n1", "old"));

        var (stored, written) = await Optimistic.UpsertAsync(
            () => store.ReadAsync("n1", "n1", CancellationToken.None), () => new Note("n1", string.Empty), n => n with { Text = n.Text + "+mine" },
            store, null, "Note");

        Assert.True(written);
        Assert.Equal("+mine", stored.Value.Text);
        Assert.Equal((1, 1), (store.Replaces, store.Creates));
        Assert.Equal("+mine", (await store.ReadAsync("n1", "n1", CancellationToken.None))!.Value.Text);
    }

    private sealed record Note(string Id, string Text) : IDocument
    {
        public string PartitionKey => Id;
    }

    /// <summary>Holds one note, which disappears the moment a replace is tried.</summary>
    private sealed class VanishingStore(Note initial) : IDocumentStore<Note>
    {
        private Versioned<Note>? _stored = new(initial, "\"1\"");

        public int Replaces { get; private set; }

        public int Creates { get; private set; }

        public Task<Versioned<Note>?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken) => Task.FromResult(_stored);

        public Task<IReadOnlyList<Versioned<Note>>> ReadManyAsync(string partitionKey, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<string> CreateAsync(Note document, CancellationToken cancellationToken)
        {
            Creates++;
            if (_stored is not null)
            {
                throw new DuplicateDocumentException();
            }

            _stored = new(document, "\"2\"");
            return Task.FromResult(_stored.ETag);
        }

        public Task<string> ReplaceAsync(Note document, string ifMatch, CancellationToken cancellationToken)
        {
            Replaces++;
            _stored = null;
            throw new DocumentNotFoundException();
        }
    }

    /// <summary>A one-document store; each queued concurrent write lands just before our next replace, which then conflicts.</summary>
    private sealed class Doc(string value, string etag)
    {
        private int _version = int.Parse(etag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);

        public string Value { get; private set; } = value;

        public string ETag { get; private set; } = etag;

        public List<string> ConcurrentWrites { get; } = [];

        public int Reads { get; private set; }

        public int Replaces { get; private set; }

        public Task<Versioned<string>> ReadAsync()
        {
            Reads++;
            return Task.FromResult(new Versioned<string>(Value, ETag));
        }

        public Task<string> ReplaceAsync(string value, string ifMatch)
        {
            Replaces++;
            if (ConcurrentWrites.Count > 0)
            {
                Write(ConcurrentWrites[0]);
                ConcurrentWrites.RemoveAt(0);
            }

            if (ifMatch != ETag)
            {
                throw new ConcurrencyConflictException();
            }

            Write(value);
            return Task.FromResult(ETag);
        }

        private void Write(string value)
        {
            Value = value;
            ETag = $"\"{++_version}\"";
        }
    }
}
