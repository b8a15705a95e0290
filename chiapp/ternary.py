"""Ternary Flory–Huggins: a polymer, its solvent and an antisolvent (nonsolvent).

Per lattice site of the solvent's molar volume V_s, with volume fractions φ = (φp, φs, φa), sizes
r = (N, 1, m) (N = polymer volume / V_s, m = V_a / V_s) and χ's per site of V_s
(Tompa, *Polymer Solutions*, 1956, ch. 7; Altena & Smolders, Macromolecules 15, 1491, 1982)::

    f = (φp/N) ln φp + φs ln φs + (φa/m) ln φa + χps φp φs + χpa φp φa + χsa φs φa      [kT per site]

    Δμ_i/kT = ln φi + 1 − r_i Σ_j φj/r_j + r_i (Σ_j χij φj − Σ_{j<k} χjk φj φk)        [per molecule i]

Two phases coexist where the three Δμ are equal in both (the binodal; tie lines join the pairs), the
mixture is unstable where the Hessian of f in (φp, φa) has a negative determinant (the spinodal),
and the two curves meet at the critical point, where the third derivative of f along the spinodal's
null direction vanishes (Gibbs' condition). On the polymer–antisolvent edge (no solvent) the system is
the binary of ``chiapp.flory_huggins`` with sites of V_a.

The binodal is traced from that edge: a tie line is fixed by t, the solvent's share of the lean
phase's liquid, and solved by Newton's method in logarithms (a lean phase of exp(−2000) is exact),
t rising until the two phases meet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.polynomial import polynomial
from scipy.optimize import brentq, root

from chiapp.errors import InputError
from chiapp.flory_huggins import binodal_log, critical_chis
from chiapp.frozen import read_only

__all__ = ["TernarySystem", "TieLines", "critical_point_ternary", "precipitated_share", "spinodal_points",
           "tie_lines"]

_P, _S, _A = 0, 1, 2


@dataclass(frozen=True)
class TernarySystem:
    """Polymer (N sites), solvent (1 site) and antisolvent (m sites) with χ's per solvent site."""

    chain_length: float
    antisolvent_size: float
    chi_ps: float
    chi_pa: float
    chi_sa: float
    #: Δg(u) = g(u) − χsa in powers of u = φa/(φs + φa): a composition-dependent solvent–antisolvent
    #: interaction g(u) (Altena & Smolders 1982), as measured activities give it; () for a constant χsa.
    sa_excess: tuple[float, ...] = ()

    def __post_init__(self):
        values = (self.chain_length, self.antisolvent_size, self.chi_ps, self.chi_pa, self.chi_sa, *self.sa_excess)
        if not all(math.isfinite(v) for v in values):
            raise InputError(f"a ternary system needs finite numbers, got {values}")
        if not 1.0 <= self.chain_length <= 1e8 or not 0.01 <= self.antisolvent_size <= 100:
            raise InputError(f"chain length must be 1-1e8 and the antisolvent's size 0.01-100 solvent volumes, "
                             f"got N = {self.chain_length:g}, m = {self.antisolvent_size:g}")
        if max(abs(self.chi_ps), abs(self.chi_pa), abs(self.chi_sa)) > 50:
            raise InputError("a χ beyond ±50 is not a Flory–Huggins parameter")

    @property
    def liquids_critical_chi(self) -> float:
        """χsa above which the solvent and the antisolvent alone separate into two layers: the critical
        χ of two liquids of 1 and m sites, per solvent site (m may be below 1: water after toluene)."""
        return float(critical_chis(self.antisolvent_size))

    @property
    def liquids_mix(self) -> bool:
        """Whether the solvent and the antisolvent alone mix at every ratio: their binary's f'' > 0 over
        0 < u < 1 (for a constant χsa, χsa at or below :attr:`liquids_critical_chi`)."""
        if self._w is None:
            return self.chi_sa <= self.liquids_critical_chi
        u = np.linspace(1e-4, 1.0 - 1e-4, 2001)
        curvature = 1.0 / (1.0 - u) + 1.0 / (self.antisolvent_size * u) - 2.0 * self.chi_sa + self.excess_terms(u, 2)
        return bool(np.all(curvature > 0))

    @cached_property  # the tie-line solver asks for these some 10⁵ times per diagram; read-only, shared
    def sizes(self) -> np.ndarray:
        return read_only(np.array([self.chain_length, 1.0, self.antisolvent_size]))

    @cached_property
    def _w(self) -> tuple[np.ndarray, ...] | None:
        """w(u) = u(1 − u)Δg(u) and its first three derivatives (polynomial coefficients), or None."""
        if not self.sa_excess:
            return None
        w = polynomial.polymul([0.0, 1.0, -1.0], self.sa_excess)
        return tuple(read_only(np.asarray(polynomial.polyder(w, k) if k else w, dtype=float)) for k in range(4))

    def excess_terms(self, u, order: int) -> np.ndarray:
        """The order-th derivative of w at u (zero for a constant χsa)."""
        if self._w is None:
            return np.zeros_like(np.asarray(u, dtype=float))
        return polynomial.polyval(u, self._w[order])

    @cached_property
    def chi_matrix(self) -> np.ndarray:
        return read_only(np.array([[0.0, self.chi_ps, self.chi_pa],
                                    [self.chi_ps, 0.0, self.chi_sa],
                                    [self.chi_pa, self.chi_sa, 0.0]]))

    def free_energy(self, phi) -> np.ndarray:
        """f [kT per site] at compositions (..., 3)."""
        phi = np.asarray(phi, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ideal = np.where(phi > 0, phi / self.sizes * np.log(phi), 0.0).sum(axis=-1)
        out = ideal + 0.5 * np.einsum("...i,ij,...j->...", phi, self.chi_matrix, phi)
        if self._w is not None:  # the composition-dependent part, h = S² w(u), S = φs + φa
            liquid = phi[..., _S] + phi[..., _A]
            out = out + liquid ** 2 * self.excess_terms(phi[..., _A] / np.maximum(liquid, 1e-300), 0)
        return out

    def chemical_potentials(self, ln_phi) -> np.ndarray:
        """Δμ_i/kT per molecule of each component (..., 3), from ln φ (..., 3): exact for a fraction
        below the smallest float."""
        ln_phi = np.asarray(ln_phi, dtype=float)
        with np.errstate(under="ignore"):
            phi = np.exp(ln_phi)
        r = self.sizes
        interaction = phi @ self.chi_matrix                                       # Σ_j χij φj
        pairs = 0.5 * np.einsum("...i,...i->...", phi, interaction)               # Σ_{j<k} χjk φj φk
        mu = ln_phi + 1.0 - r * (phi / r).sum(axis=-1, keepdims=True) + r * (interaction - pairs[..., None])
        if self._w is not None:
            mu = mu + r * self._excess_potentials(phi)
        return mu

    def _excess_potentials(self, phi: np.ndarray) -> np.ndarray:
        """∂h/∂φi − h (..., 3) of h = S² w(u), S = φs + φa: ∂h/∂φp = 0, ∂h/∂φs = S(2w − u w'),
        ∂h/∂φa = S(2w + (1 − u)w'). Row by row in floats for the tie-line solver's two phases (numpy's
        per-call overhead would dominate), vectorized for many rows."""
        flat = phi.reshape(-1, 3)
        if len(flat) > 8:
            total = flat[:, _S] + flat[:, _A]
            share = flat[:, _A] / np.maximum(total, 1e-300)
            w_all, dw_all = self.excess_terms(share, 0), self.excess_terms(share, 1)
            h_all = total ** 2 * w_all
            out = np.stack([-h_all, total * (2 * w_all - share * dw_all) - h_all,
                            total * (2 * w_all + (1 - share) * dw_all) - h_all], axis=-1)
            return out.reshape(phi.shape)
        w_coefficients, dw_coefficients = self._w_floats
        rows = []
        for _, phi_s, phi_a in flat.tolist():
            liquid = phi_s + phi_a
            u = phi_a / liquid if liquid > 0 else 0.0
            w = dw = 0.0
            for c in w_coefficients:
                w = w * u + c
            for c in dw_coefficients:
                dw = dw * u + c
            h = liquid * liquid * w
            rows.append((-h, liquid * (2 * w - u * dw) - h, liquid * (2 * w + (1 - u) * dw) - h))
        return np.array(rows).reshape(phi.shape)

    @cached_property
    def _w_floats(self) -> tuple[list[float], list[float]]:
        """w's and w''s coefficients, highest power first, as floats (Horner's scheme)."""
        assert self._w is not None
        return [float(c) for c in self._w[0][::-1]], [float(c) for c in self._w[1][::-1]]

    def hessian_terms(self, phi_p, phi_a):
        """(f_pp, f_aa, f_pa) of f in the independent (φp, φa), φs = 1 − φp − φa."""
        phi_s = 1.0 - phi_p - phi_a
        n, m = self.chain_length, self.antisolvent_size
        f_pp = 1.0 / (n * phi_p) + 1.0 / phi_s - 2.0 * self.chi_ps
        f_aa = 1.0 / (m * phi_a) + 1.0 / phi_s - 2.0 * self.chi_sa
        f_pa = 1.0 / phi_s + self.chi_pa - self.chi_ps - self.chi_sa
        if self._w is not None:  # h = S² w(φa/S), S = 1 − φp
            u = phi_a / (1.0 - phi_p)
            w, dw, d2w = (self.excess_terms(u, k) for k in range(3))
            f_pp = f_pp + 2 * w - 2 * u * dw + u * u * d2w
            f_aa = f_aa + d2w
            f_pa = f_pa - dw + u * d2w
        return f_pp, f_aa, f_pa

    def stability(self, phi_p, phi_a):
        """det of the Hessian: > 0 stable (or metastable), < 0 unstable."""
        f_pp, f_aa, f_pa = self.hessian_terms(phi_p, phi_a)
        return f_pp * f_aa - f_pa * f_pa


def spinodal_points(system: TernarySystem, n_points: int = 200) -> np.ndarray:
    """Points (k, 3) of the spinodal, found as the sign changes of the Hessian's determinant along
    lines of constant φp (log-spaced, so a dilute polymer is resolved), each refined by Brent's method."""
    out = []
    for phi_p in np.geomspace(1e-6, 0.999, n_points):
        grid = np.linspace(0.0, 1.0 - phi_p, 801)[1:-1]
        det = system.stability(phi_p, grid)
        for i in np.flatnonzero(np.sign(det[:-1]) * np.sign(det[1:]) < 0):
            phi_a = brentq(lambda a: system.stability(phi_p, a), grid[i], grid[i + 1], xtol=1e-14)
            out.append((phi_p, 1.0 - phi_p - phi_a, phi_a))
    return np.array(out).reshape(-1, 3)


def _third_order(system: TernarySystem, phi_p: float, phi_a: float) -> float:
    """Σ f_ijk v_i v_j v_k along the null vector v of the Hessian (zero at a critical point)."""
    phi_s = 1.0 - phi_p - phi_a
    f_pp, f_aa, f_pa = system.hessian_terms(phi_p, phi_a)
    v = np.array([-f_pa, f_pp]) if abs(f_pp) > abs(f_aa) else np.array([f_aa, -f_pa])
    v *= np.sign(v[0] or 1.0) / np.linalg.norm(v)  # one orientation: the cubic form is odd in v
    s2 = 1.0 / phi_s ** 2
    f_ppp = -1.0 / (system.chain_length * phi_p ** 2) + s2
    f_aaa = -1.0 / (system.antisolvent_size * phi_a ** 2) + s2
    excess = 0.0
    if system.sa_excess:  # the third derivatives of S² w(φa/S) along v: w‴(u)/S (u v_p + v_a)³
        u = phi_a / (1.0 - phi_p)
        excess = float(system.excess_terms(u, 3)) / (1.0 - phi_p) * (u * v[0] + v[1]) ** 3
    cubic = v[0] ** 3 * f_ppp + 3 * v[0] ** 2 * v[1] * s2 + 3 * v[0] * v[1] ** 2 * s2 + v[1] ** 3 * f_aaa
    return float(cubic + excess)


def critical_point_ternary(system: TernarySystem, spinodal: np.ndarray | None = None) -> np.ndarray | None:
    """The critical point (φp, φs, φa) on the spinodal, or None: where the spinodal's third-order
    condition changes sign, refined along the spinodal."""
    points = spinodal_points(system) if spinodal is None else spinodal
    if len(points) < 2:
        return None
    order = np.argsort(points[:, _P])
    points = points[order]
    g = np.array([_third_order(system, p[_P], p[_A]) for p in points])
    for i in np.flatnonzero(np.sign(g[:-1]) * np.sign(g[1:]) < 0):
        lo, hi = points[i], points[i + 1]
        if abs(lo[_A] - hi[_A]) > 0.05:  # two branches of the spinodal side by side, not one curve
            continue

        def along(phi_p):
            a_lo, a_hi = max(1e-12, min(lo[_A], hi[_A]) - 0.05), min(1 - phi_p - 1e-12, max(lo[_A], hi[_A]) + 0.05)
            phi_a = brentq(lambda a: system.stability(phi_p, a), a_lo, a_hi, xtol=1e-14)
            return _third_order(system, phi_p, phi_a), phi_a

        try:
            phi_p = brentq(lambda x: along(x)[0], lo[_P], hi[_P], xtol=1e-13)
            phi_a = along(phi_p)[1]
        except ValueError:  # the spinodal left the local bracket: not this crossing
            continue
        return np.array([phi_p, 1.0 - phi_p - phi_a, phi_a])
    return None


@dataclass(frozen=True)
class TieLines:
    """Coexisting compositions: ``rich[k]`` and ``lean[k]`` (φp, φs, φa) of tie line k, ordered from
    the polymer–antisolvent edge towards the critical point; ``ln_lean_polymer`` is ln φp of the lean
    phase (exact where φp underflows)."""

    rich: np.ndarray
    lean: np.ndarray
    ln_lean_polymer: np.ndarray
    shares: np.ndarray             # t of each tie line (solvent share of the lean phase's liquid)
    unknowns: np.ndarray           # (k, 3) the solver's variables of each line (warm starts)


def _residual(system: TernarySystem, y: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Δμ(rich) − Δμ(lean) for unknowns y = (w_p, w_s, ln φp_lean): the rich phase is the softmax of
    (w_p, w_s, 0), the lean phase has φs = t(1 − φp), φa = (1 − t)(1 − φp)."""
    w = np.array([y[0], y[1], 0.0])
    ln_rich = w - np.logaddexp.reduce(w)
    ln_lean_p = min(y[2], -1e-12)
    ln_rest = math.log(-math.expm1(ln_lean_p))
    ln_lean = np.array([ln_lean_p, math.log(t) + ln_rest, math.log1p(-t) + ln_rest])
    mu = system.chemical_potentials(np.stack([ln_rich, ln_lean]))  # both phases in one call
    diff = mu[0] - mu[1]
    diff[_P] /= system.chain_length  # per site, as the other two, for the solver's scaling
    return diff, ln_rich, ln_lean


def _edge_start(system: TernarySystem, t: float) -> np.ndarray | None:
    """Unknowns at a small t from the polymer–antisolvent binary (sites of V_a: N/m, χpa·m)."""
    m = system.antisolvent_size
    logs = binodal_log(system.chi_pa * m, max(1.0, system.chain_length / m))
    if logs is None:
        return None
    ln_lean_p, ln_rich_a = logs
    rich = np.array([-math.expm1(ln_rich_a), 0.0, math.exp(ln_rich_a)])
    lean = np.array([math.exp(ln_lean_p), 0.0, -math.expm1(ln_lean_p)])

    def excess_solvent(phi):  # Δμ_s − ln φs at φs → 0
        r, chi = system.sizes, system.chi_matrix
        inter = phi @ chi
        # with g(u) the solvent meets the antisolvent at u = 1: ∂h/∂φs = φa Δg(1), h = 0
        extra = phi[_A] * float(polynomial.polyval(1.0, system.sa_excess)) if system.sa_excess else 0.0
        return 1.0 - (phi / r).sum() + inter[_S] + extra - 0.5 * phi @ inter

    ln_k = excess_solvent(lean) - excess_solvent(rich)      # ln(φs_rich / φs_lean)
    ln_rich_s = ln_k + math.log(t) + math.log(lean[_A])
    return np.array([math.log(rich[_P]) - math.log(rich[_A]), ln_rich_s - math.log(rich[_A]), ln_lean_p])


#: The tracer's solves: a tie line from a warm start converges in about 16 evaluations (the median); a
#: solve that has not after 100 is counted a failure at once, and the tracer quarters its step, rather
#: than running to MINPACK's default of 800 (such failures, near the critical point, took three fifths
#: of the time).
_SOLVER = {"xtol": 1e-12, "maxfev": 100}


def tie_lines(system: TernarySystem, max_lines: int = 400) -> TieLines:
    """Trace the binodal from the polymer–antisolvent edge to the critical point (module docstring).
    No tie lines when the polymer and the antisolvent mix (no miscibility gap on that edge)."""
    t, step = 1e-6, 0.02
    y = _edge_start(system, t)
    rich: list = []
    lean: list = []
    lean_p: list = []
    shares: list = []
    unknowns: list = []
    if y is None:
        return TieLines(np.empty((0, 3)), np.empty((0, 3)), np.empty(0), np.empty(0), np.empty((0, 3)))
    while len(shares) < max_lines and t < 1.0 - 1e-9:
        found = root(lambda v: _residual(system, v, t)[0], y, method="hybr", options=_SOLVER)
        diff, ln_rich, ln_lean = _residual(system, found.x, t)
        apart = abs(math.exp(ln_rich[_P]) - math.exp(ln_lean[_P]))
        if not found.success or np.max(np.abs(diff)) > 1e-8 or apart < 2e-3:
            if step < 1e-5:
                break
            t -= step
            step /= 4
            t += step
            continue
        rich.append(np.exp(ln_rich))
        lean.append(np.exp(ln_lean))
        lean_p.append(ln_lean[_P])
        shares.append(t)
        unknowns.append(found.x)
        y = found.x
        step = min(step * 1.5, 0.05)
        t = min(t + step, 1.0 - 1e-9)
    return TieLines(np.array(rich).reshape(-1, 3), np.array(lean).reshape(-1, 3), np.array(lean_p),
                    np.array(shares), np.array(unknowns).reshape(-1, 3))


def _tie_line_at(system: TernarySystem, t: float, y0: np.ndarray):
    # no cap here: the caller reads this solve's result without a retry, as before the tracer's cap
    found = root(lambda v: _residual(system, v, t)[0], y0, method="hybr", options={"xtol": 1e-12})
    _, ln_rich, ln_lean = _residual(system, found.x, t)
    return np.exp(ln_rich), np.exp(ln_lean), found.x


def precipitated_share(system: TernarySystem, overall, lines: TieLines | None = None) -> float:
    """The share of the polymer [-] in the polymer-rich phase when a mixture of ``overall``
    composition (φp, φs, φa) separates: 0 in one phase, by the lever rule on the tie line through it."""
    z = np.asarray(overall, dtype=float)
    lines = tie_lines(system) if lines is None else lines
    if not len(lines.shares):
        return 0.0

    def side(rich, lean) -> float:  # the sign of z against the tie line, in the (φp, φa) plane
        d = rich - lean
        return float(d[_P] * (z[_A] - lean[_A]) - d[_A] * (z[_P] - lean[_P]))

    sides = np.array([side(r, le) for r, le in zip(lines.rich, lines.lean)])
    for k in np.flatnonzero(np.sign(sides[:-1]) * np.sign(sides[1:]) <= 0):
        found = _through(system, lines, int(k), side)
        if found is not None:
            rich, lean = found
            d = rich - lean
            fraction = float(np.dot(z - lean, d) / np.dot(d, d))   # volume share of the rich phase
            if -1e-9 <= fraction <= 1.0 + 1e-9:
                return float(min(1.0, max(0.0, fraction) * rich[_P] / z[_P]))
    return 0.0


def _through(system: TernarySystem, lines: TieLines, k: int, side):
    """The tie line between traced lines k and k + 1 on which ``side`` vanishes (warm starts)."""
    t0, t1 = lines.shares[k], lines.shares[k + 1]
    state = {}

    def side_at(t):
        start = lines.unknowns[k] + (t - t0) / (t1 - t0) * (lines.unknowns[k + 1] - lines.unknowns[k])
        rich, lean, _ = _tie_line_at(system, t, start)
        if abs(rich[_P] - lean[_P]) < 1e-6:
            raise ValueError("the solver fell on the trivial root")
        state["rich"], state["lean"] = rich, lean
        return side(rich, lean)

    try:
        t = brentq(side_at, lines.shares[k], lines.shares[k + 1], xtol=1e-12)
    except ValueError:
        return None
    side_at(t)
    return state["rich"], state["lean"]
