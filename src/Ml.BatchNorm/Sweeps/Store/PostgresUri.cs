using Npgsql;

namespace Ml.BatchNorm.Sweeps;

/// <summary>Turns a libpq-style URI (postgresql://user:password@host:port/database?key=value) into Npgsql's builder, which takes only key=value strings.</summary>
internal static class PostgresUri
{
    public static NpgsqlConnectionStringBuilder ToBuilder(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            throw new ArgumentException($"The PostgreSQL URI '{uri}' does not parse; expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE.", nameof(uri));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = parsed.Host.Trim('[', ']') };
        if (parsed.Port > 0)
        {
            builder.Port = parsed.Port;
        }

        if (parsed.UserInfo.Length > 0)
        {
            string[] user = parsed.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(user[0]);
            if (user.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(user[1]);
            }
        }

        string database = Uri.UnescapeDataString(parsed.AbsolutePath.Trim('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            string value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                builder[key switch { "sslmode" => "SSL Mode", "connect_timeout" => "Timeout", "application_name" => "Application Name", _ => key }] = value;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The PostgreSQL URI '{uri}' has the unknown parameter '{key}': {e.Message}", nameof(uri), e);
            }
        }

        return builder;
    }
}
