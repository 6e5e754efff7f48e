using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ml.BatchNorm;

/// <summary>
/// The trainer's input checks, on a schema (Fit, Transform) and on a schema shape (GetOutputSchema), so that a
/// wrong column fails before any training with a message naming the column, what it is and what was expected.
/// </summary>
internal static class ColumnChecks
{
    internal const string TrainerName = "BatchNormCnn";

    /// <summary>The label column: a scalar key with at least two classes.</summary>
    public static DataViewSchema.Column Label(DataViewSchema schema, string name)
    {
        var column = Find(schema, name, "label");
        if (column.Type is not KeyDataViewType key)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{TrainerName}: label column '{name}' is {column.Type}; a key is expected: apply MapValueToKey(\"{name}\") first.");
        }

        if (key.Count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{TrainerName}: label column '{name}' is {column.Type}, a key with {key.Count} class; at least 2 classes are needed.");
        }

        return column;
    }

    /// <summary>The feature column: Vector&lt;Single, size&gt;.</summary>
    public static DataViewSchema.Column Features(DataViewSchema schema, string name, int size, string sizeMeaning)
    {
        var column = Find(schema, name, "feature");
        if (column.Type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single || vector.Size != size)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{TrainerName}: feature column '{name}' is {column.Type}; Vector<Single, {size}> is expected ({sizeMeaning}).");
        }

        return column;
    }

    /// <summary>The label column of a shape: a scalar key.</summary>
    public static void Label(SchemaShape shape, string name)
    {
        var column = Find(shape, name, "label");
        if (!column.IsKey || column.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            throw new ArgumentOutOfRangeException(nameof(shape),
                $"{TrainerName}: label column '{name}' is {Describe(column)}; a key is expected: apply MapValueToKey(\"{name}\") first.");
        }
    }

    /// <summary>The feature column of a shape: a known-size Single vector (a shape does not carry the size; Fit checks it).</summary>
    public static void Features(SchemaShape shape, string name, int size, string sizeMeaning)
    {
        var column = Find(shape, name, "feature");
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single || column.IsKey)
        {
            throw new ArgumentOutOfRangeException(nameof(shape),
                $"{TrainerName}: feature column '{name}' is {Describe(column)}; Vector<Single, {size}> is expected ({sizeMeaning}).");
        }
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"{TrainerName}: {role} column '{name}' was not found; the input has {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");

    private static SchemaShape.Column Find(SchemaShape shape, string name, string role)
    {
        foreach (var column in shape)
        {
            if (column.Name == name)
            {
                return column;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(shape),
            $"{TrainerName}: {role} column '{name}' was not found; the input has {string.Join(", ", shape.Select(c => $"'{c.Name}'"))}.");
    }

    private static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}",
        SchemaShape.Column.VectorKind.Vector => $"Vector<{column.ItemType}> of known size",
        _ => $"Vector<{column.ItemType}> of variable size",
    };
}
