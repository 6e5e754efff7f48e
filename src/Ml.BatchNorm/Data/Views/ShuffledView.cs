namespace Ml.BatchNorm.Data;

/// <summary>
/// A random-access view in a seeded random order. Only the permutation of row indices is materialized
/// (4 bytes a row, on the first cursor); the rows themselves are read through the input as usual.
/// </summary>
internal sealed class ShuffledView : IRandomAccessDataView
{
    private readonly IRandomAccessDataView _input;
    private readonly Lazy<int[]> _order;

    public ShuffledView(IRandomAccessDataView input, int rowCount, ulong seed)
    {
        _input = input;
        _order = new Lazy<int[]>(() => Permutation(rowCount, seed));
    }

    public DataViewSchema Schema => _input.Schema;

    public bool CanShuffle => true;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded) => _input.GetRowCursor(columnsNeeded, _order.Value);

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<int>? rows)
    {
        int[] order = _order.Value;
        return _input.GetRowCursor(columnsNeeded, rows is null ? order : rows.Select(r => order[r]).ToArray());
    }

    /// <summary>A Fisher–Yates permutation of 0..count-1 driven by SplitMix64, so it is the same on every runtime.</summary>
    internal static int[] Permutation(int count, ulong seed)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var random = new SplitMix64(SplitMix64.Mix(seed));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextBelow(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
