using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LiveShop.Core.Errors;
using LiveShop.Core.Identity;

namespace LiveShop.Core.Carts;

/// <summary>
/// Whose cart: a signed-in viewer (by the token's subject) or a guest (by a guest token the API handed out). The
/// stored key of a guest is a hash of its token, so the stored data never holds a usable token.
/// </summary>
public sealed record CartOwner(string Key, bool IsGuest, string? UserId)
{
    /// <summary>Guest tokens look like "gst_" + 43 base64url characters (256 random bits).</summary>
    public const string GuestTokenPrefix = "gst_";

    private const int GuestTokenBytes = 32;

    /// <summary>The cart owner for a signed-in caller: viewers only (merchant and ops tokens do not shop).</summary>
    public static CartOwner For(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role != Role.Viewer)
        {
            throw LiveShopException.Forbidden($"Carts belong to viewers; the caller has the {caller.Role.ToString().ToLowerInvariant()} role.");
        }

        return new("u:" + caller.UserId, false, caller.UserId);
    }

    /// <summary>
    /// The cart owner a guest token stands for; 401 when it does not have a guest token's form. The token is a bearer
    /// secret (256 random bits): its holder owns the cart, and a token nobody was given owns an empty cart no one else
    /// can reach. It is not signed, so the API cannot tell a token it issued from a well-formed one made up elsewhere.
    /// </summary>
    public static CartOwner ForGuest(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!IsGuestToken(token))
        {
            throw LiveShopException.Unauthenticated("The guest token is not well-formed (POST /api/guests gives one).");
        }

        return new("g:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))), true, null);
    }

    public static string NewGuestToken() => GuestTokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(GuestTokenBytes));

    private static bool IsGuestToken(string token)
    {
        if (!token.StartsWith(GuestTokenPrefix, StringComparison.Ordinal) || token.Length != GuestTokenPrefix.Length + 43)
        {
            return false;
        }

        var body = token.AsSpan(GuestTokenPrefix.Length);
        foreach (var c in body)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }
}
