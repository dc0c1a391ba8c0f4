namespace LiveShop.LocalRunner;

/// <summary>What talking to a local Cosmos server (@vercel/cosmosdb-server or an emulator) needs, kept out of the app.</summary>
public static class LocalCosmos
{
    /// <summary>
    /// Makes the Cosmos SDK plan queries itself instead of asking the service, which local servers cannot answer.
    /// The SDK reads it from the process environment, so it is set for the whole (development) process.
    /// </summary>
    public const string QueryPlanInteropVariable = "AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX";

    /// <summary>Call before the first Cosmos client is created.</summary>
    public static void Prepare() => Environment.SetEnvironmentVariable(QueryPlanInteropVariable, "true");
}
