using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>The schema checks and schema arithmetic every stage shares, so that their messages read alike.</summary>
internal static class SchemaChecks
{
    /// <summary>The column <paramref name="name"/>, which must satisfy <paramref name="accepts"/>.</summary>
    /// <param name="schema">The schema the stage receives.</param>
    /// <param name="name">The column name.</param>
    /// <param name="stage">Who reads it, for the message (e.g. "MapValueToKey").</param>
    /// <param name="expected">The expected type in words, for the message.</param>
    /// <param name="accepts">Whether a type is acceptable.</param>
    /// <exception cref="ArgumentException">The column is missing or has another type; the message names the column, the expected type and the schema.</exception>
    public static DataViewSchema.Column Require(DataViewSchema schema, string name, string stage, string expected, Func<DataViewType, bool> accepts)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"{stage}: the input has no column '{name}' (expected {expected}); it has {schema}.", nameof(schema));
        if (!accepts(column.Type))
        {
            throw new ArgumentException($"{stage}: column '{name}' is {column.Type}, but {expected} is expected.", nameof(schema));
        }

        return column;
    }

    /// <summary>
    /// <paramref name="input"/> with <paramref name="outputs"/> added: a same-named input column is replaced in place
    /// (our schemas have unique names, so the new column takes the old one's slot rather than hiding it, as ML.NET
    /// does); other outputs are appended in order. Returns, for each output column, the input column it passes through
    /// (its index) or -1 - k for the k-th added output.
    /// </summary>
    public static (DataViewSchema Schema, int[] Sources) WithColumns(DataViewSchema input, IReadOnlyList<(string Name, DataViewType Type)> outputs)
    {
        var builder = new DataViewSchema.Builder();
        var sources = new List<int>();
        var placed = new bool[outputs.Count];
        foreach (var column in input)
        {
            int k = IndexOf(outputs, column.Name);
            if (k >= 0)
            {
                builder.AddColumn(column.Name, outputs[k].Type);
                sources.Add(-1 - k);
                placed[k] = true;
            }
            else
            {
                builder.AddColumn(column.Name, column.Type);
                sources.Add(column.Index);
            }
        }

        for (int k = 0; k < outputs.Count; k++)
        {
            if (!placed[k])
            {
                builder.AddColumn(outputs[k].Name, outputs[k].Type);
                sources.Add(-1 - k);
            }
        }

        return (builder.ToSchema(), sources.ToArray());
    }

    private static int IndexOf(IReadOnlyList<(string Name, DataViewType Type)> outputs, string name)
    {
        for (int k = 0; k < outputs.Count; k++)
        {
            if (outputs[k].Name == name)
            {
                return k;
            }
        }

        return -1;
    }
}
