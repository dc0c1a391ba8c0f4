namespace LiveShop.Benchmarks;

/// <summary>
/// The baseline: a minimal ASP.NET Core app whose single endpoint, at the same path, writes the same bytes with the
/// same content type. Built like the runner (WebApplication.CreateBuilder, loopback port, Warning logging) so the
/// difference measured is the runner's own work per request.
/// </summary>
public static class BareEndpoint
{
    public static WebApplication Build(HotRead read, string url)
    {
        ArgumentNullException.ThrowIfNull(read);
        var builder = WebApplication.CreateBuilder([$"--urls={url}", "--Logging:LogLevel:Default=Warning"]);
        var app = builder.Build();
        var body = read.Body;
        var contentType = read.ContentType;
        app.MapGet(read.Path, context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        });
        return app;
    }
}
