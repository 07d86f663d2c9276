"""Factual sentences generated from countries-list. Templates, not countries, are held out:
the model sees every fact in training phrasings and is evaluated on phrasings it never saw."""
import json
import os
import random

from sources import CACHE

ROOT = os.path.join(CACHE, 'npm', 'countries-list', 'package')

# {c} = country, {a} = answer. Training templates are full sentences.
TRAIN_TEMPLATES = {
    'capital': ['The capital of {c} is {a}.', '{a} is the capital of {c}.',
                'The capital city of {c} is {a}.', 'The government of {c} sits in {a}.'],
    'continent': ['{c} is a country in {a}.', '{c} lies in {a}.',
                  '{c} is located on the continent of {a}.', 'The continent of {c} is {a}.'],
    'currency': ['The currency of {c} is the {a}.', 'In {c}, people pay with the {a}.',
                 'The {a} is the currency of {c}.', 'The official currency of {c} is the {a}.'],
    'language': ['The official language of {c} is {a}.', 'People in {c} speak {a}.',
                 '{a} is spoken in {c}.', 'In {c}, the main language is {a}.'],
}

# Held-out templates are prompts that end right before the answer (never seen in training).
HELDOUT_TEMPLATES = {
    'capital': ['Ask anyone in {c} and they will tell you that the capital is'],
    'continent': ['On a map of the world, you will find {c} in'],
    'currency': ['When you go shopping in {c}, you pay with the'],
    'language': ['The language you will hear most in {c} is'],
}


def load_facts():
    """[(country, relation, answer)] for every country with a capital."""
    countries = json.load(open(os.path.join(ROOT, 'countries.min.json'), encoding='utf-8'))
    continents = json.load(open(os.path.join(ROOT, 'continents.min.json'), encoding='utf-8'))
    currencies = json.load(open(os.path.join(ROOT, 'currencies.min.json'), encoding='utf-8'))
    languages = json.load(open(os.path.join(ROOT, 'languages.min.json'), encoding='utf-8'))
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
    return facts


def training_documents(facts, paragraphs_per_country=12, seed=0):
    """Short paragraphs about one country each, mixing the training templates in random order.
    Many paragraphs per country so the facts recur often enough for a small model to learn them."""
    rng = random.Random(seed)
    by_country = {}
    for c, rel, a in facts:
        by_country.setdefault(c, []).append((rel, a))
    docs = []
    for c, rels in by_country.items():
        for k in range(paragraphs_per_country):
            sentences = [rng.choice(TRAIN_TEMPLATES[rel]).format(c=c, a=a) for rel, a in rels]
            rng.shuffle(sentences)
            docs.append({'source': 'facts', 'doc_id': f'{c}:{k}', 'text': ' '.join(sentences)})
    return docs


def heldout_prompts(facts):
    """Evaluation prompts in held-out templates; the answer is what should follow (with its leading space)."""
    prompts = []
    for c, rel, a in facts:
        for t in HELDOUT_TEMPLATES[rel]:
            prompts.append({'relation': rel, 'country': c, 'prompt': t.format(c=c), 'answer': ' ' + a})
    return prompts
