using System.Reflection;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds <see cref="OneToOneColumnTransformer.OutputColumnName"/> holding the values of <see cref="OneToOneColumnTransformer.InputColumnName"/>, of any type. A vector copy
/// shares the source row's buffer (valid until the cursor moves, like every vector a cursor yields).
/// </summary>
public sealed class ColumnCopyingTransformer : OneToOneColumnTransformer
{
    internal const string Tag = "copy-columns";
    internal const int Version = 1;
    private const string StageName = "CopyColumns";

    private static readonly MethodInfo ForwardMethod = typeof(ColumnCopyingTransformer).GetMethod(nameof(Forward), BindingFlags.NonPublic | BindingFlags.Static)!;

    internal ColumnCopyingTransformer(string outputColumnName, string inputColumnName)
        : base(outputColumnName, inputColumnName)
    {
    }

    private protected override string StageTag => Tag;

    private protected override int StageVersion => Version;

    private protected override DataViewType OutputType(DataViewSchema.Column input) => input.Type;

    private protected override IDataView Map(IDataView input, DataViewSchema.Column column)
    {
        // The getter's type is the column's raw type, known only at run time: bind it once per cursor.
        var forward = ForwardMethod.MakeGenericMethod(column.Type.RawType);
        return new MappedView(input, [(OutputColumnName, column.Type)], [column], (cursor, _) =>
            new BoundColumns([(Delegate)forward.Invoke(null, [cursor, column])!]));
    }

    internal static ColumnCopyingTransformer Load(StageLoadContext context) =>
        new(context.RequiredString("outputColumnName"), context.RequiredString("inputColumnName"));

    private static ValueGetter<T> Forward<T>(DataViewRowCursor cursor, DataViewSchema.Column column) => cursor.GetGetter<T>(column);

    private protected override DataViewSchema.Column CheckInput(DataViewSchema schema) =>
        SchemaChecks.Require(schema, InputColumnName, StageName, "a column of any type to copy", _ => true);
}
