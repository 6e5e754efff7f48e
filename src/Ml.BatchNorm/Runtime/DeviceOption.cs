using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Runtime;

/// <summary>The <c>device</c> option: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>, as a TorchSharp device.</summary>
public static class DeviceOption
{
    /// <summary>The message when CUDA is requested but TorchSharp has no CUDA backend.</summary>
    public const string CudaMissing =
        "CUDA is not available: this application references TorchSharp-cpu; reference a TorchSharp CUDA package instead to train on a GPU";

    /// <summary>Parses <paramref name="value"/> (case-insensitive) and checks that the device exists.</summary>
    /// <param name="value">cpu, cuda (the first GPU) or cuda:N (GPU number N, from 0).</param>
    /// <param name="optionName">The option's name, for messages.</param>
    /// <exception cref="ArgumentException">The value is not one of the accepted forms.</exception>
    /// <exception cref="InvalidOperationException">CUDA or the numbered GPU is not available.</exception>
    public static Device Parse(string value, string optionName = "device")
    {
        ArgumentNullException.ThrowIfNull(value);
        string text = value.Trim().ToLowerInvariant();
        if (text == "cpu")
        {
            // Touching any member of torch before the native library is loaded fails TorchSharp's type
            // initializer for the rest of the process.
            TorchRuntime.EnsureLoaded();
            return CPU;
        }

        int index;
        if (text == "cuda")
        {
            index = 0;
        }
        else if (!text.StartsWith("cuda:", StringComparison.Ordinal)
            || !int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            throw new ArgumentException($"{optionName} is '{value}'; expected cpu, cuda or cuda:N (N a GPU number from 0).", optionName);
        }

        TorchRuntime.EnsureLoaded();
        if (!cuda.is_available())
        {
            throw new InvalidOperationException(CudaMissing);
        }

        int count = cuda.device_count();
        if (index >= count)
        {
            throw new InvalidOperationException($"{optionName} is '{value}', but this machine has {count} CUDA device(s), numbered from 0.");
        }

        return new Device(DeviceType.CUDA, index);
    }
}
