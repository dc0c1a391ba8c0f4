using System.Security.Cryptography;
using System.Text.Json;
using LiveShop.Azure.Cosmos;
using LiveShop.Core.Catalog;
using LiveShop.Core.Configuration;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;
using LiveShop.Core.Streams;
using LiveShop.Functions;
using LiveShop.Functions.Http;
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
                [SeedSetting] = "true",
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
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
        configure?.Invoke(builder);
        builder.Services.AddSingleton(sp => new DevTokens(
            builder.Configuration[SettingNames.AuthDevSigningKey]!,
            builder.Configuration[SettingNames.AuthIssuer]!,
            builder.Configuration[SettingNames.AuthAudience]!,
            sp.GetRequiredService<TimeProvider>()));

        var app = builder.Build();
        var functions = FunctionEndpoints.Discover(typeof(LiveShopServiceCollectionExtensions).Assembly);
        var routePrefix = HostJson.RoutePrefix(AppContext.BaseDirectory);
        FunctionEndpoints.Map(app, functions, routePrefix);
        app.MapPost("/dev/token", IssueToken);
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
            services.GetRequiredService<CatalogService>(), services.GetRequiredService<StreamService>(), services.GetRequiredService<TimeProvider>(), ct);
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
