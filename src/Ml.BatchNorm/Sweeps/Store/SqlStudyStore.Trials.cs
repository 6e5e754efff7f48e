using System.Data.Common;
using static Ml.BatchNorm.Sweeps.SqlCommands;

namespace Ml.BatchNorm.Sweeps;

/// <summary>The per-trial writes (heartbeat, values, end) and the reads.</summary>
internal sealed partial class SqlStudyStore
{
    public async Task<bool> HeartbeatAsync(long trialId, string worker, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        int rows = await ExecuteAsync(connection, null,
            $"UPDATE trials SET heartbeat_ms = {_dialect.NowMs} WHERE id = @id AND state = 'running' AND worker = @w",
            cancellationToken, ("@id", trialId), ("@w", worker)).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task ReportAsync(long trialId, int step, double value, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null,
            $"INSERT INTO trial_values (trial_id, step, value, written_ms) VALUES (@t, @s, @v, {_dialect.NowMs}) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value, written_ms = excluded.written_ms",
            cancellationToken, ("@t", trialId), ("@s", step), ("@v", value)).ConfigureAwait(false);
    }

    public async Task<bool> FinishAsync(long trialId, string worker, TrialState state, double? value, string? error, CancellationToken cancellationToken = default)
    {
        if (state is not (TrialState.Complete or TrialState.Pruned or TrialState.Failed))
        {
            throw new ArgumentException($"A trial finishes complete, pruned or failed; got {state}.", nameof(state));
        }

        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        int rows = await ExecuteAsync(connection, null,
            $"UPDATE trials SET state = @state, value = @v, error = @e, finished_ms = {_dialect.NowMs} WHERE id = @id AND state = 'running' AND worker = @w",
            cancellationToken, ("@id", trialId), ("@w", worker), ("@state", state.ToString().ToLowerInvariant()), ("@v", value), ("@e", error)).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task ReleaseAsync(long trialId, string worker, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null,
            "UPDATE trials SET state = 'queued', worker = NULL, heartbeat_ms = NULL WHERE id = @id AND state = 'running' AND worker = @w",
            cancellationToken, ("@id", trialId), ("@w", worker)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long studyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginReadAsync(connection, cancellationToken).ConfigureAwait(false);
        var trials = await ReadTrialsAsync(connection, transaction, studyId, null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return trials;
    }

    private async Task<TrialRecord> GetTrialAsync(long studyId, long trialId, CancellationToken cancellationToken)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        var trials = await ReadTrialsAsync(connection, null, studyId, trialId, cancellationToken).ConfigureAwait(false);
        return trials.Single();
    }

    private static async Task<IReadOnlyList<TrialRecord>> ReadTrialsAsync(DbConnection connection, DbTransaction? transaction, long studyId, long? trialId, CancellationToken cancellationToken)
    {
        string only = trialId is null ? "" : " AND t.id = @t";
        (string, object?)[] keys = trialId is null ? [("@s", studyId)] : [("@s", studyId), ("@t", trialId)];
        var rows = new List<TrialRecord>();
        await using (var command = Command(connection, transaction,
            $"SELECT t.id, t.number, t.state, t.proposal, t.retry_of, t.attempt, t.checkpoint_key, t.worker, t.value, t.error, t.started_ms, t.finished_ms FROM trials t WHERE t.study_id = @s{only} ORDER BY t.number",
            keys))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new TrialRecord
                {
                    Id = Int64(reader, 0)!.Value,
                    Number = (int)Int64(reader, 1)!.Value,
                    State = Enum.Parse<TrialState>(reader.GetString(2), ignoreCase: true),
                    Proposal = (int?)Int64(reader, 3),
                    RetryOf = (int?)Int64(reader, 4),
                    Attempt = (int)Int64(reader, 5)!.Value,
                    CheckpointKey = (int)Int64(reader, 6)!.Value,
                    Worker = Text(reader, 7),
                    Value = Double(reader, 8),
                    Error = Text(reader, 9),
                    Started = Int64(reader, 10) is long s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null,
                    Finished = Int64(reader, 11) is long f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null,
                    Parameters = new TrialParameters(new Dictionary<string, ParameterValue>()),
                });
            }
        }

        var parameters = rows.ToDictionary(r => r.Id, _ => new Dictionary<string, ParameterValue>(StringComparer.Ordinal));
        await using (var command = Command(connection, transaction,
            $"SELECT p.trial_id, p.name, p.number, p.text FROM trial_params p JOIN trials t ON t.id = p.trial_id WHERE t.study_id = @s{only}",
            keys))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // A trial inserted after the first select (no snapshot outside a transaction) is skipped.
                if (parameters.TryGetValue(Int64(reader, 0)!.Value, out var values))
                {
                    values[reader.GetString(1)] = Text(reader, 3) is { } text ? ParameterValue.OfText(text) : ParameterValue.OfNumber(Double(reader, 2)!.Value);
                }
            }
        }

        var intermediate = rows.ToDictionary(r => r.Id, _ => new SortedDictionary<int, double>());
        await using (var command = Command(connection, transaction,
            $"SELECT v.trial_id, v.step, v.value FROM trial_values v JOIN trials t ON t.id = v.trial_id WHERE t.study_id = @s{only}",
            keys))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (intermediate.TryGetValue(Int64(reader, 0)!.Value, out var values))
                {
                    values[(int)Int64(reader, 1)!.Value] = Double(reader, 2)!.Value;
                }
            }
        }

        return rows.Select(r => r with { Parameters = new TrialParameters(parameters[r.Id]), Intermediate = intermediate[r.Id] }).ToList();
    }

    private static async Task<TrialParameters> ReadParametersAsync(DbConnection connection, DbTransaction transaction, long trialId, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, "SELECT name, number, text FROM trial_params WHERE trial_id = @t", ("@t", trialId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values[reader.GetString(0)] = Text(reader, 2) is { } text ? ParameterValue.OfText(text) : ParameterValue.OfNumber(Double(reader, 1)!.Value);
        }

        return new TrialParameters(values);
    }
}
