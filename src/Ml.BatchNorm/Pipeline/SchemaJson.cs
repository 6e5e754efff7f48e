using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Column types and schemas as JSON for model manifests: {"kind": "Number", "name": "Single"}, {"kind": "Vector", ...}.</summary>
internal static class SchemaJson
{
    public static JsonNode Write(DataViewType type) => type switch
    {
        NumberDataViewType n => new JsonObject { ["kind"] = "Number", ["name"] = n.ToString() },
        TextDataViewType => new JsonObject { ["kind"] = "Text" },
        BooleanDataViewType => new JsonObject { ["kind"] = "Boolean" },
        KeyDataViewType k => new JsonObject
        {
            ["kind"] = "Key",
            ["count"] = k.Count,
            ["keyNames"] = k.KeyNames is null ? null : new JsonArray(k.KeyNames.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        },
        VectorDataViewType v => new JsonObject { ["kind"] = "Vector", ["item"] = Write(v.ItemType), ["size"] = v.Size },
        ImageDataViewType i => new JsonObject { ["kind"] = "Image", ["height"] = i.Height, ["width"] = i.Width, ["channels"] = i.Channels },
        _ => throw new ArgumentException($"Column type {type} cannot be written to a model file.", nameof(type)),
    };

    public static DataViewType Read(JsonNode node)
    {
        string kind = node["kind"]?.GetValue<string>() ?? throw new JsonException("a column type has no kind");
        return kind switch
        {
            "Number" => node["name"]?.GetValue<string>() switch
            {
                "Single" => NumberDataViewType.Single,
                "Double" => NumberDataViewType.Double,
                "Int32" => NumberDataViewType.Int32,
                "Int64" => NumberDataViewType.Int64,
                "UInt32" => NumberDataViewType.UInt32,
                "Byte" => NumberDataViewType.Byte,
                var other => throw new JsonException($"unknown number type '{other}'"),
            },
            "Text" => TextDataViewType.Instance,
            "Boolean" => BooleanDataViewType.Instance,
            "Key" => new KeyDataViewType(
                node["count"]?.GetValue<int>() ?? throw new JsonException("a key type has no count"),
                node["keyNames"]?.Deserialize<string[]>()),
            "Vector" => new VectorDataViewType(
                Read(node["item"] ?? throw new JsonException("a vector type has no item")) as PrimitiveDataViewType ?? throw new JsonException("a vector item must be primitive"),
                node["size"]?.GetValue<int>() ?? 0),
            "Image" => new ImageDataViewType(
                node["height"]?.GetValue<int>() ?? 0,
                node["width"]?.GetValue<int>() ?? 0,
                node["channels"]?.GetValue<int>() ?? throw new JsonException("an image type has no channels")),
            _ => throw new JsonException($"unknown column kind '{kind}'"),
        };
    }

    public static JsonArray WriteSchema(DataViewSchema schema) =>
        new(schema.Select(c => (JsonNode?)new JsonObject { ["name"] = c.Name, ["type"] = Write(c.Type) }).ToArray());

    public static DataViewSchema ReadSchema(JsonArray columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in columns)
        {
            builder.AddColumn(
                column?["name"]?.GetValue<string>() ?? throw new JsonException("a schema column has no name"),
                Read(column["type"] ?? throw new JsonException("a schema column has no type")));
        }

        return builder.ToSchema();
    }
}
