namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// The study store's tables. Values are double precision (full precision round trip); times are the
/// database clock in Unix milliseconds. <see cref="Version"/> is stored in schema_info; a store written
/// by a newer version is refused rather than misread.
/// </summary>
internal static class StudySchema
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The DDL, with {id} standing for the dialect's auto-numbered key type.</summary>
    public static IEnumerable<string> Statements(string idColumn) =>
    [
        "CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL)",
        $"""
        CREATE TABLE IF NOT EXISTS studies (
            id {idColumn},
            name TEXT NOT NULL UNIQUE,
            direction TEXT NOT NULL,
            space TEXT NOT NULL,
            created_ms BIGINT NOT NULL)
        """,
        $"""
        CREATE TABLE IF NOT EXISTS trials (
            id {idColumn},
            study_id BIGINT NOT NULL REFERENCES studies(id),
            number INTEGER NOT NULL,
            state TEXT NOT NULL,
            proposal INTEGER NULL,
            retry_of INTEGER NULL,
            attempt INTEGER NOT NULL,
            checkpoint_key INTEGER NOT NULL,
            worker TEXT NULL,
            value DOUBLE PRECISION NULL,
            error TEXT NULL,
            created_ms BIGINT NOT NULL,
            started_ms BIGINT NULL,
            heartbeat_ms BIGINT NULL,
            finished_ms BIGINT NULL,
            UNIQUE (study_id, number))
        """,
        "CREATE INDEX IF NOT EXISTS trials_by_state ON trials (study_id, state)",
        """
        CREATE TABLE IF NOT EXISTS trial_params (
            trial_id BIGINT NOT NULL REFERENCES trials(id),
            name TEXT NOT NULL,
            number DOUBLE PRECISION NULL,
            text TEXT NULL,
            PRIMARY KEY (trial_id, name))
        """,
        """
        CREATE TABLE IF NOT EXISTS trial_values (
            trial_id BIGINT NOT NULL REFERENCES trials(id),
            step INTEGER NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            written_ms BIGINT NOT NULL,
            PRIMARY KEY (trial_id, step))
        """,
    ];
}
