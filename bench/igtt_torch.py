#!/usr/bin/python3
"""Cross-check of the suite's iGTT: an independent PyTorch implementation written from
../shared/docs/algorithms.md section 3 (not from the suite's Java code), run on the same stacks.

It answers one question: does the accuracy gap on the synthetic filaments and tubes come from the
suite's TensorFlow-Java implementation, or from the method on these images? Different framework,
different U-Net (textbook: two 3x3 conv + batch norm + ReLU per level, max pooling, transposed
convolutions), whole 256x256 images or 128x128 crops.

Usage (Debian: apt-get install python3-torch python3-skimage python3-tifffile; bench/igtt_torch.sh installs
them and runs the filaments and tubes, 3 seeds, two schedules, into bench/results/igtt_torch.txt):
  /usr/bin/python3 bench/igtt_torch.py IMAGE.tif GT.tif [key=value ...]
Keys (defaults = the reference schedule): epochs=100 lr=0.05 lr_step=20 wd=0.001 batch=2 crop=0
(0 = whole images) steps=0 (0 = one pass over the images) base=16 levels=4 k=30 r=1 p=0.1 ems=1 seed=1
"""
import os, sys, time, math
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
import tifffile
from skimage.morphology import skeletonize
from skimage.filters import threshold_otsu, gaussian


def args():
    a = dict(epochs=100, lr=0.05, lr_step=20, wd=0.001, batch=2, crop=0, steps=0, base=16, levels=4,
             k=30, r=1, p=0.1, ems=1, seed=1)
    for kv in sys.argv[3:]:
        key, val = kv.split("=", 1)
        if key not in a:
            sys.exit(f"unknown key {key}: use one of {', '.join(a)}")
        a[key] = type(a[key])(val)
    return a


class UNet(nn.Module):
    def __init__(self, base, levels):
        super().__init__()
        ch = [base * 2 ** i for i in range(levels)]
        self.down = nn.ModuleList()
        c_in = 1
        for c in ch:
            self.down.append(self.block(c_in, c))
            c_in = c
        self.up, self.dec = nn.ModuleList(), nn.ModuleList()
        for c in reversed(ch[:-1]):
            self.up.append(nn.ConvTranspose2d(c_in, c, 2, stride=2))
            self.dec.append(self.block(2 * c, c))
            c_in = c
        self.out = nn.Conv2d(c_in, 1, 1)

    @staticmethod
    def block(i, o):
        return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(inplace=True),
                             nn.Conv2d(o, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(inplace=True))

    def forward(self, x):
        skips = []
        for i, d in enumerate(self.down):
            x = d(x)
            if i < len(self.down) - 1:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for u, d in zip(self.up, self.dec):
            x = d(torch.cat([u(x), skips.pop()], 1))
        return torch.sigmoid(self.out(x))


def dmi_loss(p, y):
    """Per image U = [p; 1-p][y; 1-y]^T (raw sums), loss -log(|det U| + 0.001), batch mean."""
    p, y = p.flatten(1), y.flatten(1)
    a, b = (p * y).sum(1), (p * (1 - y)).sum(1)
    c, d = ((1 - p) * y).sum(1), ((1 - p) * (1 - y)).sum(1)
    return (-torch.log(torch.abs(a * d - b * c) + 0.001)).mean()


def soft_iou_loss(p, y):
    """Reference form: 1 - sum(py) / (sum(p^2 + y) - sum(py) + 1e-10), per image, batch mean."""
    p, y = p.flatten(1), y.flatten(1)
    inter = (p * y).sum(1)
    return (1 - inter / ((p * p + y).sum(1) - inter + 1e-10)).mean()


def dmi_det(p, y):
    """|det U| of one image (numpy float64 arrays): the candidate with the largest one has the lowest DMI."""
    a = float((p * y).sum()); b = float((p * (1 - y)).sum())
    c = float(((1 - p) * y).sum()); d = float(((1 - p) * (1 - y)).sum())
    return abs(a * d - b * c)


def choose_candidate(prob, k):
    """K thresholds evenly from min to max; candidates k = 1..K-2; lowest DMI wins."""
    ts = np.linspace(prob.min(), prob.max(), k)
    p64 = prob.astype(np.float64)
    best, best_det = None, -1.0
    for t in ts[1:k - 1]:
        cand = (prob > t).astype(np.float64)
        det = dmi_det(p64, cand)
        if det > best_det:
            best, best_det = cand, det
    return best.astype(bool)


def ems(mask, r, p, rng):
    """Invert a majority-foreground mask, skeletonize, shift each pixel by U{-r..r} per axis, keep ceil(p n)."""
    if mask.mean() > 0.5:
        mask = ~mask
    ys, xs = np.nonzero(skeletonize(mask))
    out = np.zeros(mask.shape, np.float32)
    n = len(ys)
    if n == 0:
        return out
    ys = np.clip(ys + rng.integers(-r, r + 1, n), 0, mask.shape[0] - 1)
    xs = np.clip(xs + rng.integers(-r, r + 1, n), 0, mask.shape[1] - 1)
    keep = rng.permutation(n)[:int(math.ceil(p * n))]
    out[ys[keep], xs[keep]] = 1
    return out


