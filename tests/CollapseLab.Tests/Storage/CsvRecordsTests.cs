using CollapseLab.Storage;

namespace CollapseLab.Tests.Storage;

public sealed class CsvRecordsTests
{
    [Fact]
    public void CsvRecords_ReadQuotedFieldsAcrossLines()
    {
        var text = "arm,sample\nreplace,\"a, \"\"b\"\"\nsecond line\"\r\n\"x\",plain";
        var records = CsvRecords.Records(new StringReader(text)).ToList();
        Assert.Equal(3, records.Count);
        Assert.Equal(["replace", "a, \"b\"\nsecond line"], records[1]);
        Assert.Equal(["x", "plain"], records[2]);
    }
}
