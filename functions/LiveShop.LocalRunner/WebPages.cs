using Microsoft.Extensions.FileProviders;

namespace LiveShop.LocalRunner;

/// <summary>
/// Serves the viewer page and the host console from web/ (plain static files the function app could serve as well):
/// /watch.html?stream={id} and /host.html?stream={id}. Nothing they load comes from outside the runner.
/// </summary>
public static class WebPages
{
    public const string Viewer = "/watch.html";
    public const string Host = "/host.html";

    public static string ViewerUrl(string baseUrl, string streamId) => $"{baseUrl}{Viewer}?stream={Uri.EscapeDataString(streamId)}";

    public static string HostUrl(string baseUrl, string streamId) => $"{baseUrl}{Host}?stream={Uri.EscapeDataString(streamId)}";

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = Path.Combine(AppContext.BaseDirectory, "web");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
