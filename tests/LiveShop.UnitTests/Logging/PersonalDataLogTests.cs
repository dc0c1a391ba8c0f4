using System.Text.RegularExpressions;
using LiveShop.Core.Checkout;
using LiveShop.Core.Orders;
using LiveShop.Functions.Orders;
using Microsoft.Extensions.Logging;

namespace LiveShop.UnitTests.Logging;

/// <summary>Identifiers of people stay out of Information (and lower) logs.</summary>
public partial class PersonalDataLogTests
{
    [Fact]
    public async Task PublishAsync_OrderPaid_LogsTheEventWithoutTheBuyer()
    {
        var logger = new RecordingLogger();
        var data = new OrderPaidData("ord_1", "m1", "viewer-secret-42", "uk", 2500, "GBP", [new OrderPaidLine("p1", "s1", 1, null, null)]);

        await new LoggedDomainEvents(logger).PublishAsync(
            new DomainEvent("ord_1:paid", DomainEventTypes.OrderPaid, "merchants/m1/orders/ord_1", DateTimeOffset.UnixEpoch, data), CancellationToken.None);

        var entry = Assert.Single(logger.Messages);
        Assert.DoesNotContain("viewer-secret-42", entry, StringComparison.Ordinal);
        Assert.DoesNotContain("buyerId", entry, StringComparison.Ordinal);
        Assert.Contains("ord_1", entry, StringComparison.Ordinal);
        Assert.Contains("\"totalMinorUnits\":2500", entry, StringComparison.Ordinal);
    }

    /// <summary>Every log call in the app's code: none names a person (buyer, user, viewer, caller, owner, email) in its template or passes a buyer/user id.</summary>
    [Fact]
    public void LogCalls_InTheAppsCode_NameNoPerson()
    {
        var root = RepositoryRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LogCall().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetRelativePath(root, f)}: {m.Value}"))
            .Where(call => PersonPlaceholder().IsMatch(call))
            .ToList();

        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"\.Log(?:Trace|Debug|Information|Warning|Error|Critical)?\([^;]*;", RegexOptions.Singleline)]
    private static partial Regex LogCall();

    [GeneratedRegex(@"\{(?:Buyer|User|Viewer|Email|Caller|Owner|Person)[A-Za-z]*\}|\.(?:BuyerId|UserId|OwnerKey)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PersonPlaceholder();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LiveShopServerless.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Repository root not found.");
    }

    private sealed class RecordingLogger : ILogger<LoggedDomainEvents>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
