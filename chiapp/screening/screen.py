"""Catalogue-scale screens: every polymer × solvent × temperature, streamed to Parquet.

A screen runs in two stages, each cut into chunks whose results are files, so memory stays
bounded whatever the size and a rerun skips what is already done:

1. featurization, by blocks of molecules: resolve each input (name or SMILES) and compute what the
   answer engine needs of it (``chiapp.features``), saved as the arrays of a
   :class:`chiapp.answer.MoleculeBlock`. A molecule that fails is written to the side file
   ``<output>.failures.csv`` with its reason; the rest are screened.
2. the grid, by blocks of polymers × blocks of solvents: the answer engine (``chiapp.answer``) gives
   every pair the same posterior χ ± σ, limit, P(dissolves) and verdict as ``predict_chi`` (prior,
   measured evidence, crystalline limits included). With ``top`` each chunk keeps its best ``top``
   solvents per polymer and temperature (most likely to dissolve: the largest (χ_lim − χ)/σ, which
   orders P(dissolves)) among the pairs that pass the filters, and the final pass keeps the best
   ``top`` over all chunks; without it every pair that passes is written.

Chunk results live in ``<output>.parts/`` until the screen completes; the final Parquet file is
assembled from them in a fixed order, so the single-process and the Dask engines (which run the
same chunk functions on workers, :mod:`chiapp.screening.distributed`) write identical files. Every
part file names what it holds (its stage, block and a digest of its inputs and of the screen's
settings) and carries a digest of its arrays: a part that is truncated, emptied, corrupted or
from another block or screen is found on resume and computed again, never merged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chiapp.errors import DataFileError, InputError
from chiapp.posterior import VERDICTS

__all__ = ["ScreenResult", "screen", "read_molecule_list", "VERDICTS", "SCREEN_COLUMNS", "POLYMER_BLOCK",
           "SOLVENT_BLOCK"]

#: Default molecules per block: a grid chunk of 64 × 1024 pairs holds about 16 MB of coefficients.
POLYMER_BLOCK = 64
SOLVENT_BLOCK = 1024
SCREEN_COLUMNS = ("polymer_index", "polymer", "polymer_name", "solvent_index", "solvent", "solvent_name",
                  "temperature_k", "chi", "chi_std", "laboratory_chi_std", "chi_limit", "dissolve_probability",
                  "verdict", "classifier_probability", "in_domain", "chem21_class", "rank")
_FORMAT_VERSION = 3  # 3: laboratory_chi_std


@dataclass(frozen=True)
class ScreenResult:
    """What a screen wrote: ``output`` (Parquet, SCREEN_COLUMNS; ``rank`` is 1-based within a polymer
    and temperature with ``top``, empty without) and ``failures`` (CSV: role, index, input, reason).
    ``n_pairs`` counts polymer × solvent pairs screened (good molecules only) and
    ``n_pair_temperatures`` those times the temperatures; chunks skipped were done by an earlier run."""

    output: Path
    failures: Path
    n_polymers: int
    n_solvents: int
    n_temperatures: int
    n_pairs: int
    n_pair_temperatures: int
    n_rows: int
    n_failures: int
    n_filtered_out: int
    n_chunks: int
    n_chunks_skipped: int


# ---------------------------------------------------------------------------------------------
# Inputs

def read_molecule_list(path: str | os.PathLike, role: str) -> list[str]:
    """Names or SMILES, one per line (blank lines and lines starting with '#' skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{role} list {path} not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"cannot read the {role} list {path}: {err}") from None
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        raise DataFileError(f"the {role} list {path} is empty; give one name or SMILES per line")
    return lines


def _library(role: str) -> list[str]:
    from chiapp.library import polymer_library, solvent_library
    table = polymer_library() if role == "polymer" else solvent_library()
    return list(table["smiles"])


