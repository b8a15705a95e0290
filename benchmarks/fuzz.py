"""Hostile inputs through the API, the command line and the CSV reader: ``python -m benchmarks.fuzz``.

A seeded generator draws each case from pools of awkward values (zero, signed zeros, subnormals,
1e±300, NaN, ±inf, integers too large for a float, strings, lone surrogates, invalid UTF-8,
markdown, formula cells, numbers typed as names...). A case fails when it

- raises anything but a ChiAppError ("uncaught"), or the CLI lets one through;
- returns a non-finite number as a result ("non-finite"; NaN where a result documents "absent",
  such as the binodal columns of a one-phase row or the numbers of a refused batch row, is not a
  result);
- raises a ChiAppError whose message is empty or does not name the input ("unclear message").

Two more kinds damage the files chiapp reads back: a calibration file (a real one with a field,
an array value or a byte changed, its digest resealed or not) must be refused or, if accepted,
answer with finite numbers; a screen's part file (truncated, emptied, a byte flipped, another
part's or garbage in its place) must be refused or be exactly the part asked for ("wrong part").

``tests/unit/test_fuzz.py`` runs a few thousand cases; this runs more and prints failures by kind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
import random
import reprlib
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.table import print_table
from chiapp import flory_huggins as fh
from chiapp.errors import ChiAppError

NUMBERS = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-300, -1e-300, 5e-324, 1e300, -1e300, 1e8, 1e6, 1e6 + 1,
           1e12, 0.999999, 1 - 1e-16, 1e-16, 298.15, 2000.0, 2000.1, 0.99, 273.15, 1e-9, -273.15,
           math.nan, math.inf, -math.inf, 10**400, -(10**400), 3, 0, 1e7, -1e7, 700.0, 1e5]
JUNK = ["abc", "", " ", "1", "1e3", None, True, [1.0, 2.0], (), [], {"a": 1}, "\ud800", "nan",
        np.array([np.nan]), np.array([[1.0, 2.0]]), object()]
POLYMERS = ["*CC*", "*CC(*)c1ccccc1", "polystyrene", "PMMA", "*CC(*)", "*C*", "CC", "*CC(*)[Fe]",
            "*OCCCCC:OC(=O)CCCCCCCCC(*)=O", "*c1ccc(cc1)c1ccc(*)cc1", "[x](http://example.com)",
            "*CC(*)c1ccccc1\ud800", "\udcff", "*" + "C" * 250 + "*", "<b>bold</b>", "=HYPERLINK(\"x\")",
            "25", "poly styrene", "*C(*)" + "C12C3C4C1C5C2C3C45" * 6, "*CC(*)C#N", "*CC(*)c1ccccc1.O", "**",
            "*C1CC1*", "x" * 5000]
SOLVENTS = ["toluene", "Cc1ccccc1", "O", "water", "25", "7732-18-5", "108-88-3", "108-88-4", "[Mn]",
            "acetone", "CC(C)=O", "*CC*", "", "\ud800", "[x](http://a.b)", "*CC(*)c1ccccc1", "=1+1",
            "C" * 300, "1e3", "-1", "CCO\udcff", "[Na+].[Cl-]", "tolune", "0"]


def _finite_result(value, path: str = "result") -> list[str]:
    """Paths of non-finite numbers in a result (floats, arrays, dataclasses, frames, tuples)."""
    bad: list[str] = []
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        return bad
    if isinstance(value, (int, float, np.floating, np.integer)):
        return [] if math.isfinite(float(value)) else [path]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            return [path]
        return bad
    if isinstance(value, pd.DataFrame):
        frame = value
        # NaN by design: binodal/spinodal of a one-phase row; library data not known for a solvent;
        # no dissolution temperature for an amorphous polymer (or none in reach)
        allowed = {"phi_binodal_lean", "phi_binodal_rich", "phi_spinodal_low", "phi_spinodal_high",
                   "boiling_point_c", "flash_point_c", "melting_point_c", "density_g_per_cm3",
                   "molar_volume_cm3_per_mol", "hansen_distance_mpa05", "dissolution_temperature_c",
                   "dissolution_temperature_low_c", "dissolution_temperature_high_c",
                   "precipitation_temperature_c", "target_dissolution_temperature_c"}
        if "error" in frame.columns:  # a refused row's numbers are empty by design
            frame = frame[frame["error"].fillna("").astype(str) == ""]
        for column in frame.columns:
            if column in allowed or not pd.api.types.is_numeric_dtype(frame[column]):
                continue
            if not np.all(np.isfinite(frame[column].to_numpy(float))):
                bad.append(f"{path}[{column}]")
        return bad
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            if field.name in ("model",):
                continue
            bad += _finite_result(getattr(value, field.name), f"{path}.{field.name}")
        return bad
    if isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            bad += _finite_result(item, f"{path}[{i}]")
    return bad


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong, _SHORT.maxlist, _SHORT.maxtuple = 40, 40, 40, 6, 8


def _names_input(message: str, names: list[str], values: list) -> bool:
    """The message names one of the inputs: by its name or by (part of) its value as typed."""
    text = message.lower()
    if any(name.lower() in text for name in names if name):
        return True
    for value in values:
        shown = str(value)[:20].strip().lower()
        if shown and shown in text:
            return True
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            if f"{float(value):g}" in text:
                return True
    return False


def _pick(rng: random.Random, pool: list, junk: float = 0.15):
    return rng.choice(JUNK) if rng.random() < junk else rng.choice(pool)


def _phase_case(rng: random.Random):
    n = _pick(rng, NUMBERS)
    chi = _pick(rng, NUMBERS)
    phi = _pick(rng, NUMBERS + [0.3, 0.01, 0.99])
    coefficients = (_pick(rng, NUMBERS, 0.05), _pick(rng, NUMBERS, 0.05), _pick(rng, NUMBERS, 0.05))
    t_one = _pick(rng, NUMBERS)
    temps = rng.choice([[_pick(rng, NUMBERS), _pick(rng, NUMBERS)], np.linspace(250, 450, 5),
                        [300.0, 300.0], [300.0], _pick(rng, NUMBERS)])
    cases = [
        ("free_energy", lambda: fh.free_energy(phi, chi, n), ["phi", "chi", "chain_length"], [phi, chi, n]),
        ("chemical_potentials", lambda: fh.chemical_potentials(phi, chi, n), ["phi", "chi", "chain_length"],
         [phi, chi, n]),
        ("critical_point", lambda: fh.critical_point(n), ["chain_length"], [n]),
        ("critical_chi", lambda: fh.critical_chi(n), ["chain_length"], [n]),
        ("spinodal", lambda: fh.spinodal(chi, n), ["chi", "chain_length"], [chi, n]),
        ("binodal", lambda: fh.binodal(chi, n), ["chi", "chain_length"], [chi, n]),
        ("binodal_log", lambda: fh.binodal_log(chi, n), ["chi", "chain_length"], [chi, n]),
        ("phase_state", lambda: fh.phase_state(coefficients, phi, t_one, n),
         ["phi", "chain_length", "temperature_k", "coefficients", "a must", "a=", "b_k", "c_k2", "χ", "chi"],
         [phi, n, t_one, *coefficients]),
        ("critical_temperatures", lambda: fh.critical_temperatures(coefficients, n, 250.0, 450.0),
         ["chain_length", "a must", "a=", "b_k", "c_k2", "χ", "chi"], [n, *coefficients]),
        ("phase_diagram", lambda: fh.phase_diagram(coefficients, chain_length=n, temperatures_k=temps),
         ["chain_length", "temperatures_k", "a must", "a=", "b_k", "c_k2", "χ", "chi"], [n, *coefficients]),
        ("phase_diagram_with_band", lambda: fh.phase_diagram_with_band(
            coefficients, chi_sigma=abs(float(chi)) if isinstance(chi, float) else chi, chain_length=n,
            temperatures_k=temps), ["chain_length", "temperatures_k", "chi_sigma", "a must", "a=", "b_k", "c_k2", "χ"],
         [n, chi, *coefficients]),
        ("chain_length_from_molecular_weight", lambda: fh.chain_length_from_molecular_weight(
            n, chi, phi), ["molecular_weight", "density", "molar_volume", "chain length"], [n, chi, phi]),
        ("chi_of_temperature", lambda: fh.chi_of_temperature(coefficients, temps),
         ["temperatures_k", "temperature", "a must", "a=", "b_k", "c_k2", "χ"], [*coefficients]),
    ]
    return rng.choice(cases)


def _api_case(rng: random.Random):
    from chiapp.prediction import predict_batch, predict_chi
    from chiapp.ranking import rank_solvents

    polymer, solvent = _pick(rng, POLYMERS, 0.05), _pick(rng, SOLVENTS, 0.05)
    t = _pick(rng, NUMBERS + [300.0, 350.0, 298.15])
    kind = rng.random()
    if kind < 0.5:
        return ("predict_chi", lambda: predict_chi(polymer, solvent, t),
                ["polymer", "solvent", "temperature"], [polymer, solvent, t])
    if kind < 0.8:
        rows = [(_pick(rng, POLYMERS, 0.05), _pick(rng, SOLVENTS, 0.05), _pick(rng, NUMBERS + [300.0]))
                for _ in range(rng.randint(1, 4))]
        frame = pd.DataFrame(rows, columns=["polymer", "solvent", "temperature_k"], dtype=object)
        return ("predict_batch", lambda: predict_batch(frame), ["polymer", "solvent", "temperature_k", "column"],
                [r[0] for r in rows] + [r[1] for r in rows])
    return ("rank_solvents", lambda: rank_solvents(polymer, t), ["polymer", "temperature"], [polymer, t])


def _cli_case(rng: random.Random, workdir: Path):
    from chiapp.cli import main

    def number() -> str:
        return rng.choice(["300", "25", "-1e7", "-inf", "inf", "nan", "1e300", "-300", "abc", "1e-300",
                           "0", "2000", "-273.15", "1e12", "5"])

    out = rng.choice([str(workdir / "out.csv"), str(workdir / "missing" / "out.csv"), str(workdir),
                      str(workdir / "out\ud800.csv")])
    polymer, solvent = rng.choice(POLYMERS), rng.choice(SOLVENTS)
    command = rng.choice(["predict", "phase", "rank", "phase-model"])
    if command == "predict":
        argv = ["predict", "--polymer", polymer, "--solvent", solvent, "--temperature-c", number()]
        if rng.random() < 0.3:
            argv += ["--output", out]
        if rng.random() < 0.2:
            argv = ["predict", "--input", rng.choice([str(workdir), str(workdir / "none.csv"),
                                                      str(workdir / "bad.csv")])]
    elif command == "phase":
        argv = ["phase", "--chi-a", number(), "--chi-b-k", number(), "--chi-c-k2", number(),
                "--chain-length", number(), "--temperature-c", number(), number()]
        if rng.random() < 0.3:
            argv += ["--output", out]
    elif command == "phase-model":
        argv = ["phase", "--polymer", polymer, "--solvent", solvent, "--chain-length", number()]
    else:
        argv = ["rank", "--polymer", polymer, "--temperature-c", number(), "--solvents", solvent, "toluene"]
    return argv, lambda: main(argv)


def _csv_case(rng: random.Random) -> bytes:
    header = rng.choice(["polymer,solvent,temperature_k", "polymer,solvent,temperature_c", "polymer,solvent",
                         "a,b,c", "polymer,polymer,temperature_k", "\ufeffpolymer,solvent,temperature_k", ""])
    lines = [header]
    for _ in range(rng.randint(0, 4)):
        cells = [rng.choice(POLYMERS), rng.choice(SOLVENTS), rng.choice(["300", "abc", "-5", "1e9", "", "nan",
                                                                         "=1+2", "1e-300", "25"])]
        if rng.random() < 0.2:
            cells.append("extra")
        if rng.random() < 0.1:
            cells = cells[:1]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    text = "\n".join(lines)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        data += b"\xff\xfe\x80"
    if rng.random() < 0.05:
        data = b'"unterminated,\n'
    return data


def _reseal(document: dict) -> dict:
    import hashlib
    import json

    body = {k: v for k, v in document.items() if k != "digest"}
    return {**document, "digest": hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                                            allow_nan=True, default=repr).encode()).hexdigest()}


def _calibration_case(rng: random.Random, base: dict):
    """A real calibration document changed in one place (and its digest resealed or not)."""
    import copy
    import json

    document = copy.deepcopy(base)
    target = rng.choice(["field", "latent", "observation", "bytes"])
    if target == "field":
        document[rng.choice(sorted(document))] = _pick(rng, NUMBERS + JUNK, junk=0.5)
    elif target == "latent":
        name = rng.choice(sorted(document["latent"]))
        array = document["latent"][name]
        if rng.random() < 0.2:
            document["latent"][name] = _pick(rng, NUMBERS + JUNK, junk=0.5)
        else:
            leaf = array
            while isinstance(leaf[0], list):  # down to one innermost list of the nested arrays
                leaf = leaf[rng.randrange(len(leaf))]
            leaf[rng.randrange(len(leaf))] = rng.choice(NUMBERS) if rng.random() < 0.8 else rng.uniform(-5, 5)
    elif target == "observation" and document["observations"]:
        observation = document["observations"][rng.randrange(len(document["observations"]))]
        observation[rng.choice(sorted(observation))] = _pick(rng, NUMBERS + JUNK + SOLVENTS, junk=0.5)
    text = json.dumps(_reseal(document) if rng.random() < 0.6 else document, allow_nan=True, default=repr)
    if target == "bytes":
        data = bytearray(text.encode())
        data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    return text


def _part_case(rng: random.Random, parts: list[bytes]) -> bytes:
    """One part file's bytes, damaged in one of the ways a disk or a person does it."""
    data = parts[0]
    kind = rng.choice(["truncate", "empty", "flip", "other part", "garbage", "intact"])
    if kind == "truncate":
        return data[: rng.randrange(len(data))]
    if kind == "empty":
        return b""
    if kind == "flip":
        damaged = bytearray(data)
        damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        return bytes(damaged)
    if kind == "other part":
        return rng.choice(parts[1:])
    if kind == "garbage":
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
    return data


