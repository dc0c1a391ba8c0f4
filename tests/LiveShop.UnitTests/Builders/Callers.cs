using LiveShop.Core.Identity;

namespace LiveShop.UnitTests.Builders;

/// <summary>Callers as the bearer authenticator would establish them.</summary>
public static class Callers
{
    public static Caller Merchant(string merchantId = Shop.MerchantId) => new("user-" + merchantId, Role.Merchant, merchantId);

    public static Caller Viewer() => new("viewer-1", Role.Viewer, null);

    public static Caller Ops() => new("ops-1", Role.Ops, null);
}
