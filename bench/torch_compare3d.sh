#!/usr/bin/env bash
# Times one training step and one forward pass of the suite's 3D U-Net (dimensions=3: depth 3, 16 base
# channels, batch norm, dropout 0.3/0.4/0.5 towards the bottleneck, 3x3x3 convolutions, isotropic so z is
# pooled at every level, nearest upsampling, 2 softmax outputs; Adam; CE) at batch 2 x 16 slices x 64x64
# in PyTorch (Conv3d; Debian's python3-torch, installed here if missing: a benchmark script, not run by CI)
# and in the suite (bench/TrainStep3DBench.java), in the same run, and prints the ratio suite/PyTorch.
# Goal (issue #26): ratio <= 1.0. Output saved to bench/results/torch_compare3d.txt. ROUNDS (3) alternating
# rounds; medians. SIZE, SLICES, BATCH change the input.
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
size="${SIZE:-64}"; slices="${SLICES:-16}"; batch="${BATCH:-2}"
pyfile="$(mktemp --suffix=.py)"
out="$(mktemp)"
trap 'rm -f "$pyfile" "$out"' EXIT  # no temporary files left behind, also after an error
{
echo "# torch_compare3d  $(date -u +%Y-%m-%dT%H:%MZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo "# input: batch $batch x $slices slices x ${size}x${size}; seeds: torch.manual_seed(0), suite weights seed 42, data SplittableRandom(1)"
echo "# machine: $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg)"
cat > "$pyfile" <<'PY'
import sys, time, statistics, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
layout = sys.argv[2]; size, slices, batch = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def block(i, o, p):
    layers = [nn.Conv3d(i, o, 3, padding=1, bias=False), nn.BatchNorm3d(o), nn.ReLU(inplace=True),
              nn.Conv3d(o, o, 3, padding=1, bias=False), nn.BatchNorm3d(o), nn.ReLU(inplace=True)]
    if p > 0: layers.append(nn.Dropout(p))
    return nn.Sequential(*layers)
class UNet3D(nn.Module):
    def __init__(s, base=16, depth=3, classes=2):
        super().__init__()
        ch = [base << l for l in range(depth + 1)]
        drop = [0.0] * (depth + 1)
        for k, v in zip(range(depth, -1, -1), [0.5, 0.4, 0.3]): drop[k] = v
        s.enc = nn.ModuleList([block(1 if l == 0 else ch[l - 1], ch[l], drop[l]) for l in range(depth + 1)])
        s.dec = nn.ModuleList([block(ch[l + 1] + ch[l], ch[l], 0) for l in range(depth - 1, -1, -1)])
        s.head = nn.Conv3d(ch[0], classes, 1)
    def forward(s, x):
        skips = []
        for l, e in enumerate(s.enc):
            if l > 0: x = F.max_pool3d(x, 2)
            x = e(x); skips.append(x)
        for i, d in enumerate(s.dec):
            skip = skips[-2 - i]
            x = F.interpolate(x, size=skip.shape[2:], mode="nearest")
            x = d(torch.cat([skip, x], 1))
        return s.head(x)
net = UNet3D()
x = torch.rand(batch, 1, slices, size, size); y = (x[:, 0] > 0.5).long()
if layout == "channels_last_3d":
    net = net.to(memory_format=torch.channels_last_3d); x = x.contiguous(memory_format=torch.channels_last_3d)
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
# Rounds alternate PyTorch and the suite so that both see the same machine state; ratios use the medians.
for round in $(seq "$rounds"); do
  echo "# round $round  (load $(cut -d' ' -f1 /proc/loadavg))"
  for layout in ncdhw channels_last_3d; do "$py" "$pyfile" "$threads" "$layout" "$size" "$slices" "$batch"; done
  env -u TF_ENABLE_ONEDNN_OPTS bench/run.sh TrainStep3DBench 10 "$size" "$slices" "$batch" | grep '^train_step_ms\|^forward_ms\|^parameters'
  TF_ENABLE_ONEDNN_OPTS=1 bench/run.sh TrainStep3DBench 10 "$size" "$slices" "$batch" | grep '^train_step_ms\|^forward_ms' | sed 's/^/onednn_/'
done
echo "# machine: load after $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
med() { grep "^$1 " "$out" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for kind in "" onednn_; do
  ours="$(med ${kind}train_step_ms)"; ourf="$(med ${kind}forward_ms)"
  for layout in ncdhw channels_last_3d; do
    t="$(med torch_${layout}_train_step_ms)"; f="$(med torch_${layout}_forward_ms)"
    "$py" -c "print('${kind}median_train_step_ms %s vs torch_${layout} %s: ${kind}ratio_train_step_vs_torch_${layout} %.2f   ${kind}ratio_forward_vs_torch_${layout} %.2f' % ('$ours', '$t', $ours/$t, $ourf/$f))" | tee -a "$out"
  done
done
mkdir -p bench/results
mv "$out" bench/results/torch_compare3d.txt
rm -f bench/results/TrainStep3DBench.txt  # the last round's single run; the rounds are in torch_compare3d.txt
echo "saved bench/results/torch_compare3d.txt" >&2
