"""The SQL that turns raw record texts into checked, normalised UltraFeedback rows, parsing each record once.

WHY one parse into a typed struct: the texts are most of the input's bytes, and every JSON function call
re-parses its argument. So each record is parsed once by `json_transform` into a struct that keeps the
big text fields as VARCHAR and only the small, untrusted ones as JSON (instruction, overall_score, Rating,
Type), where their JSON type can still be checked. The struct is stored as parsed (`parse_sql`); the big
strings are copied only once more, when the output tables are written from it. The expensive probes
(`json_type`, `json_valid`, `json_exists` on the whole text) run only on the rare records that the
struct already shows to be odd.

The two annotation shapes: a record is parsed with each aspect as a struct; an aspect that is present but
has no Rating is either the early release's one-item list or broken, so only records holding such an
aspect have their annotations parsed a second time with aspects as lists (`LISTED`), and each aspect
takes whichever shape holds a rating.

Rules (reason -> when), checked in this order; the first that fires names the record's reason:
  invalid:encoding / invalid:too_large  found while reading the bytes (`ingest_formats`)
  invalid:json                  the text is not valid JSON (truncated line, garbage)
  invalid:not_an_object         valid JSON, but not an object (array, number, string, null)
  invalid:missing_instruction   `instruction` missing, null, not a string, or blank
  invalid:missing_completions   no `completions` key
  invalid:completions           `completions` is not a list
  then the first completion (in order) with a problem, first rule first:
  invalid:completion            not an object, or no `response` string
  invalid:overall_score         present but not a finite number in [0, 10] (NaN, Infinity, 11, "high", true)
  invalid:annotations           `annotations` or an aspect of the wrong type, or a list of != 1 item
  invalid:rating                a present aspect whose Rating is missing, null, or not 1..5 or "N/A"
Accepted: Rating "3", 3, 3.0 (-> 3) and "N/A" (-> NULL); a missing aspect, missing annotations or a missing
overall_score (-> NULL); Type "None" (-> []) or a list; a fine-grained_score that is missing or not a
finite number (-> NULL: upstream computes it from the ratings, so it carries no information of its own);
numeric strings for scores ("7.5"). Exact duplicates are NOT invalid: `record_hash` lets curation find them.

record_hash: DuckDB's 64-bit hash of the parsed record (source, instruction and every completion's fields
that ingest reads), as 16 hex digits. Two records with the same content get the same hash whatever their
formatting (whitespace, key order, escapes, JSON lines or Parquet); fields ingest does not read (`models`,
`custom_system_prompt`, `correct_answers`) do not count. It is stable for one DuckDB version, which the
step fingerprint includes.
"""

from __future__ import annotations

import json

from notus.core.sqlfile import literal
from notus.ultrafeedback.ingest.tables import SCALE

ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")

_ASPECT = {"Rating": "JSON", "Rationale": "VARCHAR", "Rationale For Rating": "VARCHAR", "Type": "JSON"}
_COMPLETION = {
    "model": "VARCHAR",
    "principle": "VARCHAR",
    "response": "VARCHAR",
    "critique": "VARCHAR",
    "overall_score": "JSON",
    "fine-grained_score": "JSON",
    "annotations": {a: _ASPECT for a in ASPECTS},
}
RECORD = json.dumps({"source": "VARCHAR", "instruction": "JSON", "completions": [_COMPLETION]})
LISTED = json.dumps({"completions": [{"annotations": {a: [_ASPECT] for a in ASPECTS}}]})
ANNOTATIONS_JSON = json.dumps({"completions": [{"annotations": "JSON"}]})


_COMMON_RATINGS = ", ".join(f"'{v}'" for v in ('"1"', '"2"', '"3"', '"4"', '"5"', '"N/A"', "1", "2", "3", "4", "5"))



def _json_text(expr: str) -> str:
    """A small JSON value as text: a string's content (cut out when it has no escapes, which is faster
    than parsing it), or the JSON of anything else."""
    return f"""CASE WHEN left({expr}, 1) = '"' AND NOT contains({expr}, '\\') THEN substr({expr}, 2, length({expr}) - 2)
        WHEN left({expr}, 1) = '"' THEN {expr} ->> '$' ELSE CAST({expr} AS VARCHAR) END"""


def _rating_of(raw: str) -> str:
    """A rating's text -> its integer 1..5, or NULL ("N/A", or not a rating at all)."""
    number = f"TRY_CAST({raw} AS DOUBLE)"
    return f"""CASE {raw} WHEN '1' THEN 1 WHEN '2' THEN 2 WHEN '3' THEN 3 WHEN '4' THEN 4 WHEN '5' THEN 5
        ELSE CASE WHEN {number} IN (1, 2, 3, 4, 5) THEN CAST({number} AS INTEGER) END END"""


