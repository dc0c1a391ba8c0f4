using LiveShop.Core.Live;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Live;

/// <summary>
/// A flash sale's live schedule, one durable orchestration per sale (instance id "sale-{saleId}"): it asks the announcer
/// to announce the sale's phase, sleeps on a durable timer until the next phase is due (start, then end), and repeats.
/// Chosen over a timer function because a sale starts and ends at an instant, not on a poll (a per-second timer would
/// scan every product for sales), and a durable timer survives restarts and scale-in. The announcer decides on the app's
/// clock and says how long to wait; the orchestrator only waits that long.
/// </summary>
public static class FlashSaleSchedule
{
    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(10)));

    [Function(nameof(FlashSaleScheduleOrchestrator))]
    public static async Task FlashSaleScheduleOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var schedule = context.GetInput<SaleSchedule>() ?? throw new InvalidOperationException("A sale schedule needs its SaleSchedule input.");
        string? announced = "upcoming";
        while (true)
        {
            var announcement = await context.CallActivityAsync<SaleAnnouncement>(nameof(FlashSaleActivities.AnnounceFlashSale), new SaleAnnounceInput(schedule, announced), Retry);
            if (announcement.NextIn is not { } wait)
            {
                return;
            }

            announced = announcement.Phase;
            await context.CreateTimer(context.CurrentUtcDateTime + (wait > TimeSpan.Zero ? wait : TimeSpan.Zero), CancellationToken.None);
        }
    }
}

/// <summary>What an announcement step gets: the sale and the phase already announced.</summary>
public sealed record SaleAnnounceInput(SaleSchedule Schedule, string? Announced);

public sealed class FlashSaleActivities(FlashSaleAnnouncer announcer)
{
    [Function(nameof(AnnounceFlashSale))]
    public Task<SaleAnnouncement> AnnounceFlashSale([ActivityTrigger] SaleAnnounceInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return announcer.AnnounceAsync(input.Schedule, input.Announced, cancellationToken);
    }
}

/// <summary>Starts a sale's schedule through the Durable client (once per sale: its instance id is the sale's).</summary>
public sealed class DurableSaleScheduler(DurableTaskClient client, ILogger<DurableSaleScheduler> logger) : ISaleScheduler
{
    public async Task ScheduleAsync(SaleSchedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(FlashSaleSchedule.FlashSaleScheduleOrchestrator),
                schedule,
                new StartOrchestrationOptions(schedule.InstanceId).WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]),
                CancellationToken.None);
        }
        catch (Exception e) when (Checkout.DurableCheckoutWorkflow.IsAlreadyStarted(e))
        {
            // Scheduled already.
        }
#pragma warning disable CA1031 // The sale is stored and sells on its clock; only its live start and end notices are lost.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Flash sale {SaleId}: its live schedule could not be started", schedule.SaleId);
        }
    }
}
