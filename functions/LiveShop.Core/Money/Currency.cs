using System.Text.Json.Serialization;

namespace LiveShop.Core.Money;

/// <summary>An ISO 4217 currency with its minor-unit exponent (GBP 2, VND 0).</summary>
[JsonConverter(typeof(CurrencyJsonConverter))]
public sealed record Currency
{
    internal Currency(string code, int exponent)
    {
        Code = code;
        Exponent = exponent;
    }

    /// <summary>The three-letter ISO 4217 code, upper case.</summary>
    public string Code { get; }

    /// <summary>How many decimal places the minor unit has (ISO 4217 "minor unit").</summary>
    public int Exponent { get; }

    public override string ToString() => Code;
}
