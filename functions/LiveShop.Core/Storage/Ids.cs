namespace LiveShop.Core.Storage;

/// <summary>New ids that sort by creation time (UUID version 7), with a type prefix: "prd_0193f1...".</summary>
public static class Ids
{
    public static string New(string prefix, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return prefix + "_" + Guid.CreateVersion7(clock.GetUtcNow()).ToString("N");
    }
}
