"""The negative-critique detector: how clearly a GPT-4 critique text condemns the response it scores.

WHY: the UltraFeedback overall_score defect turned critique score 1 into 10, so a top score is not to be
trusted on its own. The ratings catch most of those (mismatch kind `score_defect`), but ratings can be
N/A, missing, or disagree with the critique; the critique text is the one witness written together with
the score. This module reads that text with a small, published lexicon, so that every flag can be
explained by the phrases that fired (the `evidence` column) and the rule can be argued with.

HOW IT DECIDES (vectorised Polars string expressions, no Python loop over rows):
1. Normalise: lower case, curly quotes to straight, "n't" to " not" ("doesn't" -> "does not"), and the
   non-negating "not only / not just / not merely" to "also".
2. Ordered rules (RULES below), each a regular expression with a weight. A rule's matches are counted,
   reported as evidence, then blanked out so a later, more general rule cannot count the same words again:
   - set aside (weight 0): criticism of the QUESTION ("false premise", "the question is nonsensical":
     false_qa critiques praise responses that spot those), references to "the correct
     answer", advice ("make sure to avoid errors", "could be more accurate"), and NEGATED FAULTS, which
     are not faults: "no errors", "not incorrect", "without any inaccuracies", "free of hallucinations";
   - softened failures ("does not fully address", "not entirely accurate", "not perfect") count 1;
   - failures to do the task ("does not address", "fails to answer", "ignores the instruction") 3, and
     negated virtues ("not helpful", "lacks any useful") 2.5;
   - intensified faults ("completely incorrect", "severely misleading"), fabrication, hallucination,
     nonsense 3; faults (incorrect, misleading, irrelevant, contradicts, misunderstands) 2; wrong, fails
     1.5; unclear, omissions 1; minor faults and hedges (a minor error, errors, lacks, missing) 0.5;
   - virtues subtract: excellent, great job 2; fully aligns, well-structured 1.5; accurate, helpful,
     comprehensive, correct 1; good, relevant, clear 0.5.
3. negativity = sum of fault weights - sum of virtue weights. The mismatch step flags a completion whose
   overall_score is at the top (>= defect_score_min) when negativity >= negative_critique_threshold
   (default 2: at least one plain fault, "incorrect", more than whatever praise there is).

The lexicon was written from how GPT-4 critiques in UltraFeedback talk ("Your answer is not helpful and
contains fabricated information", "The response fails to address the question", "Your answer is accurate
and well-structured, but could be more concise"), not from any generator's templates.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from notus.core.step import StepContext, polars_step

# Words that may sit between a negator and the fault it negates: "there are NO obvious factual ERRORS",
# "does NOT seem to CONTAIN any INACCURACIES". A closed list, so "not helpful and contains errors" is never
# read as a negated "errors".
_FILLER = (
    r"(?:any|obvious|major|minor|significant|glaring|apparent|noticeable|serious|real|such|signs? of|"
    r"evidence of|instances? of|contain|contains|containing|include|includes|including|have|has|had|show|"
    r"shows|present|presents|introduce|introduces|make|makes|made|provide|provides|offer|offers|give|gives|"
    r"there|are|is|were|was|be|been|being|seem|seems|appear|appears|to|the|a|an|other|further|additional|"
    r"notable|evident|factual|logical|grammatical|spelling|critical|severe|very|particularly|really|at all|"
    r"entirely|completely|totally|quite|necessarily|overly|too|find|found|detect|detected|identify|"
    r"identified|spot|spotted|i|we|can|could|single|clear|obvious|anything|something|its|it)"
)
# Negators, including the ones that take a short subject: "NOTHING IN THE ANSWER is misleading", "NOT A
# SINGLE STEP is wrong", "NONE OF THE FACTS are incorrect", "HARD TO FIND anything wrong".
_NEGATOR = (
    r"\b(?:not|no|never|nothing|none|without|hardly|barely|neither|nor|free (?:of|from)|devoid of|"
    r"absence of|nothing (?:in|about|with|of) (?:the|this|your|its|their) \w+|not a single \w+|"
    r"none of (?:the|its|your|their) \w+|(?:hard|difficult|impossible) to (?:find|spot|see|identify))"
)
_FAULT_WORDS = (
    r"(?:errors?|mistakes?|inaccurac(?:y|ies)|inaccurate|incorrect(?:ness)?|wrong|false|falsehoods?|"
    r"misleading|irrelevant|off-topic|unrelated|issues?|problems?|flaws?|flawed|hallucinat\w*|fabricat\w*|"
    r"contradictions?|contradictory|misinformation|misunderstandings?|inconsisten\w*|deviations?|"
    r"confusing|confusion|unclear|ambigu\w*|harmful|bias(?:es|ed)?|untruthful|dishonest|fail\w*|"
    r"omissions?|concerns?|misconceptions?|discrepanc(?:y|ies)|nonsens\w*|vague|verbose|repetitive|"
    r"invented|made-up|untrustworthy|unsupported|outdated|weakness(?:es)?|shortcomings?|gaps?)"
)
# "incorrect or misleading", "vague, verbose, or repetitive": a negation covers the whole list.
_FAULT_LIST = _FAULT_WORDS + r"(?:(?:,| or| nor|, or|, nor) " + _FAULT_WORDS + r")*"
_VIRTUE_WORDS = (
    r"(?:helpful|useful|relevant|related|accurate|correct|truthful|honest|appropriate|informative|valid|"
    r"reliable|acceptable|satisfactory|adequate|aligned|coherent|meaningful|on-topic|factual|true|right|"
    r"actionable|valuable|value|substance|insight|insightful|trustworthy|sensible|usable|use)"
)
_ADVICE_VIRTUES = (
    r"(?:" + _VIRTUE_WORDS + r"|comprehensive|thorough|precise|concise|clear|detailed|engaging|informative|"
    r"specific|complete|structured)"
)
_SOFTENER = r"(?:fully|entirely|completely|quite|always|totally|perfectly|necessarily|wholly|100%|all that)"
_TASK_VERBS = (
    r"(?:address|answer|respond to|follow|adhere to|meet|comply with|fulfil|fulfill|satisfy|understand|"
    r"solve|align with|relate to|stick to|focus on|convey)"
)
_HELPING_VERBS = (
    r"(?:provide|include|mention|explain|consider|acknowledge|complete|clarify|offer|give|capture|cover)"
)
_FAILS = r"\b(?:does not|did not|do not|fails? to|failed to|failing to|can not|unable to|neglects? to|neglected to)"
_TASK_OBJECT = (
    r"(?:the |your |this |that |its )?(?:user's |user |original |main |given |initial |actual |core |key )*"
    r"(?:instructions?|question|task|prompt|point|request|query|requirements?)\b"
)
_INTENSIFIER = (
    r"\b(?:severely|completely|entirely|totally|wholly|fundamentally|utterly|absolutely|blatantly|grossly|"
    r"highly|very|extremely|seriously|clearly|largely|mostly|significantly)"
)
_BAD_ADJECTIVES = (
    r"(?:incorrect|wrong|inaccurate|irrelevant|unrelated|off-topic|false|fabricated|misleading|unhelpful|"
    r"flawed|nonsensical|deceptive|untruthful|confusing|incoherent|unreliable|inappropriate|lacking|"
    r"deficient|insufficient|inadequate|misguided|erroneous|useless|untrustworthy)"
)
# Advice is not a verdict: "make sure to avoid errors", "provide accurate, relevant information".
_ADVICE_LEAD = (
    r"(?:ensure|ensuring|make sure|try to|aim (?:to|for)|strive (?:to|for)|should|could|would|might|"
    r"provide|give|offer|include|focus on|add|consider|to improve|remember to|be sure to|double-check|"
    r"verify|needs? to|has to|have to|must)"
)


@dataclass(frozen=True)
class Rule:
    """One line of the lexicon: what it catches, how much it weighs (faults > 0, virtues < 0)."""

    name: str
    weight: float
    pattern: str


# Applied in this order; each rule's matches are blanked before the next rule runs.
RULES: tuple[Rule, ...] = (
    Rule("question_fault", 0.0,
         r"\b(?:false|incorrect|flawed|faulty|mistaken|wrong|invalid|erroneous|nonsensical|misleading|absurd)"
         r" (?:premises?|assumptions? in the question)\b"
         r"|\b(?:question|instruction|prompt|premise|query)(?: itself)? (?:is|was|seems|appears|contains)"
         r"(?: to be)?(?: a)? (?:\w+ )?(?:nonsensical|incorrect|false|misleading|flawed|wrong|illogical|"
         r"unclear|confusing|ambiguous|based on)\b"),
    Rule("reference", 0.0,
         r"\bthe (?:correct|right|accurate|proper|appropriate|relevant) (?:\w+ )?(?:answer|response|option|"
         r"solution|approach|way|translation|output|information|value|term|word|sentence|choice|label|"
         r"spelling|format|classification|category|order|sequence|number|result|formula|date|name)\b"
         r"|\ba (?:correct|right|good|proper) (?:answer|response|solution) (?:would|should|must|needs|requires)\b"
         r"|\bmade up of\b|\bmakes? up for\b"),
    Rule("softened_failure", 1.0,
         _FAILS + r" " + _SOFTENER + r" " + _TASK_VERBS + r"\b"
         r"|\bnot " + _SOFTENER + r" (?:\w+ ){0,1}" + _VIRTUE_WORDS + r"\b"
         r"|\bnot (?:\w+ ){0,2}(?:perfect|flawless|ideal|excellent|exhaustive)\b"),
    Rule("task_failure", 3.0,
         _FAILS + r" (?:(?:actually|directly|even|at all|really|properly|correctly|adequately|clearly|"
         r"specifically|explicitly|accurately) )?" + _TASK_VERBS + r"\b"
         r"|\b(?:ignores?|ignored|ignoring|disregards?|disregarded|misses|missed|misunderstands?|"
         r"misunderstood|misinterprets?|misinterpreted) " + _TASK_OBJECT
         + r"|\b(?:does not|did not|do not) make (?:any )?sense\b|\bmakes? no sense\b"
         r"|\bhas nothing to do with\b|\bno attempt to\b|\b(?:the )?lowest (?:possible )?(?:score|rating)\b"
         + r"|" + _FAILS + r" (?:even )?(?:provide|give|offer|write|produce|generate|return) (?:an?|any) (?:\w+ )?"
         r"(?:answer|response|solution|output|translation|code|result|summary)\b"
         r"|\b(?:response|answer|output|reply) (?:is|was) (?:completely |entirely )?(?:empty|blank)\b"
         r"|\bno (?:answer|response|output) (?:was |is |has been )?(?:provided|given|generated)\b"
         r"|\bnone of the (?:requested|required|asked-for|expected)\b|\bstart(?:ing)? (?:over )?from scratch\b"
         r"|\bneeds? (?:a )?(?:complete|total|full|major) (?:rework|rewrite|overhaul|revision)\b"
         r"|\bneeds? to be (?:completely |entirely )?(?:rewritten|redone|reworked)\b"
         r"|\b(?:is|are|was|were|been|being) (?:completely |entirely |largely |simply |mostly )?"
         r"(?:ignored|disregarded|overlooked)\b"
         r"|\b(?:not|never) (?:(?:a |an )?(?:valid|appropriate|acceptable|relevant|correct|proper) )"
         r"(?:answer|response)\b"),
    Rule("negated_fault", 0.0,
         _NEGATOR + r" (?:" + _FILLER + r" ){0,3}" + _FAULT_LIST + r"\b"
         r"|\b(?:error|mistake|hallucination)-free\b|\bnever fails\b"),
    Rule("negated_virtue", 2.5,
         r"\b(?:not|never|hardly|barely|no|(?:lacks?|lacking|without) any) (?:" + _FILLER + r" ){0,3}"
         + _VIRTUE_WORDS + r"\b|\bnot recommend\w*|\b(?:offers?|provides?|adds?|contributes?|gives?) nothing\b"),
    Rule("omission", 1.0,
         _FAILS + r" (?:" + _SOFTENER + r" |(?:really|actually|directly|clearly|explicitly) )?"
         + _HELPING_VERBS + r"\b"
         r"|\bpartially (?:correct|accurate|addresses|answers|follows|aligns|meets|relevant|helpful)\b"),
    Rule("minor_fault", 0.5,
         r"\b(?:minor|slight|small|little|a few|some|occasional|tiny|one|an|a)(?: \w+)? (?:errors?|mistakes?|"
         r"inaccurac(?:y|ies)|issues?|problems?|flaws?|inconsistenc(?:y|ies)|deviations?|omissions?|"
         r"oversights?|weakness(?:es)?)\b"
         r"|\bslightly (?:incorrect|inaccurate|off|misleading|wrong|unclear|confusing|verbose|long)\b"),
    Rule("advice", 0.0,
         r"\b(?:avoid(?:s|ed|ing)?|prevent|check for|watch out for|careful (?:of|with|about)|minimi[sz]e|reduce)"
         r"(?: \w+){0,3}? " + _FAULT_LIST + r"\b"
         r"|\b" + _ADVICE_LEAD + r"(?: \w+){0,3}? " + _ADVICE_VIRTUES
         + r"(?:(?:,| and| or|, and|, or) " + _ADVICE_VIRTUES + r")*\b"
         r"|\b(?:more|less) " + _ADVICE_VIRTUES + r"\b"),
    Rule("damning_fault", 3.0,
         _INTENSIFIER + r" " + _BAD_ADJECTIVES + r"\b"
         r"|\bfabricat\w*|\bhallucinat\w*|\bnonsensical\b|\bgibberish\b|\bincoherent\b"
         r"|\bconfidently (?:incorrect|wrong)\b|\buntruthful\b|\bunhelpful\b|\buseless\b|\bworthless\b"
         r"|\buntrustworthy\b|\b(?:invent(?:s|ed|ing)?|mak(?:es|e|ing) up|made up)(?: \w+){0,2}? (?:facts?|"
         r"statistics|sources|figures|data|numbers|quotes?|quotations?|citations?|details|information|"
         r"references|names|dates|events|studies|experts?|claims?)\b"
         r"|\b(?:is|are|was|were|seems?|appears?) (?:to be )?(?:entirely |completely |simply )?made up\b"
         r"|\bmak(?:es|e|ing) (?:things|stuff|facts|numbers|details|it) up\b"
         r"|\bneeds? (?:significant|major|substantial|a lot of|considerable) (?:improvement|work|revision)"),
    Rule("serious_fault", 2.0,
         r"\b(?:major|serious|significant|critical|glaring|fundamental|severe|numerous|multiple|several)"
         r" (?:factual )?(?:errors?|mistakes?|inaccurac(?:y|ies)|issues?|problems?|flaws?|"
         r"misunderstandings?|misconceptions?)\b"
         r"|\bincorrect(?:ly)?\b|\binaccura(?:te|tely|cy|cies)\b|\bmisleading\b|\birrelevant\b"
         r"|\boff-topic\b|\bunrelated\b|\bcontradict\w*|\bmisunderst\w*|\bmisinterpret\w*|\bdeceptive\b"
         r"|\buntrue\b|\berroneous\b|\bunacceptable\b|\bunreliable\b|\bmisinformation\b|\bdishonest\b"
         r"|\bfalse (?:information|claims?|statements?|facts?|assertions?)\b|\bpoor(?:ly)?\b|\binvented\b"
         r"|\bmade-up\b|\b(?:does not|did not|do not|will not|would not) (?:run|work|compile|execute|add up)\b"
         r"|\bmisrepresent\w*|\bconfuses\b|\bdismissive\b|\b(?:is|are|was|were) (?:\w+ )?(?:false|untrue)\b"),
    Rule("fault", 1.5, r"\bwrong\b|\bfail(?:s|ed|ing|ure)?\b|\binappropriate\b|\bincomplete\b|\bharmful\b"
                       r"|\bworse off\b"),
    Rule("mild_fault", 1.0, r"\bconfusing\b|\bunclear\b|\binconsisten\w*|\bdeviat\w*|\brepeat(?:s|ed|ing)?\b"
                            r"|\brepetiti(?:ve|on|ons)\b|\bunsupported\b|\boutdated\b|\brefus(?:es|ed|al)\b"
                            r"|\bunfortunately\b"
                            r"|\bno (?:justification|explanation|reasoning|evidence|support|sources|examples|"
                            r"context)\b"),
    Rule("hedge", 0.5, r"\berrors?\b|\bmistakes?\b|\bflaw(?:s|ed)?\b|\blacks?\b|\blacking\b|\bmissing\b"
                       r"|\bvague\b|\bissues?\b|\bverbose\b"),
    Rule("strong_virtue", -2.0,
         r"\b(?:excellent|outstanding|exceptional|perfect(?:ly)?|flawless|superb|impeccable|spot-on|"
         r"fantastic|brilliant|exemplary)\b|\b(?:great|good|nice) (?:job|work)\b|\bwell done\b"),
    Rule("virtue", -1.5,
         r"\bfully (?:aligns?|aligned|compl(?:y|ies|iant)|meets?|addresses|answers|satisfies|follows|adheres)\b"
         r"|\baligns? (?:well|perfectly|closely|fully) with\b"
         r"|\bwell-(?:structured|written|organi[sz]ed|explained|done|crafted|articulated|reasoned|thought-out|"
         r"presented|researched)\b|\bwell (?:structured|written|organi[sz]ed|explained|articulated)\b"
         r"|\b(?:highly|very|extremely) (?:helpful|informative|accurate|relevant|useful)\b|\bimpressive\b"),
    Rule("mild_virtue", -1.0,
         r"\baccurate(?:ly)?\b|\bcorrect(?:ly)?\b|\bhelpful\b|\bcomprehensive\b|\bthorough\b|\binformative\b"
         r"|\binsightful\b|\bclear and concise\b|\bconcise and clear\b|\btruthful\b|\bprecise\b|\buseful\b"
         r"|\bengaging\b|\bhonest\b"),
    Rule("faint_virtue", -0.5, r"\bgood\b|\brelevant\b|\bdetailed\b|\bclear\b|\bconcise\b|\bgreat\b"),
)

BLANK = " | "  # what a matched phrase is replaced with: no word, so no later rule can reuse it


def normalize(text: pl.Expr) -> pl.Expr:
    """Lower case, one apostrophe, "n't" spelled out, hyphens kept, runs of blanks collapsed."""
    t = text.fill_null("").str.to_lowercase()
    t = t.str.replace_all(r"[\u2018\u2019`\u00b4]", "'")
    t = t.str.replace_all(r"[\u2010-\u2013]", "-")
    t = t.str.replace_all(r"\bcan't\b", "can not").str.replace_all(r"\bwon't\b", "will not")
    t = t.str.replace_all(r"\bcannot\b", "can not").str.replace_all(r"n't\b", " not")
    t = t.str.replace_all(r"\bnot (?:only|just|merely)\b", "also")
    t = t.str.replace_all(r"\boff topic\b", "off-topic").str.replace_all(r"\bspot on\b", "spot-on")
    return t.str.replace_all(r"\s+", " ")


def score_critiques(frame: pl.LazyFrame, column: str = "critique") -> pl.LazyFrame:
    """Add `negativity` (fault weights minus virtue weights), `fault_weight`, `virtue_weight` and
    `evidence` (the fault phrases that fired, in rule order, '; '-joined; NULL when none) to `frame`."""
    text = "__critique_text"
    lf = frame.with_columns(normalize(pl.col(column)).alias(text))
    fault_terms: list[pl.Expr] = []
    virtue_terms: list[pl.Expr] = []
    evidence: list[str] = []
    for i, rule in enumerate(RULES):
        hits = f"__hits_{i}"
        lf = lf.with_columns(
            pl.col(text).str.extract_all(rule.pattern).alias(hits),
            pl.col(text).str.replace_all(rule.pattern, BLANK).alias(text),
        )
        weighted = pl.col(hits).list.len().cast(pl.Float64) * abs(rule.weight)
        if rule.weight > 0:
            fault_terms.append(weighted)
            evidence.append(hits)
        elif rule.weight < 0:
            virtue_terms.append(weighted)
    fault = pl.sum_horizontal(fault_terms).alias("fault_weight")
    virtue = pl.sum_horizontal(virtue_terms).alias("virtue_weight")
    joined = pl.concat_list([pl.col(h) for h in evidence]).list.join("; ")
    lf = lf.with_columns(fault, virtue, pl.when(joined != "").then(joined).alias("evidence"))
    lf = lf.with_columns((pl.col("fault_weight") - pl.col("virtue_weight")).alias("negativity"))
    return lf.drop([text, *(f"__hits_{i}" for i in range(len(RULES)))])


@polars_step(
    "ultrafeedback.critique_negativity",
    reads={"responses": ["record_id", "prompt_id", "completion_index", "critique", "overall_score"]},
    writes={"critique_negativity": [
        "record_id", "prompt_id", "completion_index", "negativity", "fault_weight", "virtue_weight", "evidence",
    ]},
    params=("defect_score_min",),
)
def critique_negativity(ctx: StepContext, responses: pl.LazyFrame) -> pl.LazyFrame:
    """Score the critique text of every completion whose critique score is at the top (>= defect_score_min):
    only those can be a `negative_critique` mismatch, and the regular expressions are the step's whole cost
    (a quarter of the completions instead of all). The `mismatches` SQL step applies the threshold, so
    changing it re-runs a join, not the regular expressions."""
    top = responses.filter(pl.col("overall_score") >= ctx.params["defect_score_min"])
    scored = score_critiques(top.select("record_id", "prompt_id", "completion_index", "critique"))
    return scored.select(
        "record_id", "prompt_id", "completion_index", "negativity", "fault_weight", "virtue_weight", "evidence",
    )