def _types_of(t: str) -> str:
    """`Type`: "None" -> [], a list -> its items as text, absent -> NULL, anything else -> [it]."""
    return f"""CASE WHEN {t} IS NULL THEN NULL
            WHEN {t} = '"None"' THEN []::VARCHAR[]
            WHEN left({t}, 1) = '[' THEN json_transform({t}, '["VARCHAR"]')
            ELSE [{_json_text(t)}] END"""


def _kind_name(json_type: str) -> str:
    """DuckDB's name for a JSON value's type, in JSON's own words, for messages."""
    return f"""CASE {json_type} WHEN 'VARCHAR' THEN 'string' WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array'
        WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' WHEN NULL THEN 'value' ELSE 'number' END"""


def _number(expr: str) -> str:
    return f"TRY_CAST({_json_text(expr)} AS DOUBLE)"


class _Aspect:
    """SQL for one aspect of one completion, given the completion's annotations in both parsed shapes:
    `ann` (aspects as structs) and `listed` (aspects as lists; NULL unless the record needed it)."""

    def __init__(self, name: str, ann: str, listed: str) -> None:
        self.name = name
        here, there = f"{ann}.{name}", f"{listed}.{name}"
        self.from_list = f"({here} IS NOT NULL AND {here}.Rating IS NULL AND {there} IS NOT NULL)"
        self.absent = f"({here} IS NULL)"
        self.items = f"CASE WHEN {self.from_list} THEN len({there}) ELSE 1 END"
        self._here, self._there = here, there

    def field(self, key: str) -> str:
        key = f'"{key}"' if " " in key else key
        return f"CASE WHEN {self.from_list} THEN {self._there}[1].{key} ELSE {self._here}.{key} END"

    @property
    def rating_json(self) -> str:
        return self.field("Rating")

    @property
    def raw(self) -> str:
        return _json_text(self.rating_json)

    @property
    def is_na(self) -> str:
        return f"(left({self.rating_json}, 1) = '\"' AND upper(trim({self.raw})) = 'N/A')"

    @property
    def rating(self) -> str:
        return _rating_of(self.raw)

    def resolved(self) -> str:
        """The aspect's struct, from whichever shape holds it."""
        return f"CASE WHEN {self.from_list} THEN {self._there}[1] ELSE {self._here} END"

    def problem(self, index: str, ann_json: str) -> str:
        """NULL, or {reason, detail} when this aspect breaks a rule. `ann_json` is the completion's
        annotations as JSON text, there only for records whose annotations look odd."""
        where = f"'completion ' || {index} || ', {self.name}: '"
        kind = f"json_type({ann_json}, '$.{self.name}')"
        return f"""CASE
            WHEN {self.absent} THEN NULL
            WHEN {self.items} <> 1 THEN {{'reason': 'invalid:annotations',
                'detail': {where} || 'a list of ' || {self.items} || ' items, expected one'}}
            WHEN {self.rating_json} IS NULL AND {kind} NOT IN ('OBJECT', 'ARRAY') THEN
                {{'reason': 'invalid:annotations',
                  'detail': {where} || 'a JSON ' || {_kind_name(kind)} || ', not an object'}}
            WHEN {self.rating_json} IS NULL THEN
                {{'reason': 'invalid:rating', 'detail': {where} || 'Rating is missing or null'}}
            WHEN {self.is_na} OR {self.rating} IS NOT NULL THEN NULL
            ELSE {{'reason': 'invalid:rating',
                   'detail': {where} || 'Rating ' || {self.rating_json} || ' is not an integer 1..5 or "N/A"'}}
        END"""


def _aspects(ann: str, listed: str) -> list[_Aspect]:
    return [_Aspect(a, ann, listed) for a in ASPECTS]


def _completion_problem(c: str, listed: str, ann_json: str, index: str) -> str:
    """NULL, or the first {reason, detail} that completion `c` breaks; `listed` and `ann_json` are its
    annotations parsed again (list shape, JSON text), NULL unless the record needed them."""
    aspects = _aspects(f"{c}.annotations", listed)
    score = _number(f"{c}.overall_score")
    kind = f"json_type({ann_json})"
    any_absent = " OR ".join(a.absent for a in aspects)
    return f"""coalesce(
            CASE WHEN {c}.response IS NULL THEN {{'reason': 'invalid:completion',
                'detail': 'completion ' || {index} || ': no response string (or not an object)'}} END,
            CASE WHEN {c}.overall_score IS NOT NULL
                      AND NOT coalesce(isfinite({score}) AND {score} BETWEEN 0 AND 10, false) THEN
                {{'reason': 'invalid:overall_score', 'detail': 'completion ' || {index} || ': overall_score '
                  || {c}.overall_score || ' is not a finite number in [0, 10]'}} END,
            CASE WHEN ({any_absent}) AND {kind} NOT IN ('OBJECT', 'NULL') THEN
                {{'reason': 'invalid:annotations', 'detail': 'completion ' || {index}
                  || ': annotations is a JSON ' || {_kind_name(kind)} || ', not an object'}} END,
            {", ".join(a.problem(index, ann_json) for a in aspects)})"""


