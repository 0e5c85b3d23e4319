"""The one training engine (every registered approach): AdamW, a schedule, a step budget, validation on `val`, best checkpoint, resume, dvclive."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from omr.approaches import Approach, get_approach
from omr.data import (Batch, CachedSample, SampleDataset, WidthBucketSampler, build_augmentation,
                      build_batch_augmentation, collate, load_split)
from omr.models import Checkpoint, ModelConfig, resolve_device, save_checkpoint
from omr.decode.config import RecognizeConfig
from omr.models.checkpoint import read_checkpoint_data
from omr.train.config import RegimeConfig, TrainConfig
from omr.train.curve import CurveProbe, curve_point
from omr.train.validation import validate


@dataclass(frozen=True)
class TrainRun:
    """Everything one training needs: what to train, on what, and where its outputs go."""

    approach: str
    regime: str
    regime_config: RegimeConfig
    model_config: ModelConfig
    train_config: TrainConfig
    dataset_dir: Path
    checkpoint_path: Path  # best weights (models/<approach>-<regime>.pt)
    live_dir: Path | None = None  # dvclive folder; None: no curves
    device: str = "auto"
    resume: bool = False
    progress: bool = True
    recognize_config: RecognizeConfig = RecognizeConfig()  # params.yaml `decode`: how the learning curve decodes

    @property
    def state_path(self) -> Path:
        """Last-step state for --resume; removed once the run completes."""
        return self.checkpoint_path.with_name(self.checkpoint_path.stem + ".resume.pt")


@dataclass(frozen=True)
class TrainResult:
    best: dict[str, float]  # validation figures of the kept checkpoint, plus its step
    seconds: float
    data_wait_share: float
    # The learning curve ({"step", "cpu_seconds", "ser"} per pass; empty where train.<approach>.curve_every names
    # no such regime): cpu_seconds is time.process_time() spent in training steps only (batches and optimizer
    # steps; not validation, curve passes or start-up), summed over the process's threads: ~2x wall time with 2.
    curve: tuple[dict, ...] = ()


def train(run: TrainRun) -> TrainResult:
    """Train one model to its step budget, keeping the checkpoint with the best primary validation metric."""
    approach = get_approach(run.approach)
    config = run.train_config
    approach.check_train_config(config, f"train.{run.approach}")
    config = dataclasses.replace(config, steps=config.steps_for(run.regime, f"train.{run.approach}"))
    torch.set_num_threads(config.threads)
    # Same params, same machine -> bit-identical weights (tests/train/test_determinism.py): deterministic kernels
    # where torch has them (warn_only: it warns, not fails, on an op that has none, e.g. some CUDA backward passes);
    # cuBLAS needs its workspace fixed before its first call for that.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    # torchvision's v2 transforms and the DataLoader workers draw from torch's global generator.
    torch.manual_seed(config.seed)
    device = resolve_device(run.device)
    precision = Precision.of(config, device)
    train_samples = load_split(run.dataset_dir, "train")
    val_samples = load_split(run.dataset_dir, "val")
    if len(train_samples) < config.batch_size:
        raise ValueError(f"{run.dataset_dir}/train: {len(train_samples)} samples, fewer than one batch ({config.batch_size})")
    class_names = approach.class_names([s.label for s in train_samples])
    approach.check_dataset(run.dataset_dir, class_names)
    train_samples = with_targets(approach, train_samples, class_names)
    val_samples = with_targets(approach, val_samples, class_names)
    model = approach.build_model(run.model_config, class_names).to(device).to(memory_format=torch.channels_last)
    loss_fn = precision.full_precision_loss(approach.build_loss(config))
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = _schedule(optimizer, config)
    generator = torch.Generator().manual_seed(config.seed)
    loader = training_loader(approach, train_samples, run.regime_config.augmentation, run.model_config, config,
                             generator, device)
    fingerprint = _fingerprint(run)
    curve_every = config.curve_every_for(run.regime)
    probe = CurveProbe(approach, model, class_names, run.model_config, val_samples, config.curve_samples, device,
                       run.recognize_config, config.val_batch_size) if curve_every else None
    step, best, elapsed, progress = 0, None, 0.0, {"cpu_seconds": 0.0, "curve": []}
    if run.resume:
        step, best, elapsed, progress = _restore(run, fingerprint, model, optimizer, scheduler, generator,
                                                 precision.scaler)
    cpu_seconds, curve = progress["cpu_seconds"], list(progress["curve"])
    live = _live(run, resumed=step > 0)
    primary = approach.primary_metric
    batches = _forever(loader)
    wait = compute = 0.0
    running_loss, running_count = 0.0, 0
    started = time.perf_counter() - elapsed
    model.train()
    with tqdm(total=config.steps, initial=step, desc=f"{run.approach}-{run.regime}", disable=not run.progress) as bar:
        while step < config.steps:
            cpu_tick = time.process_time()
            tick = time.perf_counter()
            batch = next(batches).to(device)
            tock = time.perf_counter()
            with precision.autocast():
                loss = _loss(approach, model, loss_fn, batch)
            precision.optimize(loss, model, optimizer, config.grad_clip)
            scheduler.step()
            cpu_seconds += time.process_time() - cpu_tick
            step += 1
            wait += tock - tick
            compute += time.perf_counter() - tock
            running_loss += float(loss.detach())
            running_count += 1
            bar.update(1)
            if step % config.log_every == 0 or step == config.steps:
                bar.set_postfix(loss=f"{running_loss / running_count:.4f}")
                _log(live, step, {"train/loss": running_loss / running_count, "train/lr": scheduler.get_last_lr()[0]})
                running_loss, running_count = 0.0, 0
            if probe is not None and (step % curve_every == 0 or step == config.steps):
                curve.append(curve_point(step, cpu_seconds, probe.ser()))
            if (config.val_every and step % config.val_every == 0) or step == config.steps:
                figures = validate(approach, model, class_names, val_samples, device, config.val_batch_size, config.threshold)
                _log(live, step, {f"val/{name}": value for name, value in figures.items()})
                bar.set_postfix(loss=f"{float(loss.detach()):.4f}", **{primary: f"{figures[primary]:.4f}"})
                if approach.is_better(figures, best):
                    best = {**figures, "step": step}
                    save_checkpoint(run.checkpoint_path, _checkpoint(run, model, class_names, step, best))
                if step < config.steps:
                    _save_state(run, fingerprint, model, class_names, optimizer, scheduler, generator, step, best,
                                time.perf_counter() - started, precision.scaler,
                                {"cpu_seconds": cpu_seconds, "curve": curve})
    seconds = time.perf_counter() - started
    share = wait / max(wait + compute, 1e-9)
    if live is not None:
        live.summary["seconds"] = round(seconds, 1)
        live.summary["data_wait_share"] = round(share, 4)
        live.end()
    run.state_path.unlink(missing_ok=True)
    return TrainResult(best=best or {}, seconds=seconds, data_wait_share=share, curve=tuple(curve))


def training_loader(approach: Approach, samples: list, augmentation: str, model_config: ModelConfig,
                    config: TrainConfig, generator: torch.Generator, device: torch.device | None = None) -> DataLoader:
    """The training DataLoader: augmented batches of similar widths carrying what the approach learns from. For a
    CUDA `device` the batches come in page-locked memory (Batch.to copies them asynchronously) and workers "auto"
    starts loader processes (TrainConfig.loader_workers); None or CPU: the loader is exactly as before."""
    cuda = device is not None and device.type == "cuda"
    workers = config.loader_workers(cuda)
    transform = build_augmentation(augmentation, approach.staff_normalized(model_config), config.crop_width,
                                   sanitize_boxes=approach.uses_boxes, max_rotation=approach.max_rotation)
    return DataLoader(
        SampleDataset(samples, transform, with_mask=approach.uses_masks),
        batch_sampler=WidthBucketSampler([s.image.shape[-1] for s in samples], config.batch_size, generator),
        collate_fn=functools.partial(collate, transform=build_batch_augmentation(augmentation)),
        num_workers=workers,
        persistent_workers=workers > 0,
        pin_memory=cuda,
    )


def with_targets(approach: Approach, samples: list[CachedSample], class_names: tuple[str, ...]) -> list[CachedSample]:
    """The samples with the approach's per-sample targets, computed once here rather than in every step."""
    targets = [approach.sample_target(s.label, class_names) for s in samples]
    if all(target is None for target in targets):
        return samples
    return [dataclasses.replace(s, target=target) for s, target in zip(samples, targets)]


