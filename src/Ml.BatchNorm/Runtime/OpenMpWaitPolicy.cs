using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// How long libtorch's OpenMP threads spin after a parallel region before they sleep. libtorch from NuGet
/// brings its own GNU OpenMP runtime, whose idle threads spin for a long while by default; on a few
/// cores they take the cores away from the next operation's threads, from the C# kernels'
/// <c>Parallel.For</c> workers and from every other process (model1 training ran 4-5x slower with the
/// default on a loaded 2-core machine). GNU OpenMP reads its environment once, when it is loaded, so
/// <see cref="Apply"/> must run before libtorch loads; <see cref="TorchRuntime.EnsureLoaded"/> calls it.
/// A user's own <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c> is left as it is.
/// </summary>
public static partial class OpenMpWaitPolicy
{
    /// <summary>The spin count set where the environment gives none (GNU OpenMP's default is 300,000).</summary>
    public const string SpinCount = "1000";

    private const string SpinCountVariable = "GOMP_SPINCOUNT";
    private const string WaitPolicyVariable = "OMP_WAIT_POLICY";
    private const string LibC = "libc.so.6";

    private static readonly Lock Gate = new();
    private static string? applied;

    /// <summary>
    /// The setting in effect, e.g. <c>GOMP_SPINCOUNT=1000 (set by Ml.BatchNorm)</c>; null before
    /// <see cref="Apply"/> has run.
    /// </summary>
    public static string? InEffect
    {
        get
        {
            lock (Gate)
            {
                return applied;
            }
        }
    }

    /// <summary>
    /// Sets <c>GOMP_SPINCOUNT</c> in the process environment unless the user set it or
    /// <c>OMP_WAIT_POLICY</c>; safe to call more than once. Returns the setting in effect.
    /// </summary>
    public static string Apply()
    {
        lock (Gate)
        {
            applied ??= Decide();
            return applied;
        }
    }

    private static string Decide()
    {
        string? spin = Environment.GetEnvironmentVariable(SpinCountVariable);
        string? policy = Environment.GetEnvironmentVariable(WaitPolicyVariable);
        if (spin is not null || policy is not null)
        {
            return spin is not null ? $"{SpinCountVariable}={spin} (from the environment)" : $"{WaitPolicyVariable}={policy} (from the environment)";
        }

        if (!OperatingSystem.IsLinux())
        {
            return "OpenMP wait policy: runtime default (not Linux)";
        }

        if (LoadedLibraries.AnyNamed("libgomp"))
        {
            return "OpenMP wait policy: runtime default (GNU OpenMP was loaded before TorchRuntime.EnsureLoaded; "
                + $"set {SpinCountVariable} in the environment instead)";
        }

        // .NET's Environment.SetEnvironmentVariable keeps a managed copy on Unix; native code reads libc's.
        if (setenv(SpinCountVariable, SpinCount, 0) != 0)
        {
            return $"OpenMP wait policy: runtime default (setenv {SpinCountVariable} failed: errno {Marshal.GetLastPInvokeError()})";
        }

        Environment.SetEnvironmentVariable(SpinCountVariable, SpinCount);
        return $"{SpinCountVariable}={SpinCount} (set by Ml.BatchNorm)";
    }

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int setenv(string name, string value, int overwrite);
}
