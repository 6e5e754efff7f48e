using System.Data.Common;
using static Ml.BatchNorm.Sweeps.SqlCommands;

namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// The study store over a SQL database: the same statements on SQLite and PostgreSQL, each operation its
/// own short transaction on its own pooled connection, so a crash loses at most the operation in flight.
/// </summary>
internal sealed partial class SqlStudyStore : IStudyStore
{
    private readonly SqlDialect _dialect;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private bool _schemaReady;

    public SqlStudyStore(SqlDialect dialect, string location)
    {
        _dialect = dialect;
        Location = location;
    }

    public string Location { get; }

    public async Task<StudyInfo> OpenStudyAsync(string name, SearchSpace space, StudyDirection direction, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("The study name must not be empty.", nameof(name));
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using (var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction,
                $"INSERT INTO studies (name, direction, space, created_ms) VALUES (@n, @d, @s, {_dialect.NowMs}) ON CONFLICT (name) DO NOTHING",
                cancellationToken, ("@n", name), ("@d", direction.ToString().ToLowerInvariant()), ("@s", space.Describe())).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        var study = await FindStudyAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new StudyStoreException($"Study '{name}' in {Location} vanished while being opened.");
        if (space.Difference(study.SpaceDescription) is { } difference)
        {
            throw new StudyStoreException($"Study '{name}' in {Location} was created with another search space: {difference}. Use another study name, or the study's own search space.");
        }

        if (study.Direction != direction)
        {
            throw new StudyStoreException($"Study '{name}' in {Location} was created to {study.Direction.ToString().ToLowerInvariant()} its metric; this run asks to {direction.ToString().ToLowerInvariant()}. Use another study name.");
        }

        return study;
    }