@dataclass(frozen=True)
class Precision:
    """How a run computes: `dtype` None is plain float32 (every CPU run); else CUDA autocast to bfloat16 or float16,
    with a GradScaler for float16 (its narrow exponent underflows small gradients; bfloat16 has float32's range)."""

    dtype: torch.dtype | None = None
    device_type: str = "cpu"
    scaler: torch.amp.GradScaler | None = None

    @staticmethod
    def of(config: TrainConfig, device: torch.device) -> "Precision":
        # amp is ignored on CPU: these cores (AMD EPYC, no AVX512-BF16/AMX) have no native bfloat16 math, so CPU
        # autocast would emulate it and run slower, and our LSTM/CTC/SSD ops gain nothing; ignoring it keeps every CPU
        # figure bit-identical to a run without amp (tests/train/test_amp_and_loaders.py).
        if not config.amp or device.type != "cuda":
            return Precision()
        if torch.cuda.is_bf16_supported():
            return Precision(torch.bfloat16, "cuda")
        return Precision(torch.float16, "cuda", torch.amp.GradScaler("cuda"))

    def autocast(self) -> contextlib.AbstractContextManager:
        """Around the forward pass and the loss (never the backward pass or the optimizer step)."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device_type, dtype=self.dtype)

    def full_precision_loss(self, loss_fn):
        """The approach's loss, computed in float32 under autocast (CTC's log-probabilities and Jaccard's sums lose
        too much in 16 bits); None (SSD computes its own losses, which autocast already runs in float32) stays None."""
        if self.dtype is None or loss_fn is None:
            return loss_fn
        return Float32Loss(loss_fn, self.device_type)

    def optimize(self, loss: torch.Tensor, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                 grad_clip: float | None) -> None:
        """Backward pass, optional gradient clipping and the optimizer step, through the scaler when there is one."""
        optimizer.zero_grad(set_to_none=True)
        if self.scaler is None:
            loss.backward()
            if grad_clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
            optimizer.step()
            return
        self.scaler.scale(loss).backward()
        if grad_clip is not None:
            self.scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        self.scaler.step(optimizer)  # skipped when a gradient overflowed; the scale then shrinks
        self.scaler.update()


class Float32Loss:
    """A loss whose floating-point inputs are cast to float32 and which runs with autocast off."""

    def __init__(self, loss_fn, device_type: str) -> None:
        self.loss_fn, self.device_type = loss_fn, device_type

    def __call__(self, *args, **kwargs):
        args = [_float32(x) for x in args]
        kwargs = {name: _float32(x) for name, x in kwargs.items()}
        with torch.autocast(device_type=self.device_type, enabled=False):
            return self.loss_fn(*args, **kwargs)


def _float32(value):
    # Targets, lengths and masks (integer, bool) are left as they are.
    return value.float() if isinstance(value, torch.Tensor) and value.is_floating_point() else value


def _loss(approach: Approach, model: torch.nn.Module, loss_fn, batch: Batch) -> torch.Tensor:
    # One step's loss; a function of its own so tests can count the steps a run trains.
    return approach.loss(model, loss_fn, batch)


def _schedule(optimizer: torch.optim.Optimizer, config: TrainConfig) -> torch.optim.lr_scheduler.LRScheduler:
    if config.schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=config.lr, total_steps=config.steps, pct_start=max(config.warmup, 1e-3)
        )
    if config.schedule == "cosine":
        warmup = max(1, int(config.warmup * config.steps))

        def factor(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, config.steps - warmup)))

        return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)


def _forever(loader: DataLoader) -> Iterator[Batch]:
    while True:
        yield from loader


def _checkpoint(run: TrainRun, model: torch.nn.Module, class_names, step: int, figures: dict) -> Checkpoint:
    state = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in model.state_dict().items()}
    return Checkpoint(run.approach, run.regime, run.model_config, tuple(class_names), state, step, dict(figures))


def _fingerprint(run: TrainRun) -> str:
    """What must match for a resume to continue the same run: configs and the dataset's meta."""
    meta_path = Path(run.dataset_dir) / "meta.json"
    text = json.dumps(
        [run.approach, run.regime, asdict(run.regime_config), asdict(run.model_config), asdict(run.train_config),
         meta_path.read_text(encoding="utf-8") if meta_path.is_file() else ""],
        sort_keys=True, default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _save_state(run, fingerprint, model, class_names, optimizer, scheduler, generator, step, best, elapsed,
                scaler=None, progress: dict | None = None) -> None:
    checkpoint = _checkpoint(run, model, class_names, step, best or {})
    extra = {
        "fingerprint": fingerprint,
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "generator": generator.get_state(),
        "torch_rng": torch.get_rng_state(),
        "best": best,
        "elapsed": elapsed,
        "progress": progress or {"cpu_seconds": 0.0, "curve": []},  # the learning curve so far
    }
    if scaler is not None:  # float16 AMP: the loss scale it has found belongs to the run
        extra["grad_scaler"] = scaler.state_dict()
    save_checkpoint(run.state_path, checkpoint, extra=extra)


def _restore(run, fingerprint, model, optimizer, scheduler, generator,
             scaler=None) -> tuple[int, dict | None, float, dict]:
    """Load the last saved state when it belongs to this very run; else start from step 0 (and say why). The last
    item is the learning curve so far and the training CPU-seconds it had reached."""
    fresh = {"cpu_seconds": 0.0, "curve": []}
    if not run.state_path.is_file():
        return 0, None, 0.0, fresh
    data = read_checkpoint_data(run.state_path)
    extra = data.get("extra", {})
    if extra.get("fingerprint") != fingerprint:
        tqdm.write(f"{run.state_path}: saved by a run with other params or data; starting from step 0")
        return 0, None, 0.0, fresh
    model.load_state_dict(data["state_dict"])
    optimizer.load_state_dict(extra["optimizer"])
    scheduler.load_state_dict(extra["scheduler"])
    generator.set_state(extra["generator"])
    torch.set_rng_state(extra["torch_rng"])
    if scaler is not None and "grad_scaler" in extra:
        scaler.load_state_dict(extra["grad_scaler"])
    tqdm.write(f"{run.state_path}: resuming at step {data['step']}")
    return int(data["step"]), extra.get("best"), float(extra.get("elapsed", 0.0)), extra.get("progress", fresh)


def _live(run: TrainRun, resumed: bool):
    if run.live_dir is None:
        return None
    from dvclive import Live

    # PITFALLS: the defaults would rewrite the project's dvc.yaml and save a DVC experiment during `dvc repro`.
    return Live(dir=str(run.live_dir), save_dvc_exp=False, dvcyaml=False, resume=resumed, report=None)


def _log(live, step: int, values: dict[str, float]) -> None:
    if live is None:
        return
    live.step = step
    for name, value in values.items():
        live.log_metric(name, float(value))
    live.make_summary()
