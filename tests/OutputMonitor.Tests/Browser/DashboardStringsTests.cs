using System.Text.RegularExpressions;
using OutputMonitor.Tests.Support;

namespace OutputMonitor.Tests.Browser;

/// <summary>The dashboards' i18n tables in Web/wwwroot/js/common.js: complete in both languages, and holding every key the pages name.</summary>
public sealed partial class DashboardStringsTests
{
    private static readonly string Wwwroot = Path.Combine(WebProduct.RepositoryRoot, "Web", "wwwroot");

    [Fact]
    public void Chinese_and_English_have_the_same_keys_each_once()
    {
        var zh = Table("zh");
        var en = Table("en");

        Assert.NotEmpty(zh);
        Assert.Equal(zh.Distinct().Count(), zh.Count);
        Assert.Equal(en.Distinct().Count(), en.Count);
        Assert.Empty(zh.Except(en));
        Assert.Empty(en.Except(zh));
    }

    [Fact]
    public void Every_key_the_pages_name_literally_is_in_the_tables()
    {
        var keys = Table("zh").ToHashSet();
        var named = Directory.EnumerateFiles(Wwwroot, "*.html")
            .Concat(Directory.EnumerateFiles(Path.Combine(Wwwroot, "js"), "*.js"))
            .SelectMany(file => KeyUse().Matches(File.ReadAllText(file)).Select(match => (file: Path.GetFileName(file), key: match.Groups["key"].Value)));

        Assert.Empty(named.Where(use => !keys.Contains(use.key)).Distinct());
    }

    /// <summary>The keys of one language's table, in order, duplicates included.</summary>
    private static List<string> Table(string language)
    {
        var source = File.ReadAllText(Path.Combine(Wwwroot, "js", "common.js"));
        var table = Regex.Match(source, $@"^  {language}: \{{\n(?<body>.*?)^  \}},", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(table.Success, $"no '{language}' table in common.js");
        return [.. TableKey().Matches(table.Groups["body"].Value).Select(match => match.Groups["key"].Value)];
    }

    [GeneratedRegex(@"^    '(?<key>[^']+)':", RegexOptions.Multiline)]
    private static partial Regex TableKey();

    /// <summary><c>t('key'</c> in scripts, <c>data-i18n…="key"</c> in pages, <c>i18n…: 'key'</c> in datasets built by scripts.</summary>
    [GeneratedRegex(@"(?:\bt\('|data-i18n(?:-placeholder|-title)?=""|\bi18n(?:Placeholder|Title)?: ')(?<key>[a-zA-Z]+\.[\w.]+)")]
    private static partial Regex KeyUse();
}
