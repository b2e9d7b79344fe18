"""Django admin for staff. Plain registration; the moderation workflow builds on it."""

from django.contrib import admin

from .models import Case, Citation, Event, Name, Photo, Report, Source


class NameInline(admin.TabularInline):
    model = Name
    extra = 0
    fields = ["text", "kind", "is_public", "script"]
    readonly_fields = ["script"]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "reference",
        "status",
        "situation",
        "hometown_prefecture",
        "updated_at",
    ]
    list_filter = ["status", "situation", "hometown_prefecture", "consent", "verification"]
    search_fields = ["display_name", "reference", "names__text"]
    readonly_fields = ["reference", "published_at", "created_at", "updated_at"]
    inlines = [NameInline, CitationInline, EventInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "case", "language", "consent", "created_at"]
    list_filter = ["state", "consent", "language"]
    list_select_related = ["case"]
    raw_id_fields = ["case"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "case", "kind", "approved", "width", "height"]
    list_filter = ["approved", "kind"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "report"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "kind", "published_date"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "author"]
