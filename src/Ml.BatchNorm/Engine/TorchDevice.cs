using TorchSharp;

namespace Ml.BatchNorm.Engine;

/// <summary>Device strings ("cpu", "cuda", "cuda:N") to TorchSharp devices, with errors that say what to do.</summary>
internal static class TorchDevice
{
    public static torch.Device Parse(string device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        string text = device.Trim().ToLowerInvariant();
        if (text == "cpu")
        {
            return torch.CPU;
        }

        if (text == "cuda" || (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out int index) && index >= 0))
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException($"device '{device}': CUDA is not available in this process (TorchSharp-cpu is referenced, or no GPU is present). Reference a TorchSharp CUDA package instead of TorchSharp-cpu to train on a GPU, or use 'cpu'.", nameof(device));
            }

            var d = torch.device(text);
            if (d.index >= torch.cuda.device_count())
            {
                throw new ArgumentException($"device '{device}': only {torch.cuda.device_count()} CUDA device(s) are present.", nameof(device));
            }

            return d;
        }

        throw new ArgumentException($"device '{device}' is not a device: use cpu, cuda or cuda:N.", nameof(device));
    }
}
