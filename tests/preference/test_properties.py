"""Property: whatever the records — valid ones with a field deleted or replaced by any JSON value, or
random JSON — every input row of each shape ends in exactly one place, and the ingest raises nothing but
a DataError (no valid record at all)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notus.core.errors import DataError
from notus.preference.pairwise import pairwise
from notus.preference.ranked import ranked
from notus.preference.rated import rated
from tests.preference.harness import HELPSTEER2, NECTAR, PAIRWISE, accounted, msg, run_step

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 12) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8) | st.sampled_from(["N/A", "", "\n\nHuman: a\n\nAssistant: b", "<extra_id_1>User\nx"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
VALID: dict[str, dict[str, Any]] = {
    "pairwise": {"prompt": "p", "chosen": [msg("user", "p"), msg("assistant", "a")],
                 "rejected": [msg("user", "p"), msg("assistant", "b")], "score_chosen": 8, "score_rejected": 3},
    "ranked": {"prompt": "\n\nHuman: q\n\nAssistant: ", "answers": [{"answer": "a", "model": "m", "rank": 1},
                                                                    {"answer": "b", "model": "n", "rank": 2}]},
    "rated": {"prompt": "q", "response": "a", "helpfulness": 3, "correctness": 2, "coherence": 4, "complexity": 1,
              "verbosity": 0},
}
STEPS = {"pairwise": (pairwise, PAIRWISE), "ranked": (ranked, NECTAR), "rated": (rated, HELPSTEER2)}


@st.composite
def mutated(draw: st.DrawFn, shape: str) -> Any:
    rec = copy.deepcopy(VALID[shape])
    kind = draw(st.sampled_from(["delete", "replace", "random", "keep"]))
    key = draw(st.sampled_from(sorted(rec)))
    if kind == "delete":
        del rec[key]
    elif kind == "replace":
        rec[key] = draw(json_values)
    elif kind == "random":
        return draw(json_values)
    return rec


@pytest.mark.parametrize("shape", list(STEPS))
def test_every_row_ends_in_one_place(shape: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    step, params = STEPS[shape]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(mutated(shape), min_size=1, max_size=6))
    def check(records: list[Any]) -> None:
        folder = tmp_path_factory.mktemp(shape)
        (folder / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        try:
            t = run_step(step, params, folder / "in.jsonl", folder / "out")
        except DataError as exc:
            assert "is valid" in str(exc) or "no records" in str(exc)
            return
        if shape == "rated":
            rows = t["responses"]["row_id"].to_list() + t["invalid"]["record_id"].to_list()
            assert sorted(rows) == list(range(len(records)))
        else:
            accounted(t, len(records))

    check()
