"""The record: cases (people), their names, relatives' reports, photos, and the coverage cited."""

import hashlib

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from . import contacts, names
from .codes import new_receipt_code, normalise_code
from .dates import Precision, format_fuzzy_date
from .fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField
from .storage import private_storage


class Consent(models.TextChoices):
    INTERNAL = "internal", _("Office records only")
    PARTNERS = "partners", _("May be shared in confidence with partner organisations")
    PUBLIC_ANONYMOUS = "public_anonymous", _("May be published without the legal name")
    PUBLIC_NAMED = "public_named", _("May be published with the name")

    @classmethod
    def public_levels(cls):
        return [cls.PUBLIC_ANONYMOUS, cls.PUBLIC_NAMED]

    @classmethod
    def most_restrictive(cls, *levels):
        """When relatives disagree, the case follows the one who allowed least."""
        order = list(cls.values)
        return min(levels, key=order.index)


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    UNKNOWN = "unknown", _("not known")


class Ethnicity(models.TextChoices):
    KAZAKH = "kazakh", pgettext_lazy("ethnicity", "Kazakh")
    UYGHUR = "uyghur", pgettext_lazy("ethnicity", "Uyghur")
    KYRGYZ = "kyrgyz", pgettext_lazy("ethnicity", "Kyrgyz")
    HUI = "hui", pgettext_lazy("ethnicity", "Hui")
    UZBEK = "uzbek", pgettext_lazy("ethnicity", "Uzbek")
    TATAR = "tatar", pgettext_lazy("ethnicity", "Tatar")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("not known")


class Prefecture(models.TextChoices):
    """Prefecture-level divisions of Xinjiang, where a person's hometown lies."""

    URUMQI = "urumqi", _("Ürümqi")
    KARAMAY = "karamay", _("Karamay")
    TURPAN = "turpan", _("Turpan")
    HAMI = "hami", _("Hami (Kumul)")
    CHANGJI = "changji", _("Changji")
    BORTALA = "bortala", _("Bortala")
    BAYINGOLIN = "bayingolin", _("Bayingolin")
    AKSU = "aksu", _("Aksu")
    KIZILSU = "kizilsu", _("Kizilsu")
    KASHGAR = "kashgar", _("Kashgar")
    HOTAN = "hotan", _("Hotan")
    ILI = "ili", _("Ili")
    TACHENG = "tacheng", _("Tacheng (Tarbagatai)")
    ALTAY = "altay", _("Altay")
    OTHER = "other", _("elsewhere")
    UNKNOWN = "unknown", _("not known")


class Situation(models.TextChoices):
    DETAINED_CAMP = "detained_camp", _("detained in a camp")
    IMPRISONED = "imprisoned", _("imprisoned or sentenced")
    MISSING = "missing", _("missing")
    RELEASED_RESTRICTED = "released_restricted", _("released, but not allowed to leave China")
    RELEASED = "released", _("released")
    DECEASED = "deceased", _("deceased")
    UNKNOWN = "unknown", _("not known")

    @classmethod
    def needing_citation(cls):
        """Grave claims that staff may set only with a cited source (DESIGN.md)."""
        return [cls.IMPRISONED, cls.DECEASED]


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("not yet verified")
    TESTIMONY = "testimony", _("relative's testimony")
    DOCUMENTS = "documents", _("documents seen by the office")
    CORROBORATED = "corroborated", _("corroborated by independent sources")


class CaseStatus(models.TextChoices):
    """A case's moderation status (Case.Status); module-level so that Meta can name it."""

    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")


# What "published" means, once: staff published the case, so it has its public reference.
# Read by the index condition, the QuerySets (published_condition) and Case.is_published.
PUBLISHED_LOOKUPS = (("status", CaseStatus.PUBLISHED), ("reference__isnull", False))


def published_condition(prefix: str = "") -> models.Q:
    """PUBLISHED_LOOKUPS as a filter; `prefix` reaches the case through a relation ("case__")."""
    return models.Q(**{f"{prefix}{lookup}": value for lookup, value in PUBLISHED_LOOKUPS})


def _holds(instance, lookup: str, value) -> bool:
    """One of PUBLISHED_LOOKUPS (an exact value or __isnull) evaluated on a loaded instance."""
    field, _sep, operator = lookup.partition("__")
    current = getattr(instance, field)
    return (current is None) == value if operator == "isnull" else current == value


