#!/bin/sh
# Trains the three models one after another (amateur first: it is the shorter run). Runs are fixed in optimizer
# steps, so the same command gives the same models however busy the machine is; on an idle 2-core
# CPU with bf16 instructions the amateur takes about 8 minutes and the expert about 97 (training/README.md).
#
#   DEVICE=cuda sh train_family.sh    the GPU recipe: the same models trained on 4x the tokens in
#                                     about 10 minutes on one large GPU (see README.md)
set -e
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
DEVICE=${DEVICE:-cpu}
# The amateur is kept well short of convergence on purpose: contrastive decoding needs an amateur
# clearly weaker than the expert (Li et al.'s is 12x smaller), and the same recipe serves both devices.
# It needs the expert's failure, though: two layers, so it can form induction heads and continue a
# repeated stretch, and a quarter of its training windows turned into loops (train.py loop_window),
# so it expects the loops a greedy expert falls into more than the expert does (training/README.md).
AMATEUR="--n_layer 2 --n_embd 128 --n_head 4 --repeat_frac 0.25 --batch 8 --steps ${AMATEUR_STEPS:-8000} --lr 2e-3 --eval_every 500"
# --reseed_at 2852 repeats a restart of the batch sampler that the shipped expert's run went through
# (it was resumed there, before checkpoints kept the sampler's state; README.md).
if [ "$DEVICE" = cuda ]; then
  EXPERT="--batch 32 --accum 1 --steps 25000 --lr 1e-3 --warmup 500 --eval_every 1000 --eval_batches 16 --compile"
else
  EXPERT="--batch 8 --accum 2 --steps ${EXPERT_STEPS:-10000} --lr 1e-3 --warmup 300 --eval_every 250 --eval_batches 8 --reseed_at 2852"
fi
nice -n 10 $PY train.py --device "$DEVICE" --name amateur $AMATEUR $RESUME
# expert-early is the expert's own run at 12% of its training (O'Brien & Lewis's amateur). The later
# snapshots are kept for choosing amateurs (training/loop_probe.py); none is shipped.
nice -n 10 $PY train.py --device "$DEVICE" --name expert --n_layer 8 --n_embd 224 --n_head 4 $EXPERT \
  --snapshot_at 0.12:expert-early,0.3:expert-30,0.6:expert-60 $RESUME
