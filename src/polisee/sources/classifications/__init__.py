"""Classifications: NUTS regions (2013-2024, version harmonisation), NACE Rev. 2, cluster categories.

Every loader reads from a ``data_dir`` (the shared data folder, see
``polisee.config.Settings.data_dir``), caches the parsed file keyed on its resolved path
and returns a copy, so callers may change what they get.
"""

from ._clusters import cluster_definitions, load_cluster_categories_file
from ._harmonise import HARMONISATION_WEIGHTS, HarmonisationReport, harmonise_regions
from ._nace import expand_nace, load_nace, nace_children, nace_level, to_eurostat_nace
from ._nuts import NUTS_VERSIONS, is_aggregate, is_extra_regio, load_nuts, nuts_level
from ._vocabulary import code_vocabulary

__all__ = [
    "HARMONISATION_WEIGHTS",
    "NUTS_VERSIONS",
    "HarmonisationReport",
    "cluster_definitions",
    "code_vocabulary",
    "expand_nace",
    "harmonise_regions",
    "is_aggregate",
    "is_extra_regio",
    "load_cluster_categories_file",
    "load_nace",
    "load_nuts",
    "nace_children",
    "nace_level",
    "nuts_level",
    "to_eurostat_nace",
]