class CaseQuerySet(models.QuerySet):
    def published(self):
        """The only cases any public page, feed, sitemap, export or search may read."""
        return self.filter(published_condition())


class Case(models.Model):
    """One missing or detained person: the record staff curate from relatives' reports."""

    Status = CaseStatus

    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    reference = models.CharField(
        _("public reference"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Assigned at first publication; never reused."),
    )

    display_name = models.CharField(
        _("public display name"),
        max_length=200,
        blank=True,
        help_text=_("As shown publicly: a name, a pseudonym or initials, as consent allows."),
    )
    public_summary = models.TextField(_("public summary"), blank=True)
    summary_language = models.CharField(
        _("language of the public summary"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    # Staff-written translations of the public summary, by language code. Kept on the case
    # itself so that a case page needs no query more for them.
    summary_translations = models.JSONField(
        _("translations of the summary"), default=dict, blank=True
    )

    sex = models.CharField(_("sex"), max_length=8, choices=Sex, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("birth date precision"), max_length=12, choices=Precision, default=Precision.YEAR
    )
    ethnicity = models.CharField(
        _("ethnicity"), max_length=12, choices=Ethnicity, default=Ethnicity.UNKNOWN
    )
    hometown_prefecture = models.CharField(
        _("hometown prefecture"), max_length=12, choices=Prefecture, default=Prefecture.UNKNOWN
    )
    hometown_detail = models.CharField(_("hometown county or village"), max_length=200, blank=True)

    situation = models.CharField(
        _("situation"), max_length=24, choices=Situation, default=Situation.UNKNOWN, db_index=True
    )
    situation_date = models.DateField(_("situation since"), null=True, blank=True)
    situation_date_precision = models.CharField(
        _("situation date precision"), max_length=12, choices=Precision, default=Precision.YEAR
    )
    last_known_place = models.CharField(_("last known place"), max_length=200, blank=True)

    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification, default=Verification.UNVERIFIED
    )
    verification_reason = models.TextField(_("why this verification level"), blank=True)

    consent = models.CharField(
        _("publication consent"), max_length=20, choices=Consent, default=Consent.INTERNAL
    )
    photo_consent = models.BooleanField(_("photos may be published"), default=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Public timestamps are cut to the minute, and this one moves only when something the public
    # sees of the case changes (cases/publicity.py): a poller must not learn of private edits.
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    public_updated_at = models.DateTimeField(
        _("publicly updated"), null=True, blank=True, editable=False
    )

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # MIN and MAX of it bound the public year filter (public.situation_years).
            models.Index(
                fields=["situation_date"],
                condition=published_condition(),
                name="case_published_situation_date",
            ),
        ]
        permissions = [
            ("publish_case", _("Can publish, unpublish and hide cases")),
            ("merge_case", _("Can merge duplicate cases")),
        ]

    def __str__(self):
        return self.display_name or self.reference or _("case #%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        """Never write public_updated_at back: only cases/publicity.py sets it, by update().

        An instance loaded before a public change of its names or citations holds an older time;
        saving it whole would move the public "updated" time back.
        """
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "public_updated_at"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:case_detail", kwargs={"reference": self.reference})

    def summary_for(self, language: str) -> tuple[str, str | None]:
        """The public summary in `language` if staff wrote one, and the language it was
        translated from (None when shown as written)."""
        if language != self.summary_language:
            translated = self.summary_translations.get(language, "").strip()
            if translated:
                return translated, self.summary_language
        return self.public_summary, None

    @property
    def is_published(self):
        """What Case.objects.published() selects, read from this instance's own fields."""
        return all(_holds(self, lookup, value) for lookup, value in PUBLISHED_LOOKUPS)

    @property
    def consent_allows_publication(self):
        return self.consent in Consent.public_levels()

    @property
    def situation_since(self):
        return format_fuzzy_date(self.situation_date, self.situation_date_precision)

    @property
    def birth_year_precision(self) -> str | None:
        """Only the year of birth is ever shown: a full date would help an adversary identify
        the family. Whether that year is itself approximate; None when no birth date is known."""
        if self.birth_date is None:
            return None
        if self.birth_date_precision == Precision.ABOUT_YEAR:
            return Precision.ABOUT_YEAR
        return Precision.YEAR

    @property
    def born(self):
        """The year of birth, at birth_year_precision."""
        return format_fuzzy_date(self.birth_date, self.birth_year_precision or Precision.YEAR)


class NameQuerySet(models.QuerySet):
    def public(self):
        """Spellings staff marked as shown: the only names public pages and search may read."""
        return self.filter(is_public=True)


class Name(models.Model):
    """One spelling of a person's name, in one script, with its folded search key."""

    class Kind(models.TextChoices):
        LEGAL = "legal", _("legal name")
        KNOWN_AS = "known_as", _("known as")
        TRANSLITERATION = "transliteration", _("transliteration")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="names", verbose_name=_("case")
    )
    text = models.CharField(pgettext_lazy("of a person", "name"), max_length=200)
    script = models.CharField(_("script"), max_length=12, choices=names.Script, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.LEGAL)
    is_public = models.BooleanField(
        _("shown publicly"),
        default=False,
        help_text=_("Only when consent allows the name to be published."),
    )
    key = models.CharField(_("search key"), max_length=1000, editable=False, db_index=True)

    objects = NameQuerySet.as_manager()

    class Meta:
        verbose_name = _("name")
        verbose_name_plural = _("names")
        ordering = ["id"]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        self.refresh_search_fields()
        fresh = self._state.adding
        super().save(*args, **kwargs)
        from .search import index_names  # search imports this module

        index_names([self], fresh=fresh)

    def refresh_search_fields(self):
        """The script and key follow the text, so search never sees a stale spelling."""
        self.script = names.detect_script(self.text)
        self.key = names.search_key(self.text)


PRIVATE_FIELDS = [
    "submitter_name",
    "submitter_phone",
    "submitter_email",
    "submitter_messenger",
    "narrative",
    "receipt_hash",
    "lookup_hashes",
]


class Report(models.Model):
    """One relative's submission. Everything here is private to the office."""

    class State(models.TextChoices):
        NEW = "new", _("new")
        REVIEWED = "reviewed", _("reviewed")
        SPAM = "spam", _("spam")

    class Relationship(models.TextChoices):
        PARENT = "parent", _("parent")
        CHILD = "child", _("child")
        SIBLING = "sibling", _("brother or sister")
        SPOUSE = "spouse", _("husband or wife")
        RELATIVE = "relative", _("other relative")
        FRIEND = "friend", _("friend or neighbour")
        OTHER = "other", _("other")

    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("case"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State, default=State.NEW, db_index=True
    )
    relationship = models.CharField(
        _("relationship to the person"), max_length=12, choices=Relationship, blank=True
    )
    # Encrypted in the database (cases/fields.py): a copied database or backup names no family.
    submitter_name = EncryptedCharField(_("submitter's name"), max_length=200, blank=True)
    submitter_phone = EncryptedCharField(_("submitter's phone"), max_length=64, blank=True)
    submitter_email = EncryptedEmailField(_("submitter's email"), blank=True)
    submitter_messenger = EncryptedCharField(
        _("submitter's messenger handle"), max_length=200, blank=True
    )
    narrative = EncryptedTextField(_("what happened"), blank=True)
    # Keyed hashes of the contact fields (cases/contacts.py), so staff can still find a report
    # by a whole phone number, email, handle or name.
    lookup_hashes = models.TextField(editable=False, blank=True, default="")
    language = models.CharField(_("language used"), max_length=8)
    consent = models.CharField(
        _("publication consent"), max_length=20, choices=Consent, default=Consent.INTERNAL
    )
    photo_consent = models.BooleanField(_("photos may be published"), default=False)
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("taken at the office by"),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # What relatives wrote and how to reach them is never copied into history: a redaction
    # must really remove what it removes.
    history = HistoricalRecords(excluded_fields=PRIVATE_FIELDS)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]

    def __str__(self):
        return _("report #%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        self.refresh_lookup_hashes()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(contacts.FIELD_KINDS):
            kwargs["update_fields"] = [*update_fields, "lookup_hashes"]
        super().save(*args, **kwargs)

    def refresh_lookup_hashes(self):
        """The hashes follow the contact fields, so a search never finds a removed number."""
        self.lookup_hashes = contacts.hashes_of(
            {field: getattr(self, field) for field in contacts.FIELD_KINDS}
        )

    class Progress(models.TextChoices):
        """What a relative is told about their report, in plain words."""

        RECEIVED = "received", _("We have received your report. No one has reviewed it yet.")
        UNDER_REVIEW = "under_review", _("Our staff are reviewing your report.")
        PUBLISHED = "published", _("The case is published.")
        NOT_PUBLISHED = "not_published", _("The case is not published.")

    def progress(self) -> "Report.Progress":
        """The state shown on the status page: never more than the relative needs to know."""
        case = self.case
        if self.state == self.State.SPAM or (case and case.status == Case.Status.HIDDEN):
            return self.Progress.NOT_PUBLISHED
        if case and case.is_published:
            return self.Progress.PUBLISHED
        if self.state == self.State.REVIEWED or (case and case.status == Case.Status.IN_REVIEW):
            return self.Progress.UNDER_REVIEW
        return self.Progress.RECEIVED

    @staticmethod
    def hash_receipt(code: str) -> str:
        """Receipts carry 80 random bits (codes.RECEIPT_LENGTH): a plain hash already makes a
        stolen table useless."""
        return hashlib.sha256(normalise_code(code).encode()).hexdigest()

    def issue_receipt(self) -> str:
        """Set a new receipt and return its code: the only time the code exists in clear."""
        code = new_receipt_code()
        self.receipt_hash = self.hash_receipt(code)
        return code


class PhotoQuerySet(models.QuerySet):
    def public(self):
        """The one rule for which photos the public may see (DESIGN.md, privacy model 3).

        Approved by a moderator, of a published case whose family allowed its photos to be
        published. services.reconcile_public_photos makes public storage hold exactly these.
        """
        return self.filter(published_condition("case__"), approved=True, case__photo_consent=True)

    def shown(self):
        """Public photos whose public copy exists: what public pages link to."""
        return self.public().exclude(public_name="")


def private_photo_path(instance, filename):
    return f"photos/{timezone.now():%Y/%m}/{filename}"


class Photo(models.Model):
    """A sanitized image of the person or a document, kept in private storage."""

    class Kind(models.TextChoices):
        PORTRAIT = "portrait", _("photo of the person")
        DOCUMENT = "document", _("document")
        OTHER = "other", _("other")

    class Channel(models.TextChoices):
        """How the file reached the office (cases/evidence.py)."""

        ONLINE = "online", _("the online report form")
        OFFICE = "office", _("a report taken at the office")
        ADDITION = "addition", _("an addition by receipt code")
        # Spreadsheet imports bring no photos (cases/imports.py), so they are no channel yet.

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="photos", verbose_name=_("case")
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("report"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.PORTRAIT)
    alt_text = models.CharField(_("description"), max_length=300, blank=True)
    approved = models.BooleanField(_("approved by a moderator"), default=False)
    image = models.ImageField(
        storage=private_storage,
        upload_to=private_photo_path,
        editable=False,
    )
    thumbnail = models.ImageField(
        storage=private_storage, upload_to=private_photo_path, editable=False
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)
    # Fingerprints of the file as the relative sent it (cases/evidence.py says why two).
    original_sha256 = EncryptedCharField(max_length=64, blank=True, editable=False)
    original_lookup = models.CharField(max_length=24, blank=True, editable=False, db_index=True)
    channel = models.CharField(
        _("received through"), max_length=12, choices=Channel, blank=True, editable=False
    )
    public_name = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Random file name of the public copy while the case is published."),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()
    # The fingerprints never change, and the original's is staff-only: not copied into history.
    history = HistoricalRecords(excluded_fields=["original_sha256", "original_lookup", "channel"])

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        return self.alt_text or _("photo #%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        """Never write public_name back, except where it is named: reconcile_public_photos.

        A photo loaded before its case was published or unpublished holds an out-of-date name;
        saving it whole would blank a live public copy's name (orphaning the file) or restore
        the name of a deleted one.
        """
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "public_name"
            ]
        super().save(*args, **kwargs)

    @property
    def public_url(self):
        return storages["default"].url(self.public_name) if self.public_name else ""


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources cited by at least one published case: the coverage public pages list.

        EXISTS rather than a join and DISTINCT, which de-duplicated every citation row of the
        published cases for each count and page.
        """
        citing = Citation.objects.public().filter(source=models.OuterRef("pk"))
        return self.filter(models.Exists(citing))


class Source(models.Model):
    """A piece of coverage that case pages cite."""

    class Kind(models.TextChoices):
        NEWS = "news", _("news report")
        NGO = "ngo", _("NGO report")
        OFFICIAL = "official", _("official document")
        VIDEO = "video", _("video testimony")
        SOCIAL = "social", _("social media post")
        TESTIMONY = "testimony", _("testimony recorded by the office")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200)
    author = models.CharField(_("author"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    archive_url = models.URLField(_("archived copy"), max_length=1000, blank=True)
    published_date = models.DateField(_("date published"), null=True, blank=True)
    published_date_precision = models.CharField(
        _("date precision"), max_length=12, choices=Precision, default=Precision.DAY
    )
    accessed_date = models.DateField(_("date accessed"), null=True, blank=True)
    notes = models.TextField(
        _("note on the source"),
        blank=True,
        help_text=_("Shown publicly, e.g. what the source says of its own dates."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_date", "title"]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def get_absolute_url(self):
        return reverse("cases:source_detail", kwargs={"pk": self.pk})

    @property
    def published_on(self):
        """The date published, formatted at its precision ("March 2018")."""
        return format_fuzzy_date(self.published_date, self.published_date_precision)


class CitationQuerySet(models.QuerySet):
    def public(self):
        """Citations by published cases: the only ones public pages may read."""
        return self.filter(published_condition("case__"))


class Citation(models.Model):
    """What one source supports about one case, and where in the source it says so."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="citations", verbose_name=_("case")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    claim = models.CharField(_("what it supports"), max_length=500)
    locator = models.CharField(
        _("where in the source"),
        max_length=200,
        blank=True,
        help_text=_("Paragraph, page or timestamp."),
    )
    excerpt = models.TextField(_("excerpt"), blank=True)
    # Never shown publicly (cases/evidence.py, supporting_photos).
    photos = models.ManyToManyField(
        "Photo", blank=True, related_name="supported_citations", verbose_name=_("supporting files")
    )

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["id"]

    def __str__(self):
        return self.claim


class Event(models.Model):
    """A dated step in a case's timeline."""

    class Kind(models.TextChoices):
        DETAINED = "detained", pgettext_lazy("timeline event", "detained")
        TRANSFERRED = "transferred", pgettext_lazy("timeline event", "transferred")
        SENTENCED = "sentenced", pgettext_lazy("timeline event", "sentenced")
        RELEASED = "released", pgettext_lazy("timeline event", "released")
        DIED = "died", pgettext_lazy("timeline event", "died")
        CONTACT_LOST = "contact_lost", pgettext_lazy("timeline event", "contact lost")
        TRAVEL_RESTRICTED = (
            "travel_restricted",
            pgettext_lazy("timeline event", "travel restricted"),
        )

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=12, choices=Precision, default=Precision.YEAR
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    public_text = models.TextField(_("public text"), blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("source"),
    )
    photos = models.ManyToManyField(
        "Photo", blank=True, related_name="supported_events", verbose_name=_("supporting files")
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = [models.F("date").asc(nulls_last=True), "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.when}".strip()

    @property
    def when(self):
        return format_fuzzy_date(self.date, self.date_precision)


class CaseMerge(models.Model):
    """Who merged which duplicate into which case: the duplicate itself is gone afterwards."""

    kept = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="merges", verbose_name=_("kept case")
    )
    merged_case_id = models.PositiveBigIntegerField(_("merged case number"))
    merged_label = models.CharField(_("merged case"), max_length=300)
    moved = models.JSONField(_("what was moved"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merge of duplicates")
        verbose_name_plural = _("merges of duplicates")
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.merged_label} → {self.kept}"


# Spreadsheet imports, the WGEID elements, search words, the evidence trail of files
# (cases/evidence.py) and the record of dossier exports live in rooms of their own; imported here
# so Django finds the models.
from .dossier_models import DossierExport  # noqa: E402, F401
from .evidence_models import FileEvent  # noqa: E402, F401
from .import_models import ImportedRow, ImportFile, ImportMapping  # noqa: E402, F401
from .search_models import SearchWord  # noqa: E402, F401
from .wgeid_models import FamilyStep, WgeidAnswers, WgeidRecord  # noqa: E402, F401
