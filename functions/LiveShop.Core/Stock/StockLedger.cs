using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LiveShop.Core.Catalog;
using LiveShop.Core.Sales;

namespace LiveShop.Core.Stock;

/// <summary>
/// Every SKU's stock, as the TikTok Shop model has it: available = on hand - reserved - sold. The units a merchant
/// declares on a SKU (its stockOnHand) are split over up to <see cref="MaxShards"/> shard documents, so that a hot
/// flash-sale SKU's writes spread over several partitions. Every change is one conditional write to one shard
/// (<see cref="StockChange"/>): two buyers never get the same last unit, a retried step never reserves twice, and once
/// a SKU is sold out an attempt is refused after a read, with no write.
/// </summary>
/// <remarks>
/// A reservation starts from a snapshot of the SKU's shards read at most <see cref="SnapshotLifetime"/> ago (and
/// updated with every write's answer), so a buyer in a flash sale usually costs one patch, no read. The snapshot is
/// only a hint: every change is conditional, a refused patch re-reads its shard, a reservation the snapshot cannot
/// meet reads the shards again before it is refused (units given back since, on any instance, are not missed), and a
/// snapshot is consistent per shard document, so a retried reservation still finds the units it already holds.
/// </remarks>
/// <param name="snapshotLifetime">How long a snapshot is trusted (<see cref="SnapshotLifetime"/>; zero keeps none).</param>
/// <param name="maxShards">The most shards a SKU gets at its first use, 1 to <see cref="MaxShards"/> (1: one document per SKU).</param>
public sealed class StockLedger(IStockStore store, TimeProvider clock, TimeSpan snapshotLifetime, int maxShards)
{
    /// <summary>How long a SKU's shards as last seen are trusted as the starting point of a reservation (measured on the ledger's clock).</summary>
    public static readonly TimeSpan SnapshotLifetime = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Past this many SKUs with a snapshot, adding one drops those older than the lifetime (at most once per lifetime),
    /// so the snapshots kept stay about the SKUs in use, not every SKU ever reserved.
    /// </summary>
    internal const int SnapshotsKept = 4096;

    private readonly ConcurrentDictionary<(string ProductId, string SkuId), Snapshot> _snapshots = new();

    /// <summary>About how many entries <see cref="_snapshots"/> has (counted when a SKU is added, recounted when pruned).</summary>
    private int _snapshotCount;

    /// <summary>When snapshots were last pruned (a timestamp of the clock): none can be too old before a lifetime has passed.</summary>
    private long _prunedAt = clock.GetTimestamp();

    /// <summary>How many SKUs have a snapshot (for tests).</summary>
    internal int SnapshotCount => _snapshots.Count;

    private readonly int _maxShards = maxShards is >= 1 and <= MaxShards
        ? maxShards
        : throw new ArgumentOutOfRangeException(nameof(maxShards), maxShards, $"A SKU has 1 to {MaxShards} shards.");

    public StockLedger(IStockStore store, TimeProvider clock)
        : this(store, clock, SnapshotLifetime)
    {
    }

    public StockLedger(IStockStore store, TimeProvider clock, TimeSpan snapshotLifetime)
        : this(store, clock, snapshotLifetime, MaxShards)
    {
    }

    /// <summary>The most shards a SKU's stock is split into.</summary>
    public const int MaxShards = 8;

    /// <summary>A SKU gets one shard per this many declared units (at least one, at most <see cref="MaxShards"/>).</summary>
    public const long UnitsPerShard = 25;

    /// <summary>
    /// How long a released hold's mark is kept after its expiry, so a late retry of a checkout's step can still tell
    /// a released hold from a committed one (a step's retries end within minutes). Not longer: every hold a shard
    /// keeps makes each of its writes larger.
    /// </summary>
    public static readonly TimeSpan FinishedHoldRetention = TimeSpan.FromHours(1);

    /// <summary>How many times a shard is re-read and tried again when a concurrent buyer took units first.</summary>
    private const int AttemptsPerShard = 4;

    /// <summary>How many shards a SKU with <paramref name="declared"/> units gets when its stock is first used.</summary>
    public static int ShardCountFor(long declared) =>
        (int)Math.Clamp((declared + UnitsPerShard - 1) / UnitsPerShard, 1, MaxShards);

