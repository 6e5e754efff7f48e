using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Assigns rows to folds or to a train/test split, stratified and seeded. Rows are first grouped into units: each
/// row is a unit of its label's stratum, or, with a sampling key, all rows sharing a key value form one unit (they
/// always land on the same side, ML.NET's meaning of the sampling key) and there is one stratum. Within each stratum
/// the units are shuffled with the seed, then dealt: round-robin to the folds, continuing where the previous stratum
/// stopped (so every class is spread over the folds within one row, and fold sizes differ by at most one unit), or
/// the first share of them to the test side (cumulative rounding over the strata, so each class and the whole set
/// are within one unit of the fraction). Only one small value a row is held.
/// </summary>
internal static class DataSplitting
{
    /// <summary>The fold of every row, in row order.</summary>
    public static int[] AssignFolds(IDataView data, int folds, string? labelColumnName, string? samplingKeyColumnName, ulong seed, string stage)
    {
        var (unitOfRow, strata) = Units(data, labelColumnName, samplingKeyColumnName, stage);
        if (unitOfRow.Length < folds)
        {
            throw new ArgumentException($"{stage}: the data has {unitOfRow.Length} rows, fewer than the {folds} folds asked for.", nameof(folds));
        }

        var foldOfUnit = new int[strata.Sum(s => s.Count)];
        int next = 0;
        var random = new SplitMix64(SplitMix64.Mix(seed));
        foreach (var units in strata)
        {
            Shuffle(units, ref random);
            foreach (int unit in units)
            {
                foldOfUnit[unit] = next;
                next = (next + 1) % folds;
            }
        }

        return unitOfRow.Select(u => foldOfUnit[u]).ToArray();
    }

    /// <summary>Whether each row, in row order, goes to the test side.</summary>
    public static bool[] AssignTest(IDataView data, double testFraction, string? labelColumnName, string? samplingKeyColumnName, ulong seed, string stage)
    {
        var (unitOfRow, strata) = Units(data, labelColumnName, samplingKeyColumnName, stage);
        var testUnit = new bool[strata.Sum(s => s.Count)];
        var random = new SplitMix64(SplitMix64.Mix(seed));
        long seen = 0;
        long taken = 0;
        foreach (var units in strata)
        {
            Shuffle(units, ref random);
            seen += units.Count;
            long target = (long)Math.Round(seen * testFraction, MidpointRounding.AwayFromZero);
            for (int k = 0; k < units.Count && taken < target; k++, taken++)
            {
                testUnit[units[k]] = true;
            }
        }

        return unitOfRow.Select(u => testUnit[u]).ToArray();
    }

    /// <summary>The ascending indices of the rows whose flag equals <paramref name="wanted"/>.</summary>
    public static int[] RowsWhere<T>(T[] assignment, T wanted) =>
        Enumerable.Range(0, assignment.Length).Where(i => EqualityComparer<T>.Default.Equals(assignment[i], wanted)).ToArray();

    private static (int[] UnitOfRow, List<List<int>> Strata) Units(IDataView data, string? labelColumnName, string? samplingKeyColumnName, string stage)
    {
        if (samplingKeyColumnName is not null)
        {
            // One unit per key value (numbered in order of first appearance), one stratum.
            int[] unit = GroupIds(data, samplingKeyColumnName, stage, "samplingKeyColumnName");
            int count = unit.Length == 0 ? 0 : unit.Max() + 1;
            return (unit, [Enumerable.Range(0, count).ToList()]);
        }

        // One unit per row, one stratum per label value (or one stratum when no label is named).
        int[] label = labelColumnName is null ? new int[CountRows(data)] : GroupIds(data, labelColumnName, stage, "labelColumnName");
        var strata = new List<List<int>>();
        for (int row = 0; row < label.Length; row++)
        {
            while (strata.Count <= label[row])
            {
                strata.Add([]);
            }

            strata[label[row]].Add(row);
        }

        return (Enumerable.Range(0, label.Length).ToArray(), strata);
    }

    private static void Shuffle(List<int> units, ref SplitMix64 random)
    {
        for (int i = units.Count - 1; i > 0; i--)
        {
            int j = random.NextBelow(i + 1);
            (units[i], units[j]) = (units[j], units[i]);
        }
    }

    private static int CountRows(IDataView data)
    {
        using var cursor = data.GetRowCursor([]);
        int count = 0;
        while (cursor.MoveNext())
        {
            count++;
        }

        return count;
    }

    /// <summary>For each row, the index of its value in <paramref name="columnName"/> among the distinct values in order of first appearance.</summary>
    private static int[] GroupIds(IDataView data, string columnName, string stage, string parameterName)
    {
        var column = data.Schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException($"{stage}: {parameterName} '{columnName}' is not a column of the data, which has {data.Schema}.", parameterName);
        return column.Type.RawType switch
        {
            var t when t == typeof(uint) => GroupIds<uint>(data, column),
            var t when t == typeof(int) => GroupIds<int>(data, column),
            var t when t == typeof(long) => GroupIds<long>(data, column),
            var t when t == typeof(byte) => GroupIds<byte>(data, column),
            var t when t == typeof(float) => GroupIds<float>(data, column),
            var t when t == typeof(double) => GroupIds<double>(data, column),
            var t when t == typeof(bool) => GroupIds<bool>(data, column),
            var t when t == typeof(string) => GroupIds<string>(data, column),
            _ => throw new ArgumentException($"{stage}: {parameterName} '{columnName}' is {column.Type}; a column of single values (number, key, boolean or text) is expected.", parameterName),
        };
    }

    private static int[] GroupIds<T>(IDataView data, DataViewSchema.Column column)
        where T : notnull
    {
        var ids = new Dictionary<T, int>();
        var rows = new List<int>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (!ids.TryGetValue(value, out int id))
            {
                id = ids.Count;
                ids.Add(value, id);
            }

            rows.Add(id);
        }

        return rows.ToArray();
    }
}
