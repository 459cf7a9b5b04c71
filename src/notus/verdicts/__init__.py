"""Verdicts: what reviewers (people in `notus review`, LLM judges in `notus judge`) decided about records
and completions, as a versioned input of the next build. `format` defines the JSONL lines; the step that
applies them to a pipeline plugs in like any other step."""
