"""Prompt composers, one per UltraFeedback source, mimicking how each subset's instructions read.

WHY per source: the subsets differ in ways curation rules meet — flan prompts are templated tasks with a
reference answer (`correct_answers`), false_qa questions rest on a false premise, sharegpt prompts are
casual, short, sometimes not in English, ultrachat and evol_instruct prompts are long and structured, and
creative-writing prompts make the honesty rating "N/A". Lengths follow the real data's spread (about 10
words at the 10th percentile, ~60 at the median, a few hundred at the 90th) by adding pasted passages.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from notus.sample import words as w
from notus.sample.draw import pick, randint
from notus.sample.sentences import passage

NONE_ANSWERS: tuple[str, ...] = ("None",)


class Prompt(NamedTuple):
    """A composed instruction and what the response and annotation composers need to know about it."""

    text: str
    topic: str
    creative: bool = False  # creative writing: honesty is rated "N/A"
    coding: bool = False
    false_premise: bool = False  # false_qa: a good answer points out the false premise
    correct_answers: tuple[str, ...] = NONE_ANSWERS
    incorrect_answers: tuple[str, ...] = NONE_ANSWERS


_QUALIFIERS: tuple[str, ...] = (
    "for beginners", "on a tight budget", "in 2023", "step by step", "at scale", "quickly", "in {place}",
    "without special tools", "for a small team", "in {domain}", "as a student", "for kids", "in winter",
    "in the long run", "with limited time", "in a rural area", "for a school project", "using free software",
    "in under {n} minutes", "for people over {n0}", "in a small apartment", "according to experts",
    "in {place} during the summer", "if I only have {n} hours a week", "after {n} years of practice",
    "in the year {year}", "at {n} degrees", "after {n} days", "in a group of {n}", "since {year}",
)


def _qualifier(rng: random.Random) -> str:
    return pick(rng, _QUALIFIERS).format(place=pick(rng, w.PLACES), domain=pick(rng, w.DOMAINS),
                                         n=randint(rng, 2, 60), n0=rng.randrange(20, 80, 10),
                                         year=randint(rng, 1900, 2023))


_SPECIFICS: tuple[str, ...] = (
    "I have about {n} hours for this.", "My budget is around ${n2}.", "Keep it under {n3} words.",
    "The audience is roughly {n2} people.", "It is for a team of {n} in {place}.", "My deadline is in {n} days.",
    "I already tried it {n} times without success.", "I am {age} years old, if that matters.",
    "We started in {year} and have grown a lot since.", "Please give {n} options.",
    "Our office is in {place}, so local examples help.", "Assume a {n}-week timeline.",
)


def _specifics(rng: random.Random) -> str:
    """A concrete detail users add to a request; its numbers keep ordinary prompts from repeating."""
    return pick(rng, _SPECIFICS).format(n=randint(rng, 2, 30), n2=randint(rng, 2, 250) * 10,
                                        n3=randint(rng, 5, 60) * 10, place=pick(rng, w.PLACES),
                                        age=randint(rng, 14, 80), year=randint(rng, 1990, 2023))


def _maybe_context(rng: random.Random, text: str, p: float, lo: int, hi: int) -> str:
    if rng.random() < p:
        return passage(rng, randint(rng, lo, hi)) + "\n\n" + text
    return text


def _maybe_non_ascii(rng: random.Random, text: str, p: float) -> str:
    if rng.random() < p:
        return text + " " + pick(rng, w.NON_ASCII_FRAGMENTS)
    return text


def evol_instruct(rng: random.Random) -> Prompt:
    topic, topic2 = rng.sample(w.TOPICS, 2)
    a1, a2, a3 = rng.sample(w.ASPECTS, 3)
    kind = rng.randrange(9)
    coding = False
    if kind == 0:
        text = (f"Can you provide a detailed analysis of {topic}, covering {a1} and {a2}? Please present your "
                f"answer as a {pick(rng, w.FORMATS)} and include at least {randint(rng, 2, 6)} concrete examples.")
    elif kind == 1:
        lang = pick(rng, w.LANGUAGES)
        extra = pick(rng, _CODE_EXTRAS).format(n=randint(rng, 2, 500), noun=pick(rng, w.NOUNS))
        text = (f"Using {lang}, write a function that {pick(rng, w.CODE_TASKS)}. The function should handle edge "
                f"cases such as empty input; make sure the program {extra}. You must also explain its time "
                f"complexity. Additionally, provide "
                f"{randint(rng, 2, 4)} unit tests that demonstrate the expected behaviour. {_specifics(rng)}")
        coding = True
    elif kind == 2:
        text = (f"Imagine you are {pick(rng, w.ROLES)}. Describe how you would {pick(rng, w.VERBS)} {topic} for "
                f"an audience working in {pick(rng, w.DOMAINS)}, taking into account {a1} and a limited budget.")
    elif kind == 3:
        text = (f"Rewrite the following paragraph so that it is more {pick(rng, w.ADJECTIVES)} and formal, "
                f"without changing its meaning:\n\"{passage(rng, randint(rng, 2, 5))}\"")
    elif kind == 4:
        tag = pick(rng, ("Latex", "JSON data", "Python code", "HTML page", "Excel table", "Markdown"))
        text = (f"Create a {pick(rng, w.FORMATS)} that compares {topic} and {topic2} in terms of {a1}, {a2}, and "
                f"{a3}. Use the [{tag}] format for the final output.")
    elif kind == 5:
        text = (f"In addition to explaining {topic}, identify {randint(rng, 3, 7)} lesser-known facts about it and "
                f"state what kind of source would support each fact. How do these facts change our "
                f"understanding of {a1}?")
    elif kind == 6:
        rows = ",\n".join(
            f'  {{"name": "{pick(rng, w.PLACES)}", "value": {randint(rng, 1, 999)}, '
            f'"category": "{pick(rng, w.DOMAINS)}"}}'
            for _ in range(randint(rng, 3, 6))
        )
        text = (f"Given the following data in JSON format, write code in {pick(rng, w.LANGUAGES)} that groups "
                f"the entries by category and reports the total value of each group:\n```json\n[\n{rows}\n]\n```")
        coding = True
    elif kind == 7:
        text = (f"What are the most {pick(rng, w.ADJECTIVES)} ways to {pick(rng, w.VERBS)} {topic} in "
                f"{pick(rng, w.DOMAINS)}? Provide a step-by-step plan, and consider the constraint that the "
                f"{pick(rng, w.NOUNS)} must stay {pick(rng, w.ADJECTIVES)}.")
    else:
        a, b = randint(rng, 40, 400), randint(rng, 2, 9)
        text = (f"Solve the following puzzle: a train travels {a} km in {b} hours and then stops for "
                f"{randint(rng, 10, 50)} minutes in {pick(rng, w.PLACES)}. If it keeps the same average speed, "
                f"how long will a journey of {a * 2 + randint(rng, 5, 60)} km take, including two such stops? "
                f"Show your reasoning.")
    text = _maybe_context(rng, text, 0.45, 3, 16)
    return Prompt(_maybe_non_ascii(rng, text, 0.06), topic, coding=coding)


_FALSE_PREMISES: tuple[str, ...] = (
    "How many wings does a {animal} have?",
    "Why do {object}s {ability} at night?",
    "When did {object}s first learn to {ability}?",
    "What is the favourite food of a {object}?",
    "List two reasons why {animal}s can {ability}.",
    "How long does it take for a {object} to grow its leaves back?",
    "Which {object} is the tallest {animal} in {place}?",
    "Why is the sound of a {object} green?",
    "What year did the {animal} invent the {object}?",
    "How many legs does a {object} use to walk?",
    "Name three {object}s that can {ability} faster than a {animal}.",
    "Why do {animal}s lay their eggs inside a {object}?",
    "What do {object}s dream about when they sleep?",
    "In which month do {object}s migrate to {place}?",
)


def false_qa(rng: random.Random) -> Prompt:
    template = pick(rng, _FALSE_PREMISES)
    text = template.format(animal=pick(rng, w.ANIMALS), object=pick(rng, w.OBJECTS),
                           ability=pick(rng, w.ABILITIES), place=pick(rng, w.PLACES))
    text = text[:-1] + " " + _qualifier(rng) + text[-1]
    if rng.random() < 0.5:
        text = text[:-1] + " " + _qualifier(rng) + text[-1]
    return Prompt(text, pick(rng, w.TOPICS), false_premise=True)


_SCENES: tuple[str, ...] = (
    "A man in a {color} jacket is {activity} near the {object}.",
    "Two children are {activity} beside a {color} {object}.",
    "A woman wearing a {color} hat is {activity} in {place}.",
    "A group of friends is {activity} next to an old {object}.",
    "An elderly man is {activity} while holding a {object}.",
    "A dog with a {color} collar is {activity} on the beach.",
)
_COLORS = ("red", "blue", "green", "yellow", "black", "white", "orange", "purple")
_ACTIVITIES = ("walking", "reading", "painting", "running", "laughing", "cooking", "sleeping", "singing",
               "dancing", "waiting", "fishing", "cycling")


def _scene(rng: random.Random) -> str:
    return pick(rng, _SCENES).format(color=pick(rng, _COLORS), activity=pick(rng, _ACTIVITIES),
                                      object=pick(rng, w.OBJECTS), place=pick(rng, w.PLACES))


_TASK_DESCRIPTIONS: tuple[str, ...] = (
    "a sentence and your task is to identify whether it is grammatical",
    "a review of a product and you must classify its sentiment as positive or negative",
    "a short story and you need to choose the most plausible ending",
    "a question and a passage, and you must extract the answer span from the passage",
    "two sentences and you must decide whether the second one contradicts the first",
    "a list of numbers and you must return only the even ones",
    "a word and you need to produce a sentence that uses it in context",
    "an arithmetic word problem and you must output the numerical answer",
)


_TRANSLATION_TASKS: tuple[str, ...] = (
    "You are given a sentence in {lang}. Your job is to translate the {lang} sentence into {target}.\n\n{sentence}",
    "Detailed Instructions: Translate the following {lang} text into {target}, keeping names unchanged.\n"
    "Q: {sentence}\nA:",
    "Translate from {lang} to {target}:\n{sentence}",
    "Teacher: In this task you are given a text in {lang}. Translate it into {target}.\nStudent: {sentence}",
    "Input: {sentence}\nTranslate the input above ({lang}) into {target}. Output:",
)
_OPTION_QUESTIONS: tuple[str, ...] = (
    "Where would you most likely find a {x} in a house?",
    "What is a {x} usually made of?",
    "Which of these would a visitor to {place} be most likely to photograph?",
    "If you lost your {x}, where would you look first?",
    "What would you use to fix a broken {x}?",
    "Which of these would you pack for a trip to {place}?",
)
_NAMES: tuple[str, ...] = ("Mia", "Omar", "Lena", "Kenji", "Ava", "Tariq", "Sofia", "Noah", "Priya", "Mateo",
                           "Zoé", "Jonas", "Amara", "Liam", "Yuki")
_ITEMS: tuple[str, ...] = ("stickers", "marbles", "apples", "books", "coins", "pencils", "stamps", "cookies",
                           "shells", "cards")


def flan(rng: random.Random) -> Prompt:
    topic = pick(rng, w.TOPICS)
    kind = rng.randrange(8)
    if kind == 0:
        answer = pick(rng, ("yes", "no", "it is not possible to tell"))
        text = (f'Premise: "{_scene(rng)}"\nHypothesis: "{_scene(rng)}"\nIs the hypothesis entailed by the premise?'
                "\nOptions:\n- yes\n- it is not possible to tell\n- no")
        if rng.random() < 0.5:
            text += " Let's be accurate as possible and think first."
    elif kind == 1:
        nums = [randint(rng, -90, 250) for _ in range(randint(rng, 5, 12))]
        desc = pick(rng, _TASK_DESCRIPTIONS)
        answer = str([n for n in nums if n % 2 == 0])
        text = (f"Detailed Instructions: In this task, you are given {desc}. Follow the instructions carefully "
                f"and output only the answer.\nQ: {nums}\nA:")
    elif kind == 2:
        answer = pick(rng, ("yes", "no"))
        text = f"Reconstruct a question, answer pair from this explanation: {passage(rng, randint(rng, 2, 3))}\n"
    elif kind == 3:
        opts = rng.sample(w.OBJECTS, 3)
        answer = opts[0]
        question = pick(rng, _OPTION_QUESTIONS).format(x=opts[0], place=pick(rng, w.PLACES))
        text = f"Q: {question}\nOptions:\n- {opts[0]}\n- {opts[1]}\n- {opts[2]}\nA: Let's think step by step."
    elif kind == 4:
        lang = pick(rng, tuple(w.FOREIGN_SENTENCES))
        pool = w.FOREIGN_SENTENCES[lang]
        sentence = " ".join(rng.sample(pool, randint(rng, 3, 5)))
        answer = "None"
        target = pick(rng, ("English", "English", "German", "French", "Italian"))
        text = pick(rng, _TRANSLATION_TASKS).format(lang=lang, target=target, sentence=sentence)
    elif kind == 5:
        answer = pick(rng, ("yes", "no", "it is not possible to tell"))
        text = (f'Given the sentence "{_scene(rng)}" is it true that "{_scene(rng)}"? Options:\n- yes\n'
                "- it is not possible to tell\n- no")
    elif kind == 6:
        a, b = randint(rng, 3, 250), randint(rng, 2, 90)
        name, item = pick(rng, _NAMES), pick(rng, _ITEMS)
        answer = str(a + b)
        text = (f"Teacher: In this task, you are given {_TASK_DESCRIPTIONS[7]}.\nTeacher: Now, understand the "
                f"problem? Solve this instance: {name} had {a} {item} and a friend gave {name} {b} more. How many "
                f"{item} does {name} have now?\nStudent:")
    else:
        answer = pick(rng, w.NOUNS)
        text = (f"Read the passage below and answer the question.\n\n{passage(rng, randint(rng, 6, 22))}\n\n"
                f"Question: According to the passage, what is the most important part of {topic}?")
    if kind in (0, 1, 3, 5, 6) and rng.random() < 0.4:  # flan's "Part 1. Definition ..." few-shot layout
        text = (f"Part 1. Definition\nIn this task, you are given {pick(rng, _TASK_DESCRIPTIONS)}.\n"
                f"Part 2. Example\n{passage(rng, randint(rng, 2, 8))}\nAnswer: {pick(rng, w.NOUNS)}\n"
                f"Explanation: {passage(rng, randint(rng, 1, 4))}\nPart 3. Exercise\n{text}")
    correct = (answer,) if answer != "None" else NONE_ANSWERS
    return Prompt(text, topic, correct_answers=correct)


_SHAREGPT_REQUESTS: tuple[str, ...] = (
    "write a blog post intro about {topic}",
    "make it shorter and more {adj}",
    "give me a {format} with the pros and cons",
    "translate it into plain English",
)


_CODE_EXTRAS: tuple[str, ...] = (
    "prints the result", "writes the output to a file called {noun}.txt", "has unit tests",
    "runs in under {n} ms", "handles up to {n} items", "uses no external libraries", "logs every step",
    "can be run from the command line", "has type hints", "works with a {noun} object",
)
_EXPLAIN: tuple[str, ...] = (
    "explain {topic} like I'm five", "explain {topic} like I'm five, focusing on {aspect}",
    "can you explain {topic} to me as if I were {role}?", "explain {aspect} of {topic} in simple words",
    "ELI5: {topic} and {aspect}", "explain {topic} in one paragraph for {role}",
)


def sharegpt(rng: random.Random) -> Prompt:
    topic, topic2 = rng.sample(w.TOPICS, 2)
    kind = rng.randrange(11)
    creative = coding = False
    if kind == 0:
        text = f"how to {pick(rng, w.VERBS)} {topic} {_qualifier(rng)}"
    elif kind == 1:
        text = (f"write a {pick(rng, w.LANGUAGES).lower()} script that {pick(rng, w.CODE_TASKS)} and "
                f"{pick(rng, _CODE_EXTRAS).format(n=randint(rng, 2, 500), noun=pick(rng, w.NOUNS))}")
        coding = True
    elif kind == 2:
        req = pick(rng, _SHAREGPT_REQUESTS).format(topic=topic, adj=pick(rng, w.ADJECTIVES),
                                                   format=pick(rng, w.FORMATS))
        text = (f"I want you to act as {pick(rng, w.ROLES)}. I will tell you about my situation with {topic} and "
                f"you will suggest what to do next. Only reply with the advice, do not write explanations. My "
                f"first request is \"{req}\"")
    elif kind == 3:
        text = (f"Can you help me write an email to {pick(rng, w.PEOPLE)} about {topic}? I need to explain that "
                f"the {pick(rng, w.NOUNS)} is delayed by {randint(rng, 2, 6)} weeks and ask for their feedback.")
    elif kind == 4:
        text = f"what is the difference between {topic} and {topic2} {_qualifier(rng)}"
    elif kind == 5:
        text = pick(rng, _EXPLAIN).format(topic=topic, aspect=pick(rng, w.ASPECTS), role=pick(rng, w.ROLES))
    elif kind == 6:
        lines = "\n".join(f"    {pick(rng, w.NOUNS)}_{i} = {pick(rng, w.NOUNS)}({randint(rng, 0, 9)})"
                          for i in range(randint(rng, 3, 9)))
        text = (f"```python\ndef {pick(rng, w.VERBS)}_{pick(rng, w.NOUNS)}(data):\n{lines}\n    return data\n```"
                f"\nwhy does this code not work? it gives me a NameError")
        coding = True
    elif kind == 7:
        ask = pick(rng, ("summarize this:", f"rewrite this to be more {pick(rng, w.ADJECTIVES)}:",
                          "turn this into bullet points:", "fix the grammar in this text:"))
        text = f"{ask}\n\n{passage(rng, randint(rng, 5, 30))}"
    elif kind == 8:
        text = pick(rng, w.FOREIGN_PROMPTS).format(topic=topic, n=randint(rng, 2, 12), place=pick(rng, w.PLACES))
    elif kind == 9:
        text = f"give me {randint(rng, 3, 10)} ideas for a {pick(rng, w.CREATIVE_FORMS)} about {topic}"
        creative = True
    else:
        text = f"Write a {pick(rng, w.CREATIVE_FORMS)} about {topic} in the style of a {pick(rng, w.ROLES)[2:]}"
        creative = True
    if kind in (0, 1, 2, 3, 4, 5, 9, 10) and rng.random() < 0.75:
        text = f"{text}. {_specifics(rng)}" if text[-1].isalnum() else f"{text} {_specifics(rng)}"
    if kind in (2, 3, 4, 5, 9) and rng.random() < 0.35:
        text = f"Here is some background first. {passage(rng, randint(rng, 3, 14))}\n\n{text}"
    if rng.random() < 0.1:
        text = text.replace("'", "\u2019")
    return Prompt(_maybe_non_ascii(rng, text, 0.05), topic, creative=creative, coding=coding)


_GROUPS: tuple[str, ...] = (
    "small businesses", "rural communities", "first-year students", "nurses", "independent artists",
    "local governments", "software teams", "farmers", "elderly people", "immigrant families",
)
_PASSAGE_QUESTIONS: tuple[str, ...] = (
    "Can you summarize the main points of the text above?",
    "What does the author suggest about {topic}?",
    "Paraphrase the second sentence in simpler words.",
    "Based on the passage, what should a beginner do first?",
    "How does the text connect {topic} to everyday life?",
)


def ultrachat(rng: random.Random) -> Prompt:
    topic = pick(rng, w.TOPICS)
    kind = rng.randrange(6)
    creative = False
    if kind == 0:
        genre = pick(rng, ("essay", "blog post", "article", "report", "case study"))
        text = (f"Write a {pick(rng, (300, 500, 800, 1000, 1500))}-word {genre} about {topic}, focusing on "
                f"{pick(rng, w.ASPECTS)}. Use a {pick(rng, w.ADJECTIVES)} tone and include at least "
                f"{randint(rng, 2, 5)} examples from {pick(rng, w.DOMAINS)}.")
    elif kind == 1:
        text = (f"How has {topic} changed the way people in {pick(rng, w.DOMAINS)} {pick(rng, w.VERBS)} their "
                f"{pick(rng, w.NOUNS)}s over the past decade?")
    elif kind == 2:
        question = pick(rng, _PASSAGE_QUESTIONS).format(topic=topic)
        text = f"Given the text: {passage(rng, randint(rng, 8, 32))}\n{question}"
    elif kind == 3:
        text = (f"What are some of the challenges faced by {pick(rng, _GROUPS)} when dealing with {topic}, and "
                f"how can they be addressed {_qualifier(rng)}?")
    elif kind == 4:
        text = (f"Write a {pick(rng, w.CREATIVE_FORMS)} about {topic} that captures {pick(rng, w.ASPECTS)}. "
                f"It should have a clear beginning, middle and end, and a {pick(rng, w.ADJECTIVES)} mood.")
        creative = True
    else:
        text = (f"Please provide a step-by-step guide on how to {pick(rng, w.VERBS)} {topic} {_qualifier(rng)}, "
                f"including the tools needed, common pitfalls, and tips for {pick(rng, _GROUPS)}.")
    if kind in (1, 3, 5) and rng.random() < 0.6:
        text = f"{text} {_specifics(rng)}"
    if kind != 2:
        text = _maybe_context(rng, text, 0.3, 3, 14)
    return Prompt(_maybe_non_ascii(rng, text, 0.04), topic, creative=creative)


COMPOSERS = {
    "evol_instruct": evol_instruct,
    "false_qa": false_qa,
    "flan": flan,
    "sharegpt": sharegpt,
    "ultrachat": ultrachat,
}