def _annotations_again(record_type: str) -> str:
    """Each completion's annotations, parsed from the text again as `record_type` says."""
    return f"list_transform(try(json_transform(text, {literal(record_type)})).completions, lambda c: c.annotations)"


def parse_sql(source_table: str) -> str:
    """One row per record of `source_table` (RAW_SCHEMA): its record-level verdict, prompt, hash, parsed
    completions (`comps`), and for odd records only the extra parses `listed` (list-shaped annotations)
    and `ann_json` (annotations as JSON text). `odd` marks the valid-looking records whose completions
    must still go through the full rules (`verdict_update_sql`)."""
    needs_listed = " OR ".join(
        f"(c.annotations.{a} IS NOT NULL AND c.annotations.{a}.Rating IS NULL)" for a in ASPECTS
    )
    no_rating = " OR ".join(f"c.annotations.{a}.Rating IS NULL" for a in ASPECTS)
    # The shape nearly every completion has (a response, a plain numeric score, four "1".."5"/"N/A" ratings)
    # is recognised with cheap comparisons; the others go through the full rules afterwards, apart: in
    # here the full rules cost ~0.6 s per 800 MB even when no row reaches them (measured), and inside a
    # lambda DuckDB copies every captured column (the record text!) into each list element.
    common = " AND ".join(
        [f"coalesce(c.annotations.{a}.Rating IN ({_COMMON_RATINGS}), false)" for a in ASPECTS]
        + ["c.response IS NOT NULL",
           "(c.overall_score IS NULL\n"
           " OR coalesce(TRY_CAST(CAST(c.overall_score AS VARCHAR) AS DOUBLE) BETWEEN 0 AND 10, false))"]
    )
    return f"""
WITH rec AS (
    SELECT record_id, file_idx, line, nbytes, reason AS read_reason, detail AS read_detail, text,
           CASE WHEN reason IS NULL THEN try(json_transform(text, {literal(RECORD)})) END AS j
    FROM {source_table}
), checked AS (
    SELECT *, j.instruction AS instruction,
           CASE WHEN j.instruction IS NOT NULL AND json_type(j.instruction) = 'VARCHAR' THEN j.instruction ->> '$'
           END AS prompt,
           NOT coalesce(list_bool_and(list_transform(j.completions, lambda c: {common})), true) AS odd
    FROM rec
), verdict AS (
    SELECT *,
        CASE
            WHEN read_reason IS NOT NULL THEN {{'reason': read_reason, 'detail': read_detail}}
            WHEN j IS NULL THEN CASE  -- nested, so that whole-text probes run on these rows only
                WHEN json_valid(text) THEN {{'reason': 'invalid:not_an_object', 'detail': 'a JSON null, not an object'}}
                ELSE {{'reason': 'invalid:json', 'detail': 'not valid JSON (' || nbytes
                    || ' bytes, ending ' || to_json(right(rtrim(text, e' \\t\\r\\n'), 40)) || ')'}} END
            WHEN j.source IS NULL AND instruction IS NULL AND j.completions IS NULL THEN CASE
                WHEN json_type(text) <> 'OBJECT' THEN {{'reason': 'invalid:not_an_object',
                     'detail': 'a JSON ' || {_kind_name('json_type(text)')} || ', not an object'}}
                ELSE {{'reason': 'invalid:missing_instruction', 'detail': 'no instruction'}} END
            WHEN instruction IS NULL THEN {{'reason': 'invalid:missing_instruction', 'detail': 'no instruction'}}
            WHEN prompt IS NULL THEN {{'reason': 'invalid:missing_instruction',
                'detail': 'instruction is a JSON ' || {_kind_name('json_type(instruction)')} || ', not a string'}}
            WHEN trim(prompt, e' \\t\\n\\r') = '' THEN
                {{'reason': 'invalid:missing_instruction', 'detail': 'instruction is blank'}}
            WHEN j.completions IS NULL THEN CASE
                WHEN json_exists(text, '$.completions') THEN {{'reason': 'invalid:completions',
                    'detail': 'completions is a JSON '
                    || {_kind_name("json_type(text, '$.completions')")} || ', not a list'}}
                ELSE {{'reason': 'invalid:missing_completions', 'detail': 'no completions'}} END
        END AS verdict
    FROM checked
)
SELECT record_id, file_idx, line, verdict.reason AS reason, verdict.detail AS detail,
       j.source AS source, prompt, CASE WHEN prompt IS NOT NULL THEN sha256(prompt) END AS prompt_id,
       printf('%016x', hash(j)) AS record_hash, j.completions AS comps,
       verdict IS NULL AND odd AS odd,
       CASE WHEN verdict IS NULL AND odd AND list_bool_or(list_transform(j.completions, lambda c: {needs_listed}))
            THEN {_annotations_again(LISTED)} END AS listed,
       CASE WHEN verdict IS NULL AND odd AND list_bool_or(list_transform(j.completions, lambda c: {no_rating}))
            THEN {_annotations_again(ANNOTATIONS_JSON)}
       END AS ann_json
FROM verdict
"""


