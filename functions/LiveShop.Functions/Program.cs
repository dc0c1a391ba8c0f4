using LiveShop.Functions;
using LiveShop.Functions.Events;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddLiveShop(builder.Configuration);
builder.Services.AddDomainEventOutbox();
await builder.Build().RunAsync();
