"""Demo data: what one Associated Press story of early 2019 states, plus a few example reports.

Only what the story says is stored. Where it is vague ("last year", "recently"), the
vagueness is stored as an approximate date and said in words; nothing is filled in.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction

from cases import services
from cases.dates import Precision
from cases.models import (
    Case,
    Citation,
    Consent,
    Event,
    Name,
    Report,
    Situation,
    Source,
    Verification,
)

AP_TITLE = (
    "Kazakhstan says China is allowing more than 2,000 ethnic Kazakhs "
    "to abandon their Chinese citizenship and leave the country"
)

CAPTION_LOCATOR = "caption of the photo dated Dec. 8, 2018 (AP Photo/Dake Kang)"
CAPTION_EXCERPT = (
    "Yergazy says two of his little brothers were arrested and taken to internment camps "
    "last year, and that one was recently released from the camps but is unable to leave China."
)

# The story names the brothers only through the farmer, Adilgazy Yergazy: Yergazy is the family
# name they share, the one a relative or a journalist searches for, given here as the story spells
# it and in Kazakh and Russian Cyrillic. Under their consent no given name of theirs is published.
FAMILY_NAMES = [
    ("Yergazy", Name.Kind.KNOWN_AS),
    ("Ерғазы", Name.Kind.TRANSLITERATION),
    ("Ергазы", Name.Kind.TRANSLITERATION),
]

EXAMPLE_REPORTS = [
    {
        "name": "Example Person One",
        "narrative": "Example report for trying out moderation. Not a real person.",
        "language": "en",
        "consent": Consent.PUBLIC_NAMED,
    },
    {
        "name": "Мысал Адам (example)",
        "narrative": "Мысал есеп: модерацияны сынауға арналған. Нақты адам емес.",
        "language": "kk",
        "consent": Consent.PUBLIC_ANONYMOUS,
    },
    {
        "name": "Example Person Three",
        "narrative": "Example report kept for office records only. Not a real person.",
        "language": "ru",
        "consent": Consent.INTERNAL,
    },
]


class Command(BaseCommand):
    help = "Load the demo record once (safe to run again: it does nothing the second time)."

    def handle(self, *args, **options):
        if Source.objects.filter(publisher="The Associated Press", title=AP_TITLE).exists():
            self.stdout.write("Demo data is already loaded.")
            return
        with transaction.atomic():
            source = self.create_source()
            for case in self.create_brothers(source):
                services.publish_case(case=case, by=None)
            self.create_example_reports()
        self.stdout.write(self.style.SUCCESS("Demo data loaded: 2 published cases, 3 reports."))

    def create_source(self):
        return Source.objects.create(
            kind=Source.Kind.NEWS,
            title=AP_TITLE,
            publisher="The Associated Press",
            author="Photos: Dake Kang (AP Photo); the writer is not named in the copy held",
            language="en",
            # The copy held has no dateline; its photos are dated Dec. 7 and 8, 2018 and it
            # speaks of December in the past tense, so it appeared about the turn of 2019.
            published_date=date(2019, 1, 1),
            published_date_precision=Precision.ABOUT_YEAR,
            notes=(
                "The copy held by the office carries no headline and no date; the title shown "
                "is the story's first sentence. Its photos are dated Dec. 7 and Dec. 8, 2018."
            ),
        )

    def create_brothers(self, source):
        detained = self.create_brother(
            source,
            display_name="Younger brother of Adilgazy Yergazy (detained)",
            situation=Situation.DETAINED_CAMP,
            situation_date=date(2017, 1, 1),
            summary=(
                "One of two younger brothers of Adilgazy Yergazy, a farmer in a village near "
                "Almaty. His brother says he was arrested and taken to an internment camp "
                "“last year”, said in a caption of a photo taken on Dec. 8, 2018, so probably "
                "in 2017. The story does not name him or say where he is held."
            ),
            claim="Arrested and taken to an internment camp, probably in 2017 (“last year”).",
        )
        released = self.create_brother(
            source,
            display_name="Younger brother of Adilgazy Yergazy (released)",
            situation=Situation.RELEASED_RESTRICTED,
            situation_date=date(2018, 1, 1),
            summary=(
                "The other younger brother of Adilgazy Yergazy. His brother says he too was "
                "arrested and taken to an internment camp “last year”, was recently released "
                "(before December 2018), and is unable to leave China. The story does not "
                "name him."
            ),
            claim="Released from the camps before December 2018, but unable to leave China.",
        )
        self.add_event(released, Event.Kind.RELEASED, date(2018, 1, 1), "Released “recently”.")
        self.add_event(
            released, Event.Kind.TRAVEL_RESTRICTED, None, "Unable to leave China.", source
        )
        return [detained, released]

    def create_brother(self, source, *, display_name, situation, situation_date, summary, claim):
        case = Case.objects.create(
            display_name=display_name,
            public_summary=summary,
            situation=situation,
            situation_date=situation_date,
            situation_date_precision=Precision.ABOUT_YEAR,
            last_known_place="Xinjiang, China",
            verification=Verification.TESTIMONY,
            verification_reason="His elder brother's account as reported by the Associated Press.",
            consent=Consent.PUBLIC_ANONYMOUS,
        )
        for text, kind in FAMILY_NAMES:
            Name.objects.create(case=case, text=text, kind=kind, is_public=True)
        Citation.objects.create(
            case=case, source=source, claim=claim, locator=CAPTION_LOCATOR, excerpt=CAPTION_EXCERPT
        )
        self.add_event(
            case,
            Event.Kind.DETAINED,
            date(2017, 1, 1),
            "Arrested and taken to an internment camp “last year”.",
            source,
        )
        return case

    def add_event(self, case, kind, when, text, source=None):
        Event.objects.create(
            case=case,
            kind=kind,
            date=when,
            date_precision=Precision.ABOUT_YEAR,
            public_text=text,
            source=source,
        )

    def create_example_reports(self):
        for example in EXAMPLE_REPORTS:
            case = Case.objects.create(consent=example["consent"])
            Name.objects.create(case=case, text=example["name"])
            report = Report(
                case=case,
                relationship=Report.Relationship.SIBLING,
                submitter_name="Example Relative",
                narrative=example["narrative"],
                language=example["language"],
                consent=example["consent"],
            )
            report.issue_receipt()
            report.save()
