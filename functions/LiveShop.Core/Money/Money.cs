using System.Globalization;
using System.Text.Json.Serialization;

namespace LiveShop.Core.Money;

/// <summary>
/// An amount in integer minor units of one currency (cents for USD, pence for GBP, dong for VND).
/// Arithmetic refuses to mix currencies and checks for overflow; there is no floating point here.
/// </summary>
public readonly record struct Money
{
    // Without this, System.Text.Json builds a struct with its implicit parameterless constructor and the
    // get-only properties stay 0/null: stored prices would read back as "0 of no currency".
    [JsonConstructor]
    public Money(long minorUnits, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        MinorUnits = minorUnits;
        Currency = currency;
    }

    public long MinorUnits { get; }

    public Currency Currency { get; }

    public static Money Zero(Currency currency) => new(0, currency);

    [JsonIgnore]
    public bool IsPositive => MinorUnits > 0;

    public static Money operator +(Money left, Money right) => left.Add(right);

    public static Money operator -(Money left, Money right) => left.Subtract(right);

    public static Money operator *(Money left, long factor) => left.Multiply(factor);

    public Money Add(Money other)
    {
        EnsureSameCurrency(other);
        return new Money(checked(MinorUnits + other.MinorUnits), Currency);
    }

    public Money Subtract(Money other)
    {
        EnsureSameCurrency(other);
        return new Money(checked(MinorUnits - other.MinorUnits), Currency);
    }

    public Money Multiply(long factor) => new(checked(MinorUnits * factor), Currency);

    /// <summary>
    /// The part of this amount (which includes tax) that is tax at <paramref name="rateBasisPoints"/>:
    /// amount * rate / (10000 + rate), rounded half away from zero to the minor unit.
    /// </summary>
    /// <remarks>The product is taken in 128 bits, so no amount a long holds overflows (the tax is at most the amount).</remarks>
    public Money IncludedTax(int rateBasisPoints) =>
        new(MoneyMath.DivideRounded((Int128)MinorUnits * rateBasisPoints, 10_000L + rateBasisPoints), Currency);

    /// <summary>Tax on top of this (tax-exclusive) amount: amount * rate / 10000, rounded half away from zero.</summary>
    public Money ExclusiveTax(int rateBasisPoints) =>
        new(MoneyMath.DivideRounded((Int128)MinorUnits * rateBasisPoints, 10_000L), Currency);

    public int CompareTo(Money other)
    {
        EnsureSameCurrency(other);
        return MinorUnits.CompareTo(other.MinorUnits);
    }

    /// <summary>The amount as a decimal string in major units ("19.99", "150000"), culture-invariant.</summary>
    public string ToMajorUnitString()
    {
        if (Currency.Exponent == 0)
        {
            return MinorUnits.ToString(CultureInfo.InvariantCulture);
        }

        var scale = MoneyMath.Pow10(Currency.Exponent);
        var sign = MinorUnits < 0 ? "-" : string.Empty;
        var abs = Math.Abs((decimal)MinorUnits);
        var major = decimal.Truncate(abs / scale);
        var minor = abs - (major * scale);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{major}.{minor.ToString(new string('0', Currency.Exponent), CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// The amount formatted for people in the given culture, e.g. "£12.50" or "150.000 ₫": the culture's number
    /// pattern with this amount's currency symbol and exponent (VND in en-GB is "₫150,000", never "£150,000").
    /// </summary>
    public string Format(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencyDecimalDigits = Currency.Exponent;
        format.CurrencySymbol = Currencies.Symbol(Currency, culture);
        var amount = (decimal)MinorUnits / MoneyMath.Pow10(Currency.Exponent);
        return amount.ToString("C", format);
    }

    public override string ToString() => $"{ToMajorUnitString()} {Currency.Code}";

    private void EnsureSameCurrency(Money other)
    {
        if (!Currency.Equals(other.Currency))
        {
            throw new CurrencyMismatchException(Currency, other.Currency);
        }
    }
}

public sealed class CurrencyMismatchException(Currency left, Currency right)
    : InvalidOperationException($"Cannot combine amounts in {left.Code} and {right.Code}.");

internal static class MoneyMath
{
    public static decimal Pow10(int exponent)
    {
        decimal result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>Integer division rounded half away from zero (checked: a quotient past a long's range throws).</summary>
    public static long DivideRounded(Int128 numerator, long denominator)
    {
        var (quotient, remainder) = Int128.DivRem(numerator, denominator);
        if (Int128.Abs(remainder) * 2 >= Math.Abs(denominator))
        {
            quotient += (numerator < 0) ^ (denominator < 0) ? -1 : 1;
        }

        return checked((long)quotient);
    }
}
