"""The twelve languages: negotiation, tags, numbers, dates, country and region names."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from polisee.config import default_data_dir
from polisee.services.evidence import Formatter, Reading
from polisee.services.i18n import (
    LANGUAGES,
    bcp47,
    country_name,
    format_date,
    format_number,
    negotiate,
    region_name,
)

TWELVE = ["en", "hu", "it", "el", "bg", "hr", "sr_Latn", "sl", "sk", "ro", "sq", "de"]
NUTS_2021 = default_data_dir() / "nuts" / "nuts_2021.csv"


def test_the_twelve_languages_are_named_in_themselves() -> None:
    assert sorted(LANGUAGES) == sorted(TWELVE)
    assert LANGUAGES["sr_Latn"] == "Srpski (latinica)"
    assert LANGUAGES["el"] == "Ελληνικά"
    assert LANGUAGES["bg"] == "Български"
    assert LANGUAGES["hu"] == "Magyar"
    # The switcher's order: Latin-script endonyms alphabetically, then Greek, then Cyrillic.
    labels = list(LANGUAGES.values())
    assert labels[:-2] == sorted(labels[:-2], key=str.casefold)
    assert labels[-2:] == ["Ελληνικά", "Български"]


NEGOTIATION = [
    ("hu-HU,hu;q=0.9,en;q=0.8", "hu"),
    ("de-AT", "de"),
    ("de-CH, en;q=0.5", "de"),
    ("sr", "sr_Latn"),
    ("sr-Latn", "sr_Latn"),
    ("sr-RS", "sr_Latn"),
    ("sr-Latn-RS", "sr_Latn"),
    ("sh", "sr_Latn"),
    ("hr-HR", "hr"),
    ("sl-SI", "sl"),
    ("sk", "sk"),
    ("el-GR", "el"),
    ("bg-BG", "bg"),
    ("ro-RO", "ro"),
    ("sq-AL", "sq"),
    ("it-IT", "it"),
    ("fr-FR, es;q=0.9", "en"),
    ("fr-FR, es;q=0.9, sk;q=0.1", "sk"),
    ("en;q=0.2, el;q=0.8", "el"),
    ("hr;q=0, sl", "sl"),
    ("*", "en"),
    ("", "en"),
    ("q=;;,", "en"),
]


@pytest.mark.parametrize(
    ("header", "expected"), NEGOTIATION, ids=[h or "empty" for h, _ in NEGOTIATION]
)
def test_accept_language_maps_to_a_catalogue(header: str, expected: str) -> None:
    assert negotiate(header) == expected


def test_bcp47_tags() -> None:
    assert [bcp47(code) for code in TWELVE] == [
        "en",
        "hu",
        "it",
        "el",
        "bg",
        "hr",
        "sr-Latn",
        "sl",
        "sk",
        "ro",
        "sq",
        "de",
    ]


# Hand-checked against each language's writing conventions (CLDR): a decimal comma and a
# dot or a no-break space to group thousands, except English.
NUMBERS = {
    "en": "1,234.5",
    "hu": "1\u00a0234,5",
    "it": "1.234,5",
    "el": "1.234,5",
    "bg": "1\u00a0234,5",
    "hr": "1.234,5",
    "sr_Latn": "1.234,5",
    "sl": "1.234,5",
    "sk": "1\u00a0234,5",
    "ro": "1.234,5",
    "sq": "1\u00a0234,5",
    "de": "1.234,5",
}


@pytest.mark.parametrize("language", TWELVE, ids=TWELVE)
def test_a_number_in_every_language(language: str) -> None:
    assert format_number(1234.5, locale=language, decimals=1) == NUMBERS[language]


DATES = {
    "en": "November 27, 2026",
    "hu": "2026. november 27.",
    "it": "27 novembre 2026",
    "el": "27 Νοεμβρίου 2026",
    "bg": "27 ноември 2026\u202fг.",  # a narrow no-break space before the "year" mark
    "hr": "27. studenoga 2026.",
    "sr_Latn": "27. novembar 2026.",
    "sl": "27. november 2026",
    "sk": "27. novembra 2026",
    "ro": "27 noiembrie 2026",
    "sq": "27 nëntor 2026",
    "de": "27. November 2026",
}


@pytest.mark.parametrize("language", TWELVE, ids=TWELVE)
def test_a_date_in_every_language(language: str) -> None:
    assert format_date(date(2026, 11, 27), language) == DATES[language]


def test_serbian_latin_dates_are_in_latin_script() -> None:
    text = format_date(date(2026, 3, 1), "sr_Latn")
    assert text == "1. mart 2026."
    assert all(not "\u0400" <= ch <= "\u04ff" for ch in text)


@pytest.mark.parametrize("language", TWELVE, ids=TWELVE)
def test_country_names_in_every_language(language: str) -> None:
    expected = {
        "en": "Greece",
        "hu": "Görögország",
        "it": "Grecia",
        "el": "Ελλάδα",
        "bg": "Гърция",
        "hr": "Grčka",
        "sr_Latn": "Grčka",
        "sl": "Grčija",
        "sk": "Grécko",
        "ro": "Grecia",
        "sq": "Greqi",
        "de": "Griechenland",
    }
    assert country_name("EL", language) == expected[language]


def _nuts_row(code: str) -> tuple[str, str]:
    if not NUTS_2021.is_file():
        pytest.skip(f"{NUTS_2021} is not there")
    nuts = pd.read_csv(NUTS_2021, dtype=str).fillna("").set_index("code")
    return str(nuts.at[code, "name_latin"]), str(nuts.at[code, "name"])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("EL52", "Kentriki Makedonia (Κεντρική Μακεδονία)"),
        ("BG41", "Yugozapaden (Югозападен)"),
        ("HU21", "Közép-Dunántúl"),
    ],
    ids=["greek", "bulgarian", "latin-only"],
)
def test_region_names_show_latin_with_the_national_form(code: str, expected: str) -> None:
    latin, national = _nuts_row(code)
    assert region_name(latin, national) == expected


# --- the shared formatter: industry titles in readings and tables ----------------------------

GERMAN = {
    "C29": "Herstellung von Kraftwagen und Kraftwagenteilen",
    "C10": "Herstellung von Nahrungs- und Futtermitteln",
    "C": "VERARBEITENDES GEWERBE/HERSTELLUNG VON WAREN",
}
HUNGARIAN = {"C29": "Közúti jármű gyártása", "C10": "Élelmiszergyártás", "C": "FELDOLGOZÓIPAR"}
OPTIONS = Reading(
    "Closest and most complex options not yet specialised in: {industries}.",
    {
        "industries": "manufacture of food products (C10), manufacture of motor vehicles (C29)",
        "industry_codes": "C10, C29",
    },
)


def test_readings_quote_the_titles_of_the_readers_language() -> None:
    hungarian = Formatter("hu", HUNGARIAN).say(OPTIONS)
    assert hungarian == (
        "A legközelebbi és legösszetettebb, még nem szakosodott lehetőségek: "
        "élelmiszergyártás (C10), közúti jármű gyártása (C29)."
    )
    # German nouns keep their capital mid-sentence.
    assert "Herstellung von Kraftwagen und Kraftwagenteilen (C29)" in Formatter("de", GERMAN).say(
        OPTIONS
    )
    # Without titles for every industry quoted, the English list stays whole.
    partial = Formatter("hu", {"C29": HUNGARIAN["C29"]}).say(OPTIONS)
    assert partial.endswith(
        "manufacture of food products (C10), manufacture of motor vehicles (C29)."
    )
    assert Formatter("sq").say(OPTIONS).endswith("manufacture of motor vehicles (C29).")


def test_tables_and_sections_take_the_titles() -> None:
    frame = pd.DataFrame({"industry": ["C29", "C99"], "title": ["Motor vehicles", "Unknown"]})
    german = Formatter("de", GERMAN)
    assert german.with_titles(frame)["title"].tolist() == [GERMAN["C29"], "Unknown"]
    assert frame["title"].tolist() == ["Motor vehicles", "Unknown"]  # the input is left alone
    assert Formatter("sq").with_titles(frame) is frame
    assert german.title("C10", "Food") == GERMAN["C10"]
    assert german.title("C11", "Beverages") == "Beverages"
    assert german.section_title("C", "Manufacturing") == GERMAN["C"]
    assert Formatter("hu", HUNGARIAN).section_title("C", "Manufacturing") == "Feldolgozóipar"
    assert Formatter("sq").section_title("C", "Manufacturing") == "Manufacturing"
