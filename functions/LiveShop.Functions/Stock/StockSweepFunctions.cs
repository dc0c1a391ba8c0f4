using LiveShop.Core.Stock;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiveShop.Functions.Stock;

/// <summary>Releases stock holds nobody finished before their expiry (a checkout that crashed or was abandoned), every minute.</summary>
public sealed class StockSweepFunctions(StockLedger stock, ILogger<StockSweepFunctions> logger)
{
    /// <summary>Every minute, at second 0 (NCRONTAB with seconds, as the Functions timer trigger reads it).</summary>
    public const string Schedule = "0 */1 * * * *";

    [Function(nameof(SweepStockHolds))]
    public async Task SweepStockHolds([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var swept = await stock.SweepAsync(cancellationToken);
        if (swept.Released > 0 || swept.Forgotten > 0)
        {
            logger.LogInformation("Stock sweep released {Released} expired holds and dropped {Forgotten} finished ones", swept.Released, swept.Forgotten);
        }
    }
}
