from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from polisee.web.i18n import LANGUAGES, LOCALES_DIR

TEMPLATES = Path(LOCALES_DIR).parent / "templates"


def _template_msgids() -> set[str]:
    found: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        found |= {
            m.group(2) for m in re.finditer(r'_\(\s*(["\'])(.*?)\1\s*\)', path.read_text(), re.S)
        }
    return found


@pytest.mark.parametrize("language", sorted(LANGUAGES), ids=sorted(LANGUAGES))
def test_catalogue_covers_every_template_string(language: str) -> None:
    # Every *.po of the language is loaded (messages.po plus one per area, e.g. evidence.po).
    messages = []
    for path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            messages.extend(m for m in read_po(handle) if m.id)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in messages}
    missing = _template_msgids() - ids
    assert not missing
    if language == "hu":
        untranslated = [m.id for m in messages if not m.string]
        assert not untranslated


def test_templates_have_no_bare_text() -> None:
    # Text between tags must come from _(): strip tags, expressions and statements.
    for path in TEMPLATES.rglob("*.html"):
        source = re.sub(r"{{.*?}}|{%.*?%}|<[^>]+>", " ", path.read_text(), flags=re.S)
        words = [w for w in re.findall(r"[A-Za-z]{3,}", source) if w != "polisee"]
        assert not words, f"{path.name}: {words[:5]}"


def test_accept_language_picks_hungarian(client: TestClient) -> None:
    soup = BeautifulSoup(
        client.get("/", headers={"Accept-Language": "hu-HU,hu;q=0.9"}).text, "html.parser"
    )
    assert soup.html["lang"] == "hu"  # type: ignore[index]
    assert "Bejelentkezés" in soup.get_text()


def test_switcher_keeps_the_page_and_remembers_the_choice(client: TestClient) -> None:
    soup = BeautifulSoup(client.get("/login?next=/admin/users").text, "html.parser")
    link = soup.select_one('a[hreflang="hu"]')["href"]  # type: ignore[index]
    assert link.startswith("/login?")
    assert "next=%2Fadmin%2Fusers" in link
    page = client.get(link)
    assert BeautifulSoup(page.text, "html.parser").h1.get_text() == "Bejelentkezés"  # type: ignore[union-attr]
    again = BeautifulSoup(client.get("/").text, "html.parser")
    assert again.html["lang"] == "hu"  # type: ignore[index]


CHARTS = Path(LOCALES_DIR).parent / "charts"


def _chart_msgids() -> set[str]:
    # The charts' own texts are literal message ids passed to gettext(...).
    found: set[str] = set()
    for path in CHARTS.glob("*.py"):
        found |= {m.group(1) for m in re.finditer(r'gettext\(\s*"([^"]+)"\s*\)', path.read_text())}
    return found


def test_catalogue_covers_every_chart_text() -> None:
    with (LOCALES_DIR / "hu" / "LC_MESSAGES" / "evidence.po").open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle) if m.id}
    ids = _chart_msgids()
    assert {"Save as PNG", "Location quotient", "Feasibility ({measure})"} <= ids
    assert not sorted(i for i in ids if not catalogue.get(i))


def test_charts_speak_the_readers_language() -> None:
    import pandas as pd

    from polisee.web.charts import lq_bar
    from polisee.web.i18n import translations

    frame = pd.DataFrame(
        {
            "industry": ["C10", "C29"],
            "title": ["Food", "Cars"],
            "lq": [2.0, None],
            "employment": [5, 7],
        }
    )
    spec = lq_bar(frame, title="t", top=1, gettext=translations("hu").gettext)
    assert spec["xAxis"]["name"].startswith("Lokációs hányados")
    assert spec["toolbox"]["feature"]["saveAsImage"]["title"] == "Mentés PNG-ként"
    assert spec["title"]["subtext"] == (
        "A lokációs hányados szerint első 1 ágazat a(z) 2 közül; 1 érték nélkül"
    )


@pytest.mark.parametrize("language", sorted(LANGUAGES), ids=sorted(LANGUAGES))
def test_a_message_means_one_thing_across_the_catalogues(language: str) -> None:
    # The catalogues of a language are merged into one: a msgid translated differently in
    # two of them would show whichever wins, in both places. Context goes into the msgid.
    seen: dict[str, set[str]] = {}
    for path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    text = message.string if isinstance(message.string, str) else message.string[0]
                    seen.setdefault(key, set()).add(text)
    assert not {k: v for k, v in seen.items() if len(v) > 1}