    /// <summary>The hold id of one line of one checkout (the same on every shard the line takes units from).</summary>
    public static string HoldIdFor(string checkoutId, int line) =>
        "h" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{checkoutId}|{line}")).AsSpan(0, 12));

    /// <summary>The stock of each SKU, from one read of their shards (nothing is written).</summary>
    public async Task<IReadOnlyDictionary<SkuRef, StockLevel>> LevelsAsync(IReadOnlyCollection<(Product Product, Sku Sku)> skus, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(skus);
        if (skus.Count == 0)
        {
            return new Dictionary<SkuRef, StockLevel>();
        }

        var shards = (await store.ReadAsync(skus.SelectMany(s => AllShardIds(s.Product.Id, s.Sku.Id)).Distinct().ToList(), ct))
            .ToLookup(s => (s.ProductId, s.SkuId));
        var levels = new Dictionary<SkuRef, StockLevel>();
        foreach (var (product, sku) in skus)
        {
            levels[SkuRef.Of(product, sku)] = Level(product, sku, shards[(product.Id, sku.Id)].ToList(), clock.GetUtcNow());
        }

        return levels;
    }

    /// <summary>
    /// Holds <paramref name="quantity"/> units of the SKU for one checkout line under <paramref name="holdId"/>, all or
    /// nothing, from the flash sale's units when <paramref name="sale"/> is given. Repeating the call for the same hold
    /// id reserves nothing more.
    /// </summary>
    public async Task<LineReservation> ReserveAsync(
        Product product, Sku sku, string holdId, long quantity, FlashSale? sale, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(sku);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (sale is not null && (product.OpenSale(sku.Id, clock.GetUtcNow()) != sale || sale.PhaseAt(clock.GetUtcNow()) != FlashSalePhase.Active))
        {
            // The sale ended (or was cancelled) since the line was priced: never load an old sale's units again.
            return new LineReservation(ReservationOutcome.SaleSoldOut, []);
        }

        var (shards, fromSnapshot) = await ReadyShardsAsync(product, sku, sale, fresh: false, ct);
        var need = await TakeAsync(product, sku, shards, holdId, quantity, sale, expiresAt, ct);
        if (need > 0 && fromSnapshot)
        {
            // The snapshot may be missing units given back since (a release, a sweep, a restock, on any instance):
            // a reservation is refused only on what was just read.
            (shards, _) = await ReadyShardsAsync(product, sku, sale, fresh: true, ct);
            need = await TakeAsync(product, sku, shards, holdId, quantity, sale, expiresAt, ct);
        }

        if (need <= 0)
        {
            return new LineReservation(
                ReservationOutcome.Reserved,
                shards.Values.Where(s => s.OpenHold(holdId) is not null).Select(s => new HeldUnits(s.Id, Taken(s, holdId))).ToList());
        }

        if (need < quantity)
        {
            // Part of the line is held (by this call, or a repeated one): give it back where the shards, as just read
            // and written, show it open (a refusal always follows a read). A SKU found sold out is refused without any write.
            foreach (var shard in shards.Values)
            {
                if (shard.OpenHold(holdId) is { } hold && await ReleaseHoldAsync(shard.Id, holdId, hold, ct) is { } released)
                {
                    Remember(product.Id, sku.Id, released);
                }
            }
        }

        // The shards as last seen still count this hold's units, which the release just gave back.
        var regularLeft = shards.Values.Sum(s => Math.Max(0, s.Available + Taken(s, holdId)));
        return new LineReservation(sale is not null && regularLeft >= quantity ? ReservationOutcome.SaleSoldOut : ReservationOutcome.OutOfStock, []);
    }

