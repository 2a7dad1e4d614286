"""Economic complexity: ECI, PCI, proximity, density, complexity outlook and gain.

One estimator, :class:`EconomicComplexity`, fitted on a :class:`~polisee.analytics.Panel`
of (say) employment by region x industry x year. Two presets reproduce the two reference
implementations of the Growth Lab's method: ``convention="atlas"`` (the Stata
``ecomplexity`` command behind the Atlas of Economic Complexity) and
``convention="ecomplexity"`` (the Python package ``ecomplexity`` 0.5.3).
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from polisee.analytics._complexity_kernels import (
    Settings,
    YearResult,
    allocate,
    fit_year,
    year_matrices,
)
from polisee.analytics.panel import Panel
from polisee.errors import InputError

__all__ = ["CONVENTIONS", "EconomicComplexity"]

#: The conventions each preset fixes; every entry can be overridden by a keyword.
CONVENTIONS: dict[str, dict[str, Any]] = {
    "atlas": {
        "strict": True,
        "self_proximity": 0.0,
        "scale": "cells",
    },
    "ecomplexity": {
        "strict": False,
        "self_proximity": 1.0,
        "scale": "regions",
    },
}

_CHOICES: dict[str, tuple[object, ...]] = {
    "presence": ("rca", "binary"),
    "method": ("eigenvector", "reflections", "fitness"),
    "proximity": ("min", "asymmetric", "continuous"),
    "convention": tuple(CONVENTIONS),
    "missing": ("zero", "drop_region", "raise"),
    "self_proximity": (0.0, 1.0),
    "scale": ("regions", "cells"),
    "strict": (True, False),
}


class EconomicComplexity:
    r"""Economic complexity of regions and industries (Hidalgo & Hausmann 2009).

    ``__init__`` stores the parameters; :meth:`fit` computes every year of the panel.

    Parameters
    ----------
    presence : {"rca", "binary"}
        ``"rca"``: a region has an industry when its Balassa RCA passes ``threshold``;
        ``"binary"``: the panel values already are the presence matrix (nonzero = 1).
    threshold : float
        RCA threshold for presence (1.0).
    method : {"eigenvector", "reflections", "fitness"}
        ``"eigenvector"``: second eigenvector of :math:`\tilde M`; ``"reflections"``: the
        method of reflections iterated to its limit (same result, up to ``tol``);
        ``"fitness"``: the fitness-complexity fixed point (Tacchella et al. 2012) -- then
        ``eci_`` holds fitness and ``pci_`` complexity, both normalised to mean 1 and not
        standardised, and COI/COG use them unscaled.
    proximity : {"min", "asymmetric", "continuous"}
        ``"min"``: :math:`\phi_{pq} = C_{pq} / \max(u_p, u_q)` (Hidalgo et al. 2007);
        ``"asymmetric"``: the conditional probability, ``proximity_`` row p column q
        :math:`P(q \mid p) = C_{pq}/u_p` (both peers); density of p then weighs the
        region's industries k by :math:`P(k \mid p)`;
        ``"continuous"``: :math:`(1 + \operatorname{corr}(RCA_p, RCA_q)) / 2`, and density
        then weights RCA levels instead of presence (as both peers do).
    convention : {"atlas", "ecomplexity"}
        Preset of the conventions below (see Notes); ``"atlas"`` is the default.
    missing : {"zero", "drop_region", "raise"}
        What a NaN cell (confidential, not published) means: zero employment, "drop that
        region for that year", or an :class:`~polisee.errors.InputError`. Cells absent
        from the long panel are always zero (long data omits empty cells).
    strict, self_proximity, scale : optional
        Override one convention of the preset: presence when RCA ``>`` (``strict=True``) or
        ``>=`` the threshold; the proximity diagonal (0.0: an industry does not count
        towards its own density; 1.0: it does); ECI standardised with the population sd
        over regions (``"regions"``) or the sample sd over region x industry cells
        (``"cells"``).
    max_iter, tol : int, float
        Iteration limit and convergence tolerance of ``"reflections"`` and ``"fitness"``.
    n_jobs : int, optional
        Years fitted in parallel threads (``None``: one per core this process may use,
        at most one per year; ``1`` fits them one after another). Results do not depend
        on it: each year is computed by the same code on its own buffers.
    blas_threads : int, optional
        BLAS threads per job while fitting (default 1; ``None`` leaves BLAS as configured).
        The matrices are small (hundreds of rows): a multi-threaded BLAS gains little on
        them and, when another process or job keeps a core busy, its threads wait on each
        other and a fit can take ten times longer (measured: 0.2 s with one BLAS thread,
        0.7-5 s with two, for 240 regions x 600 industries x 10 years on a loaded
        two-core machine). Parallelism comes from ``n_jobs`` instead.

    Attributes
    ----------
    rca_, presence_, density_, cog_ : pandas.DataFrame
        Index ``(year, region)``, one column per industry.
    diversity_, eci_, coi_ : pandas.Series
        Index ``(year, region)``.
    ubiquity_, pci_ : pandas.Series
        Index ``(year, industry)``.
    proximity_ : pandas.DataFrame
        Index ``(year, industry)``, one column per industry.

    Regions and industries with a zero total in a year (and regions dropped by
    ``missing="drop_region"``) are NaN everywhere and 0 in ``presence_``. A region with
    zero diversity (or an industry with zero ubiquity) keeps its RCA, presence and
    density but has NaN ECI, COI and COG (PCI and COG): the others are computed as if it
    were not there.

    Raises
    ------
    InputError
        From :meth:`fit`: invalid parameters; a NaN cell with ``missing="raise"``; a
        presence network that splits into disconnected components (named in the
        message); constant diversity, or ECI uncorrelated with diversity (the sign of ECI
        is undefined); a repeated second eigenvalue (ECI not unique); fewer than 2
        regions or industries with presence.

    Notes
    -----
    With :math:`X_{cp}` the value of industry *p* in region *c*:

    .. math::

        RCA_{cp} = \frac{X_{cp} / \sum_p X_{cp}}{\sum_c X_{cp} / \sum_{cp} X_{cp}}, \quad
        M_{cp} = [RCA_{cp} > t], \quad k_c = \sum_p M_{cp}, \quad k_p = \sum_c M_{cp}

        \tilde M_{pp'} = \sum_c \frac{M_{cp} M_{cp'}}{k_p k_c}, \quad
        \tilde M Q = \lambda_2 Q, \quad K_c = \frac{1}{k_c} \sum_p M_{cp} Q_p

    The sign makes :math:`\operatorname{corr}(K_c, k_c) > 0`; then
    :math:`ECI = (K - \bar K)/s_K`, :math:`PCI = (Q - \bar K)/s_K` (so that a region's
    ECI is the mean PCI of its industries). Proximity
    :math:`\phi_{pq} = \min(P(p|q), P(q|p))`, density
    :math:`\omega_{cp} = \sum_k M_{ck}\phi_{kp} / \sum_k \phi_{kp}`,
    :math:`COI_c = \sum_p \omega_{cp}(1 - M_{cp}) Q_p` (standardised) and
    :math:`COG_{cp} = (1 - M_{cp}) \sum_k (1 - M_{ck}) \phi_{kp} Q_k / \sum_j \phi_{kj} / s_K`.

    ====================  ===========================  ===========================
    convention            ``"atlas"`` (Stata)          ``"ecomplexity"`` (Python)
    ====================  ===========================  ===========================
    presence              RCA > t                      RCA >= t
    proximity diagonal    0 (not its own neighbour)    1 (counts towards density)
    :math:`s_K`           sample sd over cells         population sd over regions
    ====================  ===========================  ===========================

    The eigenproblem is solved on the symmetric matrix
    :math:`D_p^{-1/2} M^T D_c^{-1} M D_p^{-1/2}` (similar to :math:`\tilde M`), whose
    eigenvalues are real, so the result does not depend on which complex eigenvalue a
    nonsymmetric solver lists second.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
    PNAS 106(26), 10570-10575.
    Hidalgo, C. A., Klinger, B., Barabasi, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. Science 317(5837), 482-487.
    Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.
    Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli, A., & Pietronero, L. (2012).
    A new metrics for countries' fitness and products' complexity. Scientific Reports 2, 723.
    Growth Lab, Stata ``ecomplexity`` (github.com/cid-harvard/ecomplexity) and Python
    ``ecomplexity`` 0.5.3 (github.com/cid-harvard/py-ecomplexity).

    Examples
    --------
    A perfectly nested presence matrix (A has x; B has x, y; C has x, y, z) given as
    presence. By symmetry K = c(-1, 0, 1); K_c being the mean of Q over c's industries,
    Q = c(-1, 1, 3). The atlas convention divides by the sample sd over the 9 cells,
    c sqrt(3 * 2 / 8), so ECI = (-1, 0, 1) / 0.866 and PCI = (-1, 1, 3) / 0.866:

    >>> rows = [("A", "x"), ("B", "x"), ("B", "y"), ("C", "x"), ("C", "y"), ("C", "z")]
    >>> df = pd.DataFrame(rows, columns=["region", "industry"]).assign(year=2020, value=1.0)
    >>> ec = EconomicComplexity(presence="binary").fit(Panel.from_frame(df))
    >>> (ec.eci_.loc[2020].round(4) + 0.0).tolist()
    [-1.1547, 0.0, 1.1547]
    >>> ec.pci_.loc[2020].round(4).tolist()
    [-1.1547, 1.1547, 3.4641]

    Proximity is the smaller conditional probability, phi_xy = 2 / max(3, 2); the atlas
    diagonal is 0, so A's density of y is phi_xy / (phi_xy + phi_zy) = (2/3) / (7/6):

    >>> ec.proximity_.loc[2020].round(3)
    industry      x      y      z
    industry
    x         0.000  0.667  0.333
    y         0.667  0.000  0.500
    z         0.333  0.500  0.000
    >>> float(ec.density_.loc[(2020, "A"), "y"].round(4))
    0.5714
    """

    def __init__(
        self,
        *,
        presence: Literal["rca", "binary"] = "rca",
        threshold: float = 1.0,
        method: Literal["eigenvector", "reflections", "fitness"] = "eigenvector",
        proximity: Literal["min", "asymmetric", "continuous"] = "min",
        convention: Literal["atlas", "ecomplexity"] = "atlas",
        missing: Literal["zero", "drop_region", "raise"] = "zero",
        strict: bool | None = None,
        self_proximity: float | None = None,
        scale: Literal["regions", "cells"] | None = None,
        max_iter: int = 1000,
        tol: float = 1e-12,
        n_jobs: int | None = None,
        blas_threads: int | None = 1,
    ) -> None:
        self.presence = presence
        self.threshold = threshold
        self.method = method
        self.proximity = proximity
        self.convention = convention
        self.missing = missing
        self.strict = strict
        self.self_proximity = self_proximity
        self.scale = scale
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.blas_threads = blas_threads

    _PARAMS = (
        "presence",
        "threshold",
        "method",
        "proximity",
        "convention",
        "missing",
        "strict",
        "self_proximity",
        "scale",
        "max_iter",
        "tol",
        "n_jobs",
        "blas_threads",
    )

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters, as passed."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if v is not None)
        return f"EconomicComplexity({args})"

    def _settings(self) -> Settings:
        for name in ("presence", "method", "proximity", "convention", "missing"):
            _check_choice(name, getattr(self, name))
        preset = dict(CONVENTIONS[self.convention])
        for name in ("strict", "self_proximity", "scale"):
            value = getattr(self, name)
            if value is not None:
                _check_choice(name, value)
                preset[name] = value
        if not np.isfinite(self.threshold) or self.threshold < 0:
            raise InputError(
                f"expected a finite non-negative threshold, got {self.threshold!r}",
                field="threshold",
            )
        if self.n_jobs is not None and int(self.n_jobs) < 1:
            raise InputError(f"expected n_jobs >= 1, got {self.n_jobs!r}", field="n_jobs")
        if self.blas_threads is not None and int(self.blas_threads) < 1:
            raise InputError(
                f"expected blas_threads >= 1 or None, got {self.blas_threads!r}",
                field="blas_threads",
            )
        if int(self.max_iter) < 1 or not self.tol > 0:
            raise InputError(
                f"expected max_iter >= 1 and tol > 0, got {self.max_iter!r} and {self.tol!r}",
                field="max_iter",
            )
        return Settings(
            presence=self.presence,
            threshold=float(self.threshold),
            strict=bool(preset["strict"]),
            method=self.method,
            proximity=self.proximity,
            self_proximity=float(preset["self_proximity"]),
            scale=str(preset["scale"]),
            missing=self.missing,
            max_iter=int(self.max_iter),
            tol=float(self.tol),
        )

    def fit(self, panel: Panel) -> EconomicComplexity:
        """Compute every fitted attribute for every year of ``panel``; return ``self``."""
        settings = self._settings()
        if not isinstance(panel, Panel):
            raise InputError(f"expected a Panel, got {type(panel).__name__}", field="panel")
        if len(panel) == 0:
            raise InputError("expected a non-empty panel", field="panel")
        regions, industries, years, fill = year_matrices(panel.data)
        results = allocate(len(years), len(regions), len(industries))
        local = threading.local()

        def fit_one(t: int) -> None:
            # One input buffer per thread, reused across that thread's years.
            if not hasattr(local, "buffer"):
                local.buffer = np.empty((len(regions), len(industries)))
            X = fill(t, local.buffer)
            fit_year(X, int(years[t]), regions, industries, settings, results[t])

        n_jobs = min(self.n_jobs or _available_cores(), len(years))
        limits = (
            threadpool_limits(limits=int(self.blas_threads), user_api="blas")
            if self.blas_threads is not None
            else contextlib.nullcontext()
        )
        with limits:
            if n_jobs == 1:
                for t in range(len(years)):
                    fit_one(t)
            else:
                # Years are independent and numpy/BLAS release the GIL: threads share memory.
                with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                    list(pool.map(fit_one, range(len(years))))
        self._assemble(results, years, regions, industries)
        self.settings_ = settings
        return self

    def _assemble(
        self, results: list[YearResult], years: pd.Index, regions: pd.Index, industries: pd.Index
    ) -> None:
        years = pd.Index(years.astype("int64"), name="year")
        regions = regions.rename("region")
        industries = industries.rename("industry")
        by_region = pd.MultiIndex.from_product([years, regions])
        by_industry = pd.MultiIndex.from_product([years, industries])
        columns = industries.copy()

        def block(name: str) -> np.ndarray:
            # Every year's slot is a view into one (year, ...) block: reshape, no copy.
            base: np.ndarray = getattr(results[0], name).base
            if base.ndim == 3:
                return base.reshape(len(index_of[name]), -1)
            return base.ravel()

        index_of = {
            "rca": by_region,
            "presence": by_region,
            "density": by_region,
            "cog": by_region,
            "proximity": by_industry,
            "diversity": by_region,
            "eci": by_region,
            "coi": by_region,
            "ubiquity": by_industry,
            "pci": by_industry,
        }

        def wide(name: str, index: pd.MultiIndex) -> pd.DataFrame:
            return pd.DataFrame(block(name), index=index, columns=columns, copy=False)

        def series(name: str, index: pd.MultiIndex) -> pd.Series:
            return pd.Series(block(name), index=index, name=name, copy=False)

        self.rca_ = wide("rca", by_region)
        self.presence_ = wide("presence", by_region)
        self.density_ = wide("density", by_region)
        self.cog_ = wide("cog", by_region)
        self.proximity_ = wide("proximity", by_industry)
        self.diversity_ = series("diversity", by_region)
        self.eci_ = series("eci", by_region)
        self.coi_ = series("coi", by_region)
        self.ubiquity_ = series("ubiquity", by_industry)
        self.pci_ = series("pci", by_industry)

    def to_frame(self) -> pd.DataFrame:
        """All fitted values in one long frame indexed ``(year, region, industry)``.

        Columns ``rca, presence, density, cog, diversity, ubiquity, eci, pci, coi`` -- the
        shape of the peers' output, convenient for export.
        """
        if not hasattr(self, "eci_"):
            raise InputError("expected a fitted estimator: call fit(panel) first", field="fit")
        out = pd.DataFrame(
            {
                name: getattr(self, f"{name}_").stack(future_stack=True)
                for name in ("rca", "presence", "density", "cog")
            }
        )
        out.index = out.index.set_names(["year", "region", "industry"])
        keys = out.index
        years = keys.get_level_values(0)
        regions = keys.get_level_values(1)
        industries = keys.get_level_values(2)
        for name in ("diversity", "eci", "coi"):
            series = getattr(self, f"{name}_")
            out[name] = series.reindex(pd.MultiIndex.from_arrays([years, regions])).to_numpy()
        for name in ("ubiquity", "pci"):
            series = getattr(self, f"{name}_")
            out[name] = series.reindex(pd.MultiIndex.from_arrays([years, industries])).to_numpy()
        return out


def _available_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _check_choice(name: str, value: object) -> None:
    choices = _CHOICES[name]
    if value not in choices:
        raise InputError(f"expected {name} to be one of {list(choices)}, got {value!r}", field=name)
