"""The Atom feed of newly published cases: public fields only, through published()."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _

from .models import Case

FEED_LENGTH = 50


class NewCasesFeed(Feed):
    feed_type = Atom1Feed
    subtitle = _("Cases of people detained or missing in Xinjiang, newest first.")

    def title(self):
        return _("%(site)s: newly published cases") % {"site": settings.SITE_NAME}

    def link(self):
        return reverse("cases:case_list")

    def items(self):
        return Case.objects.published().order_by("-published_at", "-pk")[:FEED_LENGTH]

    def item_title(self, case):
        return case.display_name

    def item_description(self, case):
        """Atom readers render the summary as HTML: escape it, keep its paragraphs."""
        return linebreaks(case.public_summary, autoescape=True)

    def item_pubdate(self, case):
        return case.published_at

    def item_updateddate(self, case):
        return case.public_updated_at

    def item_categories(self, case):
        return [case.get_situation_display()]
