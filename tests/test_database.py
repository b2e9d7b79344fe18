"""The database must fold the scripts names are written in."""

import pytest
from django.db import connection

from cases.models import Name

from .factories import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_test_database_lowercases_cyrillic():
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower('ӘДІЛ ҒАЗЫ'), current_setting('server_encoding')")
        lowered, encoding = cursor.fetchone()
    assert (lowered, encoding) == ("әділ ғазы", "UTF8")


def test_names_round_trip_in_every_script():
    case = make_case()
    spellings = ["Әділғазы Ерғазы", "阿地力加孜", "ئىلھام توختى", "Adilgazy Yergazy"]
    for text in spellings:
        Name.objects.create(case=case, text=text)
    stored = list(Name.objects.order_by("id").values_list("text", flat=True))
    assert stored == spellings
