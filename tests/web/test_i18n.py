from __future__ import annotations

import gettext
import re
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from polisee.web.i18n import LANGUAGES, LOCALES_DIR, bcp47

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
    if language != "en":
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


# --- every catalogue of every language against the English one (as the translators' check) --

ENGLISH = sorted(p.name for p in (LOCALES_DIR / "en" / "LC_MESSAGES").glob("*.po"))
TRANSLATED = sorted(code for code in LANGUAGES if code != "en")
CATALOGUES = [(language, name) for language in TRANSLATED for name in ENGLISH]
# {name}, %(name)s, %s, %d and HTML tags must survive translation unchanged.
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z_0-9]*\}|%\([A-Za-z_]+\)[sd]|%[sd]|</?[a-z][^>]*>")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _first(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else value[0]


def _only_for_one(plural_expr: str, index: int) -> bool:
    """Whether plural form ``index`` serves n == 1 and no other n up to 1000."""
    rule = gettext.c2py(plural_expr)
    return [n for n in range(1001) if rule(n) == index] == [1]


def catalogue_problems(language: str, name: str) -> list[str]:
    """What is wrong with ``<language>/LC_MESSAGES/<name>`` against the English file
    (the logic of the translators' check_po.py)."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / name
    if not path.exists():
        return [f"{path}: missing"]
    english = {m.id: m for m in _read(LOCALES_DIR / "en" / "LC_MESSAGES" / name) if m.id}
    catalog = _read(path)
    plural = get_plural(language)
    problems: list[str] = []
    if str(catalog.locale).replace("-", "_") != language:
        problems.append(f"header Language is {catalog.locale}, expected {language}")
    if catalog.num_plurals != plural.num_plurals:
        problems.append(f"Plural-Forms has {catalog.num_plurals} forms, not {plural.num_plurals}")
    got = {m.id: m for m in catalog if m.id}
    problems += [f"msgid missing: {_first(k)!r}" for k in english.keys() - got.keys()]
    problems += [f"msgid not in English: {_first(k)!r}" for k in got.keys() - english.keys()]
    for key, message in got.items():
        if key not in english:
            continue
        ids = [key] if isinstance(key, str) else list(key)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if isinstance(key, tuple) and len(strings) != plural.num_plurals:
            problems.append(f"{ids[0]!r}: {len(strings)} plural forms")
        if any(not s.strip() for s in strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = Counter(PLACEHOLDER.findall(ids[-1]))
        for i, text in enumerate(strings):
            found = Counter(PLACEHOLDER.findall(text))
            # A form used for n == 1 alone may leave the count out ("havonta"); one that
            # Croatian or Slovenian also use for 21 or 101 may not.
            lenient = isinstance(key, tuple) and _only_for_one(catalog.plural_expr, i)
            if (found - wanted) if lenient else (found != wanted):
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    try:
        write_mo(BytesIO(), catalog)
    except Exception as exc:  # any failure to compile is the finding
        problems.append(f"does not compile: {exc}")
    return problems


def test_the_english_catalogues_are_the_reference() -> None:
    assert "messages.po" in ENGLISH
    assert len(ENGLISH) >= 9
    assert len(TRANSLATED) == 11


@pytest.mark.parametrize(
    ("language", "name"), CATALOGUES, ids=[f"{lang}-{name[:-3]}" for lang, name in CATALOGUES]
)
def test_every_catalogue_is_complete_and_well_formed(language: str, name: str) -> None:
    assert catalogue_problems(language, name) == []


def test_the_check_finds_what_it_should(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A broken copy of the German messages.po: one message dropped, one emptied, one with a
    # lost placeholder, a wrong plural count; each is reported.
    english = _read(LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po")
    with_placeholder = next(
        m for m in english if m.id and isinstance(m.id, str) and PLACEHOLDER.search(m.id)
    )
    broken = _read(LOCALES_DIR / "de" / "LC_MESSAGES" / "messages.po")
    plain = [m for m in broken if m.id and isinstance(m.id, str) and m.id != with_placeholder.id]
    broken.delete(plain[0].id)
    broken[plain[1].id].string = ""
    broken[with_placeholder.id].string = "ohne Platzhalter"
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (tmp_path / "en").symlink_to(LOCALES_DIR / "en")
    from babel.messages.pofile import write_po

    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, broken)
    monkeypatch.setattr(f"{__name__}.LOCALES_DIR", tmp_path)
    problems = catalogue_problems("de", "messages.po")
    assert f"msgid missing: {plain[0].id!r}" in problems
    assert f"untranslated: {plain[1].id!r}" in problems
    assert any(p.startswith(f"placeholders differ: {with_placeholder.id!r}") for p in problems)
    assert catalogue_problems("de", "evidence.po") == [f"{folder / 'evidence.po'}: missing"]


# --- pages in every language -----------------------------------------------------------------

# Words a language writes as English does: German says "Scoreboard" too.
SAME_AS_ENGLISH = {"de": {"Scoreboard"}}


def _shell_texts(soup: BeautifulSoup) -> list[str]:
    """The texts of the page shell every visitor sees: skip link, main menu, sign-in, footer."""
    texts = [a.get_text(strip=True) for a in soup.select("header.site nav a")]
    texts.append(soup.select_one("a.skip").get_text(strip=True))  # type: ignore[union-attr]
    texts.append(soup.select_one(".account > a").get_text(strip=True))  # type: ignore[union-attr]
    texts.append(soup.select_one("footer.site").get_text(strip=True))  # type: ignore[union-attr]
    return texts


@pytest.mark.parametrize("language", sorted(LANGUAGES), ids=sorted(LANGUAGES))
def test_a_page_in_every_language(client: TestClient, language: str) -> None:
    english = _shell_texts(BeautifulSoup(client.get("/?lang=en").text, "html.parser"))
    page = BeautifulSoup(client.get(f"/?lang={language}").text, "html.parser")
    assert page.html["lang"] == bcp47(language)  # type: ignore[index]
    texts = _shell_texts(page)
    assert len(texts) == len(english) >= 5
    if language != "en":
        left = {e for e, t in zip(english, texts, strict=True) if e == t}
        assert left <= SAME_AS_ENGLISH.get(language, set())
    summary = page.select_one("details.languages summary")
    assert summary is not None
    assert LANGUAGES[language] in summary.get_text()


def test_the_language_menu_works_without_script(client: TestClient) -> None:
    page = BeautifulSoup(client.get("/login?next=/admin/users&lang=sr_Latn").text, "html.parser")
    menu = page.select_one("details.languages")
    assert menu is not None
    # A disclosure: <summary> is reached with Tab and opened with Enter or Space, no script.
    assert menu.summary is not None
    assert not menu.find("script")
    links = menu.select("ul a[hreflang]")
    assert [a["hreflang"] for a in links] == [bcp47(code) for code in LANGUAGES]
    assert [a.get_text() for a in links] == list(LANGUAGES.values())
    current = menu.select('a[aria-current="true"]')
    assert [a["hreflang"] for a in current] == ["sr-Latn"]
    assert page.html["lang"] == "sr-Latn"  # type: ignore[index]
    greek = menu.select_one('a[hreflang="el"]')["href"]  # type: ignore[index]
    assert greek.startswith("/login?")
    assert "next=%2Fadmin%2Fusers" in greek
    assert greek.endswith("lang=el")
    again = BeautifulSoup(client.get(greek).text, "html.parser")
    assert again.html["lang"] == "el"  # type: ignore[index]
    assert again.h1.get_text() == "Σύνδεση"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("sr-RS,sr;q=0.9", "sr-Latn"), ("de-AT", "de"), ("bg", "bg"), ("fr-FR", "en")],
    ids=["serbian", "austrian-german", "bulgarian", "french-falls-back"],
)
def test_accept_language_chooses_the_page_language(
    client: TestClient, header: str, expected: str
) -> None:
    page = BeautifulSoup(client.get("/", headers={"Accept-Language": header}).text, "html.parser")
    assert page.html["lang"] == expected  # type: ignore[index]