    /// <summary>
    /// Takes what the line still needs from the shards as given (updating them in place with what was written or
    /// read), starting at a shard chosen by the hold id so concurrent buyers spread over the shards. Returns how many
    /// units the line still needs.
    /// </summary>
    private async Task<long> TakeAsync(
        Product product, Sku sku, Dictionary<int, StockShard> shards, string holdId, long quantity, FlashSale? sale, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var need = quantity - shards.Values.Sum(s => Taken(s, holdId));
        var expires = StoredExpiry(expiresAt);
        var count = shards.Count;
        var start = (int)(BitConverter.ToUInt32(Convert.FromHexString(holdId[1..9])) % (uint)count);
        for (var i = 0; i < count && need > 0; i++)
        {
            var index = (start + i) % count;
            var seen = shards[index];
            var shard = seen;
            for (var attempt = 0; attempt < AttemptsPerShard && need > 0 && !shard.Holds.ContainsKey(holdId); attempt++)
            {
                var take = Math.Min(need, sale is null ? shard.Available : Math.Min(shard.Available, shard.SaleLeft));
                if (take <= 0 || (sale is not null && shard.Sale != sale.Id))
                {
                    // Nothing to take here, or the shard counts another (newer) sale than this copy of the product
                    // has: a Reserve from this sale could never be written.
                    break;
                }

                var written = await store.TryApplyAsync(shard.Id, new StockChange.Reserve(holdId, take, expires, sale?.Id), ct);
                if (written is not null)
                {
                    need -= take;
                    shard = written;
                    break;
                }

                // Another buyer took units first (or this hold is already there): look again.
                shard = (await store.ReadAsync([shard.Id], ct)).SingleOrDefault() ?? shard;
                need -= Taken(shard, holdId);
            }

            if (!ReferenceEquals(shard, seen))
            {
                shards[index] = shard;
                Remember(product.Id, sku.Id, shard);
            }
        }

        return need;
    }

