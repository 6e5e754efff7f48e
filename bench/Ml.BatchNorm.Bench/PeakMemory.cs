using System.Globalization;

namespace Ml.BatchNorm.Bench;

/// <summary>The process's peak resident memory (VmHWM in /proc/self/status), the figure the peer reports too.</summary>
internal static class PeakMemory
{
    public static double? ResidentMegabytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                // "VmHWM:   123456 kB"
                string kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return null;
    }
}
