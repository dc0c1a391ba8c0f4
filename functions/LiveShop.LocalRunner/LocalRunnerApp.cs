using System.Security.Cryptography;
using System.Text.Json;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Catalog;
using LiveShop.Core.Configuration;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Live;
using LiveShop.Core.Sales;
using LiveShop.Core.Streams;
using LiveShop.Functions;
using LiveShop.Functions.Http;
using LiveShop.Functions.Live;
using LiveShop.Functions.Payments;
using LiveShop.Functions.Events;
using LiveShop.LocalRunner.LocalEventGrid;
using LiveShop.LocalRunner.LocalSignalR;
using LiveShop.LocalRunner.OpenApi;
using LiveShop.Payments;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.Cosmos;

namespace LiveShop.LocalRunner;

/// <summary>Builds the local runner: the function app's services and functions on ASP.NET Core, with embedded defaults.</summary>
public static class LocalRunnerApp
{
    public const string DefaultUrl = "http://localhost:7071";
    public const string DevIssuer = "https://liveshop.local/dev";
    public const string DevAudience = "liveshop-api";

    /// <summary>Runner-only switch: seed the demo merchant, products and live stream (default true).</summary>
    public const string SeedSetting = "LocalRunner:Seed";

    /// <param name="args">Command-line arguments; settings can be given as --Name=value (e.g. --Storage:Provider=Cosmos).</param>
    /// <param name="configure">Runs after the app's services are added, so tests can replace one (the last registration wins).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [SettingNames.StorageProvider] = StorageProviders.InMemory,
                [SettingNames.AuthIssuer] = DevIssuer,
                [SettingNames.AuthAudience] = DevAudience,
                [SettingNames.AuthDevSigningKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                [SettingNames.PaymentProvider] = PaymentProviders.Simulated,
                [SettingNames.PaymentWebhookSecret] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),

                // The SignalR stand-in's key (random per start); SignalR:Endpoint defaults to this runner's URL + /signalr.
                [SettingNames.SignalRAccessKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),

                // The Event Grid stand-in's key and the delivery key of its subscription (random per start);
                // EventGrid:TopicEndpoint defaults to this runner's URL + /eventgrid/api/events.
                [SettingNames.EventGridTopicKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                [SettingNames.EventGridDeliveryKey] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
                [SeedSetting] = "true",
                // Quiet by default: the banner says where the runner listens; the platform's own chatter (host lifetime,
                // the durable worker and its sidecar, every outbound HTTP call and retry attempt) stays at Warning.
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft"] = "Warning",
                ["Logging:LogLevel:DurableTask"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["Logging:LogLevel:Polly"] = "Warning",
            },
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        if (builder.Configuration.GetValue<bool>(SettingNames.CosmosEmulator))
        {
            LocalCosmos.Prepare();
        }

        builder.Services.AddLiveShop(builder.Configuration);
        builder.Services.AddLocalSignalR();
        var assembly = typeof(LiveShopServiceCollectionExtensions).Assembly;
        WebApplication? built = null;
        var durable = DurableFunctions.Discover(assembly);
        // The Functions host gives a function its durable client as a binding; the runner has one client for all.
        builder.Services.AddSingleton<ISaleScheduler, DurableSaleScheduler>();
        builder.Services.AddInMemoryDurableBackend(registry => DurableFunctions.Register(
            registry, durable, () => built?.Services ?? throw new InvalidOperationException("The runner is not built yet.")));
        var timers = TimerFunctions.Discover(assembly);
        builder.Services.AddSingleton(new ServedTriggers(durable, timers));
        builder.Services.AddHostedService(sp => new TimerFunctions(timers, sp, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TimerFunctions>>()));
        builder.Services.AddSingleton<LocalEventGridTopic>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalEventGridTopic>());
        builder.Services.AddHttpClient(nameof(LocalEventGridTopic));
        configure?.Invoke(builder);
        builder.Services.AddDomainEventOutbox();
        builder.Services.AddSingleton(sp => new DevTokens(
            builder.Configuration[SettingNames.AuthDevSigningKey]!,
            builder.Configuration[SettingNames.AuthIssuer]!,
            builder.Configuration[SettingNames.AuthAudience]!,
            sp.GetRequiredService<TimeProvider>()));

