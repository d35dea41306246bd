#!/usr/bin/python3
"""PyTorch CPU peer of CollapseLab's diffusion denoisers (src/CollapseLab/Families/Diffusion), same architectures.

MLP denoiser (D=2, H=128, 3 layers, time embedding 32): time MLP E->H SiLU H->H; h = SiLU(fc_in x + time);
2 blocks h = SiLU(fc h); fc_out H->D. U-Net (28x28, C=32): conv_in; res(C); stride-2 down; res(2C); stride-2
down; res(2C); nearest up + conv, concat skip, conv, res(2C); up + conv, concat skip, conv, res(C);
GroupNorm(8) SiLU conv_out. Each step: t ~ U{0..T-1}, eps ~ N(0,1), loss = mean((eps - net(x_t, t))^2),
backward, AdamW (lr 1e-3, no weight decay). Reports the median step time over rounds for --seconds per model,
as items/s (the U-Net also with its median CPU time per step, all threads); sampling: the median time of one
denoiser forward at batch 1024 (MLP), as samples x steps / s.
torch.set_num_threads(--threads, default 2). Usage: /usr/bin/python3 diffusion_torch.py [--seconds 20] [--threads 2]
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim, max_period=10000.0):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class Mlp(nn.Module):
    def __init__(self, d=2, h=128, layers=3, e=32):
        super().__init__()
        self.e = e
        self.t1, self.t2 = nn.Linear(e, h), nn.Linear(h, h)
        self.fc_in = nn.Linear(d, h)
        self.blocks = nn.ModuleList(nn.Linear(h, h) for _ in range(layers - 1))
        self.fc_out = nn.Linear(h, d)

    def forward(self, x, t):
        temb = self.t2(F.silu(self.t1(timestep_embedding(t, self.e))))
        h = F.silu(self.fc_in(x) + temb)
        for fc in self.blocks:
            h = F.silu(fc(h))
        return self.fc_out(h)


class Res(nn.Module):
    def __init__(self, ch, tch):
        super().__init__()
        self.n1, self.c1 = nn.GroupNorm(min(8, ch), ch), nn.Conv2d(ch, ch, 3, padding=1)
        self.time = nn.Linear(tch, ch)
        self.n2, self.c2 = nn.GroupNorm(min(8, ch), ch), nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x))) + self.time(temb)[:, :, None, None]
        return x + self.c2(F.silu(self.n2(h)))


class UNet(nn.Module):
    def __init__(self, c=32, e=32):
        super().__init__()
        self.e = e
        self.t1 = nn.Linear(e, 2 * c)
        self.conv_in = nn.Conv2d(1, c, 3, padding=1)
        self.res0, self.down0 = Res(c, 2 * c), nn.Conv2d(c, 2 * c, 3, stride=2, padding=1)
        self.res1, self.down1 = Res(2 * c, 2 * c), nn.Conv2d(2 * c, 2 * c, 3, stride=2, padding=1)
        self.res_mid = Res(2 * c, 2 * c)
        self.up1, self.merge1, self.res_up1 = nn.Conv2d(2 * c, 2 * c, 3, padding=1), nn.Conv2d(4 * c, 2 * c, 3, padding=1), Res(2 * c, 2 * c)
        self.up0, self.merge0, self.res_up0 = nn.Conv2d(2 * c, c, 3, padding=1), nn.Conv2d(2 * c, c, 3, padding=1), Res(c, 2 * c)
        self.norm_out, self.conv_out = nn.GroupNorm(min(8, c), c), nn.Conv2d(c, 1, 3, padding=1)

    def forward(self, x, t):
        b = x.shape[0]
        temb = F.silu(self.t1(timestep_embedding(t, self.e)))
        h0 = self.res0(self.conv_in(x.view(b, 1, 28, 28)), temb)
        h1 = self.res1(self.down0(h0), temb)
        mid = self.res_mid(self.down1(h1), temb)
        u1 = self.up1(F.interpolate(mid, scale_factor=2, mode="nearest"))
        u1 = self.res_up1(self.merge1(torch.cat([u1, h1], 1)), temb)
        u0 = self.up0(F.interpolate(u1, scale_factor=2, mode="nearest"))
        u0 = self.res_up0(self.merge0(torch.cat([u0, h0], 1)), temb)
        return self.conv_out(F.silu(self.norm_out(u0))).view(b, -1)


def median_ms(fn, seconds, per_round):
    """Median wall ms per call over rounds, and the median CPU ms (all the process's threads) beside it."""
    fn()  # warm-up
    times, cpu, start = [], [], time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < 4:
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(per_round):
            fn()
        times.append((time.perf_counter() - t0) * 1000 / per_round)
        cpu.append((time.process_time() - c0) * 1000 / per_round)
    times.sort()
    cpu.sort()
    return times[len(times) // 2], len(times), cpu[len(cpu) // 2]


def train_step(net, opt, x0, steps=1000):
    b = x0.shape[0]
    t = torch.randint(0, steps, (b,))
    bar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, steps), 0)[t][:, None]
    eps = torch.randn_like(x0)
    loss = ((net(bar.sqrt() * x0 + (1 - bar).sqrt() * eps, t) - eps) ** 2).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    load = open("/proc/loadavg").read().split()[0]
    print(f"torch {torch.__version__}, {a.threads} threads, load {load}")
    mlp = Mlp()
    opt = torch.optim.AdamW(mlp.parameters(), lr=1e-3, weight_decay=0.0)
    x = torch.randn(1024, 2)
    ms, n, cpu = median_ms(lambda: train_step(mlp, opt, x), a.seconds, 20)
    print(f"MLP denoiser train step, batch 1024: median {ms:.2f} ms/step over {n} rounds = {1024 * 1000 / ms:,.0f} rows/s")
    with torch.no_grad():
        t = torch.full((1024,), 10)
        ms, n, cpu = median_ms(lambda: mlp(x, t), a.seconds / 2, 50)
    print(f"MLP denoiser sampling step, batch 1024: median {ms:.3f} ms/step = {1024 * 1000 / ms:,.0f} sample-steps/s")
    unet = UNet()
    opt = torch.optim.AdamW(unet.parameters(), lr=1e-3, weight_decay=0.0)
    img = torch.rand(64, 784) * 2 - 1
    ms, n, cpu = median_ms(lambda: train_step(unet, opt, img), a.seconds, 2)
    print(f"U-Net train step, batch 64: median {ms:.1f} ms/step over {n} rounds = {64 * 1000 / ms:,.0f} images/s; CPU (all threads) {cpu:.1f} ms/step")


if __name__ == "__main__":
    main()
