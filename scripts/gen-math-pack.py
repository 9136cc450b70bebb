#!/usr/bin/env python3
"""Writes Cairn's sample math pack, fractions and place value for grades 3-5, in
English and in Spanish:

    content/math-fractions-place-value.en.json
    content/math-fractions-place-value.es.json

Usage: scripts/gen-math-pack.py [OUT_DIR]     (default: content/ beside this script)

The items are original, written for Cairn, licensed CC BY 4.0 by the Cairn project.
Both files come from the same templates and the same numbers, so competencies,
lessons and items have the same ids in both languages and evidence lines up.

Deterministic: the generator has its own random numbers, seeded by each lesson's
id, so running it again writes the same bytes (and the packs keep their content
hashes) until the script itself changes. Python 3.9 or later, standard library only.
"""

import json
import math
import os
import sys

PACK_ID = "math-fractions-place-value"
VERSION = "1.0.0"
ITEMS_PER_LESSON = 12
NBSP = "\u00a0"
MINUS = "\u2212"

# --------------------------------------------------------------------------
# Random numbers that do not depend on Python's version.


class Rng:
    """xorshift64*, seeded by FNV-1a of a text."""

    def __init__(self, seed_text):
        h = 0xCBF29CE484222325
        for b in seed_text.encode("utf-8"):
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        self.state = h or 1

    def next(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def int(self, lo, hi):
        return lo + (self.next() >> 11) % (hi - lo + 1)

    def pick(self, seq):
        return seq[self.int(0, len(seq) - 1)]

    def shuffle(self, seq):
        seq = list(seq)
        for i in range(len(seq) - 1, 0, -1):
            j = self.int(0, i)
            seq[i], seq[j] = seq[j], seq[i]
        return seq

    def sample(self, seq, k):
        return self.shuffle(seq)[:k]


# --------------------------------------------------------------------------
# Writing numbers and words in each language.


def num(n, lang):
    """4352 -> "4,352" in English; "4352" in Spanish, "10 000" from five digits
    on (the RAE's rule, with a no-break space)."""
    if lang == "en":
        return f"{n:,}"
    if abs(n) >= 10000:
        return f"{n:,}".replace(",", NBSP)
    return str(n)


def dec(x, places, lang):
    s = f"{x:.{places}f}"
    return s.replace(".", ",") if lang == "es" else s


def frac(a, b):
    return f"{a}/{b}"


EN_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
           "fourteen fifteen sixteen seventeen eighteen nineteen").split()
EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def en_below_1000(n):
    parts = []
    if n >= 100:
        parts.append(EN_ONES[n // 100] + " hundred")
        n %= 100
    if n >= 20:
        parts.append(EN_TENS[n // 10] + ("-" + EN_ONES[n % 10] if n % 10 else ""))
    elif n > 0:
        parts.append(EN_ONES[n])
    return " ".join(parts)


def en_words(n):
    if n >= 1000:
        rest = n % 1000
        return en_below_1000(n // 1000) + " thousand" + (" " + en_below_1000(rest) if rest else "")
    return en_below_1000(n)


ES_UNITS = ("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
            "quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós "
            "veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho "
            "veintinueve").split()
ES_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta",
           8: "ochenta", 9: "noventa"}
ES_HUNDREDS = {1: "ciento", 2: "doscientos", 3: "trescientos", 4: "cuatrocientos",
               5: "quinientos", 6: "seiscientos", 7: "setecientos", 8: "ochocientos",
               9: "novecientos"}


def es_below_100(n):
    if n < 30:
        return ES_UNITS[n]
    return ES_TENS[n // 10] + (" y " + ES_UNITS[n % 10] if n % 10 else "")


def es_below_1000(n):
    if n == 100:
        return "cien"
    parts = []
    if n >= 100:
        parts.append(ES_HUNDREDS[n // 100])
    if n % 100:
        parts.append(es_below_100(n % 100))
    return " ".join(parts)


def es_words(n):
    if n >= 1000:
        thousands = n // 1000
        if thousands == 1:
            head = "mil"
        else:
            head = es_below_1000(thousands)
            # "veintiún mil", "treinta y un mil": uno loses its -o before mil.
            if head.endswith("veintiuno"):
                head = head[:-len("veintiuno")] + "veintiún"
            elif head.endswith("uno"):
                head = head[:-1]
            head += " mil"
        rest = n % 1000
        return head + (" " + es_below_1000(rest) if rest else "")
    return es_below_1000(n)


def words(n, lang):
    return en_words(n) if lang == "en" else es_words(n)


PLACES = {
    "en": ["ones", "tens", "hundreds", "thousands", "ten thousands"],
    "es": ["unidades", "decenas", "centenas", "unidades de millar", "decenas de millar"],
}

# The names of the parts, plural and singular: "3 fourths", "1 fourth".
PARTS = {
    "en": {2: ("halves", "half"), 3: ("thirds", "third"), 4: ("fourths", "fourth"),
           5: ("fifths", "fifth"), 6: ("sixths", "sixth"), 8: ("eighths", "eighth"),
           10: ("tenths", "tenth"), 12: ("twelfths", "twelfth")},
    "es": {2: ("medios", "medio"), 3: ("tercios", "tercio"), 4: ("cuartos", "cuarto"),
           5: ("quintos", "quinto"), 6: ("sextos", "sexto"), 8: ("octavos", "octavo"),
           10: ("décimos", "décimo"), 12: ("doceavos", "doceavo")},
}


def parts(n, b, lang):
    plural, one = PARTS[lang][b]
    return f"{n} {one if n == 1 else plural}"


# Wholes to cut up: English, then Spanish with its article ("una pizza", "de la pizza").
FOODS = [
    {"en": ("a pizza", "the pizza"), "es": ("Una pizza", "de la pizza")},
    {"en": ("an apple pie", "the pie"), "es": ("Un pastel de manzana", "del pastel")},
    {"en": ("a chocolate bar", "the chocolate bar"), "es": ("Una barra de chocolate", "de la barra")},
    {"en": ("a sandwich", "the sandwich"), "es": ("Un sándwich", "del sándwich")},
    {"en": ("a watermelon", "the watermelon"), "es": ("Una sandía", "de la sandía")},
    {"en": ("a loaf of bread", "the loaf"), "es": ("Una barra de pan", "del pan")},
]
NAMES = ["Amara", "Diego", "Mei", "Omar", "Lucía", "Kofi", "Priya", "Tomás", "Zoe", "Hana",
         "Mateo", "Aisha", "Leo", "Nadia", "Santiago", "Yuki"]


def gcd_form(a, b):
    g = math.gcd(a, b)
    return frac(a // g, b // g)


def fraction_answers(n, b):
    """The accepted ways to write n/b: as is, simplified, and as a whole number."""
    out = [frac(n, b), gcd_form(n, b)]
    if n % b == 0:
        out.append(str(n // b))
    return out


# --------------------------------------------------------------------------
# Items. Each template draws its numbers once and returns a function that
# writes the item in a language, so both languages ask the same question.


def choice_item(lang, prompt, choices, right, hints, correct, incorrect, difficulty,
                per_choice=None):
    """`choices`: texts; `right`: index; `per_choice`: {index: feedback}."""
    per_choice = per_choice or {}
    listed = []
    for i, text in enumerate(choices):
        if i in per_choice:
            listed.append({"text": text, "feedback": per_choice[i]})
        else:
            listed.append(text)
    item = {"type": "choice", "prompt": prompt, "choices": listed, "answer": right}
    return finish(item, hints, correct, incorrect, difficulty)


def finish(item, hints, correct, incorrect, difficulty):
    if hints:
        item["hints"] = hints
    feedback = {}
    if correct:
        feedback["correct"] = correct
    if incorrect:
        feedback["incorrect"] = incorrect
    if feedback:
        item["feedback"] = feedback
    item["difficulty"] = difficulty
    return item


def numeric_item(prompt, answer, hints, correct, incorrect, difficulty, **extra):
    item = {"type": "numeric", "prompt": prompt, "answer": answer}
    item.update(extra)
    return finish(item, hints, correct, incorrect, difficulty)


def text_item(prompt, accepted, hints, correct, incorrect, difficulty):
    seen = []
    for a in accepted:
        if a not in seen:
            seen.append(a)
    item = {"type": "text", "prompt": prompt, "answer": seen}
    return finish(item, hints, correct, incorrect, difficulty)


def shuffled_choices(r, right_text, others):
    """Shuffles the right choice among the others: (texts, index of the right
    one, position of each other choice)."""
    order = r.shuffle([None] + list(range(len(others))))
    texts = [right_text if o is None else others[o] for o in order]
    where = {o: i for i, o in enumerate(order) if o is not None}
    return texts, order.index(None), where


def distinct_digits(r, count, first_nonzero=True, allow_zero=False):
    pool = list(range(0 if allow_zero else 1, 10))
    while True:
        ds = r.sample(pool, count)
        if not first_nonzero or ds[0] != 0:
            return ds


def from_digits(ds):
    n = 0
    for d in ds:
        n = n * 10 + d
    return n


def sign(a, b):
    return "<" if a < b else ">" if a > b else "="


def sign_item(r, lang, a_text, b_text, s, hint, explain, difficulty):
    choices = ["<", ">", "="]
    prompt = {"en": f"Which sign makes this true?  {a_text} ___ {b_text}",
              "es": f"¿Qué signo hace verdadera la expresión?  {a_text} ___ {b_text}"}[lang]
    correct = {"en": f"Yes: {a_text} {s} {b_text}.", "es": f"¡Sí! {a_text} {s} {b_text}."}[lang]
    return choice_item(lang, prompt, choices, choices.index(s), [hint], correct,
                       explain + f" {a_text} {s} {b_text}.", difficulty)


# --- Place value to 1,000 ---------------------------------------------------

def t_digit_value(r, digits=3):
    ds = distinct_digits(r, digits)
    n = from_digits(ds)
    pos = r.int(0, digits - 1)
    d = ds[digits - 1 - pos]
    value = d * 10 ** pos

    def item(lang):
        place = PLACES[lang][pos]
        if lang == "en":
            return numeric_item(
                f"In the number {num(n, lang)}, what is the value of the digit {d}?", value,
                [f"Find the place of the {d}: is it in the ones, tens, hundreds or thousands place?",
                 "A digit is worth that many ones, tens, hundreds or thousands: "
                 "a 4 in the tens place is worth 40."],
                f"Yes: the {d} is in the {place} place, so it is worth {num(value, lang)}.",
                f"The {d} is in the {place} place, so it is worth {num(value, lang)}.",
                1 if digits == 3 else 2)
        return numeric_item(
            f"En el número {num(n, lang)}, ¿cuánto vale la cifra {d}?", value,
            [f"Busca el lugar del {d}: ¿está en las unidades, las decenas, las centenas o las "
             "unidades de millar?",
             "Una cifra vale tantas unidades, decenas, centenas o millares como indica: "
             "un 4 en las decenas vale 40."],
            f"¡Sí! El {d} está en el lugar de las {place}, así que vale {num(value, lang)}.",
            f"El {d} está en el lugar de las {place}, así que vale {num(value, lang)}.",
            1 if digits == 3 else 2)
    return item


def t_which_digit(r):
    ds = distinct_digits(r, 3)
    n = from_digits(ds)
    pos = r.int(0, 2)
    extra = r.pick([d for d in range(1, 10) if d not in ds])
    others = [ds[2 - p] for p in range(3) if p != pos] + [extra]
    texts, right, where = shuffled_choices(r, str(ds[2 - pos]), [str(o) for o in others])

    def item(lang):
        place = PLACES[lang][pos]
        per_choice = {}
        other_places = [p for p in range(3) if p != pos]
        for k, p in enumerate(other_places):
            per_choice[where[k]] = {
                "en": f"That digit is in the {PLACES['en'][p]} place.",
                "es": f"Esa cifra está en el lugar de las {PLACES['es'][p]}."}[lang]
        per_choice[where[2]] = {"en": f"{extra} is not a digit of {n}.",
                                "es": f"El {extra} no es una cifra de {n}."}[lang]
        if lang == "en":
            return choice_item(lang, f"Which digit is in the {place} place in {n}?", texts, right,
                               ["From the right: ones, then tens, then hundreds."],
                               f"Yes: {ds[2 - pos]} is in the {place} place.", "", 1, per_choice)
        return choice_item(lang, f"¿Qué cifra está en el lugar de las {place} en {n}?", texts,
                           right, ["De derecha a izquierda: unidades, decenas y centenas."],
                           f"¡Sí! El {ds[2 - pos]} está en el lugar de las {place}.", "", 1,
                           per_choice)
    return item


def t_build_number(r):
    h, t, o = r.int(2, 9), r.pick([0, 2, 3, 4, 5, 6, 7, 8, 9]), r.int(2, 9)
    n = h * 100 + t * 10 + o

    def item(lang):
        if lang == "en":
            return numeric_item(
                f"What number is {h} hundreds, {t} tens and {o} ones?", n,
                ["Hundreds first, then tens, then ones."],
                f"Yes: {h * 100} + {t * 10} + {o} = {n}.",
                f"{h} hundreds are {h * 100}, {t} tens are {t * 10} and {o} ones are {o}: "
                f"together {n}.", 2)
        return numeric_item(
            f"¿Qué número forman {h} centenas, {t} decenas y {o} unidades?", n,
            ["Primero las centenas, luego las decenas y al final las unidades."],
            f"¡Sí! {h * 100} + {t * 10} + {o} = {n}.",
            f"{h} centenas son {h * 100}, {t} decenas son {t * 10} y {o} unidades son {o}: "
            f"en total, {n}.", 2)
    return item


def t_tens_in_hundreds(r):
    h = r.int(2, 9)

    def item(lang):
        if lang == "en":
            return numeric_item(
                f"How many tens are there in {h * 100}?", h * 10,
                ["One hundred is 10 tens."],
                f"Yes: each hundred is 10 tens, so {h} hundreds are {h * 10} tens.",
                f"Each hundred is 10 tens, so {h} hundreds are {h} × 10 = {h * 10} tens.", 2)
        return numeric_item(
            f"¿Cuántas decenas hay en {h * 100}?", h * 10,
            ["Una centena son 10 decenas."],
            f"¡Sí! Cada centena son 10 decenas, así que {h} centenas son {h * 10} decenas.",
            f"Cada centena son 10 decenas, así que {h} centenas son {h} × 10 = {h * 10} decenas.",
            2)
    return item


# --- Expanded form ----------------------------------------------------------

def t_expanded_to_number(r):
    h, t, o = r.int(1, 9), r.int(1, 9), r.int(1, 9)
    n = h * 100 + t * 10 + o

    def item(lang):
        if lang == "en":
            return numeric_item(f"Write {h}00 + {t}0 + {o} as one number.", n,
                                ["Put the hundreds digit first, then the tens, then the ones."],
                                f"Yes: {h}00 + {t}0 + {o} = {n}.",
                                f"{h} hundreds, {t} tens and {o} ones make {n}.", 1)
        return numeric_item(f"Escribe {h}00 + {t}0 + {o} como un solo número.", n,
                            ["Escribe primero la cifra de las centenas, luego la de las decenas "
                             "y al final la de las unidades."],
                            f"¡Sí! {h}00 + {t}0 + {o} = {n}.",
                            f"{h} centenas, {t} decenas y {o} unidades forman {n}.", 1)
    return item


def t_expanded_choice(r):
    h, t, o = distinct_digits(r, 3)
    n = h * 100 + t * 10 + o
    right = f"{h}00 + {t}0 + {o}"
    others = [f"{h} + {t} + {o}", f"{h}00 + {t} + {o}0", f"{t}00 + {h}0 + {o}"]
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        fb = {
            "en": ["That adds the digits; each digit is worth more than that.",
                   f"Check the tens and the ones: {t} is the tens digit, {o} the ones digit.",
                   f"The hundreds digit of {n} is {h}, not {t}."],
            "es": ["Eso suma las cifras, pero cada cifra vale más que eso.",
                   f"Revisa las decenas y las unidades: {t} es la cifra de las decenas y {o} "
                   "la de las unidades.",
                   f"La cifra de las centenas de {n} es {h}, no {t}."],
        }[lang]
        per_choice = {where[k]: fb[k] for k in range(3)}
        if lang == "en":
            return choice_item(lang, f"Which is the expanded form of {n}?", texts, index,
                               ["Write what each digit is worth, then add them."],
                               f"Yes: {n} = {right}.", "", 2, per_choice)
        return choice_item(lang, f"¿Cuál es la forma desarrollada de {n}?", texts, index,
                           ["Escribe cuánto vale cada cifra y súmalas."],
                           f"¡Sí! {n} = {right}.", "", 2, per_choice)
    return item


def t_expanded_missing(r):
    h, t, o = r.int(1, 9), r.int(1, 9), r.int(1, 9)
    n = h * 100 + t * 10 + o

    def item(lang):
        if lang == "en":
            return numeric_item(f"What number is missing?  {n} = {h}00 + ___ + {o}", t * 10,
                                [f"Which digit of {n} is in the tens place? What is it worth?"],
                                f"Yes: the {t} in the tens place is worth {t * 10}.",
                                f"The tens digit of {n} is {t}, worth {t * 10}.", 2)
        return numeric_item(f"¿Qué número falta?  {n} = {h}00 + ___ + {o}", t * 10,
                            [f"¿Qué cifra de {n} está en las decenas? ¿Cuánto vale?"],
                            f"¡Sí! El {t} de las decenas vale {t * 10}.",
                            f"La cifra de las decenas de {n} es {t}, que vale {t * 10}.", 2)
    return item


def t_expanded_zero(r):
    h, o = r.int(1, 9), r.int(1, 9)
    n = h * 100 + o

    def item(lang):
        if lang == "en":
            return numeric_item(f"Write {h}00 + {o} as one number.", n,
                                ["There are no tens. What digit goes in the tens place?"],
                                f"Yes: no tens means a 0 in the tens place: {n}.",
                                f"No tens means a 0 in the tens place: {h} hundreds and {o} ones "
                                f"make {n}.", 3)
        return numeric_item(f"Escribe {h}00 + {o} como un solo número.", n,
                            ["No hay decenas. ¿Qué cifra va en el lugar de las decenas?"],
                            f"¡Sí! Sin decenas, va un 0 en su lugar: {n}.",
                            f"Sin decenas, va un 0 en el lugar de las decenas: {h} centenas y "
                            f"{o} unidades forman {n}.", 3)
    return item


# --- Comparing to 1,000 -----------------------------------------------------

def t_compare_sign(r, digits=3):
    lo, hi = 10 ** (digits - 1), 10 ** digits - 1
    a = r.int(lo, hi)
    kind = r.int(0, 3)
    if kind == 0:
        b = a  # equal
    elif kind == 1:
        b = a + r.pick([-1, 1]) * 10 ** r.int(0, digits - 2)  # differ in one lower place
    else:
        b = r.int(lo, hi)
    b = min(max(b, lo), hi)
    s = sign(a, b)

    def item(lang):
        first = PLACES[lang][digits - 1]
        if lang == "en":
            hint = f"Compare the {first} first; if they are the same, compare the next place."
            explain = f"Compare place by place, starting with the {first}:"
        else:
            hint = (f"Compara primero las {first}; si son iguales, compara el lugar siguiente.")
            explain = f"Compara lugar por lugar, empezando por las {first}:"
        return sign_item(r, lang, num(a, lang), num(b, lang), s, hint, explain,
                         1 if digits == 3 else 2)
    return item


def t_greatest(r, digits=3):
    ds = distinct_digits(r, digits)
    numbers = []
    while len(numbers) < 4:
        perm = r.shuffle(ds)
        n = from_digits(perm)
        if perm[0] != 0 and n not in numbers:
            numbers.append(n)
    best = max(numbers)

    def item(lang):
        texts = [num(n, lang) for n in numbers]
        right = numbers.index(best)
        if lang == "en":
            return choice_item(lang, "Which number is the greatest?", texts, right,
                               ["They use the same digits. Look at the first digit of each, then "
                                "the next."],
                               f"Yes: {num(best, lang)} has the greatest digit in the biggest place.",
                               f"The greatest is {num(best, lang)}: compare the first digits, "
                               "then the next ones.", 2)
        return choice_item(lang, "¿Cuál es el número mayor?", texts, right,
                           ["Todos usan las mismas cifras. Mira la primera cifra de cada uno y "
                            "luego la siguiente."],
                           f"¡Sí! {num(best, lang)} tiene la cifra mayor en el lugar de más valor.",
                           f"El mayor es {num(best, lang)}: compara las primeras cifras y luego "
                           "las siguientes.", 2)
    return item


def t_order(r):
    numbers = []
    while len(numbers) < 3:
        n = r.int(100, 999)
        if n not in numbers:
            numbers.append(n)
    ordered = sorted(numbers)
    accepted = [", ".join(map(str, ordered)), " ".join(map(str, ordered)),
                " < ".join(map(str, ordered))]

    def item(lang):
        listed = ", ".join(map(str, numbers))
        if lang == "en":
            return text_item(f"Write these numbers from least to greatest, separated by commas: "
                             f"{listed}", accepted,
                             ["Find the smallest number first: compare the hundreds."],
                             "Yes, in order.", f"From least to greatest: {accepted[0]}.", 3)
        return text_item(f"Escribe estos números de menor a mayor, separados por comas: {listed}",
                         accepted, ["Busca primero el menor: compara las centenas."],
                         "¡Sí, en orden!", f"De menor a mayor: {accepted[0]}.", 3)
    return item


def t_who_has_more(r):
    n1, n2 = r.sample(NAMES, 2)
    a = r.int(100, 999)
    b = a + r.pick([-1, 1]) * r.pick([1, 10, 100, 9, 90])
    b = min(max(b, 100), 999)
    if b == a:
        b = a + 1

    def item(lang):
        more = n1 if a > b else n2
        if lang == "en":
            choices = [n1, n2, "They have the same number"]
            return choice_item(lang, f"{n1} has {a} marbles and {n2} has {b}. Who has more?",
                               choices, choices.index(more),
                               ["Compare the hundreds, then the tens, then the ones."],
                               f"Yes: {max(a, b)} > {min(a, b)}.",
                               f"{max(a, b)} > {min(a, b)}, so {more} has more.", 2)
        choices = [n1, n2, "Tienen las mismas"]
        return choice_item(lang, f"{n1} tiene {a} canicas y {n2} tiene {b}. ¿Quién tiene más?",
                           choices, choices.index(more),
                           ["Compara las centenas, luego las decenas y luego las unidades."],
                           f"¡Sí! {max(a, b)} > {min(a, b)}.",
                           f"{max(a, b)} > {min(a, b)}, así que {more} tiene más.", 2)
    return item


# --- Rounding to 10 and 100 ---------------------------------------------------

def round_half_up(n, unit):
    return (n + unit // 2) // unit * unit


def t_round(r, unit, digits, word_problem=False):
    lo, hi = 10 ** (digits - 1), 10 ** digits - 1
    while True:
        n = r.int(lo, hi)
        if n % unit != 0 and round_half_up(n, unit) <= hi + 1:
            break
    ans = round_half_up(n, unit)
    down = n // unit * unit
    up = down + unit
    halfway = n - down == unit // 2
    names = {"en": {10: "ten", 100: "hundred", 1000: "thousand"},
             "es": {10: "a la decena más cercana", 100: "a la centena más cercana",
                    1000: "al millar más cercano"}}
    look = {10: 0, 100: 1, 1000: 2}[unit]
    difficulty = {10: 2, 100: 3, 1000: 3}[unit] + (1 if halfway else 0)

    def item(lang):
        unit_name = names[lang][unit]
        place = PLACES[lang][look]
        if lang == "en":
            if halfway:
                why = f"{num(n, lang)} is exactly halfway between {num(down, lang)} and " \
                      f"{num(up, lang)}; halfway rounds up, to {num(ans, lang)}."
            else:
                why = f"{num(n, lang)} is between {num(down, lang)} and {num(up, lang)}, " \
                      f"closer to {num(ans, lang)}."
            hints = [f"Which two {unit_name}s is {num(n, lang)} between?",
                     f"Look at the {place} digit: 5 or more rounds up, less than 5 rounds down."]
            prompt = (f"A school has {num(n, lang)} students. About how many is that, to the "
                      f"nearest {unit_name}?" if word_problem
                      else f"Round {num(n, lang)} to the nearest {unit_name}.")
            return numeric_item(prompt, ans, hints, f"Yes: {why}", why, difficulty)
        if halfway:
            why = f"{num(n, lang)} está justo en medio de {num(down, lang)} y {num(up, lang)}; " \
                  f"en ese caso se redondea hacia arriba: {num(ans, lang)}."
        else:
            why = f"{num(n, lang)} está entre {num(down, lang)} y {num(up, lang)}, más cerca " \
                  f"de {num(ans, lang)}."
        plural = {10: "decenas", 100: "centenas", 1000: "millares"}[unit]
        hints = [f"¿Entre qué dos {plural} está {num(n, lang)}?",
                 f"Mira la cifra de las {place}: si es 5 o más, se redondea hacia arriba; "
                 "si es menor que 5, hacia abajo."]
        prompt = (f"En una escuela hay {num(n, lang)} estudiantes. Redondeando {unit_name}, "
                  "¿cuántos son aproximadamente?" if word_problem
                  else f"Redondea {num(n, lang)} {unit_name}.")
        return numeric_item(prompt, ans, hints, f"¡Sí! {why}", why, difficulty)
    return item


def t_round_choice(r, unit, digits):
    lo, hi = 10 ** (digits - 1), 10 ** digits - 1
    while True:
        n = r.int(lo, hi)
        down = n // unit * unit
        to_ten = round_half_up(n, unit // 10)
        options = [round_half_up(n, unit), down if round_half_up(n, unit) != down else down + unit,
                   to_ten]
        if n % (unit // 10) != 0 and len(set(options)) == 3 and n - down != unit // 2:
            break
    ans = options[0]
    other = options[1]
    texts, right, where = shuffled_choices(r, str(ans), [str(other), str(to_ten)])

    def item(lang):
        shown = [num(int(t), lang) for t in texts]
        names = {"en": {100: ("hundred", "ten"), 1000: ("thousand", "hundred")},
                 "es": {100: ("a la centena", "a la decena"), 1000: ("al millar", "a la centena")}}
        big, small = names[lang][unit]
        if lang == "en":
            per_choice = {where[0]: f"{num(n, lang)} is closer to {num(ans, lang)} than to "
                                    f"{num(other, lang)}.",
                          where[1]: f"That is {num(n, lang)} rounded to the nearest {small}, "
                                    f"not {big}."}
            place_en = "A theater" if digits <= 3 else "A stadium"
            return choice_item(lang, f"{place_en} holds {num(n, lang)} people. Rounded to the "
                               f"nearest {big}, that is about:", shown, right,
                               [f"Which two {big}s is {num(n, lang)} between?"],
                               f"Yes: about {num(ans, lang)} people.", "", 3, per_choice)
        per_choice = {where[0]: f"{num(n, lang)} está más cerca de {num(ans, lang)} que de "
                                f"{num(other, lang)}.",
                      where[1]: f"Ese es {num(n, lang)} redondeado {small}, no {big}."}
        plural = "centenas" if unit == 100 else "millares"
        place_es = "un teatro" if digits <= 3 else "un estadio"
        closest = "más cercana" if unit == 100 else "más cercano"
        return choice_item(lang, f"En {place_es} caben {num(n, lang)} personas. Redondeando {big} "
                           f"{closest}, son aproximadamente:", shown, right,
                           [f"¿Entre qué dos {plural} está {num(n, lang)}?"],
                           f"¡Sí! Unas {num(ans, lang)} personas.", "", 3, per_choice)
    return item


# --- Place value to 10,000 ----------------------------------------------------

def t_write_in_digits(r):
    n = r.int(1001, 9999)
    if r.int(0, 2) == 0:
        n = n // 10 * 10  # some with a zero

    def item(lang):
        if lang == "en":
            return numeric_item(f"Write the number in digits: {words(n, lang)}.", n,
                                ["How many thousands? Write that digit first.",
                                 "If a place has nothing, write 0 there."],
                                f"Yes: {num(n, lang)}.",
                                f"{words(n, lang).capitalize()} is written {num(n, lang)}.", 2)
        return numeric_item(f"Escribe el número con cifras: {words(n, lang)}.", n,
                            ["¿Cuántas unidades de millar hay? Escribe esa cifra primero.",
                             "Si en un lugar no hay nada, escribe un 0."],
                            f"¡Sí! {num(n, lang)}.",
                            f"«{words(n, lang).capitalize()}» se escribe {num(n, lang)}.", 2)
    return item


def t_build_thousands(r):
    th, h, t, o = r.int(2, 9), r.pick([0, 2, 3, 4, 5, 6, 7, 8, 9]), r.int(2, 9), r.int(2, 9)
    n = th * 1000 + h * 100 + t * 10 + o

    def item(lang):
        if lang == "en":
            return numeric_item(f"What number is {th} thousands, {h} hundreds, {t} tens and {o} "
                                "ones?", n, ["Thousands first, then hundreds, tens and ones."],
                                f"Yes: {num(n, lang)}.",
                                f"{num(th * 1000, lang)} + {h * 100} + {t * 10} + {o} = "
                                f"{num(n, lang)}.", 2)
        return numeric_item(f"¿Qué número forman {th} unidades de millar, {h} centenas, {t} "
                            f"decenas y {o} unidades?", n,
                            ["Primero las unidades de millar, luego las centenas, las decenas y "
                             "las unidades."],
                            f"¡Sí! {num(n, lang)}.",
                            f"{num(th * 1000, lang)} + {h * 100} + {t * 10} + {o} = "
                            f"{num(n, lang)}.", 2)
    return item


def t_where_worth(r):
    d = r.int(2, 9)
    numbers = []
    for pos in (3, 2, 1, 0):
        while True:
            ds = distinct_digits(r, 4)
            if d in ds:
                continue
            ds[3 - pos] = d
            if ds[0] != 0:
                break
        numbers.append((from_digits(ds), pos))
    value = d * 1000
    texts_numbers, right, where = shuffled_choices(r, numbers[0], numbers[1:])

    def item(lang):
        texts = [num(n, lang) for n, _ in texts_numbers]
        per_choice = {}
        for k, (n, pos) in enumerate(numbers[1:]):
            per_choice[where[k]] = {
                "en": f"In {num(n, lang)} the {d} is in the {PLACES['en'][pos]} place: it is "
                      f"worth {num(d * 10 ** pos, lang)}.",
                "es": f"En {num(n, lang)} el {d} está en las {PLACES['es'][pos]}: vale "
                      f"{num(d * 10 ** pos, lang)}."}[lang]
        if lang == "en":
            return choice_item(lang, f"In which number is the digit {d} worth "
                               f"{num(value, lang)}?", texts, right,
                               [f"{num(value, lang)} is {d} thousands."],
                               f"Yes: the {d} is in the thousands place.", "", 3, per_choice)
        return choice_item(lang, f"¿En qué número la cifra {d} vale {num(value, lang)}?", texts,
                           right, [f"{num(value, lang)} son {d} unidades de millar."],
                           f"¡Sí! El {d} está en las unidades de millar.", "", 3, per_choice)
    return item


# --- Ten times the place to the right ----------------------------------------

def t_ten_times_digits(r):
    d = r.int(2, 9)
    gap = r.pick([1, 1, 2])  # places between the two copies of d
    while True:
        ds = distinct_digits(r, 4, allow_zero=True)
        if d in ds:
            continue
        left = r.int(0, 3 - gap)
        ds[left] = d
        ds[left + gap] = d
        if ds[0] != 0:
            break
    n = from_digits(ds)
    times = 10 ** gap
    lv = d * 10 ** (3 - left)
    rv = d * 10 ** (3 - left - gap)

    def item(lang):
        if lang == "en":
            return numeric_item(
                f"In {num(n, lang)} the digit {d} appears twice. The value of the left {d} is how "
                f"many times the value of the right {d}?", times,
                [f"What is each {d} worth? Find its place.",
                 "Each place is worth 10 times the place to its right."],
                f"Yes: {num(lv, lang)} is {times} times {num(rv, lang)}.",
                f"The left {d} is worth {num(lv, lang)} and the right one {num(rv, lang)}: "
                f"{num(rv, lang)} × {times} = {num(lv, lang)}.", 3 if gap == 1 else 4)
        return numeric_item(
            f"En {num(n, lang)} la cifra {d} aparece dos veces. ¿Cuántas veces cabe el valor del "
            f"{d} de la derecha en el valor del {d} de la izquierda?", times,
            [f"¿Cuánto vale cada {d}? Busca su lugar.",
             "Cada lugar vale 10 veces lo que vale el lugar de su derecha."],
            f"¡Sí! {num(lv, lang)} es {times} veces {num(rv, lang)}.",
            f"El {d} de la izquierda vale {num(lv, lang)} y el de la derecha, {num(rv, lang)}: "
            f"{num(rv, lang)} × {times} = {num(lv, lang)}.", 3 if gap == 1 else 4)
    return item


def t_times_ten(r):
    d = r.int(2, 9)
    v = d * r.pick([1, 10, 100])

    def item(lang):
        ans = v * 10
        if lang == "en":
            return numeric_item(f"What is 10 × {num(v, lang)}?", ans,
                                ["Multiplying by 10 moves each digit one place to the left."],
                                f"Yes: 10 × {num(v, lang)} = {num(ans, lang)}.",
                                f"Each digit moves one place to the left: {num(ans, lang)}.", 2)
        return numeric_item(f"¿Cuánto es 10 × {num(v, lang)}?", ans,
                            ["Al multiplicar por 10, cada cifra pasa al lugar de su izquierda."],
                            f"¡Sí! 10 × {num(v, lang)} = {num(ans, lang)}.",
                            f"Cada cifra pasa al lugar de su izquierda: {num(ans, lang)}.", 2)
    return item


def t_hundreds_in_thousands(r):
    k = r.int(2, 9)

    def item(lang):
        if lang == "en":
            return numeric_item(f"How many hundreds make {num(k * 1000, lang)}?", k * 10,
                                ["One thousand is 10 hundreds."],
                                f"Yes: {k} thousands are {k * 10} hundreds.",
                                f"Each thousand is 10 hundreds, so {k} thousands are {k * 10} "
                                "hundreds.", 3)
        return numeric_item(f"¿Cuántas centenas hay en {num(k * 1000, lang)}?", k * 10,
                            ["Una unidad de millar son 10 centenas."],
                            f"¡Sí! {k} unidades de millar son {k * 10} centenas.",
                            f"Cada unidad de millar son 10 centenas, así que {k} unidades de "
                            f"millar son {k * 10} centenas.", 3)
    return item


def t_ten_times_choice(r):
    v = r.int(2, 9) * r.pick([1, 10])
    right = v * 10
    others = [v * 100, v + 10, v * 2]
    if v * 2 in (right, v + 10):
        others[2] = v * 5
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        shown = [num(t, lang) for t in texts]
        if lang == "en":
            per_choice = {where[0]: f"That is 100 times {v}.",
                          where[1]: f"That is 10 more than {v}, not 10 times as much."}
            return choice_item(lang, f"Which number is 10 times as much as {v}?", shown, index,
                               ["10 times as much: each digit moves one place to the left."],
                               f"Yes: 10 × {v} = {num(right, lang)}.", "", 2, per_choice)
        per_choice = {where[0]: f"Eso es 100 veces {v}.",
                      where[1]: f"Eso es {v} más 10, no 10 veces {v}."}
        return choice_item(lang, f"¿Qué número es 10 veces {v}?", shown, index,
                           ["10 veces: cada cifra pasa al lugar de su izquierda."],
                           f"¡Sí! 10 × {v} = {num(right, lang)}.", "", 2, per_choice)
    return item


# --- Comparing multi-digit numbers --------------------------------------------

def t_greatest_from_digits(r, smallest=False):
    ds = distinct_digits(r, 4, first_nonzero=False, allow_zero=smallest)
    if smallest and 0 not in ds:
        ds[r.int(0, 3)] = 0
    if smallest:
        rest = sorted(ds)
        first = min(d for d in rest if d != 0)
        rest.remove(first)
        ans = from_digits([first] + rest)
    else:
        ans = from_digits(sorted(ds, reverse=True))
    listed = ", ".join(map(str, ds))

    def item(lang):
        if lang == "en":
            which = "smallest" if smallest else "greatest"
            hints = (["A 4-digit number cannot start with 0.",
                      "Put the smallest digit that is not 0 first."] if smallest
                     else ["Put the greatest digit in the biggest place."])
            return numeric_item(f"Using each of the digits {listed} once, what is the {which} "
                                "4-digit number you can make?", ans, hints,
                                f"Yes: {num(ans, lang)}.",
                                f"The {which} is {num(ans, lang)}.", 4 if smallest else 3)
        which = "menor" if smallest else "mayor"
        hints = (["Un número de 4 cifras no puede empezar por 0.",
                  "Pon primero la cifra más pequeña que no sea 0."] if smallest
                 else ["Pon la cifra mayor en el lugar de más valor."])
        return numeric_item(f"Usando una vez cada una de las cifras {listed}, ¿cuál es el "
                            f"{which} número de 4 cifras que puedes formar?", ans, hints,
                            f"¡Sí! {num(ans, lang)}.", f"El {which} es {num(ans, lang)}.",
                            4 if smallest else 3)
    return item


# --- Fractions -----------------------------------------------------------------

DENOMINATORS = [2, 3, 4, 5, 6, 8, 10, 12]


def t_unit_piece(r):
    b = r.pick([3, 4, 5, 6, 8, 10])
    food = r.pick(FOODS)
    right = frac(1, b)
    others = [frac(b, 1), frac(1, b + 1), frac(b, b)]
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        if lang == "en":
            a, the = food["en"]
            per_choice = {where[0]: f"{b}/1 would be {b} whole ones.",
                          where[1]: f"Count the pieces again: there are {b}.",
                          where[2]: f"{b}/{b} is all {b} pieces: the whole thing."}
            return choice_item(lang, f"{a[0].upper() + a[1:]} is cut into {b} equal pieces. What "
                               f"fraction of {the} is one piece?", texts, index,
                               [f"The whole is {b} equal pieces.",
                                f"One piece out of {b} is written 1/{b}."],
                               f"Yes: one of {b} equal pieces is 1/{b}.", "", 1, per_choice)
        a, of_the = food["es"]
        per_choice = {where[0]: f"{b}/1 serían {b} enteros.",
                      where[1]: f"Vuelve a contar las partes: son {b}.",
                      where[2]: f"{b}/{b} son las {b} partes: el entero."}
        return choice_item(lang, f"{a} se corta en {b} partes iguales. ¿Qué fracción {of_the} es "
                           "una parte?", texts, index,
                           [f"El entero son {b} partes iguales.",
                            f"Una parte de {b} se escribe 1/{b}."],
                           f"¡Sí! Una de {b} partes iguales es 1/{b}.", "", 1, per_choice)
    return item


def t_how_many_make_whole(r):
    b = r.pick([2, 3, 4, 5, 6, 8, 10, 12])

    def item(lang):
        plural = PARTS[lang][b][0]
        if lang == "en":
            return numeric_item(f"How many {plural} make one whole?", b,
                                ["Draw a bar and cut it into equal parts of that size."],
                                f"Yes: {b} {plural} make one whole.",
                                f"A whole cut into {plural} has {b} equal parts.", 1)
        return numeric_item(f"¿Cuántos {plural} forman un entero?", b,
                            ["Dibuja una barra y pártela en partes iguales de ese tamaño."],
                            f"¡Sí! {b} {plural} forman un entero.",
                            f"Un entero partido en {plural} tiene {b} partes iguales.", 1)
    return item


def t_larger_unit(r):
    a, b = r.sample([2, 3, 4, 5, 6, 8, 10, 12], 2)

    def item(lang):
        big = min(a, b)
        if lang == "en":
            choices = [frac(1, a), frac(1, b), "They are equal"]
            return choice_item(lang, f"Which is larger: 1/{a} or 1/{b}?", choices,
                               choices.index(frac(1, big)),
                               [f"Think of two same-size pizzas, one cut into {a} slices and one "
                                f"into {b}. Which slices are bigger?"],
                               f"Yes: the fewer the parts, the bigger each part.",
                               f"The fewer equal parts, the bigger each part: 1/{big} is larger.",
                               2)
        choices = [frac(1, a), frac(1, b), "Son iguales"]
        return choice_item(lang, f"¿Qué fracción es mayor: 1/{a} o 1/{b}?", choices,
                           choices.index(frac(1, big)),
                           [f"Piensa en dos pizzas iguales, una cortada en {a} trozos y otra en "
                            f"{b}. ¿Cuáles son los trozos más grandes?"],
                           "¡Sí! Cuantas menos partes, más grande es cada una.",
                           f"Cuantas menos partes iguales, más grande es cada una: 1/{big} es "
                           "mayor.", 2)
    return item


def t_write_unit(r):
    b = r.pick([3, 4, 5, 6, 7, 8, 9, 10])

    def item(lang):
        if lang == "en":
            return text_item(f"A whole is split into {b} equal parts. Write the fraction for one "
                             "part.", [frac(1, b)], ["Write it like 1/2: top number, then bottom."],
                             f"Yes: 1/{b}.", f"One of {b} equal parts is 1/{b}.", 2)
        return text_item(f"Un entero se divide en {b} partes iguales. Escribe la fracción que "
                         "corresponde a una parte.", [frac(1, b)],
                         ["Escríbela como 1/2: primero el numerador y luego el denominador."],
                         f"¡Sí! 1/{b}.", f"Una de {b} partes iguales es 1/{b}.", 2)
    return item


def t_ate_fraction(r):
    b = r.pick([4, 5, 6, 8, 10, 12])
    a = r.int(2, b - 1)
    food = r.pick(FOODS)
    name = r.pick(NAMES)

    def item(lang):
        if lang == "en":
            an, the = food["en"]
            return text_item(f"{an[0].upper() + an[1:]} is cut into {b} equal pieces. {name} eats "
                             f"{a} of them. What fraction of {the} did {name} eat? Write it like "
                             "a/b.", fraction_answers(a, b),
                             ["How many pieces in all? That is the bottom number."],
                             f"Yes: {a} of {b} equal pieces is {a}/{b}.",
                             f"{a} pieces out of {b} equal pieces is {a}/{b}.", 2)
        an, of_the = food["es"]
        return text_item(f"{an} se corta en {b} partes iguales. {name} se come {a}. ¿Qué fracción "
                         f"{of_the} se comió? Escríbela como a/b.", fraction_answers(a, b),
                         ["¿Cuántas partes hay en total? Ese número va abajo."],
                         f"¡Sí! {a} de {b} partes iguales es {a}/{b}.",
                         f"{a} partes de {b} partes iguales es {a}/{b}.", 2)
    return item


def t_parts_of_size(r):
    b = r.pick([4, 5, 6, 8, 10])
    a = r.int(2, b - 1)
    right = frac(a, b)
    others = [frac(b, a), frac(1, a), frac(a, 1)]
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        if lang == "en":
            per_choice = {where[0]: "The top and bottom numbers are swapped.",
                          where[2]: f"{a}/1 would be {a} wholes."}
            return choice_item(lang, f"Which fraction means {a} parts of size 1/{b}?", texts,
                               index, [f"Parts of size 1/{b} are {PARTS['en'][b][0]}."],
                               f"Yes: {a} {PARTS['en'][b][0]} is {a}/{b}.", "", 2, per_choice)
        per_choice = {where[0]: "El numerador y el denominador están al revés.",
                      where[2]: f"{a}/1 serían {a} enteros."}
        return choice_item(lang, f"¿Qué fracción son {a} partes de tamaño 1/{b}?", texts, index,
                           [f"Las partes de tamaño 1/{b} son {PARTS['es'][b][0]}."],
                           f"¡Sí! {a} {PARTS['es'][b][0]} son {a}/{b}.", "", 2, per_choice)
    return item


def t_denominator_parts(r):
    b = r.pick([3, 4, 5, 6, 8, 10, 12])
    a = r.int(1, b - 1)

    def item(lang):
        if lang == "en":
            return numeric_item(f"In the fraction {a}/{b}, into how many equal parts is the whole "
                                "divided?", b, ["The bottom number (the denominator) tells you."],
                                f"Yes: {b} equal parts.",
                                f"The denominator {b} says the whole is cut into {b} equal parts.",
                                1)
        return numeric_item(f"En la fracción {a}/{b}, ¿en cuántas partes iguales está dividido el "
                            "entero?", b, ["Te lo dice el número de abajo (el denominador)."],
                            f"¡Sí! En {b} partes iguales.",
                            f"El denominador {b} indica que el entero está partido en {b} partes "
                            "iguales.", 1)
    return item


def t_copies_of_unit(r):
    b = r.pick([3, 4, 5, 6, 8, 10, 12])
    a = r.int(2, b - 1)

    def item(lang):
        if lang == "en":
            return numeric_item(f"How many parts of size 1/{b} make {a}/{b}?", a,
                                ["The top number (the numerator) counts the parts."],
                                f"Yes: {a}/{b} is {a} parts of size 1/{b}.",
                                f"{a}/{b} = " + " + ".join([f"1/{b}"] * a) + f": {a} parts.", 2)
        return numeric_item(f"¿Cuántas partes de tamaño 1/{b} forman {a}/{b}?", a,
                            ["El número de arriba (el numerador) cuenta las partes."],
                            f"¡Sí! {a}/{b} son {a} partes de tamaño 1/{b}.",
                            f"{a}/{b} = " + " + ".join([f"1/{b}"] * a) + f": {a} partes.", 2)
    return item


def t_jumps_land(r):
    b = r.pick([3, 4, 5, 6, 8, 10])
    k = r.int(2, b - 1)
    name = r.pick(NAMES)

    def item(lang):
        if lang == "en":
            return text_item(f"A number line from 0 to 1 is divided into {b} equal parts. {name} "
                             f"starts at 0 and makes {k} jumps of 1/{b}. At what fraction does "
                             f"{name} land?", fraction_answers(k, b),
                             [f"Each jump is 1/{b}. Count: 1/{b}, 2/{b}, ..."],
                             f"Yes: {k} jumps of 1/{b} land on {k}/{b}.",
                             f"{k} jumps of 1/{b} make {k}/{b}.", 2)
        return text_item(f"Una recta numérica del 0 al 1 está dividida en {b} partes iguales. "
                         f"{name} sale del 0 y da {k} saltos de 1/{b}. ¿En qué fracción cae?",
                         fraction_answers(k, b), [f"Cada salto es 1/{b}. Cuenta: 1/{b}, 2/{b}, ..."],
                         f"¡Sí! {k} saltos de 1/{b} llevan a {k}/{b}.",
                         f"{k} saltos de 1/{b} forman {k}/{b}.", 2)
    return item


def t_jumps_to_one(r):
    b = r.pick([2, 3, 4, 5, 6, 8, 10, 12])

    def item(lang):
        if lang == "en":
            return numeric_item(f"On a number line, how many jumps of 1/{b} take you from 0 to 1?",
                                b, [f"1 whole is {b}/{b}."], f"Yes: {b} jumps of 1/{b} make 1.",
                                f"{b} jumps of 1/{b} make {b}/{b}, which is 1.", 1)
        return numeric_item(f"En una recta numérica, ¿cuántos saltos de 1/{b} hay que dar para ir "
                            "del 0 al 1?", b, [f"Un entero es {b}/{b}."],
                            f"¡Sí! {b} saltos de 1/{b} forman 1.",
                            f"{b} saltos de 1/{b} forman {b}/{b}, que es 1.", 1)
    return item


def t_halfway(r):
    b = r.pick([4, 6, 8, 10, 12])
    right = frac(b // 2, b)
    others = [frac(1, b), frac(b // 2 + 1, b), frac(b, b)]
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        plural = PARTS[lang][b][0]
        if lang == "en":
            per_choice = {where[0]: f"1/{b} is the first mark after 0.",
                          where[2]: f"{b}/{b} is at 1."}
            return choice_item(lang, f"A number line from 0 to 1 is marked in {plural}. Which "
                               "fraction is exactly halfway between 0 and 1?", texts, index,
                               [f"There are {b} equal parts. Half of them is how many?"],
                               f"Yes: {b // 2} of the {b} parts is halfway.", "", 3, per_choice)
        per_choice = {where[0]: f"1/{b} es la primera marca después del 0.",
                      where[2]: f"{b}/{b} está en el 1."}
        return choice_item(lang, f"Una recta numérica del 0 al 1 está marcada en {plural}. ¿Qué "
                           "fracción está justo a mitad de camino entre el 0 y el 1?", texts,
                           index, [f"Hay {b} partes iguales. ¿Cuántas son la mitad?"],
                           f"¡Sí! {b // 2} de las {b} partes es la mitad del camino.", "", 3,
                           per_choice)
    return item


def t_marks_from_zero(r):
    b = r.pick([4, 5, 6, 8, 10, 12])
    a = r.int(2, b - 1)

    def item(lang):
        if lang == "en":
            return numeric_item(f"A number line from 0 to 1 is divided into {b} equal parts. How "
                                f"many jumps of 1/{b} is it from 0 to {a}/{b}?", a,
                                ["The numerator counts the jumps."], f"Yes: {a} jumps.",
                                f"{a}/{b} is {a} jumps of 1/{b} from 0.", 2)
        return numeric_item(f"Una recta numérica del 0 al 1 está dividida en {b} partes iguales. "
                            f"¿Cuántos saltos de 1/{b} hay del 0 al {a}/{b}?", a,
                            ["El numerador cuenta los saltos."], f"¡Sí! {a} saltos.",
                            f"{a}/{b} está a {a} saltos de 1/{b} del 0.", 2)
    return item


def t_fraction_as_whole(r):
    b = r.pick([2, 3, 4, 5, 6, 8])
    k = r.int(1, 4)

    def item(lang):
        if lang == "en":
            return numeric_item(f"What whole number is {k * b}/{b}?", k,
                                [f"{b}/{b} is 1 whole. How many groups of {b} are in {k * b}?"],
                                f"Yes: {k * b}/{b} = {k}.",
                                f"{b} {PARTS['en'][b][0]} make 1, so {k * b} of them make {k}.", 1)
        return numeric_item(f"¿Qué número entero es {k * b}/{b}?", k,
                            [f"{b}/{b} es 1 entero. ¿Cuántos grupos de {b} hay en {k * b}?"],
                            f"¡Sí! {k * b}/{b} = {k}.",
                            f"{b} {PARTS['es'][b][0]} forman 1, así que {k * b} forman {k}.", 1)
    return item


def t_whole_as_fraction(r):
    b = r.pick([2, 3, 4, 5, 6, 8, 10])

    def item(lang):
        if lang == "en":
            return text_item(f"Write 1 whole as a fraction with denominator {b}.", [frac(b, b)],
                             [f"How many {PARTS['en'][b][0]} make one whole?"],
                             f"Yes: {b}/{b} = 1.",
                             f"One whole is all {b} parts: {b}/{b}.", 2)
        return text_item(f"Escribe 1 entero como una fracción con denominador {b}.",
                         [frac(b, b)], [f"¿Cuántos {PARTS['es'][b][0]} forman un entero?"],
                         f"¡Sí! {b}/{b} = 1.", f"Un entero son las {b} partes: {b}/{b}.", 2)
    return item


def t_number_over_one(r):
    k = r.int(2, 9)

    def item(lang):
        if lang == "en":
            return text_item(f"Write {k} as a fraction with denominator 1.", [frac(k, 1)],
                             ["A denominator of 1 means each part is a whole."],
                             f"Yes: {k}/1 = {k}.", f"{k} wholes are {k}/1.", 2)
        return text_item(f"Escribe {k} como una fracción con denominador 1.", [frac(k, 1)],
                         ["Un denominador 1 quiere decir que cada parte es un entero."],
                         f"¡Sí! {k}/1 = {k}.", f"{k} enteros son {k}/1.", 2)
    return item


def t_which_equals_whole(r):
    k = r.int(2, 4)
    b = r.pick([x for x in (2, 3, 4, 5, 6) if x != k])
    right = frac(k * b, b)
    others = [frac(k, b), frac(b, k), frac(k + b, b)]
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        if lang == "en":
            per_choice = {where[0]: f"{k}/{b} is {k} parts of size 1/{b}, not {k} wholes.",
                          where[2]: f"{k + b}/{b} is 1 whole and {k}/{b} more."}
            return choice_item(lang, f"Which fraction is equal to {k}?", texts, index,
                               [f"Each whole is {b}/{b}. How many {PARTS['en'][b][0]} in {k} "
                                "wholes?"],
                               f"Yes: {k} wholes are {k * b}/{b}.", "", 3, per_choice)
        per_choice = {where[0]: f"{k}/{b} son {k} partes de 1/{b}, no {k} enteros.",
                      where[2]: f"{k + b}/{b} es 1 entero y {k}/{b} más."}
        return choice_item(lang, f"¿Qué fracción es igual a {k}?", texts, index,
                           [f"Cada entero es {b}/{b}. ¿Cuántos {PARTS['es'][b][0]} hay en {k} "
                            "enteros?"],
                           f"¡Sí! {k} enteros son {k * b}/{b}.", "", 3, per_choice)
    return item


def simple_fraction(r, denominators=(2, 3, 4, 5, 6)):
    b = r.pick(list(denominators))
    a = r.int(1, b - 1)
    while math.gcd(a, b) != 1:
        a = r.int(1, b - 1)
    return a, b


def t_equivalent_blank(r, top_missing=True):
    a, b = simple_fraction(r)
    m = r.int(2, 4)

    def item(lang):
        if top_missing:
            prompt = f"{a}/{b} = ___/{b * m}"
            ans = a * m
            hint = {"en": f"The denominator was multiplied by {m}. Do the same to the numerator.",
                    "es": f"El denominador se multiplicó por {m}. Haz lo mismo con el numerador."}
        else:
            prompt = f"{a}/{b} = {a * m}/___"
            ans = b * m
            hint = {"en": f"The numerator was multiplied by {m}. Do the same to the denominator.",
                    "es": f"El numerador se multiplicó por {m}. Haz lo mismo con el denominador."}
        if lang == "en":
            return numeric_item(f"Fill in the blank: {prompt}", ans, [hint["en"]],
                                f"Yes: {a}/{b} = {a * m}/{b * m}.",
                                f"Multiply the numerator and the denominator by {m}: {a}/{b} = "
                                f"{a * m}/{b * m}.", 2 if top_missing else 3)
        return numeric_item(f"Completa: {prompt}", ans, [hint["es"]],
                            f"¡Sí! {a}/{b} = {a * m}/{b * m}.",
                            f"Multiplica el numerador y el denominador por {m}: {a}/{b} = "
                            f"{a * m}/{b * m}.", 2 if top_missing else 3)
    return item


def t_equivalent_choice(r):
    a, b = simple_fraction(r)
    m = r.int(2, 4)
    right = frac(a * m, b * m)
    others = [frac(a + m, b + m), frac(a * m, b), frac(a, b * m)]
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        if lang == "en":
            per_choice = {where[0]: "Adding the same number to the top and the bottom changes the "
                                    "amount; multiply both by the same number instead.",
                          where[1]: "Only the numerator was multiplied; that makes it bigger."}
            return choice_item(lang, f"Which fraction is equal to {a}/{b}?", texts, index,
                               ["Multiply the numerator and the denominator by the same number."],
                               f"Yes: {a}/{b} = {right}.", "", 3, per_choice)
        per_choice = {where[0]: "Sumar el mismo número arriba y abajo cambia la cantidad; "
                                "multiplica los dos por el mismo número.",
                      where[1]: "Solo se multiplicó el numerador, y eso la hace mayor."}
        return choice_item(lang, f"¿Qué fracción es igual a {a}/{b}?", texts, index,
                           ["Multiplica el numerador y el denominador por el mismo número."],
                           f"¡Sí! {a}/{b} = {right}.", "", 3, per_choice)
    return item


def t_equivalent_yes_no(r):
    a, b = simple_fraction(r)
    m = r.int(2, 4)
    same = r.int(0, 1) == 1
    c, d = (a * m, b * m) if same else (a * m + r.pick([-1, 1]), b * m)
    if c <= 0:
        c = a * m + 1

    def item(lang):
        if lang == "en":
            choices = ["Yes", "No"]
            why = (f"Multiply {a}/{b} by {m}/{m}: you get {c}/{d}." if same
                   else f"{a}/{b} = {a * m}/{b * m}, not {c}/{d}.")
            return choice_item(lang, f"Are {a}/{b} and {c}/{d} equivalent fractions?", choices,
                               0 if same else 1,
                               [f"Write {a}/{b} with denominator {d}."],
                               f"Right. {why}", why, 3)
        choices = ["Sí", "No"]
        why = (f"Multiplica {a}/{b} por {m}/{m}: obtienes {c}/{d}." if same
               else f"{a}/{b} = {a * m}/{b * m}, no {c}/{d}.")
        return choice_item(lang, f"¿Son equivalentes las fracciones {a}/{b} y {c}/{d}?", choices,
                           0 if same else 1, [f"Escribe {a}/{b} con denominador {d}."],
                           f"¡Bien! {why}", why, 3)
    return item


def t_compare_same_numerator(r):
    a = r.int(1, 4)
    b, c = r.sample([x for x in [3, 4, 5, 6, 8, 10, 12] if x > a], 2)

    def item(lang):
        big = min(b, c)
        if lang == "en":
            choices = [frac(a, b), frac(a, c), "They are equal"]
            return choice_item(lang, f"Which is larger: {a}/{b} or {a}/{c}?", choices,
                               choices.index(frac(a, big)),
                               [f"Both have {a} {'part' if a == 1 else 'parts'}. Which parts are "
                                f"bigger: {PARTS['en'][b][0]} or {PARTS['en'][c][0]}?"],
                               f"Yes: {PARTS['en'][big][0]} are bigger parts.",
                               f"Same number of parts, and {PARTS['en'][big][0]} are bigger than "
                               f"{PARTS['en'][max(b, c)][0]}: {a}/{big} is larger.", 2)
        choices = [frac(a, b), frac(a, c), "Son iguales"]
        return choice_item(lang, f"¿Qué fracción es mayor: {a}/{b} o {a}/{c}?", choices,
                           choices.index(frac(a, big)),
                           [f"Las dos tienen {a} {'parte' if a == 1 else 'partes'}. ¿Qué partes "
                            f"son más grandes: los {PARTS['es'][b][0]} o los "
                            f"{PARTS['es'][c][0]}?"],
                           f"¡Sí! Los {PARTS['es'][big][0]} son partes más grandes.",
                           f"Hay el mismo número de partes, y los {PARTS['es'][big][0]} son más "
                           f"grandes que los {PARTS['es'][max(b, c)][0]}: {a}/{big} es mayor.", 2)
    return item


def t_compare_same_denominator(r):
    b = r.pick([5, 6, 8, 10, 12])
    a, c = r.sample(list(range(1, b)), 2)

    def item(lang):
        big = max(a, c)
        if lang == "en":
            choices = [frac(a, b), frac(c, b), "They are equal"]
            return choice_item(lang, f"Which is larger: {a}/{b} or {c}/{b}?", choices,
                               choices.index(frac(big, b)),
                               ["The parts are the same size. Which has more of them?"],
                               "Yes: same size parts, and more of them.",
                               f"Same size parts, so more parts is more: {big}/{b} is larger.", 2)
        choices = [frac(a, b), frac(c, b), "Son iguales"]
        return choice_item(lang, f"¿Qué fracción es mayor: {a}/{b} o {c}/{b}?", choices,
                           choices.index(frac(big, b)),
                           ["Las partes son del mismo tamaño. ¿Cuál tiene más?"],
                           "¡Sí! Partes del mismo tamaño, y más partes.",
                           f"Las partes son del mismo tamaño, así que más partes es más: {big}/{b} "
                           "es mayor.", 2)
    return item


def t_compare_unlike(r):
    a, b = simple_fraction(r, (2, 3, 4, 5))
    m = r.int(2, 3)
    d = b * m
    c = a * m + r.pick([-1, 0, 1])
    c = max(1, min(c, d - 1))
    s = sign(a * m, c)

    def item(lang):
        if lang == "en":
            hint = f"Write {a}/{b} with denominator {d} first."
            explain = f"{a}/{b} = {a * m}/{d}, and {a * m}/{d} {s} {c}/{d}, so"
        else:
            hint = f"Primero escribe {a}/{b} con denominador {d}."
            explain = f"{a}/{b} = {a * m}/{d}, y {a * m}/{d} {s} {c}/{d}; por tanto,"
        return sign_item(r, lang, frac(a, b), frac(c, d), s, hint, explain, 4)
    return item


def t_who_ate_more(r):
    n1, n2 = r.sample(NAMES, 2)
    b = r.pick([4, 6, 8, 10, 12])
    a, c = r.sample(list(range(1, b)), 2)

    def item(lang):
        more = n1 if a > c else n2
        if lang == "en":
            choices = [n1, n2, "They ate the same amount"]
            return choice_item(lang, f"{n1} ate {a}/{b} of a pizza. {n2} ate {c}/{b} of another "
                               "pizza of the same size. Who ate more?", choices,
                               choices.index(more), ["Same size pizzas, same size slices."],
                               f"Yes: {max(a, c)}/{b} > {min(a, c)}/{b}.",
                               f"{max(a, c)}/{b} > {min(a, c)}/{b}, so {more} ate more.", 2)
        choices = [n1, n2, "Comieron lo mismo"]
        return choice_item(lang, f"{n1} se comió {a}/{b} de una pizza. {n2} se comió {c}/{b} de "
                           "otra pizza del mismo tamaño. ¿Quién comió más?", choices,
                           choices.index(more), ["Pizzas iguales, trozos iguales."],
                           f"¡Sí! {max(a, c)}/{b} > {min(a, c)}/{b}.",
                           f"{max(a, c)}/{b} > {min(a, c)}/{b}, así que {more} comió más.", 2)
    return item


def t_add_like(r, subtract=False):
    b = r.pick([4, 5, 6, 8, 10, 12])
    if subtract:
        a = r.int(2, b - 1)
        c = r.int(1, a - 1)
    else:
        a = r.int(1, b - 1)
        c = r.int(1, b - a)
    n = a - c if subtract else a + c
    op = MINUS if subtract else "+"

    def item(lang):
        accepted = fraction_answers(n, b)
        if lang == "en":
            what = "Subtract" if subtract else "Add"
            verb = "take away" if subtract else "add"
            return text_item(f"{what}: {a}/{b} {op} {c}/{b}", accepted,
                             [f"The parts are all {PARTS['en'][b][0]}: {verb} the numbers of "
                              "parts and keep the denominator."],
                             f"Yes: {a}/{b} {op} {c}/{b} = {n}/{b}.",
                             f"{parts(a, b, 'en')} {op} {parts(c, b, 'en')} = {parts(n, b, 'en')}: "
                             f"{n}/{b}.", 2)
        what = "Resta" if subtract else "Suma"
        verb = "resta" if subtract else "suma"
        return text_item(f"{what}: {a}/{b} {op} {c}/{b}", accepted,
                         [f"Todas las partes son {PARTS['es'][b][0]}: {verb} cuántas partes hay y "
                          "deja el mismo denominador."],
                         f"¡Sí! {a}/{b} {op} {c}/{b} = {n}/{b}.",
                         f"{parts(a, b, 'es')} {op} {parts(c, b, 'es')} = {parts(n, b, 'es')}: "
                         f"{n}/{b}.", 2)
    return item


def t_add_choice(r):
    b = r.pick([3, 4, 5, 6, 8])
    a = r.int(1, b - 2)
    c = r.int(1, b - 1 - a)
    right = frac(a + c, b)
    others = [frac(a + c, 2 * b), frac(a * c, b), frac(a + c, b * b)]
    if a * c == a + c:
        others[1] = frac(a + c + 1, b)
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        if lang == "en":
            per_choice = {where[0]: f"The denominators are not added: the parts are still "
                                    f"{PARTS['en'][b][0]}.",
                          where[2]: "The denominators are not multiplied either: the parts keep "
                                    "their size."}
            return choice_item(lang, f"{a}/{b} + {c}/{b} = ?", texts, index,
                               ["Count the parts; their size does not change."],
                               f"Yes: {a + c}/{b}.", "", 3, per_choice)
        per_choice = {where[0]: f"Los denominadores no se suman: las partes siguen siendo "
                                f"{PARTS['es'][b][0]}.",
                      where[2]: "Los denominadores tampoco se multiplican: las partes no cambian "
                                "de tamaño."}
        return choice_item(lang, f"{a}/{b} + {c}/{b} = ?", texts, index,
                           ["Cuenta las partes; su tamaño no cambia."], f"¡Sí! {a + c}/{b}.", "",
                           3, per_choice)
    return item


def t_walk(r):
    name = r.pick(NAMES)
    b = r.pick([4, 5, 6, 8, 10])
    a = r.int(1, b - 2)
    c = r.int(1, b - 1 - a)
    n = a + c

    def item(lang):
        forms = fraction_answers(n, b)
        if lang == "en":
            accepted = forms + [f + " km" for f in forms] + [f + " of a kilometer" for f in forms]
            return text_item(f"{name} walked {a}/{b} of a kilometer in the morning and {c}/{b} of "
                             f"a kilometer in the afternoon. How far did {name} walk in all? "
                             "Write a fraction.", accepted,
                             [f"Add the {PARTS['en'][b][0]}: {a} + {c}."],
                             f"Yes: {n}/{b} of a kilometer.",
                             f"{a}/{b} + {c}/{b} = {n}/{b} of a kilometer.", 3)
        accepted = forms + [f + " km" for f in forms] + [f + " de kilómetro" for f in forms]
        return text_item(f"{name} caminó {a}/{b} de kilómetro por la mañana y {c}/{b} de kilómetro "
                         "por la tarde. ¿Cuánto caminó en total? Escribe una fracción.", accepted,
                         [f"Suma los {PARTS['es'][b][0]}: {a} + {c}."],
                         f"¡Sí! {n}/{b} de kilómetro.",
                         f"{a}/{b} + {c}/{b} = {n}/{b} de kilómetro.", 3)
    return item


def mixed_parts(r):
    b = r.pick([3, 4, 5, 6, 8])
    w = r.int(1, 3)
    a = r.int(1, b - 1)
    return w, a, b


def t_mixed_to_fraction(r):
    w, a, b = mixed_parts(r)
    n = w * b + a

    def item(lang):
        if lang == "en":
            return text_item(f"Write {w} {a}/{b} as a fraction.", fraction_answers(n, b),
                             [f"Each whole is {b}/{b}."],
                             f"Yes: {w} {a}/{b} = {n}/{b}.",
                             f"{w} wholes are {w * b}/{b}; add {a}/{b} to get {n}/{b}.", 3)
        return text_item(f"Escribe {w} {a}/{b} como fracción.", fraction_answers(n, b),
                         [f"Cada entero es {b}/{b}."], f"¡Sí! {w} {a}/{b} = {n}/{b}.",
                         f"{w} enteros son {w * b}/{b}; súmale {a}/{b} y obtienes {n}/{b}.", 3)
    return item


def t_fraction_to_mixed(r):
    w, a, b = mixed_parts(r)
    n = w * b + a

    def item(lang):
        if lang == "en":
            return text_item(f"Write {n}/{b} as a mixed number (like 1 2/3).",
                             [f"{w} {a}/{b}", f"{w} {gcd_form(a, b)}"],
                             [f"How many whole groups of {b} are in {n}? What is left over?"],
                             f"Yes: {n}/{b} = {w} {a}/{b}.",
                             f"{n} = {w} × {b} + {a}, so {n}/{b} = {w} {a}/{b}.", 3)
        return text_item(f"Escribe {n}/{b} como número mixto (por ejemplo, 1 2/3).",
                         [f"{w} {a}/{b}", f"{w} {gcd_form(a, b)}"],
                         [f"¿Cuántos grupos enteros de {b} caben en {n}? ¿Cuánto sobra?"],
                         f"¡Sí! {n}/{b} = {w} {a}/{b}.",
                         f"{n} = {w} × {b} + {a}, así que {n}/{b} = {w} {a}/{b}.", 3)
    return item


def t_add_mixed(r):
    w, a, b = mixed_parts(r)
    c = r.int(1, b - 1)
    total = w + (a + c) / b
    whole = w + (a + c) // b
    rest = (a + c) % b
    shown = f"{whole} {rest}/{b}" if rest else str(whole)

    def item(lang):
        if lang == "en":
            return numeric_item(f"Add: {w} {a}/{b} + {c}/{b}. Write a mixed number or a fraction.",
                                total, [f"Add the {PARTS['en'][b][0]} first: {a} + {c}.",
                                        f"If you have {b} or more {PARTS['en'][b][0]}, make "
                                        "another whole."],
                                f"Yes: {shown}.",
                                f"{w} {a}/{b} + {c}/{b} = {w} {a + c}/{b} = {shown}.", 4)
        return numeric_item(f"Suma: {w} {a}/{b} + {c}/{b}. Escribe un número mixto o una "
                            "fracción.", total,
                            [f"Suma primero los {PARTS['es'][b][0]}: {a} + {c}.",
                             f"Si tienes {b} o más {PARTS['es'][b][0]}, forma otro entero."],
                            f"¡Sí! {shown}.",
                            f"{w} {a}/{b} + {c}/{b} = {w} {a + c}/{b} = {shown}.", 4)
    return item


def t_mixed_choice(r):
    w, a, b = mixed_parts(r)
    n = w * b + a
    right = f"{w} {a}/{b}"
    # Wholes off by one, the whole and the numerator swapped, the rest miscounted.
    others = []
    for wrong in [f"{w + 1} {a}/{b}", f"{a} {w}/{b}", f"{w} {b - a}/{b}", f"{w + 2} {a}/{b}",
                  f"{w + 3} {a}/{b}"]:
        if wrong != right and wrong not in others and len(others) < 3:
            others.append(wrong)
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        if lang == "en":
            return choice_item(lang, f"Which mixed number is equal to {n}/{b}?", texts, index,
                               [f"{b}/{b} make 1 whole. How many wholes in {n}/{b}?"],
                               f"Yes: {n}/{b} = {right}.",
                               f"{n} = {w} × {b} + {a}, so {n}/{b} = {right}.", 3)
        return choice_item(lang, f"¿Qué número mixto es igual a {n}/{b}?", texts, index,
                           [f"{b}/{b} forman 1 entero. ¿Cuántos enteros hay en {n}/{b}?"],
                           f"¡Sí! {n}/{b} = {right}.",
                           f"{n} = {w} × {b} + {a}, así que {n}/{b} = {right}.", 3)
    return item


def t_times_whole(r):
    a, b = simple_fraction(r, (3, 4, 5, 6, 8))
    k = r.int(2, 5)

    def item(lang):
        n = k * a
        if lang == "en":
            return numeric_item(f"{k} × {a}/{b} = ?  Write a fraction or a mixed number.", n / b,
                                [f"{k} × {a}/{b} is {k} groups of {a} {PARTS['en'][b][0]}."],
                                f"Yes: {k} × {a}/{b} = {n}/{b}.",
                                f"{k} × {a}/{b} = {k * a}/{b}.", 3)
        return numeric_item(f"{k} × {a}/{b} = ?  Escribe una fracción o un número mixto.", n / b,
                            [f"{k} × {a}/{b} son {k} grupos de {a} {PARTS['es'][b][0]}."],
                            f"¡Sí! {k} × {a}/{b} = {n}/{b}.", f"{k} × {a}/{b} = {k * a}/{b}.", 3)
    return item


def t_times_unit_choice(r):
    b = r.pick([3, 4, 5, 6, 8, 10])
    k = r.int(2, b - 1)
    right = frac(k, b)
    others = [frac(1, k * b), frac(k + 1, b), frac(k * b, 1)]
    texts, index, where = shuffled_choices(r, right, others)

    def item(lang):
        if lang == "en":
            per_choice = {where[0]: f"Multiplying by {k} gives {k} parts of size 1/{b}; the parts "
                                    "do not get smaller."}
            return choice_item(lang, f"Which is the same as {k} × 1/{b}?", texts, index,
                               [f"{k} × 1/{b} = " + " + ".join([f"1/{b}"] * k)],
                               f"Yes: {k} parts of size 1/{b} is {k}/{b}.", "", 2, per_choice)
        per_choice = {where[0]: f"Multiplicar por {k} da {k} partes de tamaño 1/{b}; las partes no "
                                "se hacen más pequeñas."}
        return choice_item(lang, f"¿Qué es igual a {k} × 1/{b}?", texts, index,
                           [f"{k} × 1/{b} = " + " + ".join([f"1/{b}"] * k)],
                           f"¡Sí! {k} partes de tamaño 1/{b} son {k}/{b}.", "", 2, per_choice)
    return item


def t_liters(r):
    k = r.int(2, 6)
    a, b = simple_fraction(r, (2, 3, 4, 5))

    def item(lang):
        n = k * a
        if lang == "en":
            return numeric_item(f"Each of {k} friends drinks {a}/{b} of a liter of water. How many "
                                "liters do they drink in all?", n / b,
                                [f"That is {k} × {a}/{b}."], f"Yes: {n}/{b} liters.",
                                f"{k} × {a}/{b} = {n}/{b} liters.", 3, unit="liters",
                                unit_aliases=["liter", "l", "litres", "litre"])
        return numeric_item(f"Cada uno de {k} amigos bebe {a}/{b} de litro de agua. ¿Cuántos "
                            "litros beben entre todos?", n / b, [f"Es {k} × {a}/{b}."],
                            f"¡Sí! {n}/{b} de litro." if n < b else f"¡Sí! {n}/{b} litros.",
                            f"{k} × {a}/{b} = {n}/{b}.", 3, unit="litros",
                            unit_aliases=["litro", "l"])
    return item


def t_times_unit_blank(r):
    b = r.pick([3, 4, 5, 6, 8, 10, 12])
    k = r.int(2, 9)

    def item(lang):
        if lang == "en":
            return numeric_item(f"Fill in the blank: {k} × 1/{b} = ___/{b}", k,
                                [f"{k} copies of 1/{b}."], f"Yes: {k}/{b}.",
                                f"{k} × 1/{b} is {k} parts of size 1/{b}: {k}/{b}.", 2)
        return numeric_item(f"Completa: {k} × 1/{b} = ___/{b}", k, [f"{k} veces 1/{b}."],
                            f"¡Sí! {k}/{b}.", f"{k} × 1/{b} son {k} partes de 1/{b}: {k}/{b}.", 2)
    return item


def t_tenths_decimal(r, hundredths=False):
    if hundredths:
        a = r.int(11, 99)
        while a % 10 == 0:
            a = r.int(11, 99)
        value, b, places = a / 100, 100, 2
    else:
        a = r.int(1, 9)
        value, b, places = a / 10, 10, 1

    def item(lang):
        shown = dec(value, places, lang)
        if lang == "en":
            name = "hundredths" if hundredths else "tenths"
            return numeric_item(f"Write {a}/{b} as a decimal.", value,
                                [f"{a}/{b} is {a} {name}. "
                                 + ("Hundredths are the second digit after the point."
                                    if hundredths else "Tenths are the first digit after the point.")],
                                f"Yes: {a}/{b} = {shown}.", f"{a} {name} is written {shown}.",
                                3 if hundredths else 2)
        name = "centésimas" if hundredths else "décimas"
        return numeric_item(f"Escribe {a}/{b} como número decimal.", value,
                            [f"{a}/{b} son {a} {name}. "
                             + ("Las centésimas son la segunda cifra después de la coma."
                                if hundredths else "Las décimas son la primera cifra después de la "
                                "coma.")],
                            f"¡Sí! {a}/{b} = {shown}.", f"{a} {name} se escribe {shown}.",
                            3 if hundredths else 2)
    return item


def t_tenths_to_hundredths(r):
    a = r.int(1, 9)

    def item(lang):
        if lang == "en":
            return numeric_item(f"Fill in the blank: {a}/10 = ___/100", a * 10,
                                ["Each tenth is 10 hundredths."], f"Yes: {a}/10 = {a * 10}/100.",
                                f"Multiply the numerator and the denominator by 10: {a * 10}/100.",
                                3)
        return numeric_item(f"Completa: {a}/10 = ___/100", a * 10,
                            ["Cada décima son 10 centésimas."], f"¡Sí! {a}/10 = {a * 10}/100.",
                            f"Multiplica el numerador y el denominador por 10: {a * 10}/100.", 3)
    return item


def t_decimal_choice(r):
    a = r.int(2, 9)

    def item(lang):
        values = [(a / 100, 2), (a / 10, 1), (float(a), 1), (a / 1000, 3)]
        texts = [dec(v, p, lang) for v, p in values]
        order = Rng(f"decimal-choice-{a}").shuffle(range(4))
        shown = [texts[i] for i in order]
        right = order.index(0)
        if lang == "en":
            per_choice = {order.index(1): f"{texts[1]} is {a} tenths, that is {a}/10.",
                          order.index(2): f"{texts[2]} is {a} wholes."}
            return choice_item(lang, f"Which decimal is equal to {a}/100?", shown, right,
                               ["Hundredths are the second digit after the decimal point."],
                               f"Yes: {a} hundredths is {texts[0]}.", "", 3, per_choice)
        per_choice = {order.index(1): f"{texts[1]} son {a} décimas, es decir, {a}/10.",
                      order.index(2): f"{texts[2]} son {a} enteros."}
        return choice_item(lang, f"¿Qué número decimal es igual a {a}/100?", shown, right,
                           ["Las centésimas son la segunda cifra después de la coma."],
                           f"¡Sí! {a} centésimas se escriben {texts[0]}.", "", 3, per_choice)
    return item


# --------------------------------------------------------------------------
# The unit: competencies (a prerequisite graph), one practice lesson each.

COMPETENCIES = [
    # id, standard, prerequisites, (en title, en description), (es title, es description)
    ("math.pv.hundreds", "CCSS.MATH.CONTENT.2.NBT.A.1", [],
     ("Place value to 1,000", "Knows what each digit of a three-digit number is worth: hundreds, "
      "tens and ones."),
     ("Valor posicional hasta 1000", "Sabe cuánto vale cada cifra de un número de tres cifras: "
      "centenas, decenas y unidades.")),
    ("math.pv.expanded", "CCSS.MATH.CONTENT.2.NBT.A.3", ["math.pv.hundreds"],
     ("Expanded form", "Writes a number up to 1,000 as hundreds + tens + ones, and back."),
     ("Forma desarrollada", "Escribe un número hasta 1000 como centenas + decenas + unidades, y al "
      "revés.")),
    ("math.pv.compare", "CCSS.MATH.CONTENT.2.NBT.A.4", ["math.pv.hundreds"],
     ("Comparing numbers to 1,000", "Compares three-digit numbers place by place and writes the "
      "result with <, > or =."),
     ("Comparar números hasta 1000", "Compara números de tres cifras lugar por lugar y escribe el "
      "resultado con <, > o =.")),
    ("math.pv.round", "CCSS.MATH.CONTENT.3.NBT.A.1", ["math.pv.hundreds"],
     ("Rounding to 10 and 100", "Rounds numbers up to 1,000 to the nearest ten or hundred."),
     ("Redondear a la decena y la centena", "Redondea números hasta 1000 a la decena o la centena "
      "más cercana.")),
    ("math.pv.thousands", "CCSS.MATH.CONTENT.4.NBT.A.2", ["math.pv.expanded"],
     ("Place value to 10,000", "Reads and writes four-digit numbers in digits, words and by "
      "place."),
     ("Valor posicional hasta 10 000", "Lee y escribe números de cuatro cifras con cifras, con "
      "palabras y por lugares.")),
    ("math.pv.times-ten", "CCSS.MATH.CONTENT.4.NBT.A.1", ["math.pv.thousands"],
     ("Each place is ten times the next", "Recognizes that a digit is worth ten times what it "
      "would be worth in the place to its right."),
     ("Cada lugar vale diez veces el siguiente", "Reconoce que una cifra vale diez veces lo que "
      "valdría en el lugar de su derecha.")),
    ("math.pv.compare-large", "CCSS.MATH.CONTENT.4.NBT.A.2",
     ["math.pv.thousands", "math.pv.compare"],
     ("Comparing multi-digit numbers", "Compares and orders numbers with four and five digits."),
     ("Comparar números de varias cifras", "Compara y ordena números de cuatro y cinco cifras.")),
    ("math.pv.round-large", "CCSS.MATH.CONTENT.4.NBT.A.3", ["math.pv.round", "math.pv.thousands"],
     ("Rounding multi-digit numbers", "Rounds numbers with four and five digits to any place."),
     ("Redondear números de varias cifras", "Redondea números de cuatro y cinco cifras a "
      "cualquier lugar.")),
    ("math.frac.unit", "CCSS.MATH.CONTENT.3.NF.A.1", [],
     ("Unit fractions", "Understands 1/b as one of b equal parts of a whole."),
     ("Fracciones unitarias", "Entiende 1/b como una de las b partes iguales de un entero.")),
    ("math.frac.parts", "CCSS.MATH.CONTENT.3.NF.A.1", ["math.frac.unit"],
     ("Fractions as equal parts", "Understands a/b as a parts of size 1/b."),
     ("Fracciones como partes iguales", "Entiende a/b como a partes de tamaño 1/b.")),
    ("math.frac.number-line", "CCSS.MATH.CONTENT.3.NF.A.2", ["math.frac.parts"],
     ("Fractions on a number line", "Places fractions on a number line from 0 to 1 as jumps of "
      "1/b."),
     ("Fracciones en la recta numérica", "Ubica fracciones en una recta numérica del 0 al 1 como "
      "saltos de 1/b.")),
    ("math.frac.wholes", "CCSS.MATH.CONTENT.3.NF.A.3.C", ["math.frac.number-line"],
     ("Whole numbers as fractions", "Writes whole numbers as fractions (3 = 3/1, 1 = 4/4) and "
      "recognizes fractions equal to whole numbers."),
     ("Números enteros como fracciones", "Escribe números enteros como fracciones (3 = 3/1, "
      "1 = 4/4) y reconoce fracciones iguales a números enteros.")),
    ("math.frac.equivalent", "CCSS.MATH.CONTENT.3.NF.A.3.B", ["math.frac.number-line"],
     ("Equivalent fractions", "Recognizes and makes equivalent fractions by multiplying the "
      "numerator and denominator by the same number."),
     ("Fracciones equivalentes", "Reconoce y forma fracciones equivalentes multiplicando el "
      "numerador y el denominador por el mismo número.")),
    ("math.frac.compare", "CCSS.MATH.CONTENT.3.NF.A.3.D", ["math.frac.equivalent"],
     ("Comparing fractions", "Compares fractions with the same numerator or denominator, and "
      "others by making the denominators equal."),
     ("Comparar fracciones", "Compara fracciones con el mismo numerador o el mismo denominador, y "
      "otras igualando los denominadores.")),
    ("math.frac.add-like", "CCSS.MATH.CONTENT.4.NF.B.3.A", ["math.frac.wholes"],
     ("Adding and subtracting like fractions", "Adds and subtracts fractions with the same "
      "denominator by joining or taking away parts."),
     ("Sumar y restar fracciones de igual denominador", "Suma y resta fracciones con el mismo "
      "denominador juntando o quitando partes.")),
    ("math.frac.mixed", "CCSS.MATH.CONTENT.4.NF.B.3.C", ["math.frac.add-like"],
     ("Mixed numbers", "Writes mixed numbers as fractions and back, and adds them."),
     ("Números mixtos", "Escribe números mixtos como fracciones y al revés, y los suma.")),
    ("math.frac.times-whole", "CCSS.MATH.CONTENT.4.NF.B.4.B", ["math.frac.add-like"],
     ("Multiplying a fraction by a whole number", "Understands k × a/b as k groups of a/b, and "
      "solves problems with it."),
     ("Multiplicar una fracción por un número entero", "Entiende k × a/b como k grupos de a/b y "
      "resuelve problemas con ello.")),
    ("math.frac.decimals", "CCSS.MATH.CONTENT.4.NF.C.6",
     ["math.frac.equivalent", "math.pv.times-ten"],
     ("Tenths and hundredths as decimals", "Writes fractions with denominator 10 or 100 as "
      "decimals."),
     ("Décimas y centésimas como decimales", "Escribe fracciones con denominador 10 o 100 como "
      "números decimales.")),
]

# Lesson: competency, (en title, es title), minutes, four templates (used three times each).
LESSONS = [
    ("math.pv.hundreds", ("Hundreds, tens and ones", "Centenas, decenas y unidades"), 15,
     [t_digit_value, t_which_digit, t_build_number, t_tens_in_hundreds]),
    ("math.pv.expanded", ("Taking numbers apart", "Descomponer números"), 15,
     [t_expanded_to_number, t_expanded_choice, t_expanded_missing, t_expanded_zero]),
    ("math.pv.compare", ("Which is more?", "¿Cuál es mayor?"), 15,
     [t_compare_sign, t_greatest, t_order, t_who_has_more]),
    ("math.pv.round", ("About how many?", "¿Más o menos cuántos?"), 20,
     [lambda r: t_round(r, 10, 3), lambda r: t_round(r, 100, 3),
      lambda r: t_round_choice(r, 100, 3), lambda r: t_round(r, 100, 3, word_problem=True)]),
    ("math.pv.thousands", ("Thousands", "Las unidades de millar"), 20,
     [lambda r: t_digit_value(r, 4), t_write_in_digits, t_build_thousands, t_where_worth]),
    ("math.pv.times-ten", ("Ten times as much", "Diez veces más"), 20,
     [t_ten_times_digits, t_times_ten, t_hundreds_in_thousands, t_ten_times_choice]),
    ("math.pv.compare-large", ("Comparing big numbers", "Comparar números grandes"), 20,
     [lambda r: t_compare_sign(r, 5), lambda r: t_greatest(r, 4), t_greatest_from_digits,
      lambda r: t_greatest_from_digits(r, smallest=True)]),
    ("math.pv.round-large", ("Rounding big numbers", "Redondear números grandes"), 20,
     [lambda r: t_round(r, 1000, 4), lambda r: t_round(r, 100, 4),
      lambda r: t_round_choice(r, 1000, 5), lambda r: t_round(r, 1000, 5)]),
    ("math.frac.unit", ("One equal part", "Una parte igual"), 15,
     [t_unit_piece, t_how_many_make_whole, t_larger_unit, t_write_unit]),
    ("math.frac.parts", ("Parts of a whole", "Partes de un entero"), 15,
     [t_ate_fraction, t_parts_of_size, t_denominator_parts, t_copies_of_unit]),
    ("math.frac.number-line", ("Jumping along the number line", "Saltos en la recta numérica"),
     20, [t_jumps_land, t_jumps_to_one, t_halfway, t_marks_from_zero]),
    ("math.frac.wholes", ("Wholes in disguise", "Enteros disfrazados"), 15,
     [t_fraction_as_whole, t_whole_as_fraction, t_number_over_one, t_which_equals_whole]),
    ("math.frac.equivalent", ("Same amount, different names", "La misma cantidad, otro nombre"),
     20, [t_equivalent_blank, t_equivalent_choice, t_equivalent_yes_no,
          lambda r: t_equivalent_blank(r, top_missing=False)]),
    ("math.frac.compare", ("Which fraction is bigger?", "¿Qué fracción es mayor?"), 20,
     [t_compare_same_numerator, t_compare_same_denominator, t_compare_unlike, t_who_ate_more]),
    ("math.frac.add-like", ("Adding and taking away parts", "Juntar y quitar partes"), 20,
     [t_add_like, lambda r: t_add_like(r, subtract=True), t_add_choice, t_walk]),
    ("math.frac.mixed", ("Mixed numbers", "Números mixtos"), 25,
     [t_mixed_to_fraction, t_fraction_to_mixed, t_add_mixed, t_mixed_choice]),
    ("math.frac.times-whole", ("Groups of fractions", "Grupos de fracciones"), 20,
     [t_times_whole, t_times_unit_choice, t_liters, t_times_unit_blank]),
    ("math.frac.decimals", ("Tenths and hundredths", "Décimas y centésimas"), 20,
     [t_tenths_decimal, lambda r: t_tenths_decimal(r, hundredths=True), t_tenths_to_hundredths,
      t_decimal_choice]),
]


def build(lang):
    pack = {
        "id": PACK_ID,
        "version": VERSION,
        "title": {"en": "Fractions and place value (grades 3–5)",
                  "es": "Fracciones y valor posicional (3.º a 5.º grado)"}[lang],
        "language": lang,
        "license": {"en": "CC-BY-4.0; written for Cairn by the Cairn project",
                    "es": "CC-BY-4.0; escrito para Cairn por el proyecto Cairn"}[lang],
        "competencies": [],
        "lessons": [],
    }
    for cid, code, needs, en, es in COMPETENCIES:
        title, description = en if lang == "en" else es
        pack["competencies"].append({"id": cid, "title": title, "description": description,
                                     "standard_code": code, "prerequisites": needs})
    for cid, titles, minutes, templates in LESSONS:
        lesson_id = cid + ".practice"
        r = Rng(lesson_id)
        items = []
        prompts = set()
        k = 0
        while len(items) < ITEMS_PER_LESSON:
            template = templates[k % len(templates)]
            k += 1
            # Draw until the question is new in this lesson (numbers are drawn once
            # for both languages, so both files skip the same draws).
            for _ in range(50):
                write = template(r)
                en_item = write("en")
                if en_item["prompt"] not in prompts:
                    break
            prompts.add(en_item["prompt"])
            item = write(lang)
            item_id = f"{cid}.{len(items) + 1:02d}"
            items.append({"id": item_id, **item})
        pack["lessons"].append({
            "id": lesson_id,
            "title": titles[0] if lang == "en" else titles[1],
            "competencies": [cid],
            "minutes": minutes,
            "modality": "practice",
            "items": items,
        })
    return pack


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "content")
    for lang in ("en", "es"):
        path = os.path.join(out_dir, f"{PACK_ID}.{lang}.json")
        text = json.dumps(build(lang), ensure_ascii=False, indent=1) + "\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
