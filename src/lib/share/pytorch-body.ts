/**
 * The configuration-independent part of the exported PyTorch script: losses,
 * optimizer, data, the (optionally distributed) training loop and evaluation.
 * It reads the settings the generated header defines (HIDDEN, BETA, ...).
 */
export const PYTORCH_BODY = String.raw`

# --- Loss: per image, in nats -------------------------------------------------
def loss_terms(logits, x, mu, log_var, recon):
    """Reconstruction and KL terms per image, summed over pixels / latent dimensions."""
    if recon == "bce":
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
    else:
        # The app's "mse": sum of squared errors between sigmoid(logits) and the image.
        rec = (torch.sigmoid(logits) - x).pow(2).sum(dim=1)
    kl = 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(dim=1)
    return rec, kl


def beta_at(step, beta, warmup):
    """Linear KL warm-up over 'warmup' steps, as in the app (step counts from 0)."""
    return beta * min(1.0, step / warmup) if warmup > 0 else beta


class TfjsRMSprop(torch.optim.Optimizer):
    """tf.js's RMSProp, which the app uses: v = decay * v + (1 - decay) * g^2, then
    p -= lr * g / sqrt(v + eps). torch.optim.RMSprop puts eps outside the root
    (g / (sqrt(v) + eps)), which takes much larger steps while v is tiny."""

    def __init__(self, params, lr, decay, eps):
        super().__init__(params, dict(lr=lr, decay=decay, eps=eps))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["square_avg"] = torch.zeros_like(p)
                v = state["square_avg"]
                v.mul_(group["decay"]).addcmul_(p.grad, p.grad, value=1.0 - group["decay"])
                p.addcdiv_(p.grad, (v + group["eps"]).sqrt(), value=-group["lr"])


def make_optimizer(name, params, lr):
    # The app's optimizers (tf.js), with the app's epsilon and RMSProp decay.
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=ADAM_EPS)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "rmsprop":
        return TfjsRMSprop(params, lr=lr, decay=RMSPROP_DECAY, eps=RMSPROP_EPS)
    raise ValueError(f"unknown optimizer {name}")


# --- Data ---------------------------------------------------------------------
def load_packed_mnist(path):
    """The app's own digits (static/data/mnist.bin) with its fixed split: for each digit
    the last 200 images of its file are test. Returns (train_x, test_x)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:8] != b"VAEDIGIT":
        raise SystemExit(f"{path} is not the app's packed digit file")
    version, count, per_image = struct.unpack_from("<III", raw, 8)
    if version != 1 or per_image != PIXELS or len(raw) != 24 + count * (1 + PIXELS):
        raise SystemExit(f"{path}: unexpected version, image size or length")
    labels = list(raw[24:24 + count])
    pixels = torch.frombuffer(bytearray(raw[24 + count:]), dtype=torch.uint8).reshape(count, PIXELS)
    per_class = [labels.count(d) for d in range(10)]
    seen = [0] * 10
    train, test = [], []
    for i, d in enumerate(labels):
        (test if seen[d] >= per_class[d] - 200 else train).append(i)
        seen[d] += 1
    to_float = lambda idx: pixels[torch.tensor(idx)].float() / 255.0
    return to_float(train), to_float(test)


def load_mnist(data_dir, download, fake, packed):
    """MNIST as flat float tensors in [0, 1]: (train_x, test_x)."""
    if fake:
        # For checking the pipeline without a download: random 'images'.
        g = torch.Generator().manual_seed(0)
        return torch.rand(2048, PIXELS, generator=g), torch.rand(512, PIXELS, generator=g)
    if packed:
        return load_packed_mnist(packed)
    from torchvision import datasets

    train = datasets.MNIST(data_dir, train=True, download=download)
    test = datasets.MNIST(data_dir, train=False, download=download)
    to_float = lambda d: d.data.reshape(-1, PIXELS).float() / 255.0
    return to_float(train), to_float(test)


# --- The app's shuffle: the same batches in the same order ---------------------
M32 = 0xFFFFFFFF


def imul(a, b):
    return ((a & M32) * (b & M32)) & M32


def mix_seed(a, b):
    """The app's mixSeed (src/lib/data/rng.ts), in unsigned 32-bit arithmetic."""
    h = imul(a ^ 0x9E3779B9, 0x85EBCA6B) ^ imul(b + 0x632BE5AB, 0xC2B2AE35)
    h ^= h >> 16
    h = imul(h, 0x7FEB352D)
    h ^= h >> 15
    return h & M32


def seeded_permutation(n, seed):
    """The app's Fisher-Yates shuffle driven by mulberry32."""
    a = seed & M32
    out = list(range(n))
    for i in range(n - 1, 0, -1):
        a = (a + 0x6D2B79F5) & M32
        t = imul(a ^ (a >> 15), a | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
        r = ((t ^ (t >> 14)) & M32) / 4294967296
        j = int(r * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def epoch_batches(n, batch, seed, epoch):
    """Global batches of one epoch: the app's permutation for (seed, epoch), the incomplete last batch dropped."""
    order = torch.tensor(seeded_permutation(n, mix_seed(seed, epoch)))
    return [order[k * batch:(k + 1) * batch] for k in range(n // batch)]


# --- Distributed setup ---------------------------------------------------------
def setup_distributed():
    """(rank, world_size, device). torchrun sets RANK, WORLD_SIZE and LOCAL_RANK."""
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        rank = int(os.environ["RANK"])
        world_size = int(os.environ["WORLD_SIZE"])
        local_rank = int(os.environ.get("LOCAL_RANK", 0))
        if torch.cuda.is_available():
            torch.cuda.set_device(local_rank)
            device = torch.device("cuda", local_rank)
            dist.init_process_group("nccl")
        else:
            device = torch.device("cpu")
            dist.init_process_group("gloo")
        return rank, world_size, device
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return 0, 1, device


@torch.no_grad()
def evaluate(model, test_x, device, batch):
    """Test recon, KL and -ELBO (recon + KL, i.e. beta = 1) in nats per image, one z sample each."""
    model.eval()
    totals = torch.zeros(2, dtype=torch.float64)
    for start in range(0, len(test_x), batch):
        x = test_x[start:start + batch].to(device)
        logits, mu, log_var = model(x)
        rec, kl = loss_terms(logits, x, mu, log_var, RECON)
        totals += torch.stack([rec.sum(), kl.sum()]).double().cpu()
    model.train()
    rec, kl = (totals / len(test_x)).tolist()
    return rec, kl, rec + kl


def main():
    parser = argparse.ArgumentParser(description="Train the VAE exported from VAE Playground on MNIST.")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch", type=int, default=BATCH, help="global batch size (split across processes)")
    parser.add_argument("--lr", type=float, default=LR)
    parser.add_argument("--beta", type=float, default=BETA)
    parser.add_argument("--warmup", type=int, default=WARMUP, help="KL warm-up steps (0 = off)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--data-dir", default="./data")
    parser.add_argument("--out", default="vae_playground.pt", help="where rank 0 saves the trained weights")
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0 = no limit)")
    parser.add_argument("--fake-data", action="store_true", help="random data instead of MNIST (a quick pipeline check)")
    parser.add_argument("--packed-mnist", default="", help="the app's digit file (static/data/mnist.bin) and its fixed split instead of torchvision's MNIST")
    args = parser.parse_args()

    rank, world_size, device = setup_distributed()
    is_main = rank == 0
    random.seed(args.seed)
    torch.manual_seed(args.seed)  # the same initial weights on every process

    if args.batch % world_size != 0:
        raise SystemExit(f"--batch {args.batch} must be divisible by the number of processes ({world_size})")
    per_rank_batch = args.batch // world_size

    # Rank 0 downloads first, so processes do not write the same files at once.
    if is_main:
        train_x, test_x = load_mnist(args.data_dir, True, args.fake_data, args.packed_mnist)
    if world_size > 1:
        dist.barrier()
    if not is_main:
        train_x, test_x = load_mnist(args.data_dir, False, args.fake_data, args.packed_mnist)

    model = VAE().to(device)
    net = DDP(model, device_ids=[device.index] if device.type == "cuda" else None) if world_size > 1 else model
    optimizer = make_optimizer(OPTIMIZER, net.parameters(), args.lr)
    torch.manual_seed(args.seed + 7 + rank)  # different noise per process

    steps_per_epoch = len(train_x) // args.batch

    if is_main:
        print(f"device {device}, {world_size} process(es), {len(train_x)} train / {len(test_x)} test images, "
              f"batch {args.batch}, {OPTIMIZER} lr {args.lr}, beta {args.beta}, warm-up {args.warmup}")
        rec, kl, nelbo = evaluate(model, test_x, device, 500)
        print(f"epoch 0 (untrained): test recon {rec:.2f}  KL {kl:.2f}  -ELBO {nelbo:.2f} nats/image")

    step = 0
    done = False
    for epoch in range(1, args.epochs + 1):
        sums = torch.zeros(3, device=device)
        # Like the app: a fresh seeded shuffle each epoch; each process takes its slice of the global batch.
        for indices in epoch_batches(len(train_x), args.batch, args.seed, epoch - 1):
            x = train_x[indices[rank * per_rank_batch:(rank + 1) * per_rank_batch]].to(device, non_blocking=True)
            beta = beta_at(step, args.beta, args.warmup)
            logits, mu, log_var = net(x)
            rec, kl = loss_terms(logits, x, mu, log_var, RECON)
            loss = rec.mean() + beta * kl.mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if not math.isfinite(loss.item()):
                raise SystemExit(f"the loss became non-finite at step {step}; try a smaller learning rate")
            sums += torch.stack([rec.mean().detach(), kl.mean().detach(), loss.detach()])
            step += 1
            if args.max_steps and step >= args.max_steps:
                done = True
                break
        batches = max(1, steps_per_epoch if not done else (step - (epoch - 1) * steps_per_epoch))
        if world_size > 1:
            dist.all_reduce(sums)
            sums /= world_size
        if is_main:
            tr_rec, tr_kl, tr_loss = (sums / batches).tolist()
            rec, kl, nelbo = evaluate(model, test_x, device, 500)
            print(f"epoch {epoch} step {step}: train loss {tr_loss:.2f} (recon {tr_rec:.2f}, KL {tr_kl:.2f})  "
                  f"test recon {rec:.2f}  KL {kl:.2f}  -ELBO {nelbo:.2f} nats/image")
        if world_size > 1:
            dist.barrier()
        if done:
            break

    if is_main:
        config = {"hidden": HIDDEN, "latent": LATENT, "act": ACTIVATION, "recon": RECON, "beta": args.beta,
                  "warmup": args.warmup, "opt": OPTIMIZER, "lr": args.lr, "batch": args.batch, "seed": args.seed}
        torch.save({"config": config, "step": step, "state_dict": model.state_dict()}, args.out)
        print(f"saved {args.out}")
    if world_size > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
