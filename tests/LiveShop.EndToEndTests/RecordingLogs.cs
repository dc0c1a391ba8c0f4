using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LiveShop.EndToEndTests;

/// <summary>A logger provider that keeps every entry the app logs (level, category, message, exception), for assertions.</summary>
public sealed class RecordingLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception));
        }
    }
}

public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);
