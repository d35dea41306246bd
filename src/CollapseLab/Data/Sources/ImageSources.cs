using CollapseLab.Data.Images;
using CollapseLab.Random;
using CollapseLab.Specs;

namespace CollapseLab.Data.Sources;

/// <summary>
/// Image data sets in IDX files. <c>fashion-mnist</c> reads Debian's dataset-fashion-mnist (or <c>folder</c>);
/// <c>idx:path</c> (or <c>source: idx</c> with <c>path:</c>) reads any IDX image file (MNIST's own), with optional <c>labels</c>, <c>test_images</c> and
/// <c>test_labels</c>; without test files, <c>test</c> images are held out of the training file by a seeded split.
/// Options: <c>train</c> (pool size per replicate), <c>test</c> (test images), <c>binarize</c> (pixels ≥ ½ → 1).
/// </summary>
public static class ImageSources
{
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist/";

    public static Func<ulong, ExperimentData> ReadFashionMnist(SpecReader data, string argument, string baseDirectory)
    {
        var folder = SourcePaths.Resolve(data.String("folder", FashionMnistFolder), baseDirectory);
        data.Resolved["folder"] = folder;
        string File(string stem)
        {
            foreach (var name in new[] { stem + ".gz", stem })
            {
                var path = Path.Combine(folder, name);
                if (System.IO.File.Exists(path))
                {
                    return path;
                }
            }
            var hint = folder.TrimEnd('/') == FashionMnistFolder.TrimEnd('/')
                ? "install Debian's package with 'apt-get install dataset-fashion-mnist'"
                : "set data.folder to a folder holding the four Fashion-MNIST IDX files";
            throw data.Error(data.Has("folder") ? "folder" : "source", $"Fashion-MNIST file {Path.Combine(folder, stem + ".gz")} not found; {hint}.");
        }
        var files = new IdxFiles(File("train-images-idx3-ubyte"), File("train-labels-idx1-ubyte"), File("t10k-images-idx3-ubyte"), File("t10k-labels-idx1-ubyte"));
        return Build(data, files, "Fashion-MNIST", requiredSide: 28);
    }

    public static Func<ulong, ExperimentData> ReadIdx(SpecReader data, string path, string baseDirectory)
    {
        string? Optional(string key)
        {
            var value = data.OptionalString(key);
            if (value is null)
            {
                return null;
            }
            var full = SourcePaths.Resolve(value, baseDirectory);
            data.Resolved[key] = full;
            return full;
        }
        var images = SourcePaths.Resolve(path, baseDirectory);
        data.Resolved["source"] = $"idx:{images}";
        var files = new IdxFiles(images, Optional("labels"), Optional("test_images"), Optional("test_labels"));
        if (files.TestLabels is not null && files.TestImages is null)
        {
            throw data.Error("test_labels", "test labels need test images; add test_images: path or drop test_labels.");
        }
        return Build(data, files, Path.GetFileName(images), requiredSide: 0);
    }

    private sealed record IdxFiles(string TrainImages, string? TrainLabels, string? TestImages, string? TestLabels);

    private static Func<ulong, ExperimentData> Build(SpecReader data, IdxFiles files, string name, int requiredSide)
    {
        var train = Load(data, "source", () => IdxFile.ReadImages(files.TrainImages));
        if (requiredSide > 0 && (train.Rows != requiredSide || train.Columns != requiredSide))
        {
            throw data.Error("source", $"{files.TrainImages} holds images of {train.Rows}×{train.Columns} but {name} images are {requiredSide}×{requiredSide}; the file is not {name}.");
        }
        var trainLabels = files.TrainLabels is null ? null : Load(data, "labels", () => IdxFile.ReadLabels(files.TrainLabels));
        CheckLabels(data, "labels", files.TrainLabels, trainLabels, train.Count);
        var test = files.TestImages is null ? null : Load(data, "test_images", () => IdxFile.ReadImages(files.TestImages));
        if (test is not null && (test.Rows != train.Rows || test.Columns != train.Columns))
        {
            throw data.Error("test_images", $"{files.TestImages} holds images of {test.Rows}×{test.Columns} but the training images ({files.TrainImages}) are {train.Rows}×{train.Columns}; use test images of the same size.");
        }
        var testLabels = files.TestLabels is null ? null : Load(data, "test_labels", () => IdxFile.ReadLabels(files.TestLabels));
        if (test is not null)
        {
            CheckLabels(data, "test_labels", files.TestLabels, testLabels, test.Count);
        }

        var binarize = data.Bool("binarize", false);
        var heldOut = test is null;
        var available = heldOut ? train.Count : test!.Count;
        var testCount = data.Int("test", heldOut ? Math.Min(10_000, train.Count / 6) : available, min: 1, max: heldOut ? train.Count - 1 : available);
        var trainAvailable = heldOut ? train.Count - testCount : train.Count;
        var trainCount = data.Int("train", trainAvailable, min: 1, max: trainAvailable);
        var description = $"{name}: {train.Columns}×{train.Rows} images{(binarize ? ", binarized" : "")}";
        return seed =>
        {
            // Converted here, not above: the spec loader reads the data section of every arm but loads it once.
            var allTrain = ImageData.ToRows(train, train.Count, binarize);
            var allTest = test is null ? null : ImageData.ToRows(test, testCount, binarize);
            if (allTest is not null)
            {
                // The whole training file is the training portion; every seed shares these rows (never mutated).
                return new ImageData(allTrain, trainLabels, allTest, testLabels?[..testCount], train.Columns, train.Rows, trainCount, description);
            }
            // No test file: hold out a seeded sample of the training file.
            var order = new StreamKey(seed, 0, 0, Purpose.Split).Open().Permutation(train.Count);
            var testPick = order[..testCount];
            var trainPick = order[testCount..];
            return new ImageData(
                (RowBatch)allTrain.Compose([new BatchPart(allTrain, trainPick)]), trainLabels is null ? null : trainPick.Select(i => trainLabels[i]).ToArray(),
                (RowBatch)allTrain.Compose([new BatchPart(allTrain, testPick)]), trainLabels is null ? null : testPick.Select(i => trainLabels[i]).ToArray(),
                train.Columns, train.Rows, trainCount, description);
        };
    }

    private static void CheckLabels(SpecReader data, string key, string? path, byte[]? labels, int images)
    {
        if (labels is not null && labels.Length != images)
        {
            throw data.Error(key, $"{path} holds {labels.Length} labels but its images file holds {images} images; give the matching label file.");
        }
    }

    private static T Load<T>(SpecReader data, string key, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw data.Error(key, e.Message);
        }
    }
}
