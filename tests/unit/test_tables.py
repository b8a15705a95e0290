"""The one pairs-CSV reader (strict, lossless) and the safe CSV writer."""

import io

import pandas as pd
import pytest

from chiapp.errors import DataFileError
from chiapp.tables import csv_bytes, read_pairs_csv


def test_a_ragged_row_is_an_error_for_that_row_not_a_shifted_table():
    text = b"polymer,solvent,temperature_k\nPS,toluene,300,extra\nPMMA,acetone,310\n"
    frame = read_pairs_csv(text)
    assert frame["polymer"].tolist() == ["PS", "PMMA"]          # nothing shifted
    assert "4 fields but the header has 3" in frame["error"][0]
    assert frame["error"][1] == "" and frame["temperature_k"][1] == 310.0


def test_temperature_errors_name_the_column_and_unit_the_user_wrote():
    frame = read_pairs_csv(b"polymer,solvent,temperature_c\nPS,toluene,abc\nPS,toluene,-300\nPS,toluene,25\n")
    assert "temperature_c must be a number in °C, got 'abc'" in frame["error"][0]
    assert "got -300 °C" in frame["error"][1]
    assert frame["temperature_k"][2] == pytest.approx(298.15)


@pytest.mark.parametrize("content, words", [
    (b"", "empty"), (b"polymer,solvent\nPS,toluene\n", "missing column"), (b"\xff\xfe\x00", "UTF-8"),
    (b'polymer,solvent,temperature_k\n"PS,toluene,300\n', "not a readable CSV"),
])
def test_unusable_files_are_refused_as_a_whole(content, words):
    with pytest.raises(DataFileError, match=words):
        read_pairs_csv(content)


def test_safe_export_quotes_formula_text_but_not_numbers():
    frame = pd.DataFrame({"name": ["=cmd", "+1", "-x", "@y", "\tz", "ok"], "chi": [-0.5, 0.1, 0.2, 0.3, 0.4, 0.5]})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), keep_default_na=False)
    assert back["name"].tolist() == ["'=cmd", "'+1", "'-x", "'@y", "'\tz", "ok"]
    assert back["chi"].tolist() == [-0.5, 0.1, 0.2, 0.3, 0.4, 0.5]   # a negative chi stays a number
