using System.Globalization;
using System.Runtime.CompilerServices;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// The original values behind a key type: key k stands for <c>Values[k - 1]</c>. MapValueToKey attaches them to
/// the key type it makes and MapKeyToValue reads them back.
/// </summary>
/// <remarks>
/// They ride on the key type instance (ML.NET's "key values" annotation) in a weak table rather than in
/// <see cref="KeyDataViewType"/> itself, which belongs to the data layer and has no annotations. Schemas pass
/// column types through by reference, so the values follow the key column through every view.
/// </remarks>
internal sealed record KeyValues(PrimitiveDataViewType ValueType, Array Values)
{
    private static readonly ConditionalWeakTable<KeyDataViewType, KeyValues> Attached = new();

    /// <summary>A new key type over <paramref name="values"/>, named by their invariant texts, with the values attached.</summary>
    public static KeyDataViewType CreateKeyType(PrimitiveDataViewType valueType, Array values)
    {
        var names = new string[values.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = Convert.ToString(values.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty;
        }

        var key = new KeyDataViewType(values.Length, names);
        Attached.Add(key, new KeyValues(valueType, values));
        return key;
    }

    /// <summary>A new key type with <paramref name="keyNames"/> and, when given, <paramref name="values"/> attached.</summary>
    public static KeyDataViewType CreateKeyType(IReadOnlyList<string> keyNames, KeyValues? values)
    {
        var key = new KeyDataViewType(keyNames.Count, keyNames);
        if (values is not null)
        {
            Attached.Add(key, values);
        }

        return key;
    }

    /// <summary>The values attached to <paramref name="key"/>, or null.</summary>
    public static KeyValues? Of(KeyDataViewType key) => Attached.TryGetValue(key, out var values) ? values : null;
}