    /// <summary>
    /// Turns the line's held units (where <see cref="ReserveAsync"/> said they are) into sold units, one patch per
    /// shard and nothing read first. Returns false when a hold no longer holds its units (it expired and the sweep
    /// released it): the units are not the buyer's, and <see cref="ReturnLineAsync"/> gives back what was sold.
    /// Safe to repeat: a hold this line placed that is gone, while a release would still be marked, was committed.
    /// </summary>
    public async Task<bool> CommitAsync(string holdId, IReadOnlyList<HeldUnits> held, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(held);
        foreach (var units in held)
        {
            if (await store.TryApplyAsync(units.ShardId, new StockChange.Commit(holdId, units.Quantity), ct) is not null)
            {
                continue;
            }

            if (!WasCommitted((await store.ReadAsync([units.ShardId], ct)).SingleOrDefault(), holdId, expiresAt))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Gives back a line of a checkout that failed: holds still open are released (to the sale while the shard counts
    /// it), units it already sold are put back on sale (to <paramref name="saleId"/>'s units too, while the shard counts
    /// that sale: a checkout that failed after its stock was committed must not shrink the sale). With
    /// <paramref name="held"/> unknown (the reservation's answer was lost), whatever the line holds open on any shard is
    /// released. Safe to repeat.
    /// </summary>
    /// <param name="saleId">The flash sale the line was reserved from, if any.</param>
    /// <param name="committed">
    /// The caller knows the line was committed (sold) on every shard of <paramref name="held"/>: a hold that is gone was
    /// committed, however late this runs (otherwise that is only known while a release's mark would still be kept).
    /// </param>
    public async Task ReturnLineAsync(
        SkuRef sku, string holdId, IReadOnlyList<HeldUnits>? held, string? saleId, DateTimeOffset expiresAt, CancellationToken ct, bool committed = false)
    {
        ArgumentNullException.ThrowIfNull(sku);
        if (held is null)
        {
            await ReleaseAsync(sku, holdId, ct);
            return;
        }

        var shards = (await store.ReadAsync(held.Select(h => h.ShardId).ToList(), ct)).ToDictionary(s => s.Id);
        foreach (var units in held)
        {
            var shard = shards.GetValueOrDefault(units.ShardId);
            if (shard?.Holds.TryGetValue(holdId, out var hold) == true)
            {
                if (hold.Outcome is null)
                {
                    await ReleaseHoldAsync(shard.Id, holdId, hold, ct);
                }
            }
            else if (shard is not null && (committed || WasCommitted(shard, holdId, expiresAt)))
            {
                // Once per hold and shard (the return id is recorded in the shard); to the sale as a release would.
                await GiveBackAsync(units.ShardId, saleId, toSale => new StockChange.Restock(holdId + "_undo", units.Quantity, toSale), ct);
            }
        }
    }

    /// <summary>Gives back whatever the line still holds (and its flash-sale units to the sale). Safe to repeat.</summary>
    public async Task ReleaseAsync(SkuRef sku, string holdId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sku);
        foreach (var shard in await store.ReadAsync(AllShardIds(sku.ProductId, sku.SkuId), ct))
        {
            if (shard.OpenHold(holdId) is { } hold)
            {
                await ReleaseHoldAsync(shard.Id, holdId, hold, ct);
            }
        }
    }

    /// <summary>
    /// Puts sold units back on sale (after a refund) where <paramref name="allocation"/> says they were sold, once per
    /// <paramref name="returnId"/>: each shard takes back its units under that id with one conditional write, and the
    /// allocation is fixed before the first write (recorded on the refund), so any number of parallel or repeated calls,
    /// in any interleaving, put back exactly the allocated units. Nothing is read.
    /// </summary>
    /// <param name="returnId">Lower-case letters, digits and '_' (it names the return inside the shard).</param>
    /// <param name="allocation">Units per shard (<see cref="AllocateReturn"/>), each at most what its shard sold of the line.</param>
    public async Task RestockAsync(string returnId, IReadOnlyList<HeldUnits> allocation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        foreach (var units in allocation.Where(u => u.Quantity > 0))
        {
            // Refused when this return is there already (a retry): nothing more to do on this shard.
            await store.TryApplyAsync(units.ShardId, new StockChange.Restock(returnId, units.Quantity), ct);
        }
    }

    /// <summary>
    /// Which shards <paramref name="quantity"/> returned units of a line go back to: those that sold the line's units
    /// (<paramref name="soldFrom"/>), less what earlier returns of the line took back there (<paramref name="returned"/>),
    /// in the order they were sold. A pure function: the caller records its answer before any unit goes back.
    /// </summary>
    public static IReadOnlyList<HeldUnits> AllocateReturn(IReadOnlyList<HeldUnits> soldFrom, IEnumerable<HeldUnits> returned, long quantity)
    {
        ArgumentNullException.ThrowIfNull(soldFrom);
        ArgumentNullException.ThrowIfNull(returned);
        var taken = returned.GroupBy(r => r.ShardId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity), StringComparer.Ordinal);
        var allocation = new List<HeldUnits>();
        foreach (var sold in soldFrom.GroupBy(s => s.ShardId, StringComparer.Ordinal).Select(g => new HeldUnits(g.Key, g.Sum(s => s.Quantity))))
        {
            var units = Math.Min(quantity, sold.Quantity - taken.GetValueOrDefault(sold.ShardId));
            if (units > 0)
            {
                allocation.Add(sold with { Quantity = units });
                quantity -= units;
            }
        }

        return allocation;
    }

    /// <summary>
    /// For a line whose order does not say where its units were sold (made before orders recorded it): shards that
    /// sold units now, most first, for <paramref name="quantity"/> units. Only a plan: the caller records it once (first
    /// writer wins) and every attempt applies the recorded plan, so it is still applied once.
    /// </summary>
    public async Task<IReadOnlyList<HeldUnits>> PlanReturnAsync(SkuRef sku, long quantity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sku);
        var shards = await store.ReadAsync(AllShardIds(sku.ProductId, sku.SkuId), ct);
        return AllocateReturn(shards.OrderByDescending(s => s.Sold).Select(s => new HeldUnits(s.Id, s.Sold)).ToList(), [], quantity);
    }

    /// <summary>Releases open holds past their expiry and drops finished holds past their retention.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var released = 0;
        var forgotten = 0;
        foreach (var shard in await store.ListWithHoldsAsync(ct))
        {
            foreach (var (holdId, hold) in shard.Holds)
            {
                var expired = DateTimeOffset.FromUnixTimeSeconds(hold.ExpiresAt);
                if (hold.Outcome is null && expired <= now)
                {
                    released += await ReleaseHoldAsync(shard.Id, holdId, hold, ct) is null ? 0 : 1;
                }
                else if (hold.Outcome == StockHold.Released && expired + FinishedHoldRetention <= now)
                {
                    forgotten += await store.TryApplyAsync(shard.Id, new StockChange.Forget(holdId), ct) is null ? 0 : 1;
                }
            }
        }

