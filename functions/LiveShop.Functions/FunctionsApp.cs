using LiveShop.Functions.Events;
using Microsoft.Azure.Functions.Worker.Builder;

namespace LiveShop.Functions;

/// <summary>The isolated worker's host as the Functions host starts it (Program.cs runs it; a test builds it).</summary>
public static class FunctionsApp
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddLiveShop(builder.Configuration);
        builder.Services.AddDomainEventOutbox();
        return builder;
    }
}
