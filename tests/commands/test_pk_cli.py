"""`pk simulate` and `pk population` run in-process (and once as `python -m`)."""

import argparse
import subprocess
import sys

import pytest

from ketaflow.commands import pk as pk_cli


def run(capsys, *argv):
    code = pk_cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_simulate_prints_the_domino_reference_values_and_labels_them_as_a_prediction(capsys):
    code, out, _ = run(capsys, "simulate", "--weight-kg", "70", "--model", "domino", "--segment", "0:240:0.5mg/kg/h",
                       "--every-min", "60")
    assert code == 0
    assert "model prediction" in out
    for value in ("176.5", "214.7", "259.7"):  # pk.md §6 S6 at 60, 120, 240 min
        assert value in out


def test_simulate_writes_an_svg_and_a_png_plot(capsys, tmp_path):
    for name, magic in (("curve.svg", b"<?xml"), ("curve.png", b"\x89PNG")):
        path = tmp_path / name
        code, out, _ = run(capsys, "simulate", "--weight-kg", "80", "--segment", "0:40:0.75mg/kg/h",
                           "--bolus", "0:0.1mg/kg", "--plot", str(path))
        assert code == 0 and path.read_bytes().startswith(magic)
    assert "arterial" in (tmp_path / "curve.svg").read_text()


def test_simulate_accepts_a_pump_rate_with_its_bag_concentration(capsys):
    code, out, _ = run(capsys, "simulate", "--weight-kg", "70", "--model", "domino", "--segment", "0:240:35mL/h",
                       "--bag-concentration-mg-per-ml", "1", "--every-min", "240", "--no-effect-site")
    assert code == 0 and "259.7" in out


def test_a_rate_without_a_unit_is_refused_with_exit_code_2(capsys):
    code, _, err = run(capsys, "simulate", "--weight-kg", "70", "--segment", "0:240:0.5")
    assert code == 2 and "--segment rate" in err and "0.5mg/kg/h" in err


def test_a_ml_rate_without_a_bag_concentration_is_refused(capsys):
    code, _, err = run(capsys, "simulate", "--weight-kg", "70", "--segment", "0:60:35mL/h")
    assert code == 2 and "bag_concentration_mg_per_ml" in err


def test_population_prints_percentiles_of_cmax_auc_and_time_in_band(capsys, tmp_path):
    code, out, _ = run(capsys, "population", "--n", "300", "--cv", "0.2", "--segment", "0:240:0.5mg/kg/h",
                       "--chunk-size", "128", "--plot", str(tmp_path / "pop.svg"))
    assert code == 0
    for label in ("Cmax", "AUC", "time in 70:160 ng/mL", "median", "95th", "model prediction"):
        assert label in out
    assert (tmp_path / "pop.svg").exists()


def test_population_refuses_zero_patients(capsys):
    code, _, err = run(capsys, "population", "--n", "0", "--segment", "0:60:0.5mg/kg/h")
    assert code == 2 and "--n" in err


def test_register_adds_pk_to_a_parent_parser_as_the_main_cli_does():
    parser = argparse.ArgumentParser(prog="ketaflow")
    pk_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["pk", "simulate", "--weight-kg", "70", "--segment", "0:60:0.5mg/kg/h"])
    assert args.func is pk_cli.cmd_simulate and args.model == "kamp2020"


@pytest.mark.parametrize("text", ["0:240", "a:240:0.5mg/kg/h", "240:0:0.5mg/kg/h", "0:240:17mg"])
def test_bad_segments_are_refused(text):
    with pytest.raises(pk_cli.DomainValidationError):
        pk_cli.parse_segment(text)


def test_the_module_runs_standalone():
    out = subprocess.run([sys.executable, "-m", "ketaflow.commands.pk", "simulate", "--weight-kg", "70", "--model",
                          "domino", "--segment", "0:240:0.5mg/kg/h", "--every-min", "240"],
                         capture_output=True, text=True, check=True)
    assert "259.7" in out.stdout
