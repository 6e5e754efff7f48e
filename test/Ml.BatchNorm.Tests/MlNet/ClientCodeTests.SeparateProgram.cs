using System.Globalization;
using System.Xml.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ml.BatchNorm.Tests.MlNet;

/// <summary>
/// The saved model in a program that references only Microsoft.ML, Microsoft.ML.OnnxTransformer and
/// Microsoft.ML.OnnxRuntime (built and run in a temporary folder): it loads the file, evaluates the test rows,
/// prints its metrics and writes its predictions, which must equal in-process scoring.
/// </summary>
public sealed partial class ClientCodeTests
{
    private const string ProgramSource = """
        using System.Globalization;
        using Microsoft.ML;
        using Microsoft.ML.Data;

        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(args[0], out _);
        var rows = new List<Digit>();
        using (var reader = new BinaryReader(File.OpenRead(args[1])))
        {
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                var row = new Digit { Label = reader.ReadUInt32(), Features = new float[784] };
                for (int p = 0; p < 784; p++) row.Features[p] = reader.ReadSingle();
                rows.Add(row);
            }
        }

        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"micro accuracy {metrics.MicroAccuracy:F4}, macro accuracy {metrics.MacroAccuracy:F4}, log loss {metrics.LogLoss:F4}"));
        Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());
        using var output = new StreamWriter(args[2]);
        foreach (var p in ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false))
        {
            output.WriteLine(string.Join(' ', new[] { p.PredictedLabel.ToString(CultureInfo.InvariantCulture) }.Concat(p.Score.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))));
        }

        public sealed class Digit
        {
            [VectorType(784)] public float[] Features { get; set; } = [];
            public uint Label { get; set; }
        }

        public sealed class Prediction
        {
            public uint PredictedLabel { get; set; }
            public float[] Score { get; set; } = [];
        }
        """;

    [TestMethod]
    public void AProgramWithoutThisLibraryScoresTheSavedModelIdentically()
    {
        var rows = Digits.Rows(FashionMnist.Test, 500);
        string root = Runtime.ConsumerProject.RepositoryRoot();
        string folder = _folder.File("client");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(root, "nuget.config"), Path.Combine(folder, "nuget.config"));
        File.WriteAllText(Path.Combine(folder, "Program.cs"), ProgramSource);
        var versions = XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        string[] packages = ["Microsoft.ML", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime"];
        File.WriteAllText(Path.Combine(folder, "Client.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                {string.Join("\n    ", packages.Select(p => $"<PackageReference Include=\"{p}\" Version=\"{versions[p]}\" />"))}
              </ItemGroup>
            </Project>
            """);
        string rowsPath = Path.Combine(folder, "rows.bin");
        using (var writer = new BinaryWriter(File.Create(rowsPath)))
        {
            writer.Write(rows.Length);
            foreach (var row in rows)
            {
                writer.Write(row.Label);
                foreach (float v in row.Features)
                {
                    writer.Write(v);
                }
            }
        }

        string predictionsPath = Path.Combine(folder, "predictions.txt");
        string output = Runtime.ConsumerProject.Dotnet(folder, "run", "-c", "Release", "--", _modelPath, rowsPath, predictionsPath);
        StringAssert.Contains(output, "micro accuracy");

        var expected = _model.Transform(_ml.Data.LoadFromEnumerable(rows));
        var expectedLabels = expected.GetColumn<uint>("PredictedLabel").ToArray();
        var expectedScores = expected.GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        var lines = File.ReadAllLines(predictionsPath).Select(l => l.Split(' ')).ToArray();
        CollectionAssert.AreEqual(expectedLabels, lines.Select(l => uint.Parse(l[0], CultureInfo.InvariantCulture)).ToArray());
        var scores = lines.SelectMany(l => l.Skip(1).Select(s => float.Parse(s, CultureInfo.InvariantCulture))).ToArray();
        Assert.IsLessThanOrEqualTo(1e-5, RelativeError(scores, expectedScores));
    }
}
