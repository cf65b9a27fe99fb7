#!/usr/bin/env bash
# Times one training step and one forward pass of the default U-Net (depth 3, 16 base channels, batch
# norm, PyMIC-like dropout, nearest upsampling, 2 softmax outputs; Adam; CE) at batch 4 x 256x256 in
# PyTorch (Debian's python3-torch, installed here if missing: this is a benchmark script, not run by CI)
# and in the suite (bench/TrainStepBench.java), in the same run, and prints the ratio suite/PyTorch.
# Goal: ratio <= 0.8. Output saved to bench/results/torch_compare.txt. ROUNDS (3) alternating rounds; medians.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
py=/usr/bin/python3  # Debian's interpreter: python3-torch installs there
if ! "$py" -c "import torch" 2>/dev/null; then
  echo "installing python3-torch (Debian)..." >&2
  apt-get install -y python3-torch >&2 || { apt-get update >&2 && apt-get install -y python3-torch >&2; }
fi
threads="$(nproc)"
rounds="${ROUNDS:-3}"
pyfile="$(mktemp --suffix=.py)"
# TensorFlow 2.18 turns its oneDNN kernels on by default only on CPUs with AVX-512 VNNI and newer; the
# suite's command line turns them on everywhere (scripts/noisy-labels), Fiji users set
# TF_ENABLE_ONEDNN_OPTS=1 themselves. The suite is measured both ways.
out="$(mktemp)"
trap 'rm -f "$pyfile" "$out"' EXIT  # no temporary files left behind, also after an error
{
echo "# torch_compare  $(date -u +%Y-%m-%dT%H:%MZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo "# machine: $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg)"
cat > "$pyfile" <<'PY'
import sys, time, statistics, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
layout = sys.argv[2]
def block(i, o, p):
    layers = [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True),
              nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]
    if p > 0: layers.append(nn.Dropout(p))
    return nn.Sequential(*layers)
class UNet(nn.Module):
    def __init__(s, base=16, depth=3, classes=2):
        super().__init__()
        ch = [base << l for l in range(depth + 1)]
        drop = [0.0] * (depth + 1)
        for k, v in zip(range(depth, -1, -1), [0.5, 0.4, 0.3]): drop[k] = v
        s.enc = nn.ModuleList([block(1 if l == 0 else ch[l - 1], ch[l], drop[l]) for l in range(depth + 1)])
        s.dec = nn.ModuleList([block(ch[l + 1] + ch[l], ch[l], 0) for l in range(depth - 1, -1, -1)])
        s.head = nn.Conv2d(ch[0], classes, 1)
    def forward(s, x):
        skips = []
        for l, e in enumerate(s.enc):
            if l > 0: x = F.max_pool2d(x, 2)
            x = e(x); skips.append(x)
        for i, d in enumerate(s.dec):
            skip = skips[-2 - i]
            x = F.interpolate(x, size=skip.shape[2:], mode="nearest")
            x = d(torch.cat([skip, x], 1))
        return s.head(x)
net = UNet()
x = torch.rand(4, 1, 256, 256); y = (x[:, 0] > 0.5).long()
if layout == "channels_last":
    net = net.to(memory_format=torch.channels_last); x = x.contiguous(memory_format=torch.channels_last)
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5)
times = []
for i in range(13):
    t0 = time.perf_counter()
    opt.zero_grad(); loss = F.cross_entropy(net(x), y); loss.backward(); opt.step()
    if i >= 3: times.append((time.perf_counter() - t0) * 1000)
net.eval(); ft = []
with torch.no_grad():
    for i in range(12):
        t0 = time.perf_counter(); net(x)
        if i >= 2: ft.append((time.perf_counter() - t0) * 1000)
print(f"torch_{layout}_train_step_ms {statistics.median(times):.1f}")
print(f"torch_{layout}_forward_ms {statistics.median(ft):.1f}")
print(f"# torch {torch.__version__}, {sys.argv[1]} threads, params {sum(p.numel() for p in net.parameters())}")
PY
# Rounds alternate PyTorch and the suite so that both see the same machine state (this 2-core machine's
# speed drifts by 10-25 % within minutes); the ratios use the medians over the rounds.
for round in $(seq "$rounds"); do
  echo "# round $round"
  for layout in nchw channels_last; do "$py" "$pyfile" "$threads" "$layout"; done
  env -u TF_ENABLE_ONEDNN_OPTS bench/run.sh TrainStepBench 10 256 4 false | grep '^train_step_ms\|^forward_ms'
  TF_ENABLE_ONEDNN_OPTS=1 bench/run.sh TrainStepBench 10 256 4 false | grep '^train_step_ms\|^forward_ms' | sed 's/^/onednn_/'
done
echo "# suite with TensorFlow's default kernels (Fiji unless TF_ENABLE_ONEDNN_OPTS=1 is set): full run"
env -u TF_ENABLE_ONEDNN_OPTS bench/run.sh TrainStepBench 10 256 4 | grep -v '^#' | sed 's/^/full_/'
echo "# suite with TF_ENABLE_ONEDNN_OPTS=1: full run"
TF_ENABLE_ONEDNN_OPTS=1 bench/run.sh TrainStepBench 10 256 4 | grep -v '^#' | sed 's/^/full_onednn_/'
echo "# machine: load after $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
med() { grep "^$1 " "$out" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for kind in "" onednn_; do
  ours="$(med ${kind}train_step_ms)"; ourf="$(med ${kind}forward_ms)"
  for layout in nchw channels_last; do
    t="$(med torch_${layout}_train_step_ms)"; f="$(med torch_${layout}_forward_ms)"
    "$py" -c "print('${kind}median_train_step_ms %s vs torch_${layout} %s: ${kind}ratio_train_step_vs_torch_${layout} %.2f   ${kind}ratio_forward_vs_torch_${layout} %.2f' % ('$ours', '$t', $ours/$t, $ourf/$f))" | tee -a "$out"
  done
done
mkdir -p bench/results
mv "$out" bench/results/torch_compare.txt
echo "saved bench/results/torch_compare.txt" >&2
