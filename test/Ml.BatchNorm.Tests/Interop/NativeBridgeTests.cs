using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Tests.Interop;

[TestClass]
public sealed class NativeBridgeTests
{
    private static NetworkSpec Tiny() => new(1, 2, 2, [new FlattenLayer(), new DenseLayer(2)]);

    [TestMethod]
    public void ShapeErrorInsideLibtorchSurfacesWithLibtorchText()
    {
        // Convolutions accept any image size; the dense layer then meets a flattened size it was not built for.
        var spec = new NetworkSpec(1, 8, 8, [new ConvolutionLayer(2, 3), new FlattenLayer(), new DenseLayer(3)]);
        using var network = new Network(spec);
        var input = new float[2 * 6 * 6];
        var output = new float[64];
        var error = Assert.ThrowsExactly<NativeException>(() => network.ForwardShaped(input, 2, 6, 6, training: false, step: 0, output));
        StringAssert.Contains(error.Message, "mat1 and mat2 shapes cannot be multiplied");
        Assert.AreEqual("NetworkForward", error.Operation);
        Assert.IsFalse(error.IsInvalidArgument);
    }

    [TestMethod]
    public void TenThousandHandlesCreatedAndDisposedLeaveTheCountUnchanged()
    {
        long before = NativeRuntime.LiveHandles;
        var spec = Tiny();
        for (int i = 0; i < 10_000; i++)
        {
            using var network = new Network(spec, (ulong)i);
            Assert.AreEqual(before + 1, NativeRuntime.LiveHandles);
        }

        Assert.AreEqual(before, NativeRuntime.LiveHandles);
    }

    [TestMethod]
    public void HandlesReleasedByFinalizersLeaveTheCountUnchanged()
    {
        long before = NativeRuntime.LiveHandles;
        CreateAndDrop(10_000);
        for (int i = 0; i < 10 && NativeRuntime.LiveHandles != before; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.AreEqual(before, NativeRuntime.LiveHandles);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CreateAndDrop(int count)
    {
        var spec = Tiny();
        for (int i = 0; i < count; i++)
        {
            _ = new Network(spec, (ulong)i);
        }
    }

    [TestMethod]
    public void InvalidSpecIsRejectedByTheBridgeWithTheLayerNamed()
    {
        var spec = new NetworkSpec(1, 4, 4, [new DenseLayer(3)]);
        var error = Assert.ThrowsExactly<NativeException>(() => new Network(spec));
        Assert.IsTrue(error.IsInvalidArgument);
        StringAssert.Contains(error.Message, "layer 0 (dense)");
        StringAssert.Contains(error.Message, "flatten");
    }

    [TestMethod]
    public void AskingForCudaWithoutCudaIsAClearError()
    {
        if (NativeRuntime.CudaDeviceCount > 0)
        {
            Assert.Inconclusive("this machine has CUDA");
        }

        var error = Assert.ThrowsExactly<NativeException>(() => new Network(Tiny(), device: "cuda"));
        Assert.IsTrue(error.IsNotAvailable);
        StringAssert.Contains(error.Message, "CUDA is not available");
        var bad = Assert.ThrowsExactly<NativeException>(() => NativeRuntime.ValidateDevice("tpu:0"));
        Assert.IsTrue(bad.IsInvalidArgument);
        StringAssert.Contains(bad.Message, "cpu, cuda, cuda:N");
    }

    [TestMethod]
    public void ThreadCountIsInEffectOnEveryCallingThread()
    {
        try
        {
            NativeRuntime.SetThreads(1);
            (int Torch, int Blas) seen = default;
            var thread = new Thread(() => seen = NativeRuntime.ThreadsInEffect());
            thread.Start();
            thread.Join();
            Assert.AreEqual(1, seen.Torch);
            Assert.IsTrue(seen.Blas is 1 or -1, $"OpenBLAS threads {seen.Blas}");

            NativeRuntime.SetThreads(2);
            thread = new Thread(() => seen = NativeRuntime.ThreadsInEffect());
            thread.Start();
            thread.Join();
            Assert.AreEqual(2, seen.Torch);
            Assert.IsTrue(seen.Blas is 2 or -1, $"OpenBLAS threads {seen.Blas}");
        }
        finally
        {
            NativeRuntime.SetThreads(0);
        }
    }

    [TestMethod]
    public void ThreadPoolWaitPoliciesAreInTheNativeEnvironmentOnceTheBridgeIsUsed()
    {
        _ = NativeRuntime.LiveHandles;
        foreach (var (name, value) in ThreadPoolEnvironment.Defaults)
        {
            string? native = Marshal.PtrToStringUTF8(GetEnvironmentVariable(name));
            Assert.IsNotNull(native, $"{name} is not set in the native environment");
            string? user = Environment.GetEnvironmentVariable(name);
            Assert.AreEqual(user ?? value, native, $"{name}: a user's value wins, else the default");
        }
    }

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnvironmentVariable([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
