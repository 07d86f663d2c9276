#!/bin/sh
# Trains the three models one after another (amateur first: it is fast). The wall-clock budgets
# are what fit our shared 2-core build machine; set AMATEUR_MIN / EXPERT_MIN to train longer.
set -e
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
AMATEUR_MIN=${AMATEUR_MIN:-7}
EXPERT_MIN=${EXPERT_MIN:-73}
nice -n 10 $PY train.py --name amateur --n_layer 1 --n_embd 128 --n_head 4 --batch 16 --lr 2e-3 \
  --steps 100000 --minutes "$AMATEUR_MIN" --eval_every 25 --eval_batches 4 $RESUME
# expert-early is the expert's own run at 12% of its training (O'Brien & Lewis's amateur).
nice -n 10 $PY train.py --name expert --n_layer 8 --n_embd 192 --n_head 6 --batch 8 --lr 1e-3 \
  --steps 100000 --minutes "$EXPERT_MIN" --eval_every 50 --eval_batches 8 --snapshot_at 0.12:expert-early $RESUME
