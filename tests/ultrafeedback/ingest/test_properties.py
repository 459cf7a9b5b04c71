"""Property (issue 8.1): whatever the records — valid ones mutated (keys deleted, types changed, NaN
scores, garbage bytes, truncation) or random JSON — every record ends in exactly one of `prompts` and
`invalid`, and ingest raises nothing but a DataError."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notus.core.errors import DataError
from tests.ultrafeedback.ingest.bad_inputs.harness import accounted, run_ingest
from tests.ultrafeedback.ingest.bad_inputs.records import json_line_count, list_shaped, record

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8) | st.sampled_from(["N/A", "None", "3", "five", ""]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


def _parent(rec: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        rec = rec[key]
    return rec


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    """One line's bytes: a valid record, mutated a few times, or random JSON, or broken bytes."""
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "random", "blank"]))
    if kind == "blank":
        return draw(st.sampled_from([b"", b"  ", b"\t\r"]))
    if kind == "random":
        return json.dumps(draw(json_values)).encode()
    rec: Any = record(n=draw(st.integers(0, 5)))
    if draw(st.booleans()):
        for comp in rec["completions"]:
            comp["annotations"] = list_shaped(comp["annotations"])
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(rec)))
        op = draw(st.sampled_from(["delete", "replace", "nan"]))
        parent = _parent(rec, path)
        if op == "delete":
            del parent[path[-1]]
        elif op == "replace":
            parent[path[-1]] = draw(json_values)
        else:
            parent[path[-1]] = draw(st.sampled_from([float("nan"), float("inf"), -float("inf")]))
        rec = copy.deepcopy(rec)
    data = json.dumps(rec, ensure_ascii=draw(st.booleans())).encode()
    byte_op = draw(st.sampled_from(["none", "none", "garbage", "truncate"]))
    if byte_op == "garbage":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    elif byte_op == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    return data


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(file_lines=st.lists(lines(), min_size=1, max_size=6), max_bytes=st.sampled_from([1 << 23, 900]))
def test_every_record_lands_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, file_lines: list[bytes], max_bytes: int
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    data = b"\n".join(file_lines) + b"\n"
    (folder / "in.jsonl").write_bytes(data)
    try:
        tables = run_ingest(folder / "in.jsonl", folder / "out", max_record_bytes=max_bytes)
    except DataError as exc:  # allowed: a file that is not text at all
        assert "\n" not in str(exc) and "in.jsonl" in str(exc)
        return
    accounted(tables, json_line_count(data))
