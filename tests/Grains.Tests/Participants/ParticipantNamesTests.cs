using CivicContracting.Participants;

namespace CivicContracting.Grains.Tests.Participants;

/// <summary>Names that a reader cannot tell apart fold to one skeleton; different names do not.</summary>
public sealed class ParticipantNamesTests
{
    [Theory]
    [InlineData("stad  leuven.")]
    [InlineData("STAD LEUVEN")]
    [InlineData("Stad-Leuven!")]
    [InlineData("Stad Léuven")]
    [InlineData("Stad Leuv\u0435n")] // Cyrillic е
    [InlineData("\u0405tad Leuven")] // Cyrillic Ѕ
    [InlineData("Stad\u200B Leuven")] // zero-width space
    [InlineData("Stad 1euven")]
    [InlineData("Ｓｔａｄ Ｌｅｕｖｅｎ")] // full-width
    public void A_look_alike_of_a_name_has_its_skeleton(string lookAlike) =>
        Assert.Equal(ParticipantNames.Skeleton("Stad Leuven"), ParticipantNames.Skeleton(lookAlike));

    [Theory]
    [InlineData("Stad Leuven", "Stad Aarschot")]
    [InlineData("Stad Leuven", "Stad Leuven Noord")]
    [InlineData("KU Leuven", "UZ Leuven")]
    public void Different_names_keep_different_skeletons(string a, string b) =>
        Assert.NotEqual(ParticipantNames.Skeleton(a), ParticipantNames.Skeleton(b));

    [Fact]
    public void A_name_without_letters_or_digits_has_an_empty_skeleton_and_a_long_one_is_cut() =>
        Assert.Equal((0, ParticipantNames.MaxSkeletonLength), (ParticipantNames.Skeleton(" .-!? ").Length, ParticipantNames.Skeleton(new string('a', 500)).Length));
}