def _inputs(values, role: str) -> list[str]:
    if values is None:
        return _library(role)
    if isinstance(values, (str, os.PathLike)):
        values = read_molecule_list(values, role)
    values = [str(v).strip() for v in values]
    values = list(dict.fromkeys(v for v in values if v))
    if not values:
        raise InputError(f"no {role}s to screen")
    return values


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """One BLAS thread for the block below: the grid's products are small (inner size 16), and
    two threads are slower as soon as another process shares the cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn and dask
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# ---------------------------------------------------------------------------------------------
# Stage 1: featurization of one block of molecules (runs in a worker with the Dask engine)

def featurize_block(role: str, texts: Sequence[str], first_index: int,
                    exclude_classes: Sequence[str] = ()) -> dict[str, np.ndarray]:
    """What the answer engine needs of molecules ``texts`` numbered from ``first_index``: the arrays of
    a :class:`chiapp.answer.MoleculeBlock` and ``index``, ``smiles``, ``name``, ``chem21_class`` (saved
    as one .npz). Failures are arrays ``failed_index`` and ``failed_reason``; solvents of an excluded
    CHEM21 class are counted in ``n_filtered``."""
    from chiapp.answer import MoleculeBlock
    from chiapp.features import SolventFeatures, featurize_polymers, featurize_solvents
    from chiapp.model import load_model

    model = load_model()
    with one_blas_thread():
        good, errors = (featurize_polymers if role == "polymer" else featurize_solvents)(list(texts), model=model)
    kept, index, failed, reasons = [], [], [], []
    n_filtered = 0
    for offset, text in enumerate(texts):
        if text in errors:
            failed.append(first_index + offset)
            reasons.append(errors[text])
        elif (features := good[text]) is not None and isinstance(features, SolventFeatures) \
                and features.chem21_class in exclude_classes:
            n_filtered += 1
        else:
            kept.append(good[text])
            index.append(first_index + offset)
    arrays = MoleculeBlock.of(kept, role).to_arrays() if kept else {}
    release_molecule_caches()
    return {
        **arrays, "index": np.asarray(index, dtype=np.int64), "smiles": np.asarray([f.smiles for f in kept], dtype=str),
        "name": np.asarray([(f.label if f.name else "") for f in kept], dtype=str),
        "chem21_class": np.asarray([f.chem21_class if isinstance(f, SolventFeatures) else "" for f in kept], dtype=str),
        "failed_index": np.asarray(failed, dtype=np.int64), "failed_reason": np.asarray(reasons, dtype=str),
        "n_filtered": np.asarray(n_filtered),
    }


def release_molecule_caches() -> None:
    """Empty the per-molecule caches of parsing, names, descriptors and volumes.

    A screen reads each molecule once, so those caches only grow with the catalogue (RDKit
    molecules of a few kB each, up to their entry counts): emptied after every block, the memory
    of a screen stays flat whatever its size. Later calls recompute what they need.
    """
    from chiapp import answer, chemistry, descriptors, features, library, properties
    for cached in (chemistry.parse_polymer, chemistry.parse_solvent, chemistry.canonical_polymer,
                   chemistry.canonical_solvent, descriptors.polymer_descriptors, descriptors.solvent_descriptors,
                   properties.cas_of, library.estimated_molar_volume, library.solvent_molar_volume,
                   descriptors.estimated_solvent_hansen, descriptors.solvent_hansen):
        cached.cache_clear()
    library.clear_resolution_caches()
    features.clear_cache()
    answer.forget_blocks()


# ---------------------------------------------------------------------------------------------
# Stage 2: one chunk of the grid (runs in a worker with the Dask engine)

@dataclass(frozen=True)
class _Options:
    temperatures_k: tuple[float, ...]
    top: int | None
    verdicts: tuple[int, ...]
    in_domain_only: bool


def grid_chunk(polymers: dict, solvents: dict, options: _Options) -> dict[str, np.ndarray]:
    """Screen rows of one block of polymers × one block of solvents, as columns (numpy arrays)
    ordered by polymer, temperature and rank (with ``top``) or polymer, solvent, temperature."""
    from chiapp.answer import MoleculeBlock, answer_grid
    from chiapp.model import load_model

    if len(polymers["index"]) == 0 or len(solvents["index"]) == 0:
        return _empty_rows()
    with one_blas_thread():
        answer = answer_grid(MoleculeBlock.from_arrays("polymer", polymers),
                             MoleculeBlock.from_arrays("solvent", solvents), options.temperatures_k,
                             model=load_model())
    usable = answer.errors == ""                                                    # (P, S): N >= 1
    columns: dict[str, list] = {name: [] for name in _PART_COLUMNS}
    for t_index in range(len(options.temperatures_k)):
        chi, chi_std = answer.chi[:, :, t_index], answer.chi_std[:, :, t_index]
        limit, verdict = answer.chi_limit[:, :, t_index], answer.verdict_codes[:, :, t_index]
        in_domain = answer.in_domain[:, :, t_index]
        keep = usable & np.isin(verdict, options.verdicts)
        if options.in_domain_only:
            keep &= in_domain
        if options.top is not None:
            p_rows, s_cols, ranks = _top(_score(chi, chi_std, limit), keep, options.top)
        else:
            p_rows, s_cols = np.nonzero(keep)
            ranks = np.zeros(len(p_rows), dtype=np.int32)
        columns["p"].append(p_rows)
        columns["s"].append(s_cols)
        columns["t"].append(np.full(len(p_rows), t_index, dtype=np.int16))
        columns["chi"].append(chi[p_rows, s_cols])
        columns["chi_std"].append(chi_std[p_rows, s_cols])
        columns["laboratory_chi_std"].append(answer.laboratory_chi_std[p_rows, s_cols, t_index])
        columns["chi_limit"].append(limit[p_rows, s_cols])
        columns["dissolve_probability"].append(answer.dissolve_probability[p_rows, s_cols, t_index])
        columns["verdict"].append(verdict[p_rows, s_cols])
        columns["classifier_probability"].append(answer.classifier_probability[p_rows, s_cols])
        columns["in_domain"].append(in_domain[p_rows, s_cols])
        columns["rank"].append(ranks)
    rows = {name: np.concatenate(values) for name, values in columns.items()}
    rows["polymer_index"] = polymers["index"][rows.pop("p")]
    rows["solvent_index"] = solvents["index"][rows.pop("s")]
    if options.top is not None:
        order = np.lexsort((rows["rank"], rows["t"], rows["polymer_index"]))
    else:
        order = np.lexsort((rows["t"], rows["solvent_index"], rows["polymer_index"]))
    return {name: values[order] for name, values in rows.items()}


def _score(chi: np.ndarray, chi_std: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """(χ − χ_lim)/σ: lower is more likely to dissolve (P(dissolves) = Φ of its negative)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chi_std > 0, (chi - limit) / chi_std, np.sign(chi - limit) * np.inf)