def dice(a, b):
    return (2 * np.logical_and(a, b).sum() + 1e-5) / (a.sum() + b.sum() + 1e-5)


def auc(prob, gt):
    order = np.argsort(prob.ravel(), kind="mergesort")
    g = gt.ravel()[order]
    ranks = np.arange(1, len(g) + 1)  # ties are rare in a float map; ignored
    npos = g.sum(); nneg = len(g) - npos
    return float((ranks[g].sum() - npos * (npos + 1) / 2) / (npos * nneg)) if npos and nneg else 0.5


def predict(net, x):
    net.eval()
    with torch.no_grad():
        return net(torch.from_numpy(x[:, None])).numpy()[:, 0]


def main():
    a = args()
    for f in sys.argv[1:3]:
        if not os.path.isfile(f):
            sys.exit(f"{f} does not exist: give an image stack and its ground truth (TIFF)")
    torch.set_num_threads(2)
    torch.manual_seed(a["seed"]); rng = np.random.default_rng(a["seed"])
    img = tifffile.imread(sys.argv[1]).astype(np.float32)
    gt = tifffile.imread(sys.argv[2]) > 0
    if img.ndim == 2:
        img, gt = img[None], gt[None]
    x = (img - img.mean((1, 2), keepdims=True)) / img.std((1, 2), keepdims=True)  # per-image z-score
    n, h, w = x.shape
    smooth = [gaussian(s, 1, preserve_range=True) for s in img]
    otsu = np.mean([dice(sm > threshold_otsu(sm), g) for sm, g in zip(smooth, gt)])
    print(f"# igtt_torch {sys.argv[1]} {a}")
    print(f"images {n} of {h}x{w}, truth foreground {100 * gt.mean():.1f}%, Gaussian+Otsu Dice {otsu:.4f}")
    net = UNet(a["base"], a["levels"])
    opt = torch.optim.SGD(net.parameters(), lr=a["lr"], momentum=0.9, weight_decay=a["wd"])
    sched = torch.optim.lr_scheduler.StepLR(opt, a["lr_step"], 0.1)
    labels = np.zeros_like(x)  # labels start all black
    steps = a["steps"] or max(1, math.ceil(n * (1 if a["crop"] == 0 else (h // a["crop"]) * (w // a["crop"])) / a["batch"]))
    t0 = time.time()
    for epoch in range(1, a["epochs"] + 1):
        net.train()
        for _ in range(steps):
            idx = rng.integers(0, n, a["batch"])
            xb, yb = x[idx], labels[idx]
            if a["crop"]:
                c = a["crop"]; oy = rng.integers(0, h - c + 1); ox = rng.integers(0, w - c + 1)
                xb, yb = xb[:, oy:oy + c, ox:ox + c], yb[:, oy:oy + c, ox:ox + c]
            if rng.random() < 0.5:
                xb, yb = xb[:, :, ::-1], yb[:, :, ::-1]
            xt = torch.from_numpy(np.ascontiguousarray(xb[:, None]))
            yt = torch.from_numpy(np.ascontiguousarray(yb[:, None]))
            pr = net(xt)
            loss = dmi_loss(pr, yt) + soft_iou_loss(pr, yt)
            opt.zero_grad(); loss.backward(); opt.step()
        sched.step()
        prob = predict(net, x)
        cands = np.stack([choose_candidate(pi, a["k"]) for pi in prob])
        labels = np.stack([ems(c, a["r"], a["p"], rng) for c in cands]) if a["ems"] else cands.astype(np.float32)
        if epoch % 5 == 0 or epoch == 1:
            d = np.mean([dice(c, g) for c, g in zip(cands, gt)])
            di = np.mean([dice(~c, g) for c, g in zip(cands, gt)])
            print(f"epoch {epoch:3d}: loss {loss.item():.4f}, candidate {100 * cands.mean():.1f}% of pixels, "
                  f"Dice {d:.3f} (complement {di:.3f}), AUC {auc(prob, gt):.3f}, {time.time() - t0:.0f} s", flush=True)
    # final mask: the last candidate; polarity: the minority phase (what EMS also skeletonizes)
    final = np.stack([c if c.mean() <= 0.5 else ~c for c in cands])
    d = np.mean([dice(f, g) for f, g in zip(final, gt)])
    # or: the polarity whose pixels are brighter in the image (bright objects expected)
    bright = np.stack([c if img[i][c].mean() >= img[i][~c].mean() else ~c for i, c in enumerate(cands)])
    db = np.mean([dice(f, g) for f, g in zip(bright, gt)])
    a_ = auc(prob, gt)
    pr = prob if a_ >= 0.5 else 1 - prob
    a_ = max(a_, 1 - a_)
    oracle = max(np.mean([dice(pi > t, g) for pi, g in zip(pr, gt)]) for t in np.linspace(0.02, 0.98, 49))
    print(f"RESULT Dice {d:.4f} (minority polarity), {db:.4f} (brighter polarity), oracle-threshold Dice {oracle:.4f}, AUC {a_:.3f}, "
          f"Otsu {otsu:.4f}, {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
