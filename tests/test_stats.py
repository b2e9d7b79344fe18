"""The statistics page counts published cases only, as SVG charts each with a table beside it."""

import re
from datetime import date

import pytest

from cases import charts
from cases.models import Prefecture, Situation

from .factories import make_case, make_published_case, make_source

pytestmark = pytest.mark.django_db


def table(page, caption):
    """The rows of the table with this caption, as (label, number) pairs."""
    body = page.split(f'<caption class="visually-hidden">{caption}</caption>')[1]
    body = body.split("</tbody>")[0]
    return re.findall(r'<th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>', body)


@pytest.fixture
def record():
    source = make_source()
    for situation, prefecture, year in [
        (Situation.DETAINED_CAMP, Prefecture.ILI, 2017),
        (Situation.DETAINED_CAMP, Prefecture.ILI, 2018),
        (Situation.DETAINED_CAMP, Prefecture.ALTAY, 2018),
        (Situation.MISSING, Prefecture.ALTAY, None),
        (Situation.MISSING, Prefecture.ALTAY, 2018),
    ]:
        make_published_case(
            source=source,
            situation=situation,
            hometown_prefecture=prefecture,
            situation_date=date(year, 1, 1) if year else None,
        )
    make_case(situation=Situation.DECEASED, hometown_prefecture=Prefecture.HOTAN)


def test_the_tables_count_published_cases_by_situation_prefecture_and_year(client, record):
    page = client.get("/en/stats/").text
    assert table(page, "Cases by situation") == [("Detained in a camp", "3"), ("Missing", "2")]
    assert table(page, "Cases by hometown prefecture") == [("Altay", "3"), ("Ili", "2")]
    assert table(page, "Cases by the year their situation began") == [
        ("2017", "1"),
        ("2018", "3"),
        ("Date not known", "1"),
    ]


def test_an_unpublished_case_is_never_counted(client, record):
    page = client.get("/en/stats/").text
    assert "Deceased" not in page
    assert "Hotan" not in page
    assert "count the 5 published cases" in page


def test_each_chart_is_an_image_named_by_its_title_and_described(client, record):
    page = client.get("/en/stats/").text
    svgs = re.findall(r"<svg [^>]*>", page)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg
        title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', svg).groups()
        assert f'<title id="{title_id}">' in page
        assert f'<desc id="{desc_id}">' in page
    assert page.count("<table") == 3


def test_the_bars_are_as_long_as_their_counts(client, record):
    page = client.get("/en/stats/").text
    situation_svg = page.split("<svg")[1].split("</svg>")[0]
    widths = [
        float(w) for w in re.findall(r'class="bar-chart-bar"[^>]* width="([\d.]+)"', situation_svg)
    ]
    assert widths[0] == pytest.approx(widths[1] * 3 / 2, abs=0.01)


def test_charts_carry_no_inline_style_so_the_csp_allows_them(client, record):
    response = client.get("/en/stats/")
    assert " style=" not in response.text
    assert "style-src 'self'" in response["Content-Security-Policy"]


def test_numbers_in_the_svg_are_never_localised(client, record):
    """A decimal comma, as in Russian, would break the SVG coordinates."""
    page = client.get("/ru/stats/").text
    coordinates = re.findall(r' (?:x|y|width)="([^"]+)"', page.split("<svg")[1].split("</svg>")[0])
    assert coordinates
    assert all(re.fullmatch(r"\d+(\.\d+)?", value) for value in coordinates)


def test_an_empty_record_says_so_instead_of_drawing(client):
    page = client.get("/en/stats/").text
    assert "<svg" not in page
    assert "No case is published yet." in page


def test_a_chart_scales_bars_to_the_largest_value():
    chart = charts.bar_chart([("a", 4), ("b", 2), ("c", 0)])
    widths = [bar.bar_width for bar in chart.bars]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    assert chart.total == 6
    assert all(bar.bar_x + bar.bar_width <= chart.width for bar in chart.bars)


def test_a_right_to_left_chart_is_the_mirror_image():
    rows = [("a", 4), ("b", 1)]
    ltr, rtl = charts.bar_chart(rows), charts.bar_chart(rows, rtl=True)
    for left, right in zip(ltr.bars, rtl.bars, strict=True):
        assert right.bar_x == pytest.approx(ltr.width - left.bar_x - left.bar_width)
        assert right.label_x == pytest.approx(ltr.width - left.label_x)
        assert right.value_x == pytest.approx(ltr.width - left.value_x)
        assert right.bar_width == left.bar_width


def test_an_empty_chart_has_no_bars_and_no_division_by_zero():
    chart = charts.bar_chart([])
    assert chart.bars == []
    assert chart.total == 0
