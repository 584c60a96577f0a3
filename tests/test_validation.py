"""Validation against human coding: α, P/R/F1, blind coding sheets, coding files, e2e."""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from framing import validation as v
from framing.tables import SCHEMAS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "validation" / "example"


# ------------------------------------------------------------------------------ α

def alpha_by_hand(data: list[list[object]]) -> float:
    """Nominal α from the coincidence matrix (Krippendorff 2011, section C), independent of
    the package: α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k."""
    units = list(zip(*data, strict=True))
    o: Counter = Counter()
    for unit in units:
        vals = [x for x in unit if x is not None]
        m = len(vals)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            o[(vals[i], vals[j])] += 1 / (m - 1)
    n_c: Counter = Counter()
    for (c, _), w in o.items():
        n_c[c] += w
    n = sum(n_c.values())
    d_o = sum(w for (c, k), w in o.items() if c != k)
    d_e = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    return 1 - (n - 1) * d_o / d_e


def test_alpha_two_coders_hand_computed():
    # A: 1 0 0 0, B: 1 1 0 0 → o00 = 4, o11 = 2, o01 = o10 = 1; n0 = 5, n1 = 3, n = 8
    # α = 1 − 7 · 2 / (2 · 5 · 3) = 1 − 14/30 = 0.5333…
    data = [["1", "0", "0", "0"], ["1", "1", "0", "0"]]
    assert v.nominal_alpha(data) == pytest.approx(1 - 14 / 30)
    assert alpha_by_hand(data) == pytest.approx(1 - 14 / 30)


def test_alpha_krippendorff_reference_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example with
    # missing data: 4 observers × 12 units, α = 0.743.
    nan = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert round(v.nominal_alpha(data), 3) == 0.743
    assert round(alpha_by_hand(data), 3) == 0.743


def test_alpha_matches_package_and_hand_on_random_data():
    rng = np.random.default_rng(7)
    for _ in range(20):
        coders, units = rng.integers(2, 5), rng.integers(5, 30)
        truth = rng.integers(0, 3, units)
        data = []
        for _ in range(coders):
            row = [str(t) if rng.random() > 0.25 else str(rng.integers(0, 3)) for t in truth]
            row = [None if rng.random() < 0.1 else x for x in row]
            data.append(row)
        mine = v.nominal_alpha(data)
        mat = np.array([[np.nan if x is None else float(x) for x in row] for row in data])
        ref = krippendorff.alpha(reliability_data=mat, level_of_measurement="nominal")
        assert mine == pytest.approx(ref, abs=1e-9)
        assert mine == pytest.approx(alpha_by_hand(data), abs=1e-9)


def test_alpha_undefined_cases_are_nan():
    assert math.isnan(v.nominal_alpha([["1", "1", "1"], ["1", "1", "1"]]))  # no variation
    assert math.isnan(v.nominal_alpha([["1", None], [None, "0"]]))  # nothing pairable
    assert math.isnan(v.nominal_alpha([["1", "0"]]))  # one coder


# ------------------------------------------------------------------------------ P/R/F1

def test_prf_binary_toy():
    gold = ["1", "1", "1", "0", "0", "0", "0", "1"]
    pred = ["1", "1", "0", "1", "0", "0", "0", "0"]
    p, r, f, support = v.prf(gold, pred, "0")
    assert (p, r, support) == (2 / 3, 0.5, 4)
    assert f == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_prf_nominal_wrong_speaker_is_both_fp_and_fn():
    gold = ["Путин", "none", "Токаев", "none"]
    pred = ["Путин", "none", "Путин", "США"]
    p, r, f, support = v.prf(gold, pred, "none")
    assert (p, r, support) == (1 / 3, 1 / 2, 2)
    assert f == pytest.approx(0.4)


def test_prf_no_positives_anywhere_is_nan_and_all_wrong_is_zero():
    assert all(math.isnan(x) for x in v.prf(["0", "0"], ["0", "0"], "0")[:3])
    assert v.prf(["1", "0"], ["0", "1"], "0")[:3] == (0.0, 0.0, 0.0)


def test_adjudication_majority_ties_and_explicit():
    assert v.adjudicate({"A": "1", "B": "1", "C": "0"}) == ("1", False)
    assert v.adjudicate({"B": "1", "A": "0"}) == ("0", True)  # first coder by name
    assert v.adjudicate({"A": "0", "B": "1", "C": "2", "D": "2"}) == ("2", False)
    assert v.adjudicate({"A": "0", "B": "1", "adjudicated": "1"}) == ("1", False)


