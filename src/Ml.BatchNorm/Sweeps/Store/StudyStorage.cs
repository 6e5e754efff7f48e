using Npgsql;

namespace Ml.BatchNorm.Sweeps;

/// <summary>Opens a study store from a storage string.</summary>
public static class StudyStorage
{
    /// <summary>The accepted forms, for messages.</summary>
    public const string AcceptedForms =
        "a SQLite file path (study.db, ./sweeps/study.sqlite), 'sqlite:PATH', a PostgreSQL URI 'postgresql://USER:PASSWORD@HOST:PORT/DATABASE', or an Npgsql connection string 'Host=HOST;Username=USER;Database=DATABASE;…'";

    /// <summary>
    /// A file path or <c>sqlite:PATH</c> opens (or creates) a SQLite file; a <c>postgresql://</c> (or
    /// <c>postgres://</c>) URI or an Npgsql <c>Host=…;…</c> string opens PostgreSQL with a bounded pool
    /// (<paramref name="maxPoolSize"/> unless the string sets Maximum Pool Size). Anything else is an
    /// error listing the accepted forms. Nothing is connected until the first operation.
    /// </summary>
    public static IStudyStore Open(string storage, int maxPoolSize = 10)
    {
        ArgumentNullException.ThrowIfNull(storage);
        string text = storage.Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException($"The storage string is empty; expected {AcceptedForms}.", nameof(storage));
        }

        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            string path = text["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }

            return OpenSqlite(path, storage);
        }

        if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return OpenPostgres(PostgresUri.ToBuilder(text), maxPoolSize);
        }

        if (text.Contains('=', StringComparison.Ordinal) && text.Contains("host", StringComparison.OrdinalIgnoreCase))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(text);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The storage string '{storage}' looks like an Npgsql connection string but does not parse: {e.Message}. Expected {AcceptedForms}.", nameof(storage), e);
            }

            return OpenPostgres(builder, maxPoolSize);
        }

        int colon = text.IndexOf("://", StringComparison.Ordinal);
        if (colon > 0 || text.Contains('=', StringComparison.Ordinal))
        {
            string scheme = colon > 0 ? text[..colon] : text[..text.IndexOf('=', StringComparison.Ordinal)];
            throw new ArgumentException($"The storage string '{storage}' has the unknown scheme or key '{scheme}'; expected {AcceptedForms}.", nameof(storage));
        }

        return OpenSqlite(text, storage);
    }

    private static SqlStudyStore OpenSqlite(string path, string storage)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"The storage string '{storage}' names no SQLite file; expected {AcceptedForms}.", nameof(storage));
        }

        return new SqlStudyStore(new SqliteDialect(path), Path.GetFullPath(path));
    }

    private static SqlStudyStore OpenPostgres(NpgsqlConnectionStringBuilder builder, int maxPoolSize)
    {
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException($"The PostgreSQL storage string names no host; expected {AcceptedForms}.");
        }

        if (!builder.ContainsKey("Maximum Pool Size") || builder.MaxPoolSize == 100)
        {
            builder.MaxPoolSize = maxPoolSize;
        }

        if (builder.Timeout == 15)
        {
            // An unreachable server is reported in seconds, not after Npgsql's default wait.
            builder.Timeout = 5;
        }

        var dialect = new PostgresDialect(builder);
        return new SqlStudyStore(dialect, dialect.Where);
    }
}