_PART_COLUMNS = ("p", "s", "t", "chi", "chi_std", "laboratory_chi_std", "chi_limit", "dissolve_probability",
                 "verdict", "classifier_probability", "in_domain", "rank")


def _empty_rows() -> dict[str, np.ndarray]:
    return {"polymer_index": np.empty(0, np.int64), "solvent_index": np.empty(0, np.int64),
            "t": np.empty(0, np.int16), "chi": np.empty(0), "chi_std": np.empty(0),
            "laboratory_chi_std": np.empty(0), "chi_limit": np.empty(0),
            "dissolve_probability": np.empty(0), "verdict": np.empty(0, np.int8),
            "classifier_probability": np.empty(0), "in_domain": np.empty(0, bool), "rank": np.empty(0, np.int32)}


def _top(score: np.ndarray, keep: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(polymer row, solvent column, 1-based rank) of the ``k`` lowest scores per row among ``keep``;
    ties by solvent column (input order)."""
    score = np.where(keep, score, np.inf)
    n_s = score.shape[1]
    if k < n_s:
        candidates = np.argpartition(score, k - 1, axis=1)[:, :k]
    else:
        candidates = np.broadcast_to(np.arange(n_s), score.shape)
    candidate_scores = np.take_along_axis(score, candidates, axis=1)
    order = np.lexsort((candidates, candidate_scores), axis=1)
    best = np.take_along_axis(candidates, order, axis=1)
    best_scores = np.take_along_axis(candidate_scores, order, axis=1)
    ranks = np.broadcast_to(np.arange(1, best.shape[1] + 1, dtype=np.int32), best.shape)
    valid = np.isfinite(best_scores)
    rows = np.broadcast_to(np.arange(score.shape[0])[:, None], best.shape)
    return rows[valid], best[valid], ranks[valid]


# ---------------------------------------------------------------------------------------------
# The run: plan, chunk files, resume, assembly

class PartsFolder:
    """The parts folder of one screen: its parameters and its part files, each verified when read.

    A part file holds its arrays, a label (what it is: stage, block, a digest of its inputs and the
    screen's key) and a digest over the label and every array; :meth:`part` returns None for a
    part that is missing, unreadable (truncated, emptied), damaged (a byte changed) or not the part
    asked for (another block's or another screen's, moved or swapped), so it is computed again.
    """

    def __init__(self, output: Path, fingerprint: dict, resume: bool, blocks: dict[str, list[Sequence[str]]]):
        self.output = output
        self.parts = output.with_name(output.name + ".parts")
        self.failures = output.with_name(output.name + ".failures.csv")
        # the format is in the key: parts written with other columns are another screen's, never resumed
        self.key = hashlib.sha256(json.dumps({**fingerprint, "format": _FORMAT_VERSION},
                                             sort_keys=True).encode()).hexdigest()
        plan = self.parts / "screen.json"
        if self.parts.exists():
            try:
                previous = json.loads(plan.read_text())
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                previous = {}
            if not resume or not isinstance(previous, dict) or previous.get("key") != self.key:
                if resume and isinstance(previous, dict) and previous and previous.get("key") != self.key:
                    print(f"note: {self.parts} holds another screen's chunks; starting afresh", file=sys.stderr)
                shutil.rmtree(self.parts)
        self.parts.mkdir(parents=True, exist_ok=True)
        plan.write_text(json.dumps({"key": self.key, "format": _FORMAT_VERSION, **fingerprint}, sort_keys=True))
        self._labels = {(role, i): f"{role}-{i}-" + hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
                        for role, texts_of in blocks.items() for i, texts in enumerate(texts_of)}

    def feature_path(self, role: str, block: int) -> Path:
        return self.parts / f"{role}-{block:06d}.npz"

    def chunk_path(self, p_block: int, s_block: int) -> Path:
        return self.parts / f"grid-{p_block:06d}-{s_block:06d}.npz"

    def feature_label(self, role: str, block: int) -> str:
        return f"{self._labels[(role, block)]}-{self.key[:16]}"

    def chunk_label(self, p_block: int, s_block: int) -> str:
        return f"grid-{self.feature_label('polymer', p_block)}-{self.feature_label('solvent', s_block)}"

    @staticmethod
    def _digest(label: str, arrays: dict[str, np.ndarray]) -> str:
        digest = hashlib.sha256(label.encode())
        for name in sorted(arrays):
            value = np.ascontiguousarray(arrays[name])
            digest.update(f"{name}|{value.dtype.str}|{value.shape}".encode())
            digest.update(value.tobytes())
        return digest.hexdigest()

    def save(self, path: Path, arrays: dict[str, np.ndarray], label: str) -> None:
        """Write atomically, with the part's label and digest: a part file exists only once complete."""
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, **arrays, __label__=np.asarray(label), __digest__=np.asarray(self._digest(label, arrays)))
        os.replace(tmp, path)

    @staticmethod
    def part(path: Path, label: str) -> dict[str, np.ndarray] | None:
        """The part's arrays when the file is there, whole, and the part asked for; else None."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged part (BadZipFile, EOFError, ValueError, OSError...) is redone
            return None
        stored_label, stored_digest = arrays.pop("__label__", None), arrays.pop("__digest__", None)
        if stored_label is None or stored_digest is None or str(stored_label) != label:
            return None
        return arrays if str(stored_digest) == PartsFolder._digest(label, arrays) else None

    def feature(self, role: str, block: int) -> dict[str, np.ndarray] | None:
        return self.part(self.feature_path(role, block), self.feature_label(role, block))

    def chunk(self, p_block: int, s_block: int) -> dict[str, np.ndarray] | None:
        return self.part(self.chunk_path(p_block, s_block), self.chunk_label(p_block, s_block))

    def save_feature(self, role: str, block: int, arrays: dict[str, np.ndarray]) -> None:
        self.save(self.feature_path(role, block), arrays, self.feature_label(role, block))

    def save_chunk(self, p_block: int, s_block: int, arrays: dict[str, np.ndarray]) -> None:
        self.save(self.chunk_path(p_block, s_block), arrays, self.chunk_label(p_block, s_block))


def _blocks(n: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, n)) for start in range(0, n, size)]


def screen(polymers: Sequence[str] | str | os.PathLike | None = None,
           solvents: Sequence[str] | str | os.PathLike | None = None,
           temperatures_k=298.15, *, output: str | os.PathLike, top: int | None = 20,
           verdicts: Sequence[str] = VERDICTS, in_domain_only: bool = False, exclude_classes: Sequence[str] = (),
           engine: str = "local", scheduler=None, n_workers: int = 2,
           polymer_block: int = POLYMER_BLOCK, solvent_block: int = SOLVENT_BLOCK,
           resume: bool = True, progress: bool = True,
           on_chunk: Callable[[str, int], None] | None = None) -> ScreenResult:
    """Screen polymers × solvents × temperatures [K] and write the result to ``output`` (Parquet).

    ``polymers`` and ``solvents`` are lists of names/SMILES, a file with one per line, or None for
    the library. ``top`` keeps the ``top`` lowest-χ solvents per polymer and temperature (None:
    every pair) among the pairs whose verdict is in ``verdicts``, in the domain when
    ``in_domain_only``, and whose solvent is not of a CHEM21 class in ``exclude_classes``. A pair
    whose chain length N = V_polymer / V_solvent is below 1 has no critical χ and is left out.

    ``engine="dask"`` runs the chunks on a Dask cluster: ``scheduler`` is its address, a
    ``distributed.Client``, or None for a LocalCluster of ``n_workers`` processes. The output is
    the same file either way. A rerun with the same arguments resumes: finished chunks in
    ``<output>.parts/`` are skipped. ``on_chunk(stage, n_done)`` is called after each chunk
    ("features" or "grid"); it is a hook for progress and tests.
    """
    from chiapp.library import CHEM21_CLASSES
    from chiapp.model import load_model
    from chiapp.units import check_temperatures_k

    temperatures = check_temperatures_k(temperatures_k)
    if top is not None:
        if isinstance(top, bool) or int(top) != top or top < 1:
            raise InputError(f"top must be a whole number >= 1 (or None for every pair), got {top!r}")
        top = int(top)
    bad = [v for v in verdicts if v not in VERDICTS]
    if bad or not verdicts:
        raise InputError(f"verdicts must be some of {', '.join(VERDICTS)}, got {', '.join(map(str, verdicts))}")
    exclude_classes = tuple(str(c).strip().lower() for c in exclude_classes)
    unknown = [c for c in exclude_classes if c not in CHEM21_CLASSES]
    if unknown:
        raise InputError(f"unknown CHEM21 class {', '.join(map(repr, unknown))}; expected one of "
                         f"{', '.join(CHEM21_CLASSES)}")
    if engine not in ("local", "dask"):
        raise InputError(f"engine must be 'local' or 'dask', got {engine!r}")
    for name, value in (("polymer_block", polymer_block), ("solvent_block", solvent_block)):
        if int(value) < 1:
            raise InputError(f"{name} must be >= 1, got {value}")
    output = Path(output)
    if output.suffix != ".parquet":
        raise InputError(f"output must be a .parquet file, got {output}")
    polymer_texts, solvent_texts = _inputs(polymers, "polymer"), _inputs(solvents, "solvent")
    model = load_model()
    options = _Options(tuple(float(t) for t in temperatures), top,
                       tuple(VERDICTS.index(v) for v in verdicts), bool(in_domain_only))
    fingerprint = {
        "polymers": hashlib.sha256("\n".join(polymer_texts).encode()).hexdigest(),
        "solvents": hashlib.sha256("\n".join(solvent_texts).encode()).hexdigest(),
        "temperatures_k": list(options.temperatures_k), "top": top, "verdicts": list(options.verdicts),
        "in_domain_only": options.in_domain_only, "exclude_classes": list(exclude_classes),
        "polymer_block": int(polymer_block), "solvent_block": int(solvent_block),
        # the weights, and every fitted constant of the answer (a resumed screen must not mix two)
        "model": model.manifest.get("files", {}),
        "answer": {name: model.manifest.get(name) for name in ("calibration", "posterior", "solvation", "domain")},
    }
    p_blocks = _blocks(len(polymer_texts), int(polymer_block))
    s_blocks = _blocks(len(solvent_texts), int(solvent_block))
    run = PartsFolder(output, fingerprint, resume, {"polymer": [polymer_texts[a:b] for a, b in p_blocks],
                                             "solvent": [solvent_texts[a:b] for a, b in s_blocks]})
    feature_jobs = ([("polymer", i, polymer_texts[a:b], a, ()) for i, (a, b) in enumerate(p_blocks)]
                    + [("solvent", i, solvent_texts[a:b], a, exclude_classes) for i, (a, b) in enumerate(s_blocks)])
    grid_jobs = [(i, j) for j in range(len(s_blocks)) for i in range(len(p_blocks))]
    n_chunks = len(feature_jobs) + len(grid_jobs)
    skipped = sum(run.feature(role, i) is not None for role, i, *_ in feature_jobs)
    skipped += sum(run.chunk(i, j) is not None for i, j in grid_jobs)
    bar = _progress_bar(len(feature_jobs) + len(grid_jobs), progress)
    hook = on_chunk or (lambda stage, done: None)
    if engine == "local":
        _run_local(run, feature_jobs, grid_jobs, options, bar, hook)
    else:
        from chiapp.screening.distributed import run_dask
        run_dask(run, feature_jobs, grid_jobs, options, bar, hook, scheduler, n_workers,
                 featurize=featurize_block, grid=grid_chunk)
    bar.close()
    return _assemble(run, polymer_texts, solvent_texts, p_blocks, s_blocks, options, n_chunks, skipped)


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm
    return tqdm(total=total, unit="chunk", desc="screen", file=sys.stderr, disable=not enabled, leave=False)


def _run_local(run: PartsFolder, feature_jobs, grid_jobs, options: _Options, bar, hook) -> None:
    done = 0
    for role, block, texts, first, excluded in feature_jobs:
        if run.feature(role, block) is None:
            run.save_feature(role, block, featurize_block(role, texts, first, excluded))
            done += 1
            hook("features", done)
        bar.update()
    polymers = {i: run.feature("polymer", i) for i in {i for i, _ in grid_jobs}}
    done = 0
    current, solvents = None, None
    for i, j in grid_jobs:
        if run.chunk(i, j) is None:
            if current != j:
                current, solvents = j, run.feature("solvent", j)
            run.save_chunk(i, j, grid_chunk(polymers[i], solvents, options))
            done += 1
            hook("grid", done)
        bar.update()


def _assemble(run: PartsFolder, polymer_texts, solvent_texts, p_blocks, s_blocks, options: _Options,
              n_chunks: int, skipped: int) -> ScreenResult:
    """Failures side file and the Parquet output, from the parts folder, in a fixed order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    p_meta = _molecule_table(run, "polymer", len(p_blocks), len(polymer_texts))
    s_meta = _molecule_table(run, "solvent", len(s_blocks), len(solvent_texts))
    failures = [("polymer", int(i), polymer_texts[i], r) for i, r in p_meta["failed"]]
    failures += [("solvent", int(i), solvent_texts[i], r) for i, r in s_meta["failed"]]
    _write_failures(run.failures, failures)

    temperatures = np.asarray(options.temperatures_k)
    schema = pa.schema([("polymer_index", pa.int64()), ("polymer", pa.dictionary(pa.int32(), pa.string())),
                        ("polymer_name", pa.dictionary(pa.int32(), pa.string())),
                        ("solvent_index", pa.int64()), ("solvent", pa.dictionary(pa.int32(), pa.string())),
                        ("solvent_name", pa.dictionary(pa.int32(), pa.string())),
                        ("temperature_k", pa.float64()), ("chi", pa.float64()), ("chi_std", pa.float64()),
                        ("laboratory_chi_std", pa.float64()), ("chi_limit", pa.float64()),
                        ("dissolve_probability", pa.float64()),
                        ("verdict", pa.dictionary(pa.int8(), pa.string())),
                        ("classifier_probability", pa.float64()), ("in_domain", pa.bool_()),
                        ("chem21_class", pa.dictionary(pa.int32(), pa.string())), ("rank", pa.int32())])
    tmp = run.output.with_name(run.output.name + ".tmp")
    n_rows = 0
    with pq.ParquetWriter(tmp, schema) as writer:
        for i in range(len(p_blocks)):
            # one part at a time: with top, a running best of at most P_block x T x top rows;
            # without, each part is written as it is (rows stay in block order)
            best = _empty_rows() if options.top is not None else None
            for j in range(len(s_blocks)):
                part = _required(run.chunk(i, j), f"grid chunk {i}-{j}")
                if best is not None:
                    best = _merge_top({name: np.concatenate([best[name], part[name]]) for name in best}, options.top)
                elif len(part["chi"]):
                    n_rows += len(part["chi"])
                    writer.write_table(_arrow_table(part, p_meta, s_meta, temperatures, options, schema))
            if best is not None and len(best["chi"]):
                n_rows += len(best["chi"])
                writer.write_table(_arrow_table(best, p_meta, s_meta, temperatures, options, schema))
    os.replace(tmp, run.output)
    n_p, n_s = len(p_meta["position"]), len(s_meta["position"])
    result = ScreenResult(
        output=run.output, failures=run.failures, n_polymers=n_p, n_solvents=n_s,
        n_temperatures=len(temperatures), n_pairs=n_p * n_s, n_pair_temperatures=n_p * n_s * len(temperatures),
        n_rows=n_rows, n_failures=len(failures), n_filtered_out=s_meta["n_filtered"],
        n_chunks=n_chunks, n_chunks_skipped=skipped)
    shutil.rmtree(run.parts)
    return result


def _required(part: dict | None, what: str) -> dict:
    """A part the run has just written; its loss meanwhile (another process, a full disk) is an error."""
    if part is None:
        raise DataFileError(f"the screen's {what} vanished or was damaged while the screen ran; run it again")
    return part


def _molecule_table(run: PartsFolder, role: str, n_blocks: int, n_inputs: int) -> dict:
    """Per input index: position among the good molecules, SMILES, name, class; and the failures."""
    position = {}
    smiles: list[str] = []
    names: list[str] = []
    classes: list[str] = []
    failed: list[int] = []
    n_filtered = 0
    for block in range(n_blocks):
        data = _required(run.feature(role, block), f"{role} block {block}")
        for index, s, n, c in zip(data["index"], data["smiles"], data["name"], data["chem21_class"]):
            position[int(index)] = len(smiles)
            smiles.append(str(s))
            names.append(str(n))
            classes.append(str(c))
        failed += list(zip(data["failed_index"].tolist(), data["failed_reason"].tolist()))
        n_filtered += int(data["n_filtered"])
    lookup = np.full(n_inputs, -1, dtype=np.int64)
    for index, pos in position.items():
        lookup[index] = pos
    return {"position": position, "lookup": lookup, "smiles": smiles, "name": names, "chem21_class": classes,
            "failed": failed, "n_filtered": n_filtered}


def _write_failures(path: Path, failures: list[tuple[str, int, str, str]]) -> None:
    import csv
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["role", "index", "input", "reason"])
        writer.writerows(failures)