# ------------------------------------------------------------------------------ reliability

def human_frame(rows):
    return pd.DataFrame(rows, columns=["unit", "variable", "value", "coder"])


def machine_frame(rows):
    df = pd.DataFrame(rows, columns=["unit", "variable", "value"])
    df["level"] = df.unit.map(lambda u: v.parse_unit(u)[0])
    df["article_id"] = df.unit.map(lambda u: v.parse_unit(u)[1])
    return df


def test_reliability_table_values_and_statuses():
    units = [f"a#s{i}" for i in range(12)]
    a = ["1", "1", "1", "0", "0", "0", "0", "0", "1", "0", "0", "0"]
    b = ["1", "1", "1", "0", "0", "0", "0", "0", "1", "0", "0", "1"]  # one disagreement
    mach = ["1", "1", "0", "0", "0", "0", "0", "0", "1", "0", "1", "0"]
    human = human_frame([(u, "device:x", x, "A") for u, x in zip(units, a, strict=True)]
                        + [(u, "device:x", x, "B") for u, x in zip(units, b, strict=True)])
    machine = machine_frame([(u, "device:x", x) for u, x in zip(units, mach, strict=True)]
                            + [(u, "device:y", "0") for u in units])
    res = v.reliability(human, machine)
    t = res.table.set_index("variable")
    assert list(res.table.columns) == SCHEMAS["reliability"][0]
    x = t.loc["device:x"]
    assert x.n_units == 12 and x.n_coders == 2 and x.n_ties == 1
    assert x.alpha_human == pytest.approx(v.nominal_alpha([a, b]))
    gold = a  # the tie on the last unit goes to coder A
    assert x.alpha_machine == pytest.approx(v.nominal_alpha([gold, mach]))
    assert (x.precision, x.recall, x.support) == (0.75, 0.75, 4)
    assert x.status == v.status_of(x.alpha_human, x.alpha_machine) == "unreliable"
    assert t.loc["device:y"].status == "unvalidated" and t.loc["device:y"].n_units == 0
    assert res.ties == [("a#s11", "device:x")]


def test_reliability_min_units_and_unmatched():
    human = human_frame([("a#s0", "device:x", "1", "A"), ("a#s0", "device:x", "1", "B"),
                         ("a#s1", "device:x", "0", "A"), ("a#s1", "device:x", "0", "B"),
                         ("zz#s9", "device:x", "1", "A")])
    machine = machine_frame([("a#s0", "device:x", "1"), ("a#s1", "device:x", "0")])
    assert v.reliability(human, machine).table.status.tolist() == ["unvalidated"]
    res = v.reliability(human, machine, min_units=1)
    assert res.table.status.tolist() == ["reliable"]
    assert res.unmatched == [("zz#s9", "device:x")]


@pytest.mark.parametrize("a,status", [(0.9, "reliable"), (0.8, "reliable"),
                                      (0.7999, "tentative"), (0.667, "tentative"),
                                      (0.6669, "unreliable"), (-0.2, "unreliable")])
def test_status_thresholds(a, status):
    assert v.status_of(a, 1.0) == status
    assert v.status_of(1.0, a) == status


def test_badge_and_status_lookup_escape():
    df = pd.DataFrame({"variable": ['device:<b>"x"'], "level": ["sentence"], "n_units": [30],
                       "alpha_human": [0.9], "alpha_machine": [0.5], "f1": [0.4],
                       "status": ["unreliable"]})
    badge = v.reliability_badge('device:<b>"x"', df)
    assert "<b>" not in badge and "&lt;b&gt;" in badge and "&quot;x&quot;" in badge
    assert "reliability-unreliable" in badge and "0.50" in badge
    assert v.reliability_status('device:<b>"x"', df) == "unreliable"
    assert v.reliability_status("device:other", df) == "unvalidated"
    assert "unvalidated" in v.reliability_badge("device:other", df)


# ------------------------------------------------------------------------------ machine codes

