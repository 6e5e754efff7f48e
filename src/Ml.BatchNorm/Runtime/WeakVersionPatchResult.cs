namespace Ml.BatchNorm.Runtime;

/// <summary>The result of <see cref="WeakVersionPatch.Apply"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">A sentence for the user: what was found and, when the file was left alone, what to do.</param>
/// <param name="PatchedImage">The patched copy when <paramref name="Outcome"/> is <see cref="WeakVersionOutcome.Patched"/>; otherwise null.</param>
internal sealed record WeakVersionPatchResult(WeakVersionOutcome Outcome, string Message, byte[]? PatchedImage);
