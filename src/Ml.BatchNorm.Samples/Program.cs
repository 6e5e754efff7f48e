using System.CommandLine;
using Ml.BatchNorm.Samples.Cli;

namespace Ml.BatchNorm.Samples;

/// <summary>The <c>mlbn</c> command line.</summary>
internal static class Program
{
    private static int Main(string[] args) => MlbnCommandLine.Run(args, Console.Out, Console.Error);
}
