using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Storage;
using LiveShop.Core.Streams;
using Microsoft.Extensions.Logging;

namespace LiveShop.Core.Live;

/// <summary>
/// Client connections: negotiation (which stream, whose connection), and the service's upstream connection events, which
/// put each connection in its stream's groups and keep the viewer count. The service does not retry upstream calls and
/// may notice a dropped client late, so a count built from events alone would drift: every presence expires unless
/// renewed, and <see cref="ReconcileAsync"/> asks the service about presences not checked for a while (renewing those
/// it still has, removing the others), so the count heals by itself.
/// </summary>
public sealed class LiveConnections(
    IStreamStore streams,
    ILiveAccess access,
    ILiveBroadcaster broadcaster,
    ILiveStore store,
    ILiveEvents live,
    TimeProvider clock,
    ILogger<LiveConnections> logger)
{
    /// <summary>A presence not renewed for this long no longer counts (and the live store drops it).</summary>
    public static readonly TimeSpan PresenceLifetime = TimeSpan.FromMinutes(10);

    /// <summary>A presence last checked this long ago is checked again with the service by the reconciliation.</summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromMinutes(3);

    /// <summary>Presences checked per reconciliation run (the rest wait for the next run).</summary>
    public const int ReconcileBatch = 2000;

    /// <summary>
    /// The serverless negotiate answer for a connection to <paramref name="streamId"/>: a signed-in caller connects as
    /// itself (the stream's own merchant also as its host), an anonymous one under a new anonymous id.
    /// </summary>
    public async Task<LiveClientAccess> NegotiateAsync(Caller? caller, string streamId, CancellationToken ct)
    {
        Validation.Identifiers.EnsureRouteId("Stream", streamId);
        var stream = (await streams.ReadAsync(streamId, streamId, ct))?.Value ?? throw LiveShopException.NotFound("Stream", streamId);
        var userId = caller?.UserId ?? Ids.New("anon", clock);
        var host = caller is not null && caller.IsMerchant(stream.MerchantId);
        var claims = new Dictionary<string, string>
        {
            [LiveClaims.Stream] = stream.Id,
            [LiveClaims.Host] = host ? "true" : "false",
        };
        return await access.ClientAccessAsync(userId, claims, ct);
    }

    /// <summary>The service says a connection opened: it joins its stream's group (and the host group) and counts as a viewer.</summary>
    public async Task ConnectedAsync(string connectionId, string? userId, IReadOnlyDictionary<string, string> claims, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (!claims.TryGetValue(LiveClaims.Stream, out var streamId) || !Validation.Identifiers.IsValid(streamId))
        {
            throw LiveShopException.BadRequest(
                "No stream", $"The connection's claims name no stream ({LiveClaims.Stream}); it did not negotiate with this app.");
        }

        var host = claims.TryGetValue(LiveClaims.Host, out var flag) && flag == "true";
        if (!await broadcaster.AddToGroupAsync(connectionId, LiveGroups.Stream(streamId), ct))
        {
            return;
        }

        if (host)
        {
            await broadcaster.AddToGroupAsync(connectionId, LiveGroups.Host(streamId), ct);
        }

        var now = clock.GetUtcNow();
        await store.UpsertPresenceAsync(new ViewerPresence(streamId, connectionId, userId ?? string.Empty, host, now, now + PresenceLifetime), ct);
        live.AudienceChanged(streamId);
    }

    /// <summary>The service says a connection closed: it no longer counts.</summary>
    public async Task DisconnectedAsync(string connectionId, IReadOnlyDictionary<string, string> claims, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.TryGetValue(LiveClaims.Stream, out var streamId) && Validation.Identifiers.IsValid(streamId)
            && await store.RemovePresenceAsync(streamId, connectionId, ct))
        {
            live.AudienceChanged(streamId);
        }
    }

    /// <summary>
    /// Checks presences last checked more than <paramref name="olderThan"/> ago with the service: renews those it still
    /// has, removes the others (a disconnect whose event was lost). Returns how many were removed.
    /// </summary>
    public async Task<int> ReconcileAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = await store.StalePresencesAsync(now - olderThan, ReconcileBatch, ct);
        var removed = 0;
        var changed = new HashSet<string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (presence, token) =>
        {
            if (await broadcaster.ConnectionExistsAsync(presence.ConnectionId, token))
            {
                await store.UpsertPresenceAsync(presence with { CheckedAt = now, ExpiresAt = now + PresenceLifetime }, token);
                return;
            }

            if (await store.RemovePresenceAsync(presence.StreamId, presence.ConnectionId, token))
            {
                Interlocked.Increment(ref removed);
                lock (changed)
                {
                    changed.Add(presence.StreamId);
                }
            }
        });
        foreach (var streamId in changed)
        {
            live.AudienceChanged(streamId);
        }

        if (removed > 0)
        {
            logger.LogInformation("Viewer reconciliation removed {Removed} connections the service no longer has", removed);
        }

        return removed;
    }

    /// <summary>Reads the X-ASRS-User-Claims header ("type: value, type: value").</summary>
    public static IReadOnlyDictionary<string, string> ParseClaims(string? header)
    {
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                claims.TryAdd(part[..colon].Trim(), part[(colon + 1)..].Trim());
            }
        }

        return claims;
    }
}
