"""The ``framing`` command line."""

from __future__ import annotations

import shutil

import pytest

from framing.cli import main


def test_validate_shipped_resources(root, capsys, monkeypatch):
    monkeypatch.chdir(root)
    assert main(["validate"]) == 0
    assert "devices:" in capsys.readouterr().out


def test_validate_reports_codebook_error_with_file_and_line(root, tmp_path, capsys):
    cfg = tmp_path / "config"
    shutil.copytree(root / "config", cfg)
    cb = cfg / "codebook.yaml"
    text = cb.read_text(encoding="utf-8").replace("  - id: kindergarten\n",
                                                  "  - id: kindergarten\n    colour: red\n", 1)
    cb.write_text(text, encoding="utf-8")
    assert main(["validate", "--config-dir", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "codebook.yaml:" in err and 'device "kindergarten"' in err and "colour" in err


def test_eval_rusentrel_predict_only_on_a_folder_without_labels(tmp_path, capsys, root,
                                                                monkeypatch):
    from tests.test_rusentrel import write_folder

    monkeypatch.chdir(root)
    folder = write_folder(tmp_path)
    (folder / "art1.opin.txt").unlink()  # unlabelled: nothing to score
    out = tmp_path / "pred"
    assert main(["eval", "rusentrel", str(folder), "--predict-only", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "F1" not in printed and "wrote predictions for 1 documents" in printed
    lines = (out / "art1.opin.txt").read_text(encoding="utf-8").splitlines()
    assert lines and all(line.count(",") == 3 and line.endswith(", current") for line in lines)
    with pytest.raises(SystemExit):
        main(["eval", "rusentrel", str(folder), "--predict-only"])  # needs --out
