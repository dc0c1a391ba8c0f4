using System.Net;
using Azure.Core;
using Azure.Identity;
using LiveShop.Core.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace LiveShop.Azure.SignalR;

public static class SignalRServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SignalR REST adapter as the app's <see cref="ILiveBroadcaster"/> and <see cref="ILiveAccess"/>, on an
    /// HttpClient from the factory with bounded retries (Polly through Microsoft.Extensions.Http.Resilience).
    /// </summary>
    /// <remarks>
    /// 408, 429, 5xx and network failures are retried, sends included: every message carries its stream's sequence, so a
    /// duplicate a retried send may cause (a 500 can follow a delivered message) is dropped by the clients.
    /// </remarks>
    /// <param name="options">Read when the adapter is first used (a local runner learns its own address only once it listens).</param>
    public static IServiceCollection AddLiveShopSignalR(this IServiceCollection services, Func<SignalROptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(_ => options());
        services.AddHttpClient(nameof(SignalRService), client => client.Timeout = TimeSpan.FromSeconds(30))
            .AddResilienceHandler("signalr", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<SignalROptions>();
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                    Delay = settings.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(5));
            });
        services.AddSingleton(sp => new SignalRService(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(SignalRService)),
            sp.GetRequiredService<SignalROptions>(),
            string.IsNullOrEmpty(sp.GetRequiredService<SignalROptions>().AccessKey)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : (TokenCredential?)null,

            // Tokens are checked on the service's clock, which is real time (whatever clock the app's rules run on).
            TimeProvider.System));
        services.AddSingleton<ILiveBroadcaster>(sp => sp.GetRequiredService<SignalRService>());
        services.AddSingleton<ILiveAccess>(sp => sp.GetRequiredService<SignalRService>());
        return services;
    }

    /// <summary>What a retry can fix: throttling, a timeout, a server error or a failure to reach the service.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
        || outcome.Result?.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || (int?)outcome.Result?.StatusCode >= 500;
}
