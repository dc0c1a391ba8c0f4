using System.Buffers.Text;
using System.Text;
using LiveShop.Core.Errors;
using LiveShop.Core.Validation;

namespace LiveShop.Core.Catalog;

/// <summary>Opaque keyset continuation tokens: base64url of a version prefix and the last id returned.</summary>
public static class ContinuationToken
{
    private const string Prefix = "k1:";

    public static string? Encode(string? after) =>
        after is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + after));

    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.StartsWith(Prefix, StringComparison.Ordinal) && Identifiers.IsValid(text[Prefix.Length..]))
            {
                return text[Prefix.Length..];
            }
        }
        catch (FormatException)
        {
            // falls through to the problem below
        }

        throw LiveShopException.BadRequest("Invalid continuation token", "The continuationToken is not one this API issued; start again without it.");
    }
}