@pytest.fixture
def toy_inputs() -> v.MachineInputs:
    sentences = pd.DataFrame({
        "article_id": ["a"] * 4 + ["b"] * 3, "sent": [0, 1, 2, 3, 0, 1, 2],
        "start": [0, 20, 40, 60, 0, 20, 40], "end": [19, 39, 59, 79, 19, 39, 59],
        "segment": ["title"] + ["prose"] * 6, "n_tokens": [3] * 7,
        "text": ["Заголовок <script>alert(1)</script>", "Второе.", "Третье.", "Четвёртое.",
                 "Б один.", "Б два.", "Б три."]})
    devices = pd.DataFrame({"article_id": ["a", "a", "b"], "sent": [1, 1, 2],
                            "category": ["threat", "rivalry", "threat"]})
    quotes = pd.DataFrame({"article_id": ["a"], "start": [41], "end": [70],
                           "speaker": ["Тайный Говорящий"]})
    actor_sentiment = pd.DataFrame({
        "article_id": ["a", "a", "b"], "actor": ["США", "Россия", "США"],
        "voice": ["ALL"] * 3, "n_mentions": [3, 1, 2], "mean_label": [-0.5, 0.2, 0.0]})
    sv = pd.DataFrame({"article_id": ["a", "b"], "item": ["co1", "co1"], "answer": [1, 0]})
    mfc = pd.DataFrame({"article_id": ["a"], "frame": ["economic"], "present": [1]})
    return v.MachineInputs({"sentences": sentences, "devices": devices, "quotes": quotes,
                            "actor_sentiment": actor_sentiment, "sv_items": sv,
                            "mfc_frames": mfc}, ["economic", "rivalry", "threat"])


def test_machine_codes_cover_every_registered_variable(toy_inputs):
    m = v.machine_codes(toy_inputs)
    assert list(m.columns) == v.CODE_COLUMNS
    codes = {(u, var): val for u, var, val in zip(m.unit, m.variable, m.value, strict=True)}
    assert codes[("a#s1", "device:threat")] == "1" and codes[("a#s0", "device:threat")] == "0"
    assert codes[("a", "device:rivalry")] == "1" and codes[("b", "device:rivalry")] == "0"
    assert codes[("a#s2", "speaker")] == codes[("a#s3", "speaker")] == "Тайный Говорящий"
    assert codes[("a#s1", "speaker")] == "none"
    assert codes[("a@США", "sentiment")] == "-1" and codes[("a@Россия", "sentiment")] == "1"
    assert codes[("b@США", "sentiment")] == "0"
    assert codes[("a", "sv:co1")] == "1" and codes[("b", "sv:co1")] == "0"
    assert codes[("a", "mfc:economic")] == "1"
    assert m.equals(v.machine_codes(toy_inputs))  # deterministic
    keys = list(zip(m.unit, m.variable, strict=True))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_extractor_registry_takes_new_tables(toy_inputs):
    toy_inputs.tables["stance"] = pd.DataFrame({"article_id": ["a"], "n": [1]})

    def stance_codes(inp):
        df = inp.get("stance")
        return [v._code(a, "stance:any", 1) for a in df.article_id]

    extractors = {**v.EXTRACTORS, "stance": stance_codes}
    m = v.machine_codes(toy_inputs, extractors)
    assert m[m.variable == "stance:any"].unit.tolist() == ["a"]
    assert "stance:any" not in set(v.machine_codes(toy_inputs).variable)


def test_input_tables_and_load_inputs(tmp_path, toy_inputs):
    for name, df in toy_inputs.tables.items():
        df.to_parquet(tmp_path / f"{name}.parquet")
    by_folder = v.load_inputs(tmp_path)
    assert sorted(by_folder.tables) == sorted(toy_inputs.tables)
    paths = v.input_tables({"sentences": str(tmp_path / "sentences.parquet"),
                            "frames": [str(tmp_path / "mfc_frames.parquet")],
                            "coding": "x.csv"})
    assert sorted(paths) == ["mfc_frames", "sentences"]
    assert sorted(v.load_inputs(paths).tables) == ["mfc_frames", "sentences"]


# ------------------------------------------------------------------------------ coding sheet

def export(tmp_path, inputs, **kw):
    m = v.machine_codes(inputs)
    arts = {"a": "Текст статьи <script>alert(2)</script> & «кавычки»", "b": "Статья Б."}
    titles = {"a": 'Заголовок "><img src=x onerror=alert(3)>', "b": "Б"}
    sheet = v.export_coding_sheet(
        m, inputs.tables["sentences"], arts, tmp_path / "sheet.csv", tmp_path / "sheet.html",
        titles=titles, actor_sentiment=inputs.tables["actor_sentiment"],
        actor_names={"a": ["Россия", "США"]}, descriptions={"device:threat": "<угроза>"}, **kw)
    return m, sheet


