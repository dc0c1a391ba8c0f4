using LiveShop.Core.Events;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Events;

/// <summary>Sends the domain events their writers could not send (Event Grid down or the instance gone), every minute.</summary>
public sealed class OutboxSweepFunctions(OutboxSweep sweep, ILogger<OutboxSweepFunctions> logger)
{
    public const string Schedule = "30 */1 * * * *";

    [Function(nameof(SweepOutbox))]
    public async Task SweepOutbox([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var unsent = await sweep.RunAsync(cancellationToken);
        if (unsent > 0)
        {
            logger.LogWarning("Outbox sweep: {Unsent} domain events still unsent; retried next minute", unsent);
        }
    }
}