def _merge_top(rows: dict[str, np.ndarray], k: int) -> dict[str, np.ndarray]:
    """The best ``k`` rows per (polymer, temperature) over all solvent blocks: most likely to dissolve
    (lowest (χ − χ_lim)/σ), then lowest solvent index; ranks renumbered from 1."""
    score = _score(rows["chi"], rows["chi_std"], rows["chi_limit"])
    order = np.lexsort((rows["solvent_index"], score, rows["t"], rows["polymer_index"]))
    rows = {name: values[order] for name, values in rows.items()}
    group = np.stack([rows["polymer_index"], rows["t"].astype(np.int64)], axis=1)
    if len(group) == 0:
        return rows
    new = np.ones(len(group), dtype=bool)
    new[1:] = np.any(group[1:] != group[:-1], axis=1)
    starts = np.flatnonzero(new)
    rank = np.arange(len(group)) - np.repeat(starts, np.diff(np.append(starts, len(group)))) + 1
    keep = rank <= k
    rows = {name: values[keep] for name, values in rows.items()}
    rows["rank"] = rank[keep].astype(np.int32)
    return rows


def _arrow_table(rows, p_meta, s_meta, temperatures, options: _Options, schema):
    import pyarrow as pa

    p_pos = p_meta["lookup"][rows["polymer_index"]]
    s_pos = s_meta["lookup"][rows["solvent_index"]]

    def strings(indices, values):  # a dictionary of only the values this table uses
        used, codes = np.unique(indices, return_inverse=True)
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)),
                                              pa.array([values[k] for k in used], pa.string()))

    columns = [
        pa.array(rows["polymer_index"]), strings(p_pos, p_meta["smiles"]), strings(p_pos, p_meta["name"]),
        pa.array(rows["solvent_index"]), strings(s_pos, s_meta["smiles"]), strings(s_pos, s_meta["name"]),
        pa.array(temperatures[rows["t"]]), pa.array(rows["chi"]), pa.array(rows["chi_std"]),
        pa.array(rows["laboratory_chi_std"]), pa.array(rows["chi_limit"]), pa.array(rows["dissolve_probability"]),
        pa.DictionaryArray.from_arrays(pa.array(rows["verdict"].astype(np.int8)), pa.array(list(VERDICTS))),
        pa.array(rows["classifier_probability"]), pa.array(rows["in_domain"].astype(bool)),
        strings(s_pos, s_meta["chem21_class"]),
        pa.array(rows["rank"], pa.int32()) if options.top is not None else pa.nulls(len(rows["chi"]), pa.int32()),
    ]
    return pa.Table.from_arrays(columns, schema=schema)