        return new SweepResult(released, forgotten);
    }

    /// <summary>Releases an open hold; returns the shard as written, or null when the hold was no longer open (safe to repeat).</summary>
    private async Task<StockShard?> ReleaseHoldAsync(string shardId, string holdId, StockHold hold, CancellationToken ct)
    {
        return await GiveBackAsync(shardId, hold.Sale, toSale => new StockChange.Release(holdId, hold.Quantity, toSale), ct);
    }

    /// <summary>
    /// Applies a change that gives units back (<paramref name="change"/> of the sale to give them to, or null): to the
    /// sale's units too while the shard still counts <paramref name="saleId"/>, otherwise (no sale, or it was replaced)
    /// to the regular stock only. Returns the shard as written, or null when neither applied.
    /// </summary>
    private async Task<StockShard?> GiveBackAsync(string shardId, string? saleId, Func<string?, StockChange> change, CancellationToken ct) =>
        (saleId is null ? null : await store.TryApplyAsync(shardId, change(saleId), ct))
        ?? await store.TryApplyAsync(shardId, change(null), ct);

    /// <summary>
    /// The SKU's shards by index, created on first use from the declared units, moved to the currently declared total,
    /// and (for a flash-sale purchase) counting that sale's units.
    /// </summary>
    private async Task<(Dictionary<int, StockShard> Shards, bool FromSnapshot)> ReadyShardsAsync(
        Product product, Sku sku, FlashSale? sale, bool fresh, CancellationToken ct)
    {
        var ids = AllShardIds(product.Id, sku.Id);
        var key = (product.Id, sku.Id);
        var seen = fresh ? null : FreshSnapshot(key);
        var fromSnapshot = seen is not null;
        var shards = seen is not null
            ? new Dictionary<int, StockShard>(seen.Shards)
            : (await store.ReadAsync(ids, ct)).ToDictionary(s => s.Index);
        if (!shards.TryGetValue(0, out var first) || shards.Count < first.Count)
        {
            // First use (or one that stopped half way). The layout (shard count and declaration) is decided once, by
            // shard 0 as stored: buyers holding different copies of the product must never split the stock two ways.
            first ??= await FirstShardAsync(product, sku, shards.Values.FirstOrDefault(), ct);
            for (var i = 1; i < first.Count; i++)
            {
                if (!shards.ContainsKey(i))
                {
                    await store.TryCreateAsync(NewShard(product, sku, i, first.Count, first.Basis, first.BasisVersion), ct);
                }
            }

            shards = (await store.ReadAsync(ids, ct)).ToDictionary(s => s.Index);
        }

        foreach (var shard in shards.Values.ToList())
        {
            var current = shard;
            if (current.Basis != sku.StockOnHand && Version(product) > current.BasisVersion)
            {
                var delta = StockShard.PartOf(sku.StockOnHand, current.Index, current.Count) - StockShard.PartOf(current.Basis, current.Index, current.Count);
                current = await store.TryApplyAsync(current.Id, new StockChange.Rebase(current.Basis, sku.StockOnHand, delta, Version(product)), ct)
                    ?? (await store.ReadAsync([current.Id], ct)).Single();
            }

            if (sale is not null && current.Sale != sale.Id && sale.CreatedAt.UtcTicks > current.SaleVersion)
            {
                current = await store.TryApplyAsync(
                        current.Id, new StockChange.LoadSale(sale.Id, StockShard.PartOf(sale.Allotment, current.Index, current.Count), sale.CreatedAt.UtcTicks), ct)
                    ?? (await store.ReadAsync([current.Id], ct)).Single();
            }

            shards[current.Index] = current;
            if (!ReferenceEquals(current, shard))
            {
                Remember(product.Id, sku.Id, current);
            }
        }

        if (!fromSnapshot && snapshotLifetime > TimeSpan.Zero)
        {
            Keep(key, new Snapshot(clock.GetTimestamp(), new Dictionary<int, StockShard>(shards)));
        }

        return (shards, fromSnapshot);
    }

    /// <summary>
    /// Shard 0 as stored: created here with the layout of <paramref name="other"/> (a shard that exists already) or else
    /// of this copy of the product, unless another buyer created it first (then theirs, read back, is the layout).
    /// </summary>
    private async Task<StockShard> FirstShardAsync(Product product, Sku sku, StockShard? other, CancellationToken ct)
    {
        var shard = other is null
            ? NewShard(product, sku, 0, Math.Min(ShardCountFor(sku.StockOnHand), _maxShards), sku.StockOnHand, Version(product))
            : NewShard(product, sku, 0, other.Count, other.Basis, other.BasisVersion);
        return await store.TryCreateAsync(shard, ct) ? shard : (await store.ReadAsync([shard.Id], ct)).Single();
    }

    /// <summary>The SKU's snapshot if it was read less than the snapshot lifetime ago.</summary>
    private Snapshot? FreshSnapshot((string ProductId, string SkuId) key) =>
        _snapshots.TryGetValue(key, out var seen) && clock.GetElapsedTime(seen.Taken) < snapshotLifetime && seen.Shards.Count > 0 ? seen : null;

    /// <summary>
    /// Keeps the SKU's shards as just read. When that adds a SKU past <see cref="SnapshotsKept"/>, the snapshots older
    /// than the lifetime (useless: they would be read again) are dropped, by one caller at a time and at most once per
    /// lifetime, so no call but those scans them.
    /// </summary>
    private void Keep((string ProductId, string SkuId) key, Snapshot snapshot)
    {
        if (!_snapshots.TryAdd(key, snapshot))
        {
            _snapshots[key] = snapshot;
            return;
        }

        var prunedAt = Interlocked.Read(ref _prunedAt);
        if (Interlocked.Increment(ref _snapshotCount) <= SnapshotsKept
            || clock.GetElapsedTime(prunedAt) < snapshotLifetime
            || Interlocked.CompareExchange(ref _prunedAt, snapshot.Taken, prunedAt) != prunedAt)
        {
            return;
        }

        foreach (var entry in _snapshots)
        {
            if (clock.GetElapsedTime(entry.Value.Taken) >= snapshotLifetime)
            {
                // Only if it was not read again meanwhile.
                _snapshots.TryRemove(entry);
            }
        }

        Volatile.Write(ref _snapshotCount, _snapshots.Count);
    }

    /// <summary>Puts a shard as just written or read into the SKU's snapshot (a hint: see the class remarks).</summary>
    private void Remember(string productId, string skuId, StockShard shard)
    {
        if (snapshotLifetime > TimeSpan.Zero && _snapshots.TryGetValue((productId, skuId), out var seen))
        {
            _snapshots.TryUpdate((productId, skuId), seen with { Shards = new Dictionary<int, StockShard>(seen.Shards) { [shard.Index] = shard } }, seen);
        }
    }

    /// <summary>A SKU's shards as seen at <see cref="Taken"/> (a timestamp of the ledger's clock).</summary>
    private sealed record Snapshot(long Taken, IReadOnlyDictionary<int, StockShard> Shards);

    /// <summary>The SKU's stock from its shards as read, as if they had moved to the declared total (reads never write).</summary>
    private static StockLevel Level(Product product, Sku sku, IReadOnlyList<StockShard> shards, DateTimeOffset now)
    {
        // The sale running (or next) now; once none is, the latest one.
        var sale = product.OpenSale(sku.Id, now) ?? product.Sales.LastOrDefault(s => s.SkuId == sku.Id && s.CancelledAt is null);
        if (shards.Count == 0)
        {
            return new StockLevel(sku.StockOnHand, 0, 0, sale is null ? null : Math.Min(sale.Allotment, sku.StockOnHand), sale?.Id);
        }

        long available = 0;
        long saleLeft = 0;
        foreach (var shard in shards)
        {
            var rebased = Version(product) > shard.BasisVersion
                ? StockShard.PartOf(sku.StockOnHand, shard.Index, shard.Count) - StockShard.PartOf(shard.Basis, shard.Index, shard.Count)
                : 0;
            var shardAvailable = shard.Available + rebased;
            available += Math.Max(0, shardAvailable);
            if (sale is not null)
            {
                saleLeft += Math.Max(0, Math.Min(shardAvailable, shard.SaleUnitsLeft(sale.Id, sale.Allotment)));
            }
        }

        return new StockLevel(available, shards.Sum(s => s.Reserved), shards.Sum(s => s.Sold), sale is null ? null : saleLeft, sale?.Id);
    }

    /// <summary>The units the hold holds open on the shard (0 once it is released or committed, or if it never was there).</summary>
    private static long Taken(StockShard shard, string holdId) => shard.OpenHold(holdId)?.Quantity ?? 0;

    /// <summary>
    /// Whether a hold the line placed on <paramref name="shard"/> was committed: it is gone, and not because its
    /// release mark was dropped (the sweep keeps a mark until <see cref="FinishedHoldRetention"/> after the expiry as
    /// stored, which is what this compares with).
    /// </summary>
    private bool WasCommitted(StockShard? shard, string holdId, DateTimeOffset expiresAt) =>
        shard is not null && !shard.Holds.ContainsKey(holdId)
        && clock.GetUtcNow() < DateTimeOffset.FromUnixTimeSeconds(StoredExpiry(expiresAt)) + FinishedHoldRetention;

    /// <summary>
    /// A hold's expiry as its shard stores it (<see cref="StockHold.ExpiresAt"/>, Unix seconds): rounded up to the
    /// second, so the sweep never releases a hold before the checkout's hold time, and the one value both the sweep and
    /// <see cref="WasCommitted"/> go by.
    /// </summary>
    private static long StoredExpiry(DateTimeOffset expiresAt)
    {
        var seconds = expiresAt.ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(seconds) < expiresAt ? seconds + 1 : seconds;
    }

    /// <summary>The version of a product's stock declaration: its last change, in ticks (only increases).</summary>
    private static long Version(Product product) => product.UpdatedAt.UtcTicks;

    private static StockShard NewShard(Product product, Sku sku, int index, int count, long basis, long version)
    {
        var part = StockShard.PartOf(basis, index, count);
        return new StockShard
        {
            BasisVersion = version,
            Id = StockShard.IdOf(product.Id, sku.Id, index),
            MerchantId = product.MerchantId,
            ProductId = product.Id,
            SkuId = sku.Id,
            Index = index,
            Count = count,
            Basis = basis,
            OnHand = part,
            Available = part,
            Reserved = 0,
            Sold = 0,
        };
    }

    private static List<string> AllShardIds(string productId, string skuId) =>
        Enumerable.Range(0, MaxShards).Select(i => StockShard.IdOf(productId, skuId, i)).ToList();
}