        var app = builder.Build();
        built = app;
        LocalSignalREndpoints.UseRunnerAddressWhenUnset(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (string.IsNullOrEmpty(app.Configuration[SettingNames.EventGridTopicEndpoint]))
            {
                app.Configuration[SettingNames.EventGridTopicEndpoint] = SelfAddress(app.Services.GetRequiredService<IServer>()) + LocalEventGridTopic.PublishPath.TrimStart('/');
            }
        });
        app.UseWebSockets();
        app.MapLocalSignalR();
        app.MapPost(LocalEventGridTopic.PublishPath, (HttpContext context, LocalEventGridTopic topic) => topic.PublishAsync(context));
        var functions = FunctionEndpoints.Discover(assembly);
        var routePrefix = HostJson.RoutePrefix(AppContext.BaseDirectory);
        FunctionEndpoints.Map(app, functions, routePrefix);
        app.MapApiDocument(functions, routePrefix);
        app.MapPost("/dev/token", IssueToken);
        app.MapGet("/dev/identities", () => TypedResults.Json(DemoData.Identities, ApiJson.Options));
        WebPages.Map(app);
        app.MapPost(SimulatedPayments.ActionRoute, CompletePaymentAction);
        app.MapFallback(routePrefix + "/{**path}", context => Problems.From(
            LiveShopException.NotFound("Route", context.Request.Path), context).ExecuteAsync(context));
        return app;
    }

    /// <summary>
    /// Readies storage (a local Cosmos server starts empty: its containers are created here; in Azure, infra/
    /// creates them), then seeds demo data unless LocalRunner:Seed is false. Returns the demo stream id, or null.
    /// </summary>
    public static async Task<string?> SeedAsync(WebApplication app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.Services;
        if (app.Configuration[SettingNames.StorageProvider] == StorageProviders.Cosmos && app.Configuration.GetValue<bool>(SettingNames.CosmosEmulator))
        {
            await CosmosStorageInitializer.EnsureCreatedAsync(
                services.GetRequiredService<CosmosClient>(), services.GetRequiredService<CosmosOptions>().DatabaseName, ct);
        }

        if (!app.Configuration.GetValue<bool>(SeedSetting))
        {
            return null;
        }

        return await DemoData.SeedAsync(
            services.GetRequiredService<CatalogService>(),
            services.GetRequiredService<StreamService>(),
            services.GetRequiredService<FlashSaleService>(),
            services.GetRequiredService<ISaleScheduler>(),
            services.GetRequiredService<TimeProvider>(),
            ct);
    }

    /// <summary>
    /// POST /dev/payments/{paymentId}/authenticate?outcome=succeed|fail: the buyer completes (or fails) the simulated
    /// 3-D Secure step, and the simulated provider's signed webhook goes to the app's own webhook endpoint, as Stripe's would.
    /// </summary>
    private static async Task<IResult> CompletePaymentAction(HttpContext context, string paymentId, SimulatedPaymentProvider payments)
    {
        var outcome = context.Request.Query["outcome"].ToString();
        if (outcome is not ("" or "succeed" or "fail"))
        {
            return Problems.From(LiveShopException.BadRequest("Invalid outcome", "outcome must be succeed or fail."), context);
        }

        if (payments.Find(paymentId) is null)
        {
            return Problems.From(LiveShopException.NotFound("Payment", paymentId), context);
        }

        var webhook = payments.CompleteAction(paymentId, outcome != "fail");
        using var client = new HttpClient { BaseAddress = SelfAddress(context.RequestServices.GetRequiredService<IServer>()) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{HostJson.Prefix}/{Routes.PaymentWebhooks}")
        {
            Content = new StringContent(webhook.Body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(PaymentWebhookFunctions.SignatureHeader, webhook.Signature);
        using var delivered = await client.SendAsync(request, context.RequestAborted);
        var answer = await delivered.Content.ReadAsStringAsync(context.RequestAborted);
        return TypedResults.Ok(new { paymentId, outcome = outcome == "fail" ? "failed" : "succeeded", webhookStatus = (int)delivered.StatusCode, webhookAnswer = answer });
    }

    /// <summary>Where the runner listens, as a URL it can call itself at (HTTP preferred; a wildcard host is loopback).</summary>
    public static Uri SelfAddress(IServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var address = server.Features.Get<IServerAddressesFeature>()!.Addresses
            .OrderBy(a => a.StartsWith("http://", StringComparison.Ordinal) ? 0 : 1).First();
        return new Uri(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>POST /dev/token {"role":"merchant","merchantId":"m1","subject":"u1"}: a signed development token.</summary>
    private static async Task<IResult> IssueToken(HttpContext context, DevTokens tokens)
    {
        DevTokenRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<DevTokenRequest>(context.Request.Body, ApiJson.Options, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problems.From(LiveShopException.BadRequest("Malformed JSON", e.Message), context);
        }

        if (!Enum.TryParse<Role>(body?.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role))
        {
            return Problems.From(LiveShopException.BadRequest("Invalid role", "role must be viewer, merchant or ops."), context);
        }

        if (role == Role.Merchant && string.IsNullOrEmpty(body!.MerchantId))
        {
            return Problems.From(LiveShopException.BadRequest("Missing merchantId", "A merchant token needs merchantId."), context);
        }

        var subject = body!.Subject ?? $"dev-{role.ToString().ToLowerInvariant()}";
        return TypedResults.Ok(new { token = tokens.Issue(subject, role, role == Role.Merchant ? body.MerchantId : null) });
    }
}

/// <summary>Reads the route prefix from the function app's host.json, as the Functions host does.</summary>
public static class HostJson
{
    /// <summary>The route prefix of the function app whose build output (with host.json) is in this process's directory.</summary>
    public static string Prefix { get; } = RoutePrefix(AppContext.BaseDirectory);

    public static string RoutePrefix(string directory)
    {
        var path = Path.Combine(directory, "host.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString() ?? "api"
            : "api";
    }
}
