using LiveShop.Core.Live;
using Microsoft.Azure.Functions.Worker;

namespace LiveShop.Functions.Live;

/// <summary>Heals viewer counts: presences not checked for a while are checked with the service (see <see cref="LiveConnections"/>).</summary>
public sealed class ViewerReconcileFunctions(LiveConnections connections)
{
    /// <summary>Every minute, at second 30 (NCRONTAB with seconds).</summary>
    public const string Schedule = "30 */1 * * * *";

    [Function(nameof(ReconcileViewers))]
    public Task ReconcileViewers([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        connections.ReconcileAsync(LiveConnections.RecheckAfter, cancellationToken);
}
