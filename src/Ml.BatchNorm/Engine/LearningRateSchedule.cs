namespace Ml.BatchNorm.Engine;

/// <summary>How the learning rate changes over a training run.</summary>
public enum LearningRateSchedule
{
    /// <summary>
    /// TensorFlow's staircase exponential decay, the seed's: the rate is multiplied by
    /// <see cref="TrainingOptions.LearningRateDecay"/> every <see cref="TrainingOptions.LearningRateDecaySteps"/> steps.
    /// </summary>
    Staircase,

    /// <summary>
    /// A half cosine from the initial rate down to zero over the run's planned steps (Loshchilov and Hutter's
    /// annealing without restarts): the rate stays high longer than an exponential decay and still ends near
    /// zero, whatever the run's length. The decay options are not used.
    /// </summary>
    Cosine,
}
