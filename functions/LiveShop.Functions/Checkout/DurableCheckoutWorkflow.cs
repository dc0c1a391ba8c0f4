using LiveShop.Core.Checkout;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace LiveShop.Functions.Checkout;

/// <summary>Checkout orchestrations through a function's Durable client: one instance per checkout, its id the checkout id.</summary>
public sealed class DurableCheckoutWorkflow(DurableTaskClient client, CheckoutSettings settings) : ICheckoutWorkflow
{
    public async Task StartAsync(CheckoutStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (await client.GetInstanceAsync(start.CheckoutId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(CheckoutOrchestration.CheckoutOrchestrator),
                new CheckoutRun(start, settings.PaymentActionTimeout),
                new StartOrchestrationOptions(start.CheckoutId),
                cancellationToken);
        }
        catch (Exception e) when (IsAlreadyStarted(e))
        {
            // A parallel copy of the request scheduled it between the check and here.
        }
    }

    public Task RaiseAsync(string checkoutId, string eventName, object? payload, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(checkoutId, eventName, payload, cancellationToken);

    /// <summary>The backends answer a duplicate instance id with an "already exists" failure (gRPC AlreadyExists or InvalidOperationException).</summary>
    private static bool IsAlreadyStarted(Exception e) =>
        e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase)
        || e.GetType().Name.Contains("AlreadyExists", StringComparison.Ordinal)
        || (e is Grpc.Core.RpcException rpc && rpc.StatusCode == Grpc.Core.StatusCode.AlreadyExists);
}
