"""Write ``assets/checksums.json``: the sha256 of every shipped data table, which chiapp checks on
reading it (``chiapp.resources.verified_asset``). Run after changing a table:

    python -m training.checksums
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "assets"
#: The tables chiapp reads back (the model's files are listed in its own manifest).
PATTERNS = ("*.csv", "evidence/*.csv", "evidence/*.json", "quantum/*.csv")


def checksums(assets: Path = ASSETS) -> dict[str, str]:
    files = sorted(p for pattern in PATTERNS for p in assets.glob(pattern))
    return {p.relative_to(assets).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def main(argv: list[str] | None = None) -> int:
    listed = checksums()
    (ASSETS / "checksums.json").write_text(json.dumps(listed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote sha256 of {len(listed)} tables to {ASSETS / 'checksums.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
