using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// SQLite: one file in WAL mode (readers never block the writer), writes in BEGIN IMMEDIATE transactions
/// so a claim excludes every other writer of the file for its few milliseconds; a busy file is waited
/// for, not failed.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly string _connectionString;

    public SqliteDialect(string path)
    {
        _ = Initialized.Value;
        string full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } folder && !Directory.Exists(folder))
        {
            throw new StudyStoreException($"Cannot create the SQLite study store {full}: its folder {folder} does not exist.");
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 60, Pooling = true }.ToString();
    }

    public override string IdColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public override string NowMs => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    public override string LockStudy => "";

    public override string SkipLocked => "";

    public override string LockSchema => "";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();

            // WAL persists in the file; setting it on every connection costs nothing once it is on.
            // busy_timeout makes BEGIN IMMEDIATE wait for another process's short transaction.
            // synchronous = NORMAL in WAL mode: a killed process loses nothing committed (the WAL is in
            // the OS's hands); only a power cut may lose the last commits, never corrupting the file.
            // It saves an fsync per write, which a study makes after every epoch of every trial.
            command.CommandText = "PRAGMA busy_timeout = 60000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StudyStoreException($"Cannot open the SQLite study store {connection.DataSource}: {e.Message}", e);
        }
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a disposed store must let it be deleted or copied.
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
