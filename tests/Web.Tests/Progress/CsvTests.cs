using CivicContracting.Web.Progress;

namespace CivicContracting.Web.Tests.Progress;

/// <summary>The RFC 4180 reader on its own.</summary>
public sealed class CsvTests
{
    [Fact]
    public void Quoted_fields_hold_delimiters_doubled_quotes_and_line_breaks_and_every_line_ending_ends_a_record()
    {
        var records = Csv.Parse("a,b,c\r\n1,\"x, \"\"y\"\"\r\nz\",\n2,,\"\"\r3", ',');

        Assert.Equal([1, 2, 4, 5], records.Select(r => r.Line));
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["1", "x, \"y\"\r\nz", ""], records[1].Fields);
        Assert.Equal(["2", "", ""], records[2].Fields);
        Assert.Equal(["3"], records[3].Fields);
        Assert.Empty(Csv.Parse("", ','));
        Assert.Single(Csv.Parse("a,b\n", ','));
        Assert.True(Csv.Parse("a\n,,\n", ',')[1].IsBlank);
    }

    [Theory]
    [InlineData("a,b\n1,\"open", 2)]
    [InlineData("a,b\n1,\"closed\"x\n", 2)]
    [InlineData("a,b\n\n1,un\"quoted\n", 3)]
    public void Broken_quoting_is_an_error_naming_the_line(string text, int line)
    {
        var error = Assert.Throws<CsvFormatException>(() => Csv.Parse(text, ','));
        Assert.Equal(line, error.Line);
    }

    [Theory]
    [InlineData("commitmentId;value;note\n", ';')]
    [InlineData("commitmentId,value\n", ',')]
    [InlineData("commitmentId;value,note\n", ',')]
    [InlineData("commitmentId", ',')]
    public void The_delimiter_is_a_comma_unless_the_header_has_only_semicolons(string text, char delimiter) =>
        Assert.Equal(delimiter, Csv.DetectDelimiter(text));
}
