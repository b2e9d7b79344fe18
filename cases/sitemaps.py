"""The sitemap: public pages in every language, each listing its translations (hreflang)."""

from collections.abc import Sequence

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse

from .models import Case, Source

# 50,000 URLs per file is the protocol's limit; each of ours carries five alternates.
URLS_PER_FILE = 10_000


class ItemsInEveryLanguage(Sequence):
    """(item, language) pairs of a queryset, fetched a slice at a time.

    Django's i18n sitemap builds this list whole, reading every row to count pages; with many
    cases, the sitemap index would then read every case only to say how many files there are.
    """

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, list(languages)

    def __len__(self):
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        # The paginator asks for plain, non-negative slices; counting again would cost a query.
        start = index.start or 0
        stop = len(self) if index.stop is None else index.stop
        per_item = len(self.languages)
        first, last = start // per_item, -(-stop // per_item)
        pairs = [
            (item, language) for item in self.queryset[first:last] for language in self.languages
        ]
        return pairs[start - first * per_item : stop - first * per_item]


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    limit = URLS_PER_FILE


class QuerySetSitemap(PublicSitemap):
    """A sitemap of rows: counted and sliced in the database, not read whole."""

    @property
    def paginator(self):
        return Paginator(ItemsInEveryLanguage(self.items(), self._languages()), self.limit)


class PageSitemap(PublicSitemap):
    """The pages that are not one row: home, lists, statistics, about."""

    def items(self):
        return ["cases:home", "cases:case_list", "cases:source_list", "cases:stats", "cases:about"]

    def location(self, name):
        return reverse(name)


class CaseSitemap(QuerySetSitemap):
    def items(self):
        return Case.objects.published().only("reference", "public_updated_at").order_by("pk")

    def lastmod(self, case):
        return case.public_updated_at

    def get_latest_lastmod(self):
        """One aggregate rather than reading every case (Django's default)."""
        return Case.objects.published().aggregate(latest=Max("public_updated_at"))["latest"]


class SourceSitemap(QuerySetSitemap):
    def items(self):
        return Source.objects.public().only("pk").order_by("pk")


SITEMAPS = {"pages": PageSitemap, "cases": CaseSitemap, "sources": SourceSitemap}
