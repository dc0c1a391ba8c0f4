namespace LiveShop.Functions;

/// <summary>Tells a deployed app from a local one, so development-only settings are refused in Azure.</summary>
public static class AzureHost
{
    /// <summary>App Service (and so Azure Functions, Flex Consumption included) sets this on every deployed app.</summary>
    public const string Marker = "WEBSITE_SITE_NAME";

    public static bool IsAzure => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Marker));

    /// <summary>Stops start-up with <paramref name="message"/> when <paramref name="refused"/> holds.</summary>
    public static void Refuse(bool refused, string message)
    {
        if (refused)
        {
            throw new InvalidOperationException(message);
        }
    }
}
