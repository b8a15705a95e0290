"""The command line that cross-validates one configuration: its arguments (the run itself is the
training pipeline that test_train_tiny exercises)."""

import argparse

import pytest

from training.evaluate import _config_change, main


@pytest.mark.parametrize("text, expected", [
    ("seed=3", ("seed", 3)),
    ("bootstrap=false", ("bootstrap", False)),
    ("hansen_z=1", ("hansen_z", True)),
    ("weight_cosmo=0.25", ("weight_cosmo", 0.25)),
])
def test_changes_take_the_type_of_the_config_field(text, expected):
    assert _config_change(text) == expected


@pytest.mark.parametrize("text", ["sed=1", "bootstrap", "seed=", "bootstrap=flase"])
def test_unknown_or_valueless_change_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match="name=value|true or false"):
        _config_change(text)


def test_bad_argument_exits_with_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["pairs", "n_members=ten"])
    assert exit_info.value.code == 2
    assert "n_members" in capsys.readouterr().err


def test_combination_config_refuses_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["polymers", "hansen_z=1", "hansen_inputs=0"])
    assert exit_info.value.code == 2
    assert "hansen_inputs=False blinds" in capsys.readouterr().err