/// <summary>A SKU's stock: units available to buy now, reserved by checkouts in progress, and sold.</summary>
/// <param name="SaleUnitsLeft">Units the SKU's latest flash sale can still sell (its allotment left, at most what is available).</param>
/// <param name="SaleId">The sale <paramref name="SaleUnitsLeft"/> counts.</param>
public sealed record StockLevel(long Available, long Reserved, long Sold, long? SaleUnitsLeft, string? SaleId)
{
    /// <summary>The units <paramref name="sale"/> can still sell.</summary>
    public long UnitsLeftIn(FlashSale sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        return SaleId == sale.Id ? SaleUnitsLeft ?? 0 : Math.Min(sale.Allotment, Available);
    }
}

/// <summary>How a line's reservation went, and where its units are held (shard and units) when it went through.</summary>
public sealed record LineReservation(ReservationOutcome Outcome, IReadOnlyList<HeldUnits> Held);

/// <summary>Units one shard holds for a line.</summary>
public sealed record HeldUnits(string ShardId, long Quantity);

public enum ReservationOutcome
{
    Reserved,
    OutOfStock,

    /// <summary>The flash sale has no units left for this line, though the SKU is still in stock at its regular price.</summary>
    SaleSoldOut,
}

public sealed record SweepResult(int Released, int Forgotten);
