"""A character-level LSTM language model: embedding, a 2-layer LSTM with dropout, gradient
clipping, a few Adam steps, then sampling with a seeded generator.

Run as ``python char_lstm.py torch`` or ``... graphgrad``: the output must agree.
"""

import importlib
import sys

torch = importlib.import_module(sys.argv[1])
nn = importlib.import_module(sys.argv[1] + ".nn")
F = importlib.import_module(sys.argv[1] + ".nn.functional")
torch.set_default_dtype(torch.float64)  # printed digits must not hang on float32 rounding
text = """the quick brown fox jumps over the lazy dog. a stitch in time saves nine.
all that glitters is not gold. the early bird catches the worm. look before you leap."""
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = dict(enumerate(chars))
data = torch.tensor([stoi[c] for c in text])


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed=12, hidden=24):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=2, dropout=0.1, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


torch.manual_seed(42)
model = CharLSTM(len(chars))
print(model)
print(sum(p.numel() for p in model.parameters()), "parameters")
opt = torch.optim.Adam(model.parameters(), lr=0.02)
seq_len, batch = 12, 6
for step in range(10):
    starts = torch.randint(len(data) - seq_len - 1, (batch,)).tolist()
    x = torch.stack([data[i : i + seq_len] for i in starts])
    y = torch.stack([data[i + 1 : i + seq_len + 1] for i in starts])
    logits, _ = model(x)
    loss = F.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    print(f"step {step} loss {loss.item():.6f} grad norm {norm.item():.6f}")
model.eval()
g = torch.Generator().manual_seed(7)
with torch.no_grad():
    x, state, out = torch.tensor([[stoi["t"]]]), None, ["t"]
    for _ in range(60):
        logits, state = model(x, state)
        ix = torch.multinomial(F.softmax(logits[0, -1], dim=-1), 1, generator=g).item()
        out.append(itos[ix])
        x = torch.tensor([[ix]])
print(repr("".join(out)))
h, c = state
print(h.shape, c.shape, f"{h.abs().sum().item():.6f}")