def _file_fixtures(workdir: Path):
    """A calibration document and a screen's part files (the first one the part every case asks for)."""
    import json

    from chiapp.calibration import calibrate
    from chiapp.screening import screen

    calibration = json.loads(calibrate("bisphenol A polycarbonate", [
        {"kind": "dissolves", "solvent": "chloroform", "temperature_c": 25, "value": 1},
        {"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.45}]).to_json())
    output = workdir / "parts.parquet"

    def stop(stage, done):
        if stage == "grid" and done == 2:
            raise KeyboardInterrupt
    with contextlib.suppress(KeyboardInterrupt):
        screen(["PS", "PMMA", "PE"], ["toluene", "water", "acetone", "hexane"], [298.15, 350.0], output=output,
               top=None, polymer_block=2, solvent_block=2, progress=False, on_chunk=stop)
    folder = output.with_name(output.name + ".parts")
    paths = sorted(folder.glob("grid-*.npz")) + sorted(folder.glob("solvent-*.npz"))
    return calibration, paths


def run_cases(n_cases: int, seed: int = 0) -> tuple[Counter, list[str]]:
    """Run ``n_cases`` cases (a fixed mix of kinds); failures counted by kind, with examples."""
    from chiapp.tables import read_pairs_csv

    rng = random.Random(seed)
    failures: Counter = Counter()
    examples: list[str] = []
    counts: Counter = Counter()

    def fail(kind: str, what: str) -> None:
        failures[kind] += 1
        if len(examples) < 30:
            examples.append(f"{kind}: {what}")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "bad.csv").write_bytes(b"polymer,solvent,temperature_k\n*CC*,toluene,300,1\n\xff")
        calibration, part_paths = _file_fixtures(workdir)
        from chiapp.screening.screen import PartsFolder

        reference = PartsFolder.part(part_paths[0], _label_of(part_paths[0]))
        part_bytes = [p.read_bytes() for p in part_paths]
        for i in range(n_cases):
            share = i % 20
            if share < 10:
                name, call, names, values = _phase_case(rng)
                group = "phase"
            elif share < 13:
                name, call, names, values = _api_case(rng)
                group = "api"
            elif share == 13:
                data = _calibration_case(rng, calibration)
                name, names, values = "load_calibration", ["calibration"], []

                def call(data=data):
                    from chiapp.calibration import load_calibration
                    from chiapp.prediction import predict_chi

                    return predict_chi(load_calibration(data), "toluene", 298.15).chi
                group = "calibration file"
            elif share == 14:
                damaged = workdir / "damaged.npz"
                damaged.write_bytes(_part_case(rng, part_bytes))
                counts["part file"] += 1
                try:
                    found = PartsFolder.part(damaged, _label_of(part_paths[0]))
                except Exception as err:  # noqa: BLE001
                    fail("uncaught", f"part file: {type(err).__name__}: {str(err)[:120]}")
                    continue
                if found is not None and not (found.keys() == reference.keys() and all(
                        np.array_equal(found[k], reference[k]) for k in found)):
                    fail("wrong part", "a damaged part file was accepted with other contents")
                continue
            elif share < 18:
                data = _csv_case(rng)
                name, names, values = "read_pairs_csv", ["column", "row", "file", "header", "line", "utf-8",
                                                         "rows", "csv", "empty"], []

                def call(data=data):
                    return read_pairs_csv(data)
                group = "csv"
            else:
                argv, call = _cli_case(rng, workdir)
                group = "cli"
                name = "cli " + argv[0]
                stderr = io.StringIO()
                try:
                    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                        code = call()
                except SystemExit as exit_:  # argparse usage errors: a message and code 2
                    code = exit_.code
                except Exception as err:  # noqa: BLE001 - counting what escapes is the point
                    fail("uncaught", f"{_SHORT.repr(argv)}: {type(err).__name__}: {str(err)[:120]}")
                    counts[group] += 1
                    continue
                if code and not stderr.getvalue().strip():
                    fail("unclear message", f"{_SHORT.repr(argv)}: exit {code} without a message")
                counts[group] += 1
                continue
            counts[group] += 1
            try:
                with np.errstate(all="ignore"):
                    result = call()
            except ChiAppError as err:
                message = str(err)
                if not message.strip() or not _names_input(message, names, values):
                    fail("unclear message", f"{name}{_SHORT.repr(tuple(values))}: {message[:200]!r}")
                continue
            except Exception as err:  # noqa: BLE001
                fail("uncaught", f"{name}{_SHORT.repr(tuple(values))}: {type(err).__name__}: {str(err)[:120]}")
                continue
            bad = _finite_result(result)
            if bad:
                fail("non-finite", f"{name}{_SHORT.repr(tuple(values))}: {bad[:3]}")
    failures["cases"] = n_cases
    for group, count in counts.items():
        failures[f"cases: {group}"] = count
    return failures, examples


def _label_of(path: Path) -> str:
    with np.load(path, allow_pickle=False) as data:
        return str(data["__label__"])


def main(n_cases: int = 10_000, seed: int = 1) -> None:
    failures, examples = run_cases(n_cases, seed)
    rows = [(key, str(value), "", None) for key, value in sorted(failures.items()) if key.startswith("cases")]
    for kind in ("uncaught", "non-finite", "unclear message", "wrong part"):
        rows.append((f"failures: {kind}", str(failures.get(kind, 0)), "0", failures.get(kind, 0) == 0))
    print_table(rows, f"Fuzz: {n_cases} seeded cases (seed {seed})")
    for line in examples:
        print(" -", line.encode("utf-8", "backslashreplace").decode())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