def test_coding_sheet_is_blind(tmp_path, toy_inputs):
    m, sheet = export(tmp_path, toy_inputs, n_sentences=100, n_articles=10)
    assert (sheet.value == "").all() and (sheet.coder == "").all()
    csv_text = (tmp_path / "sheet.csv").read_text(encoding="utf-8")
    page = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    # the machine's speaker is not an actor offered as a choice: it must appear nowhere
    assert "Тайный Говорящий" in set(m.value)
    assert "Тайный Говорящий" not in csv_text and "Тайный Говорящий" not in page
    assert "checked" not in page and "selected" not in page
    back = pd.read_csv(tmp_path / "sheet.csv", keep_default_na=False, dtype=str)
    assert list(back.columns) == v.SHEET_COLUMNS and (back.value == "").all()
    # every unit × every variable of its level, nothing else
    by_level = m.groupby("level").variable.agg(set)
    want = {(u, var) for u in set(sheet.unit) for var in by_level[v.parse_unit(u)[0]]}
    assert set(zip(sheet.unit, sheet.variable, strict=True)) == want
    assert "a@Россия" not in set(sheet.unit)  # one mention < min_mentions
    assert "a@США" in set(sheet.unit)


def test_coding_sheet_html_escapes_everything(tmp_path, toy_inputs):
    export(tmp_path, toy_inputs, n_sentences=100, n_articles=10)
    page = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # sentence text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page  # article text
    assert "<img" not in page and "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "&lt;угроза&gt;" in page
    assert "http://" not in page and "https://" not in page and "@media print" in page


def test_coding_sheet_stratified_and_deterministic(tmp_path, toy_inputs):
    _, s1 = export(tmp_path, toy_inputs, n_sentences=4, n_articles=2, seed=3)
    _, s2 = export(tmp_path, toy_inputs, n_sentences=4, n_articles=2, seed=3)
    assert s1.equals(s2)
    sents = s1[s1.level == "sentence"].drop_duplicates("unit")
    assert len(sents) == 4
    assert set(sents.article_id) == {"a", "b"}  # every article stratum is represented
    m = v.machine_codes(toy_inputs)
    found = v._found(m)
    assert {found[u] for u in sents.unit} == {0, 1}  # found and not-found strata
    seeds = {tuple(export(tmp_path, toy_inputs, n_sentences=3, n_articles=2, seed=s)[1]
                   .unit.unique()) for s in range(8)}
    assert len(seeds) > 1  # the seed matters


def test_stratified_sample_proportional_and_stable():
    units = pd.DataFrame({"unit": [f"a#s{i}" for i in range(80)] + [f"b#s{i}" for i in range(20)],
                          "article_id": ["a"] * 80 + ["b"] * 20,
                          "found": [int(i % 4 == 0) for i in range(80)] + [1] * 20})
    s = v.stratified_sample(units, 20, seed=0)
    c = Counter((u.split("#")[0], int(units.set_index("unit").found[u])) for u in s)
    assert c == {("a", 0): 12, ("a", 1): 4, ("b", 1): 4}
    # drawing from a stratum does not depend on units of other strata
    more = pd.concat([units, pd.DataFrame({"unit": ["c#s0"], "article_id": ["c"],
                                           "found": [0]})])
    s_more = v.stratified_sample(more, 21, seed=0)
    assert [u for u in s if u.startswith("b#")] == [u for u in s_more if u.startswith("b#")]


def test_allocate_never_exceeds_strata():
    for sizes, n in (({"a": 3, "b": 0, "c": 7}, 5), ({"a": 1}, 4), ({"x": 5, "y": 5}, 1)):
        out = v.allocate(sizes, n)
        assert sum(out.values()) == min(n, sum(sizes.values()))
        assert all(out[k] <= sizes[k] for k in sizes)


# ------------------------------------------------------------------------------ read_coding

def write(tmp_path, text: str) -> Path:
    p = tmp_path / "coding.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_read_coding_reads_and_skips_blank_values(tmp_path):
    p = write(tmp_path, "unit,variable,value,coder,text\n"
                        "a#s0,device:threat,1,A,x\n"
                        "a#s0,device:threat,,B,x\n"
                        "a@США,sentiment,-1,B,\n"
                        "a#s1,speaker, Путин ,A,\n")
    df = v.read_coding(p)
    assert df[["unit", "variable", "value", "coder"]].values.tolist() == [
        ["a#s0", "device:threat", "1", "A"], ["a#s1", "speaker", "Путин", "A"],
        ["a@США", "sentiment", "-1", "B"]]
    assert df.level.tolist() == ["sentence", "sentence", "actor"]