def verdict_update_sql(table: str) -> str:
    """The full completion rules, run on the `odd` records of `table` only, one row per completion
    (plain columns: the rules read the list-shaped annotations many times, and inside a lambda each
    read would copy them)."""
    problem = _completion_problem("c", "lc", "aj", "ci")
    return f"""
UPDATE {table} SET reason = found.v.reason, detail = found.v.detail
FROM (
    SELECT record_id, arg_min(v, ci) AS v
    FROM (
        SELECT record_id, ci, {problem} AS v
        FROM (SELECT record_id, unnest(comps) AS c, unnest(listed) AS lc, unnest(ann_json) AS aj,
                     unnest(range(len(comps))) AS ci
              FROM {table} WHERE odd)
    )
    WHERE v IS NOT NULL
    GROUP BY record_id
) AS found
WHERE {table}.record_id = found.record_id
"""


def _unnested(table: str) -> str:
    """Valid records, one row per completion: `c` (struct shape), `lc` (list shape or NULL), `ci`."""
    return f"""(SELECT record_id, prompt_id, unnest(comps) AS c, unnest(listed) AS lc,
               unnest(range(len(comps))) AS ci
        FROM {table} WHERE reason IS NULL)"""


def responses_sql(table: str) -> str:
    return f"""
SELECT record_id, prompt_id, CAST(ci AS INTEGER) AS completion_index, c.model, c.principle, c.response,
       c.critique, {_number('c.overall_score')} AS overall_score,
       CASE WHEN isfinite({_number('c."fine-grained_score"')}) THEN {_number('c."fine-grained_score"')}
       END AS fine_grained_score
FROM {_unnested(table)}
"""


def ratings_sql(table: str) -> str:
    """Four rows per completion, each on the 1..5 scale (`tables.SCALE`). The annotations are resolved to
    the struct shape once per completion
    (only list-shaped records need it) and each rating's text is computed once, then read three times."""
    aspects = _aspects("c.annotations", "lc")
    resolved = ", ".join(f"'{a.name}': {a.resolved()}" for a in aspects)
    raws = ", ".join(f"{_json_text(f'ann.{a}.Rating')} AS raw_{a}" for a in ASPECTS)
    rows = ", ".join(
        f"""{{'completion_index': ci, 'aspect': {literal(a)}, 'rating': {_rating_of(f'raw_{a}')}, 'rating_raw': raw_{a},
            'rationale': ann.{a}.Rationale, 'rationale_for_rating': ann.{a}."Rationale For Rating",
            'types': {_types_of(f'ann.{a}.Type')}}}"""
        for a in ASPECTS
    )
    return f"""
SELECT record_id, prompt_id, CAST(r.completion_index AS INTEGER) AS completion_index, r.aspect,
       CAST(r.rating AS DOUBLE) AS rating, {SCALE[0]!r}::DOUBLE AS scale_min, {SCALE[1]!r}::DOUBLE AS scale_max,
       r.rating_raw, r.rationale, r.rationale_for_rating, r.types
FROM (
    SELECT record_id, prompt_id, unnest([{rows}]) AS r
    FROM (
        SELECT record_id, prompt_id, ci, ann, {raws}
        FROM (SELECT record_id, prompt_id, ci,
                     CASE WHEN lc IS NULL THEN c.annotations ELSE {{{resolved}}} END AS ann
              FROM {_unnested(table)})
    )
)
"""


def prompts_sql(table: str) -> str:
    return f"""
SELECT record_id, prompt_id, source, prompt, [{{'role': 'user', 'content': prompt}}] AS conversation,
       CAST(len(comps) AS INTEGER) AS n_completions, record_hash,
       f.file, line
FROM {table} JOIN ingest_files AS f USING (file_idx)
WHERE reason IS NULL
ORDER BY record_id
"""


def invalid_sql(table: str) -> str:
    return f"""
SELECT record_id, prompt_id, reason,
       f.file || ' ' || CASE f.kind WHEN 'parquet' THEN 'row' WHEN 'array' THEN 'element' ELSE 'line' END
           || ' ' || line || ': ' || detail AS detail
FROM {table} JOIN ingest_files AS f USING (file_idx)
WHERE reason IS NOT NULL
ORDER BY record_id
"""
