namespace Ml.BatchNorm.Sweeps;

/// <summary>A study as stored: its id, name, direction and the description of its search space.</summary>
public sealed record StudyInfo(long Id, string Name, StudyDirection Direction, string SpaceDescription);