@pytest.mark.parametrize("text,where,what", [
    ("unit,variable,value\na,device:x,1\n", ":1:", "missing column(s) coder"),
    ("unit,variable,value,coder\na#s0,device:x,1,A\na#s1,device:x,2,A\n", ":3:",
     "'2' of device:x"),
    ("unit,variable,value,coder\na#s0,sentiment,1,A\na#s0,sentiment,+2,B\n", ":3:",
     "not one of -1, 0, 1"),
    ("unit,variable,value,coder\na#s0,device:x,1,A\na#s0,device:x,0,A\n", ":3:",
     "coded twice by coder 'A' (first on line 2)"),
    ("unit,variable,value,coder\na#s0,device:x,1,\n", ":2:", "has no coder"),
    ("unit,variable,value,coder\n,device:x,1,A\n", ":2:", "empty unit or variable"),
    ("unit,variable,value,coder\na,device:x,1,A,extra\n", ":2:", "more fields than columns"),
])
def test_read_coding_errors_name_file_and_line(tmp_path, text, where, what):
    p = write(tmp_path, text)
    with pytest.raises(v.CodingError) as exc:
        v.read_coding(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p}{where}"), msg
    assert what in msg, msg


def test_read_coding_line_numbers_count_multiline_records(tmp_path):
    p = write(tmp_path, 'unit,variable,value,coder,text\n'
                        'a,device:x,1,A,"Первая строка\nвторая строка\nтретья"\n'
                        'b,device:x,5,A,"x"\n')
    with pytest.raises(v.CodingError, match=r"coding\.csv:5: value '5'"):
        v.read_coding(p)


def test_filled_coding_sheet_reads_back_and_scores(tmp_path, toy_inputs):
    m, sheet = export(tmp_path, toy_inputs, n_sentences=100, n_articles=10)
    machine = {(u, var): val for u, var, val in zip(m.unit, m.variable, m.value, strict=True)}
    filled = []
    for coder in ("A", "B"):
        f = sheet.copy()
        f["coder"] = coder
        f["value"] = [machine.get((u, var), "0") for u, var in zip(f.unit, f.variable,
                                                                    strict=True)]
        filled.append(f)
    path = tmp_path / "filled.csv"
    pd.concat(filled).to_csv(path, index=False)
    human = v.read_coding(path)
    assert len(human) == 2 * len(sheet)
    t = v.reliability(human, m, min_units=1).table
    coded = t[t.n_units > 0]
    assert (coded.f1.dropna() == 1.0).all() and (coded.alpha_machine.dropna() == 1.0).all()
    assert set(coded.status) <= {"reliable", "unvalidated"}


def test_status_needs_machine_codes_for_the_coded_units():
    units = [f"a#s{i}" for i in range(12)]
    human = human_frame([(u, "device:renamed", str(i % 2), c) for i, u in enumerate(units)
                         for c in "AB"])
    res = v.reliability(human, machine_frame([(u, "device:x", "0") for u in units]))
    row = res.table.set_index("variable").loc["device:renamed"]
    assert row.alpha_human == 1.0 and row.status == "unvalidated"
    assert len(res.unmatched) == 12


def test_read_coding_missing_file(tmp_path):
    with pytest.raises(v.CodingError, match=re.escape(str(tmp_path / "nope.csv"))):
        v.read_coding(tmp_path / "nope.csv")


def test_cli_validate_coding_reports_bad_file(tmp_path, capsys):
    from framing.cli import main

    p = write(tmp_path, "unit,variable,value,coder\na#s0,device:x,7,A\n")
    assert main(["validate-coding", str(p), "--processed", str(tmp_path)]) == 2
    assert f"{p}:2:" in capsys.readouterr().err


# ------------------------------------------------------------------------------ shipped example

