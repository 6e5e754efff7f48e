namespace Ml.BatchNorm.Samples.Samples;

/// <summary>A short, readable scenario runnable as <c>mlbn sample NAME</c>.</summary>
internal interface ISample
{
    string Name { get; }

    string Description { get; }

    void Run(SampleSettings settings, TextWriter output);
}
