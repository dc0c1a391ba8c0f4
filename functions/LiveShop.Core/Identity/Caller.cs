using LiveShop.Core.Errors;

namespace LiveShop.Core.Identity;

/// <summary>Who is calling, as established from a validated bearer token.</summary>
public sealed record Caller(string UserId, Role Role, string? MerchantId)
{
    public bool IsMerchant(string merchantId) =>
        Role == Role.Merchant && string.Equals(MerchantId, merchantId, StringComparison.Ordinal);
}

public enum Role
{
    Viewer,
    Merchant,
    Ops,
}

/// <summary>The authorization rules every service applies. Anonymous callers are refused before these run.</summary>
public static class Authorize
{
    /// <summary>The caller must be the merchant <paramref name="merchantId"/> itself.</summary>
    public static void MerchantOwns(Caller caller, string merchantId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsMerchant(merchantId))
        {
            return;
        }

        throw caller.Role == Role.Merchant
            ? LiveShopException.Forbidden($"Merchant '{caller.MerchantId}' cannot act for merchant '{merchantId}'.")
            : LiveShopException.Forbidden($"This action needs the merchant role; the caller has the {caller.Role.ToString().ToLowerInvariant()} role.");
    }

    /// <summary>The caller must be a merchant; returns the merchant id it acts for.</summary>
    public static string Merchant(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role == Role.Merchant && caller.MerchantId is { } id)
        {
            return id;
        }

        throw LiveShopException.Forbidden($"This action needs the merchant role; the caller has the {caller.Role.ToString().ToLowerInvariant()} role.");
    }
}