def test_shipped_coding_is_complete_and_two_coded():
    df = v.read_coding(EXAMPLE / "coding.csv")
    assert set(df.coder) == {"A", "B"}
    per = df.groupby(["unit", "variable"]).coder.nunique()
    assert (per == 2).all()  # every code by both coders
    articles = {p.stem for p in (EXAMPLE / "raw").glob("*.txt")}
    assert set(df.article_id) == articles == {"000_6710659f3c143ba2", "101_gas_deal",
                                              "102_fakes_law"}
    sent = df[df.level == "sentence"]
    coded = set(sent.variable)
    # every sentence carries the same variables: exactly the current codebook categories and
    # the speaker (a category added to the codebook must be coded here too)
    assert sent.groupby(["unit", "coder"]).variable.nunique().eq(len(coded)).all()
    current = {f"device:{c}" for c in v.codebook_categories(ROOT / "config" / "codebook.yaml")}
    assert coded == current | {"speaker"} and len(current) == 20
    arts = df[df.level == "article"]
    assert set(arts.variable) == current
    assert arts.groupby(["unit", "coder"]).variable.nunique().eq(len(current)).all()
    # the two coders really are two passes: they disagree somewhere, agree mostly
    wide = df.pivot_table(index=["unit", "variable"], columns="coder", values="value",
                          aggfunc="first")
    share = (wide.A == wide.B).mean()
    assert 0.9 < share < 1.0


def test_shipped_texts_are_marked_as_written_for_the_project():
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert "written for this project" in readme and "same coder" in readme
    for name in ("101_gas_deal.txt", "102_fakes_law.txt"):
        words = len((EXAMPLE / "raw" / name).read_text(encoding="utf-8").split())
        assert 150 <= words <= 300, (name, words)


def test_shipped_coding_against_machine_codes_library_level():
    """The example's human coding scored against machine codes built from it (fast, no NLP):
    a machine equal to coder A must get F1 = 1 where A won every tie."""
    human = v.read_coding(EXAMPLE / "coding.csv")
    a = human[human.coder == "A"]
    machine = a.drop(columns="coder")
    res = v.reliability(human, machine)
    t = res.table[res.table.n_units > 0]
    assert len(t) == 42  # 20 categories × 2 levels + speaker + sentiment
    assert (t.f1.dropna() == 1.0).all()
    assert (t.n_coders == 2).all()
    assert (t.alpha_machine.dropna() == 1.0).all()
    ah = t.set_index(["variable", "level"]).alpha_human
    assert ah[("device:shared_history", "sentence")] == 1.0  # A and B agree on every sentence
    assert 0.5 < ah[("device:metaphor", "sentence")] < 1.0  # B saw more metaphors than A
    assert set(t.status) <= set(v.STATUSES)


def make_example_project(tmp: Path) -> Path:
    for item in ("Snakefile", "workflow", "config", "validation"):
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, tmp / item, symlinks=True)
        else:
            shutil.copy(src, tmp / item)
    shutil.copytree(ROOT / "data" / "raw", tmp / "data" / "raw")
    return tmp


def test_validate_target_on_shipped_example(tmp_path):
    """`snakemake validate` on the shipped example, end to end (≈ 30 s)."""
    proj = make_example_project(tmp_path)
    r = subprocess.run([sys.executable, "-m", "snakemake", "validate", "--cores", "2",
                        "--configfile", "validation/example/config.yaml"],
                       cwd=proj, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert re.search(r"^variable\s+level\s+units\s+α human\s+α machine\s+P\s+R\s+F1", r.stdout,
                     re.M), r.stdout[-2000:]
    assert re.search(r"^device:threat\s+sentence\s+101\s+\d\.\d\d\s+-?\d\.\d\d", r.stdout, re.M)
    table = pd.read_parquet(proj / "data/validation-example/processed/reliability.parquet")
    assert list(table.columns) == SCHEMAS["reliability"][0]
    coded = table[table.n_units > 0]
    assert set(coded.level) == {"sentence", "article", "actor"}
    sent = coded[coded.level == "sentence"]
    found = sent[sent.support > 0]
    assert len(found) >= 19 and found.f1.notna().all() and found.alpha_human.notna().all()
    # a category nobody found in the example (call, depiction) has no α or F1: unvalidated
    nothing = sent[sent.support == 0]
    assert nothing.f1.isna().all() and (nothing.status == "unvalidated").all()
    html_page = (proj / "reports/validation-example/validation/reliability.html").read_text()
    assert "Validation against human coding" in html_page and "<script" not in html_page
    md = (proj / "reports/validation-example/validation/reliability.md").read_text()
    assert "| `speaker` | sentence | 101 | 2 |" in md
