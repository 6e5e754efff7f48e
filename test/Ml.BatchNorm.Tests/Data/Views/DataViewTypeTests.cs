using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data.Views;

[TestClass]
public sealed class DataViewTypeTests
{
    [TestMethod]
    public void NumberTypesKnowTheirRawTypesAndNames()
    {
        Assert.AreEqual(typeof(float), NumberDataViewType.Single.RawType);
        Assert.AreEqual(typeof(double), NumberDataViewType.Double.RawType);
        Assert.AreEqual(typeof(int), NumberDataViewType.Int32.RawType);
        Assert.AreEqual(typeof(long), NumberDataViewType.Int64.RawType);
        Assert.AreEqual(typeof(uint), NumberDataViewType.UInt32.RawType);
        Assert.AreEqual(typeof(byte), NumberDataViewType.Byte.RawType);
        Assert.AreEqual("Single", NumberDataViewType.Single.ToString());
        Assert.AreEqual("UInt32", NumberDataViewType.UInt32.ToString());
        Assert.AreEqual(typeof(bool), BooleanDataViewType.Instance.RawType);
        Assert.AreEqual(typeof(string), TextDataViewType.Instance.RawType);
        Assert.AreEqual("Boolean", BooleanDataViewType.Instance.ToString());
        Assert.AreEqual("String", TextDataViewType.Instance.ToString());
    }

    [TestMethod]
    public void VectorTypesPrintSizeAndCompareByValue()
    {
        var image = new VectorDataViewType(NumberDataViewType.Single, 784);

        Assert.AreEqual("Vector<Single, 784>", image.ToString());
        Assert.AreEqual("Vector<Double>", new VectorDataViewType(NumberDataViewType.Double).ToString());
        Assert.AreEqual(typeof(VBuffer<float>), image.RawType);
        Assert.IsTrue(image.IsKnownSize);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 784), image);
        Assert.AreNotEqual(new VectorDataViewType(NumberDataViewType.Single, 783), image);
        Assert.AreNotEqual(new VectorDataViewType(NumberDataViewType.Double, 784), (DataViewType)image);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new VectorDataViewType(NumberDataViewType.Single, -1));
    }

    [TestMethod]
    public void KeyTypesPrintTheirRangeAndCheckNames()
    {
        var key = new KeyDataViewType(10, IdxDataFolder.FashionMnistLabelNames);

        Assert.AreEqual("Key<UInt32, 0-9>", key.ToString());
        Assert.AreEqual(typeof(uint), key.RawType);
        Assert.AreEqual(10, key.Count);
        Assert.AreEqual("Ankle boot", key.KeyNames![9]);
        Assert.AreEqual(new KeyDataViewType(10), key);
        Assert.IsNull(new KeyDataViewType(3).KeyNames);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new KeyDataViewType(0));
        var error = Assert.ThrowsExactly<ArgumentException>(() => new KeyDataViewType(3, ["a", "b"]));
        StringAssert.Contains(error.Message, "holds 2 names");
    }

    [TestMethod]
    public void VBufferWrapsAndPrintsAShortForm()
    {
        var buffer = new VBuffer<float>([0f, 0.5f, 1f, 2f, 3f, 4f, 5f]);

        Assert.AreEqual(7, buffer.Length);
        Assert.AreEqual(0.5f, buffer.GetValues()[1]);
        Assert.AreEqual("[0, 0.5, 1, 2, 3, … (7 values)]", buffer.ToString());
        Assert.AreEqual("[1, 2]", new VBuffer<int>([1, 2]).ToString());
        Assert.AreEqual(0, default(VBuffer<float>).GetValues().Length);
        Assert.AreEqual(2, new VBuffer<float>([1f, 2f, 3f], 2).ToArray().Length);
    }
}
