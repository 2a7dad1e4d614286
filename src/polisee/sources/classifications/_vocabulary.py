"""The codes a reader accepts: country prefixes of every NUTS version and NACE Rev. 2 codes."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from polisee.sources._canonical import Vocabulary
from polisee.sources.classifications._nace import load_nace
from polisee.sources.classifications._nuts import NUTS_VERSIONS, load_nuts

__all__ = ["HISTORICAL_COUNTRIES", "ISO_COUNTRIES", "code_vocabulary"]

ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 (a block of codes reads better than 249 quoted strings)
)
"""ISO 3166-1 alpha-2 country codes: Eurostat files carry non-European partner countries
(``JP``, ``US``) as whole-country rows beside the NUTS regions."""

HISTORICAL_COUNTRIES = frozenset({"GR"})
"""Country prefixes of NUTS versions before 2010 still found in Eurostat files (Greece was
``GR`` until NUTS 2010 made it ``EL``); their regions are reported by harmonisation."""


def code_vocabulary(data_dir: Path) -> Vocabulary:
    """Country prefixes of NUTS 2013-2024 (plus :data:`HISTORICAL_COUNTRIES`), the other
    ISO countries (whole-country rows only), and every NACE Rev. 2 code as Eurostat writes
    it (``A``, ``A01``, ``A011``, ``A0111``)."""
    return _cached(Path(data_dir).resolve())


@lru_cache(maxsize=4)
def _cached(data_dir: Path) -> Vocabulary:
    countries: set[str] = set(HISTORICAL_COUNTRIES)
    for version in NUTS_VERSIONS:
        countries |= set(load_nuts(data_dir, version)["country"].astype(str))
    industries = frozenset(load_nace(data_dir)["code"].astype(str))
    return Vocabulary(
        countries=frozenset(countries),
        industries=industries,
        other_countries=ISO_COUNTRIES - countries,
    )
