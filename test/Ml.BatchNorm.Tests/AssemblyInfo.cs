// Native work uses all cores already; running test classes in parallel would only contend.
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]
