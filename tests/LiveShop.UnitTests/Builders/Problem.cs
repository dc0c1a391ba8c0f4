using LiveShop.Core.Errors;

namespace LiveShop.UnitTests.Builders;

/// <summary>Asserts that an action fails with a <see cref="LiveShopException"/> of the given kind.</summary>
public static class Problem
{
    public static async Task<LiveShopException> ThrowsAsync(ErrorKind kind, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<LiveShopException>(action);
        Assert.Equal(kind, error.Kind);
        return error;
    }

    public static LiveShopException Throws(ErrorKind kind, Action action)
    {
        var error = Assert.Throws<LiveShopException>(action);
        Assert.Equal(kind, error.Kind);
        return error;
    }
}
