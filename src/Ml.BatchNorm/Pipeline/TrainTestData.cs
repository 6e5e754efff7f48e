using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>The two sides of <see cref="DataOperationsCatalog.TrainTestSplit"/>: lazy views of the input's rows, in their original order.</summary>
public sealed class TrainTestData
{
    internal TrainTestData(IDataView trainSet, IDataView testSet)
    {
        TrainSet = trainSet;
        TestSet = testSet;
    }

    /// <summary>The rows to train on.</summary>
    public IDataView TrainSet { get; }

    /// <summary>The held-out rows.</summary>
    public IDataView TestSet { get; }

    /// <summary>Lets <c>var (train, test) = ctx.Data.TrainTestSplit(data);</c> work.</summary>
    /// <param name="trainSet">Receives <see cref="TrainSet"/>.</param>
    /// <param name="testSet">Receives <see cref="TestSet"/>.</param>
    public void Deconstruct(out IDataView trainSet, out IDataView testSet) => (trainSet, testSet) = (TrainSet, TestSet);
}
