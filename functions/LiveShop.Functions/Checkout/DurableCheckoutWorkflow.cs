using System.Collections.Concurrent;
using LiveShop.Core.Checkout;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace LiveShop.Functions.Checkout;

/// <summary>
/// Checkout orchestrations through a function's Durable client: one instance per checkout, its id the checkout id.
/// Starting is idempotent three ways: an existing instance is left alone; a start racing another app instance's is
/// refused by the backend (on Azure by host.json's overridableExistingInstanceStates NonRunningStates, locally by the
/// start's dedupe statuses) and taken as done; and parallel starts of one checkout in this process share one call.
/// </summary>
public sealed class DurableCheckoutWorkflow(DurableTaskClient client, CheckoutSettings settings) : ICheckoutWorkflow
{
    private static readonly ConcurrentDictionary<string, Lazy<Task>> Starting = new(StringComparer.Ordinal);

    public async Task StartAsync(CheckoutStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var flight = Starting.GetOrAdd(start.CheckoutId, _ => new Lazy<Task>(() => ScheduleOnceAsync(start)));
        try
        {
            await flight.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            Starting.TryRemove(KeyValuePair.Create(start.CheckoutId, flight));
        }
    }

    /// <remarks>Not cancelled with the request that asked: parallel requests wait for it too.</remarks>
    private async Task ScheduleOnceAsync(CheckoutStart start)
    {
        if (await client.GetInstanceAsync(start.CheckoutId, getInputsAndOutputs: false) is not null)
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(CheckoutOrchestration.CheckoutOrchestrator),
                new CheckoutRun(start, settings.PaymentActionTimeout, settings.PaymentActionTimeoutFor(start.Market, flashSale: true)),
                new StartOrchestrationOptions(start.CheckoutId).WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]));
        }
        catch (Exception e) when (IsAlreadyStarted(e))
        {
            // Another instance of the app scheduled it between the check and here.
        }
    }

    public async Task<bool> RaiseAsync(string checkoutId, string eventName, object? payload, CancellationToken cancellationToken)
    {
        // Only to a running instance: an event for an unknown or finished one would be kept (and retried) for nothing.
        var instance = await client.GetInstanceAsync(checkoutId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            return false;
        }

        await client.RaiseEventAsync(checkoutId, eventName, payload, cancellationToken);
        return true;
    }

    /// <summary>
    /// Whether a start failed because the instance id is taken: the Durable client turns the backend's gRPC AlreadyExists
    /// (the Functions host's answer with overridableExistingInstanceStates NonRunningStates, or the dedupe statuses of
    /// the local runner's backend) into OrchestrationAlreadyExistsException.
    /// </summary>
    public static bool IsAlreadyStarted(Exception e) =>
        e is DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException
        || e is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.AlreadyExists };
}
