using System.Data.Common;

namespace Ml.BatchNorm.Sweeps;

/// <summary>What differs between the SQL databases a study store runs on; the statements themselves are shared.</summary>
internal abstract class SqlDialect
{
    /// <summary>The DDL type of an auto-numbered primary key.</summary>
    public abstract string IdColumn { get; }

    /// <summary>An expression for the database's clock in Unix milliseconds (one clock for every machine).</summary>
    public abstract string NowMs { get; }

    /// <summary>A statement taking the study row's write lock for the rest of the transaction; empty when the transaction already excludes other writers.</summary>
    public abstract string LockStudy { get; }

    /// <summary>Appended to the queued-trial select so two workers never wait on, or take, the same row.</summary>
    public abstract string SkipLocked { get; }

    /// <summary>A statement serializing schema creation between processes; empty when the write transaction already does.</summary>
    public abstract string LockSchema { get; }

    /// <summary>Opens a connection (from the pool) ready for use.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that will write.</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a read-only transaction that sees one consistent snapshot and blocks no writer.</summary>
    public abstract Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Releases pools and files.</summary>
    public abstract ValueTask DisposeAsync();
}