    public async Task<StudyInfo?> FindStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT id, direction, space FROM studies WHERE name = @n", ("@n", name));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var direction = Enum.Parse<StudyDirection>(reader.GetString(1), ignoreCase: true);
        return new StudyInfo(Int64(reader, 0)!.Value, name, direction, reader.GetString(2));
    }

    public async Task<ClaimResult> ClaimAsync(StudyInfo study, ClaimRequest request, CancellationToken cancellationToken = default)
    {
        await FailStaleTrialsAsync(study, request, cancellationToken).ConfigureAwait(false);
        if (await ClaimQueuedAsync(study, request.Worker, cancellationToken).ConfigureAwait(false) is { } queued)
        {
            return new ClaimResult(ClaimStatus.Claimed, queued);
        }

        return await ProposeAsync(study, request, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _schemaGate.Dispose();
        return _dialect.DisposeAsync();
    }

    /// <summary>Fails running trials whose worker stopped beating and queues each again, as a new number, up to the retry limit.</summary>
    private async Task FailStaleTrialsAsync(StudyInfo study, ClaimRequest request, CancellationToken cancellationToken)
    {
        long staleMs = (long)request.StaleAfter.TotalMilliseconds;
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);

        // A cheap look first: most claims find nothing stale and take no lock.
        var any = await ScalarAsync(connection, null,
            $"SELECT COUNT(*) FROM trials WHERE study_id = @s AND state = 'running' AND heartbeat_ms < {_dialect.NowMs} - @stale",
            cancellationToken, ("@s", study.Id), ("@stale", staleMs)).ConfigureAwait(false);
        if (Convert.ToInt64(any, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return;
        }

        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await LockStudyAsync(connection, transaction, study, cancellationToken).ConfigureAwait(false);
        var stale = new List<(long Id, int Number, int Attempt, int CheckpointKey, long SilentMs)>();
        await using (var command = Command(connection, transaction,
            $"SELECT id, number, attempt, checkpoint_key, {_dialect.NowMs} - heartbeat_ms FROM trials WHERE study_id = @s AND state = 'running' AND heartbeat_ms < {_dialect.NowMs} - @stale ORDER BY number",
            ("@s", study.Id), ("@stale", staleMs)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stale.Add((Int64(reader, 0)!.Value, (int)Int64(reader, 1)!.Value, (int)Int64(reader, 2)!.Value, (int)Int64(reader, 3)!.Value, Int64(reader, 4)!.Value));
            }
        }

        foreach (var trial in stale)
        {
            await ExecuteAsync(connection, transaction,
                $"UPDATE trials SET state = 'failed', error = @e, finished_ms = {_dialect.NowMs} WHERE id = @id",
                cancellationToken, ("@id", trial.Id), ("@e", $"worker stopped beating: no heartbeat for {trial.SilentMs} ms (stale after {staleMs} ms)")).ConfigureAwait(false);
            if (trial.Attempt <= request.MaxRetries)
            {
                var parameters = await ReadParametersAsync(connection, transaction, trial.Id, cancellationToken).ConfigureAwait(false);
                await InsertTrialAsync(connection, transaction, study, "queued", parameters, proposal: null, retryOf: trial.Number,
                    attempt: trial.Attempt + 1, checkpointKey: trial.CheckpointKey, worker: null, cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<TrialRecord?> ClaimQueuedAsync(StudyInfo study, string worker, CancellationToken cancellationToken)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var id = await ScalarAsync(connection, transaction,
            $"SELECT id FROM trials WHERE study_id = @s AND state = 'queued' ORDER BY number LIMIT 1{_dialect.SkipLocked}",
            cancellationToken, ("@s", study.Id)).ConfigureAwait(false);
        if (id is null)
        {
            return null;
        }

        long trialId = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
        await ExecuteAsync(connection, transaction,
            $"UPDATE trials SET state = 'running', worker = @w, started_ms = {_dialect.NowMs}, heartbeat_ms = {_dialect.NowMs} WHERE id = @id",
            cancellationToken, ("@id", trialId), ("@w", worker)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return await GetTrialAsync(study.Id, trialId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ClaimResult> ProposeAsync(StudyInfo study, ClaimRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await LockStudyAsync(connection, transaction, study, cancellationToken).ConfigureAwait(false);
        var history = await ReadTrialsAsync(connection, transaction, study.Id, null, cancellationToken).ConfigureAwait(false);
        int finished = history.Count(t => t.IsFinished);
        int active = history.Count(t => t.State is TrialState.Running or TrialState.Queued);
        if (request.TrialBudget is int budget && finished + active >= budget)
        {
            return new ClaimResult(active > 0 ? ClaimStatus.Wait : ClaimStatus.Done, null);
        }

        int proposalIndex = history.Count(t => t.Proposal is not null);
        var parameters = request.Propose(proposalIndex, history);
        if (parameters is null)
        {
            return new ClaimResult(active > 0 ? ClaimStatus.Wait : ClaimStatus.Done, null);
        }

        long id = await InsertTrialAsync(connection, transaction, study, "running", parameters, proposalIndex, retryOf: null, attempt: 1,
            checkpointKey: null, request.Worker, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ClaimResult(ClaimStatus.Claimed, await GetTrialAsync(study.Id, id, cancellationToken).ConfigureAwait(false));
    }

    private async Task LockStudyAsync(DbConnection connection, DbTransaction transaction, StudyInfo study, CancellationToken cancellationToken)
    {
        if (_dialect.LockStudy.Length > 0)
        {
            await ExecuteAsync(connection, transaction, _dialect.LockStudy, cancellationToken, ("@s", study.Id)).ConfigureAwait(false);
        }
    }

    /// <summary>Inserts a trial under the next number (the caller holds the study lock) with its parameters; returns its id.</summary>
    private async Task<long> InsertTrialAsync(DbConnection connection, DbTransaction transaction, StudyInfo study, string state, TrialParameters parameters,
        int? proposal, int? retryOf, int attempt, int? checkpointKey, string? worker, CancellationToken cancellationToken)
    {
        var next = await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(number), -1) + 1 FROM trials WHERE study_id = @s",
            cancellationToken, ("@s", study.Id)).ConfigureAwait(false);
        int number = Convert.ToInt32(next, System.Globalization.CultureInfo.InvariantCulture);
        bool running = state == "running";
        var id = await ScalarAsync(connection, transaction,
            $"""
            INSERT INTO trials (study_id, number, state, proposal, retry_of, attempt, checkpoint_key, worker, created_ms, started_ms, heartbeat_ms)
            VALUES (@s, @n, @state, @p, @r, @a, @k, @w, {_dialect.NowMs}, {(running ? _dialect.NowMs : "NULL")}, {(running ? _dialect.NowMs : "NULL")})
            RETURNING id
            """,
            cancellationToken, ("@s", study.Id), ("@n", number), ("@state", state), ("@p", proposal), ("@r", retryOf), ("@a", attempt),
            ("@k", checkpointKey ?? number), ("@w", worker)).ConfigureAwait(false);
        long trialId = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in parameters.Values)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO trial_params (trial_id, name, number, text) VALUES (@t, @n, @v, @x)",
                cancellationToken, ("@t", trialId), ("@n", name), ("@v", value.Text is null ? value.Number : null), ("@x", value.Text)).ConfigureAwait(false);
        }

        return trialId;
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            if (_dialect.LockSchema.Length > 0)
            {
                await ExecuteAsync(connection, transaction, _dialect.LockSchema, cancellationToken).ConfigureAwait(false);
            }

            foreach (var statement in StudySchema.Statements(_dialect.IdColumn))
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }

            var version = await ScalarAsync(connection, transaction, "SELECT MAX(version) FROM schema_info", cancellationToken).ConfigureAwait(false);
            if (version is null)
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_info (version) VALUES (@v)", cancellationToken, ("@v", StudySchema.Version)).ConfigureAwait(false);
            }
            else if (Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture) > StudySchema.Version)
            {
                throw new StudyStoreException($"The study store {Location} has schema version {version}; this version of Ml.BatchNorm reads version {StudySchema.Version} or older. Upgrade Ml.BatchNorm.");
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
