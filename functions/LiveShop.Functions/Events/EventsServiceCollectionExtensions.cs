using LiveShop.Azure.EventGrid;
using LiveShop.Core.Catalog;
using LiveShop.Core.Configuration;
using LiveShop.Core.Events;
using LiveShop.Core.Orders;
using LiveShop.Core.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LiveShop.Functions.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>
    /// Domain events out (the outbox, its sweep, the Event Grid publisher; the topic endpoint is read when first used,
    /// so a local runner can set it once it knows its own address) and the Event Grid delivery endpoint's consumers.
    /// </summary>
    public static IServiceCollection AddLiveShopEvents(this IServiceCollection services, IConfiguration configuration)
    {
        if (AzureHost.IsAzure)
        {
            AzureHost.Refuse(!string.IsNullOrEmpty(configuration[SettingNames.EventGridTopicKey]), $"{SettingNames.EventGridTopicKey} is for a local stand-in; in Azure the app publishes with its managed identity.");
            AzureHost.Refuse(string.IsNullOrEmpty(configuration[SettingNames.EventGridDeliveryKey]), $"{SettingNames.EventGridDeliveryKey} is required: Event Grid deliveries are authenticated by it.");
        }

        services.AddSingleton(_ => DeliveryKeys.Parse(configuration[SettingNames.EventGridDeliveryKey]));
        services.AddSingleton<EventDelivery>();
        var publisher = new Lazy<EventGridDomainEvents>(() => new EventGridDomainEvents(new EventGridOptions(
            configuration[SettingNames.EventGridTopicEndpoint] is { Length: > 0 } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                ? uri
                : throw new InvalidOperationException($"{SettingNames.EventGridTopicEndpoint} must be the Event Grid topic endpoint, an absolute URL (it is '{configuration[SettingNames.EventGridTopicEndpoint]}')."),
            configuration[SettingNames.EventGridTopicKey])));
        services.AddSingleton<IDomainEvents>(_ => new LazyDomainEvents(publisher));
        services.AddSingleton<OutboxPublisher>();
        services.AddSingleton<OutboxSweep>();
        return services;
    }

    /// <summary>
    /// Wraps the stores of the aggregates that raise domain events so each write carries its events (call last: a
    /// store registered later, as tests do, would not be wrapped).
    /// </summary>
    public static IServiceCollection AddDomainEventOutbox(this IServiceCollection services)
    {
        Decorate<IOrderStore>(services, (inner, sp) => new OutboxOrderStore(inner, sp.GetRequiredService<OutboxPublisher>(), sp.GetRequiredService<TimeProvider>()));
        Decorate<IStreamStore>(services, (inner, sp) => new OutboxStreamStore(inner, sp.GetRequiredService<OutboxPublisher>(), sp.GetRequiredService<TimeProvider>()));
        Decorate<IProductStore>(services, (inner, sp) => new OutboxProductStore(inner, sp.GetRequiredService<OutboxPublisher>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IOutboxScan>(sp => (IOutboxScan)sp.GetRequiredService<IOrderStore>());
        services.AddSingleton<IOutboxScan>(sp => (IOutboxScan)sp.GetRequiredService<IStreamStore>());
        services.AddSingleton<IOutboxScan>(sp => (IOutboxScan)sp.GetRequiredService<IProductStore>());
        return services;
    }

    private static void Decorate<T>(IServiceCollection services, Func<T, IServiceProvider, T> wrap)
        where T : class
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(T))
            ?? throw new InvalidOperationException($"No {typeof(T).Name} is registered to carry domain events.");
        services.RemoveAll(typeof(T));
        services.AddSingleton(sp => wrap(Resolve<T>(registered, sp), sp));
    }

    private static T Resolve<T>(ServiceDescriptor registered, IServiceProvider sp) =>
        (T)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!));

    private static void RemoveAll(this IServiceCollection services, Type type)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == type).ToList())
        {
            services.Remove(descriptor);
        }
    }
}

/// <summary>The Event Grid publisher, built when the first event is sent.</summary>
internal sealed class LazyDomainEvents(Lazy<EventGridDomainEvents> publisher) : IDomainEvents
{
    public Task PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken) => publisher.Value.PublishAsync(domainEvent, cancellationToken);
}
