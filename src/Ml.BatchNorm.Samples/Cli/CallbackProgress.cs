namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Reports synchronously on the training thread (System.Progress would post to the thread pool and reorder reports).</summary>
internal sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
