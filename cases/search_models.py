"""The words of every Name, one row each, so that search finds its candidates through indexes."""

from django.db import models


class SearchWord(models.Model):
    """One folded word of a Name (`names.name_words`), a run of Han characters being one.

    Written only by `search.index_names`, whenever a Name is saved; deleted with its Name. The
    public search joins it to Name and Case, so a hidden name or an unpublished case is never a
    result, whatever rows are here.
    """

    name = models.ForeignKey("cases.Name", on_delete=models.CASCADE, related_name="search_words")
    word = models.CharField(max_length=200)
    # Compared across scripts only (`names.rough_form`): a Han word's reading, or a word's stem.
    rough = models.CharField(max_length=200, blank=True)
    han = models.BooleanField(default=False)
    # The word's place in the name (null in rows written before migration 0022).
    position = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            # varchar_pattern_ops on PostgreSQL, so that LIKE 'word%' uses it whatever the
            # collation; other databases ignore the operator class.
            models.Index(
                fields=["word"], name="cases_searchword_word", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["rough", "han"], name="cases_searchword_rough"),
        ]

    def __str__(self):
        return self.word
