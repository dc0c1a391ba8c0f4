using LiveShop.Functions.Checkout;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace LiveShop.EndToEndTests;

/// <summary>What the Durable backend answers a second start of one instance id (the workflow's race with another app instance).</summary>
[Collection(RunnerCollection.Name)]
public sealed class DurableStartTests(RunnerFixture runner)
{
    [Fact]
    public async Task ScheduleNewOrchestrationInstance_IdScheduledBefore_IsRefusedAsAlreadyStarted()
    {
        var options = new StartOrchestrationOptions($"dup-{Guid.NewGuid():N}").WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]);
        await runner.Durable.ScheduleNewOrchestrationInstanceAsync(nameof(CheckoutOrchestration.CheckoutOrchestrator), null, options);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => runner.Durable.ScheduleNewOrchestrationInstanceAsync(nameof(CheckoutOrchestration.CheckoutOrchestrator), null, options));

        Assert.True(DurableCheckoutWorkflow.IsAlreadyStarted(e), $"{e.GetType().FullName}: {e.Message}");
    }

    [Fact]
    public void HostJson_DurableTask_OverwritesNoRunningInstance()
    {
        // On Azure the start's dedupe statuses are not what refuses a taken id: the host's setting is (by default it
        // would restart a running checkout under its id).
        using var host = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));

        var states = host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("overridableExistingInstanceStates").GetString();

        Assert.Equal("NonRunningStates", states);
    }

    [Fact]
    public void IsAlreadyStarted_AnotherFailure_IsNot()
    {
        Assert.False(DurableCheckoutWorkflow.IsAlreadyStarted(new InvalidOperationException("The task hub is not reachable.")));
    }
}
