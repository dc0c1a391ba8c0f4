using System.Net.Sockets;
using DurableTask.Core;
using DurableTask.Core.Query;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;

namespace LiveShop.LocalRunner;

/// <summary>
/// The in-memory Durable Task backend of Microsoft.DurableTask.InProcessTestHost (its InMemoryOrchestrationService
/// behind its gRPC sidecar), wired as the package's AddInMemoryDurableTask wires it, with three differences a flash
/// sale needs:
/// <list type="bullet">
/// <item>The backend's concurrency is raised from its fixed Environment.ProcessorCount. The sidecar's dispatcher
/// pauses 500 ms whenever that many work items are in flight, so with thousands of running checkouts on two cores
/// nothing completed in minutes; with a high limit 2,000 orchestrations of 8 activities finish in seconds.</item>
/// <item>A start without dedupe statuses is treated as a start that refuses any existing instance of that id: the
/// package would replace the instance, and two racing starts of one id corrupt its history.</item>
/// <item>The worker and client reach the sidecar over a Unix domain socket, not a random TCP port that two runners
/// (tests) could both pick.</item>
/// </list>
/// </summary>
public static class InMemoryDurableBackend
{
    /// <summary>In-flight work items the backend hands out at once (far above what a local run reaches).</summary>
    public const int MaxConcurrentWorkItems = 10_000;

    public static IServiceCollection AddInMemoryDurableBackend(this IServiceCollection services, Action<DurableTaskRegistry> configureTasks)
    {
        var socket = Path.Combine(Path.GetTempPath(), $"liveshop-durable-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        services.AddSingleton(sp => new InMemoryOrchestrationService(sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => new Backend(sp.GetRequiredService<InMemoryOrchestrationService>()));
        var channel = Channel(socket);
        services.AddHostedService(sp => new Sidecar(socket, channel, sp.GetRequiredService<Backend>(), sp.GetService<ILoggerFactory>()));
        services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(configureTasks);
        });
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });
        return services;
    }

    private static GrpcChannel Channel(string socket) => GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (_, ct) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                    return new NetworkStream(connection, ownsSocket: true);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            },
        },
    });

    /// <summary>
    /// The package's gRPC sidecar (TaskHubGrpcServer over the backend), listening on a Unix domain socket; it owns the
    /// worker's and client's channel to it, and disposes it with itself.
    /// </summary>
    private sealed class Sidecar(string socket, GrpcChannel channel, Backend backend, ILoggerFactory? loggers) : IHostedService, IAsyncDisposable
    {
        private WebApplication? _host;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            File.Delete(socket);
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "LiveShop.DurableSidecar" });
            builder.Logging.ClearProviders();
            if (loggers is not null)
            {
                builder.Services.AddSingleton(loggers);
            }

            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton<IOrchestrationService>(backend);
            builder.Services.AddSingleton<IOrchestrationServiceClient>(backend);
            builder.Services.AddSingleton<TaskHubGrpcServer>();
            _host = builder.Build();
            _host.MapGrpcService<TaskHubGrpcServer>();
            await _host.StartAsync(cancellationToken);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_host is not null)
            {
                await _host.StopAsync(cancellationToken);
            }

            File.Delete(socket);
        }

        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }
    }

    /// <summary>The package's InMemoryOrchestrationService with a higher concurrency limit and dedupe on by default.</summary>
    private sealed class Backend(InMemoryOrchestrationService inner)
        : IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
    {
        private static readonly OrchestrationStatus[] AnyStatus = Enum.GetValues<OrchestrationStatus>();

        public int MaxConcurrentTaskOrchestrationWorkItems => MaxConcurrentWorkItems;

        public int MaxConcurrentTaskActivityWorkItems => MaxConcurrentWorkItems;

        public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

        public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

        public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

        public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => inner.CreateTaskOrchestrationAsync(creationMessage, AnyStatus);

        public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
            inner.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses ?? AnyStatus);

        public Task StartAsync() => inner.StartAsync();

        public Task StopAsync() => inner.StopAsync();

        public Task StopAsync(bool isForced) => inner.StopAsync(isForced);

        public Task CreateAsync() => inner.CreateAsync();

        public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

        public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

        public Task DeleteAsync() => inner.DeleteAsync();

        public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

        public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
            inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

        public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

        public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

        public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

        public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

        public Task CompleteTaskOrchestrationWorkItemAsync(
            TaskOrchestrationWorkItem workItem,
            OrchestrationRuntimeState newOrchestrationRuntimeState,
            IList<TaskMessage> outboundMessages,
            IList<TaskMessage> orchestratorMessages,
            IList<TaskMessage> timerMessages,
            TaskMessage continuedAsNewMessage,
            OrchestrationState orchestrationState) =>
            inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

        public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

        public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

        public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

        public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

        public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
            inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

        public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);

        public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => inner.SendTaskOrchestrationMessageAsync(message);

        public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => inner.SendTaskOrchestrationMessageBatchAsync(messages);

        public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
            inner.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);

        public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => inner.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

        public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
            inner.GetOrchestrationStateAsync(instanceId, allExecutions);

        public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) => inner.GetOrchestrationStateAsync(instanceId, executionId);

        public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => inner.GetOrchestrationHistoryAsync(instanceId, executionId);

        public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
            inner.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

        public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(DurableTask.Core.Query.OrchestrationQuery orchestrationQuery, CancellationToken cancellationToken) =>
            inner.GetOrchestrationWithQueryAsync(orchestrationQuery, cancellationToken);

        public Task<DurableTask.Core.PurgeResult> PurgeInstanceStateAsync(string instanceId) => inner.PurgeInstanceStateAsync(instanceId);

        public Task<DurableTask.Core.PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) => inner.PurgeInstanceStateAsync(purgeInstanceFilter);
    }
}
